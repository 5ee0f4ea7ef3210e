//! One-time bind codes: six digits, shown in the mini program, sent in chat as `绑定 123456`.

use super::Invalid;

pub const VALID_MINUTES: i64 = 10;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BindCode(String);

impl BindCode {
    /// Exactly six ASCII digits; full-width digits typed on a Chinese keyboard are accepted.
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let digits: String = value
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                other => other,
            })
            .collect();
        if digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(Invalid::new("code", "绑定码应为 6 位数字"))
        }
    }

    pub fn generate() -> Self {
        Self(format!(
            "{:06}",
            crate::infra::random::in_range(0..1_000_000)
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_digits_only() {
        assert_eq!(BindCode::parse(" 012345 ").unwrap().as_str(), "012345");
        assert_eq!(BindCode::parse("０１２３４５").unwrap().as_str(), "012345");
        assert!(BindCode::parse("12345").is_err());
        assert!(BindCode::parse("1234567").is_err());
        assert!(BindCode::parse("12a456").is_err());
        assert_eq!(BindCode::generate().as_str().len(), 6);
    }
}
