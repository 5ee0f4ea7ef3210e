//! Education levels (学历层次) a counselor is responsible for.

use serde::{Deserialize, Serialize};

use super::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EducationLevel {
    Associate,
    Bachelor,
    Master,
    Doctor,
}

impl EducationLevel {
    pub const ALL: [EducationLevel; 4] = [
        EducationLevel::Associate,
        EducationLevel::Bachelor,
        EducationLevel::Master,
        EducationLevel::Doctor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Associate => "associate",
            Self::Bachelor => "bachelor",
            Self::Master => "master",
            Self::Doctor => "doctor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Associate => "专科",
            Self::Bachelor => "本科",
            Self::Master => "硕士研究生",
            Self::Doctor => "博士研究生",
        }
    }

    /// One bit per level, for sets stored as an integer.
    pub fn bit(self) -> i32 {
        match self {
            Self::Associate => 1,
            Self::Bachelor => 2,
            Self::Master => 4,
            Self::Doctor => 8,
        }
    }

    /// Accepts the code (`bachelor`) or the Chinese label (`本科`), as spreadsheets carry either.
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let value = value.trim();
        Self::ALL
            .into_iter()
            .find(|level| level.as_str() == value || level.label() == value)
            .ok_or_else(|| {
                Invalid::new(
                    "education_levels",
                    format!("学历层次“{value}”无效，应为专科、本科、硕士研究生或博士研究生"),
                )
            })
    }
}

/// A non-empty set of levels, without duplicates, in canonical order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EducationLevels(Vec<EducationLevel>);

impl EducationLevels {
    pub fn parse<S: AsRef<str>>(values: &[S]) -> Result<Self, Invalid> {
        let mut levels = values
            .iter()
            .map(|v| EducationLevel::parse(v.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        levels.sort();
        levels.dedup();
        if levels.is_empty() {
            return Err(Invalid::new("education_levels", "请至少选择一个学历层次"));
        }
        Ok(Self(levels))
    }

    pub fn as_slice(&self) -> &[EducationLevel] {
        &self.0
    }

    pub fn contains(&self, level: EducationLevel) -> bool {
        self.0.contains(&level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_labels() {
        assert_eq!(EducationLevel::parse("本科"), Ok(EducationLevel::Bachelor));
        assert_eq!(EducationLevel::parse("doctor"), Ok(EducationLevel::Doctor));
        assert!(EducationLevel::parse("小学").is_err());
    }

    #[test]
    fn levels_are_deduplicated_and_never_empty() {
        let levels = EducationLevels::parse(&["master", "本科", "bachelor"]).unwrap();
        assert_eq!(
            levels.as_slice(),
            &[EducationLevel::Bachelor, EducationLevel::Master]
        );
        assert!(EducationLevels::parse::<&str>(&[]).is_err());
    }
}
