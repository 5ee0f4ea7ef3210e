//! Login names.

use super::Invalid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// 3–64 characters of letters, digits and `_ . @ -`; stored lowercased so logins ignore case.
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let value = value.trim();
        let ok = (3..=64).contains(&value.len())
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '@' | '-'));
        if ok {
            Ok(Self(value.to_ascii_lowercase()))
        } else {
            Err(Invalid::new(
                "username",
                "用户名须为 3–64 位字母、数字或 _ . @ -",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's display name: 1–32 characters after trimming.
pub fn parse_person_name(value: &str) -> Result<String, Invalid> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 32 {
        return Err(Invalid::new("name", "姓名须为 1–32 个字符"));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercases_and_limits_characters() {
        assert_eq!(Username::parse(" Admin ").unwrap().as_str(), "admin");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("张三").is_err());
        assert!(Username::parse("a b c").is_err());
    }
}
