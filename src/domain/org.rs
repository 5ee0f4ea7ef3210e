//! The org tree: ministry → province → university → college.

use serde::{Deserialize, Serialize};

use super::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Ministry,
    Province,
    University,
    College,
}

impl OrgKind {
    pub const ALL: [OrgKind; 4] = [
        Self::Ministry,
        Self::Province,
        Self::University,
        Self::College,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ministry => "ministry",
            Self::Province => "province",
            Self::University => "university",
            Self::College => "college",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Ministry => "教育部",
            Self::Province => "省份",
            Self::University => "高校",
            Self::College => "院系",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    /// The kind of unit that may sit directly below this one.
    pub fn child(self) -> Option<Self> {
        match self {
            Self::Ministry => Some(Self::Province),
            Self::Province => Some(Self::University),
            Self::University => Some(Self::College),
            Self::College => None,
        }
    }

    /// Codes: provinces use the 2-digit GB/T 2260 prefix, universities the national 5-digit
    /// school code, colleges a short code of their university's own choosing.
    pub fn parse_code(self, value: &str) -> Result<String, Invalid> {
        let value = value.trim();
        let all_digits = value.chars().all(|c| c.is_ascii_digit());
        let ok = match self {
            Self::Ministry => !value.is_empty() && value.len() <= 32,
            Self::Province => value.len() == 2 && all_digits,
            Self::University => value.len() == 5 && all_digits,
            Self::College => {
                (1..=32).contains(&value.len())
                    && value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            }
        };
        if ok {
            Ok(value.to_string())
        } else {
            let rule = match self {
                Self::Ministry => "1–32 个字符",
                Self::Province => "2 位数字（行政区划代码前两位）",
                Self::University => "5 位数字（全国高校代码）",
                Self::College => "1–32 位字母、数字、- 或 _",
            };
            Err(Invalid::new(
                "code",
                format!("{}代码“{value}”无效，应为{rule}", self.label()),
            ))
        }
    }
}

/// A unit's display name: 1–100 characters after trimming.
pub fn parse_unit_name(value: &str) -> Result<String, Invalid> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 100 {
        return Err(Invalid::new("name", "名称须为 1–100 个字符"));
    }
    Ok(value.to_string())
}

/// Materialised path of a unit, `/1/7/42/`: a unit's subtree is every path with it as prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgPath(String);

impl OrgPath {
    pub fn root(id: i32) -> Self {
        Self(format!("/{id}/"))
    }

    pub fn child(&self, id: i32) -> Self {
        Self(format!("{}{id}/", self.0))
    }

    pub fn from_db(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `other` is this unit or lies below it.
    pub fn covers(&self, other: &str) -> bool {
        other.starts_with(&self.0)
    }

    /// The `LIKE` pattern matching this subtree. Paths hold only digits and slashes, so no escaping.
    pub fn like_pattern(&self) -> String {
        format!("{}%", self.0)
    }

    /// The paths of the unit and every unit above it, root first.
    pub fn lineage(&self) -> Vec<String> {
        let mut path = String::from("/");
        self.ids()
            .into_iter()
            .map(|id| {
                path.push_str(&format!("{id}/"));
                path.clone()
            })
            .collect()
    }

    /// The ids on the path from the root down to the unit itself.
    pub fn ids(&self) -> Vec<i32> {
        self.0
            .split('/')
            .filter_map(|part| part.parse().ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cover_their_subtree_only() {
        let province = OrgPath::root(1).child(7);
        let school = province.child(42);
        assert!(province.covers(school.as_str()));
        assert!(!school.covers(province.as_str()));
        // /1/7/ must not cover /1/71/.
        assert!(!province.covers(OrgPath::root(1).child(71).as_str()));
        assert_eq!(school.ids(), vec![1, 7, 42]);
        assert_eq!(school.lineage(), vec!["/1/", "/1/7/", "/1/7/42/"]);
    }

    #[test]
    fn codes_follow_each_kind() {
        assert!(OrgKind::University.parse_code("10284").is_ok());
        assert!(OrgKind::University.parse_code("1028").is_err());
        assert!(OrgKind::Province.parse_code("32").is_ok());
        assert!(OrgKind::Province.parse_code("320000").is_err());
        assert!(OrgKind::College.parse_code("cs-01").is_ok());
        assert!(OrgKind::College.parse_code("计算机").is_err());
    }
}
