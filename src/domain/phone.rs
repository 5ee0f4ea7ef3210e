//! Mainland China mobile numbers.

use std::fmt;

use super::Invalid;

/// Eleven digits starting with 1 and a network digit 3–9: the only form a counselor can get SMS on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MobilePhone(String);

impl MobilePhone {
    /// Accepts spaces, dashes and a +86 / 0086 prefix as people type them.
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let digits: String = value
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
            .collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .unwrap_or(&digits);
        let bytes = digits.as_bytes();
        let valid = bytes.len() == 11
            && bytes.iter().all(u8::is_ascii_digit)
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1]);
        if valid {
            Ok(Self(digits.to_string()))
        } else {
            Err(Invalid::new(
                "phone",
                format!("手机号“{}”无效，请填写 11 位中国大陆手机号", value.trim()),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 138****1234: how a phone appears in lists and logs.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks any stored phone-like string; shorter strings are fully starred.
pub fn mask(phone: &str) -> String {
    if phone.len() == 11 && phone.is_ascii() {
        format!("{}****{}", &phone[..3], &phone[7..])
    } else {
        "*".repeat(phone.chars().count())
    }
}

impl fmt::Display for MobilePhone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_ways_of_writing_a_number() {
        for input in [
            "13812341234",
            "138 1234 1234",
            "+86 138-1234-1234",
            "008613812341234",
        ] {
            assert_eq!(MobilePhone::parse(input).unwrap().as_str(), "13812341234");
        }
    }

    #[test]
    fn rejects_what_cannot_receive_sms() {
        for input in [
            "",
            "1381234123",
            "138123412345",
            "12812341234",
            "23812341234",
            "1381234123a",
            "０1381234123",
        ] {
            assert!(MobilePhone::parse(input).is_err(), "{input}");
        }
    }

    #[test]
    fn masks_the_middle_four_digits() {
        assert_eq!(
            MobilePhone::parse("13812341234").unwrap().masked(),
            "138****1234"
        );
        assert_eq!(mask("123"), "***");
    }
}
