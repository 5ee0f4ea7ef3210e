//! Password rules and generated initial passwords.

use super::Invalid;

/// A password a user chose that meets the policy: 8–64 characters, letters and digits both.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

impl NewPassword {
    pub fn parse(value: &str, username: &str) -> Result<Self, Invalid> {
        let chars = value.chars().count();
        if !(8..=64).contains(&chars) {
            return Err(Invalid::new("new_password", "新密码长度须为 8–64 位"));
        }
        let letters = value.chars().any(|c| c.is_ascii_alphabetic());
        let digits = value.chars().any(|c| c.is_ascii_digit());
        if !letters || !digits {
            return Err(Invalid::new("new_password", "新密码须同时包含字母和数字"));
        }
        if value.eq_ignore_ascii_case(username) {
            return Err(Invalid::new("new_password", "新密码不能与用户名相同"));
        }
        Ok(Self(value.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

// No 0/O, 1/l/I: initial passwords are read off an SMS and typed on a phone.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

/// A random 12-character initial password containing letters and digits.
pub fn generate_initial() -> String {
    loop {
        let candidate: String = (0..12)
            .map(|_| ALPHABET[crate::infra::random::in_range(0..ALPHABET.len())] as char)
            .collect();
        let letters = candidate.chars().any(|c| c.is_ascii_alphabetic());
        let digits = candidate.chars().any(|c| c.is_ascii_digit());
        if letters && digits {
            return candidate;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert!(NewPassword::parse("abc12345", "zhang").is_ok());
        assert!(NewPassword::parse("abc1234", "zhang").is_err());
        assert!(NewPassword::parse("abcdefgh", "zhang").is_err());
        assert!(NewPassword::parse("12345678", "zhang").is_err());
        assert!(NewPassword::parse("Zhang123", "zhang123").is_err());
    }

    #[test]
    fn generated_passwords_meet_the_policy_and_differ() {
        let a = generate_initial();
        let b = generate_initial();
        assert_ne!(a, b);
        assert!(NewPassword::parse(&a, "someone").is_ok());
    }
}
