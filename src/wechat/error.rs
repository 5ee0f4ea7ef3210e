//! WeChat API errors and what the caller should do about each (wechat-protocol.md §4–§6).

/// A failed WeChat API call.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum WxError {
    #[error("wechat credentials are not configured ({0})")]
    NotConfigured(&'static str),
    #[error("wechat api unreachable: {0}")]
    Transport(String),
    #[error("wechat api answered http {0}")]
    HttpStatus(u16),
    #[error("wechat api answer not understood: {0}")]
    Decode(String),
    #[error("wechat api error {errcode}: {errmsg}")]
    Api { errcode: i64, errmsg: String },
}

/// What to do about an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WxErrorClass {
    /// Token invalid or expired: fetch a fresh one (normal mode) and retry once.
    RefreshToken,
    /// Busy or unreachable: retry later with backoff.
    Retry,
    /// Daily quota used up: stop until the next day.
    DailyQuota,
    /// Per-minute limit: back off to the next minute.
    MinuteQuota,
    /// The user does not follow the account: stop, mark them.
    NotFollowing,
    /// The user refuses messages or blocked the account: stop, mark them.
    Blocked,
    /// The OpenID is not valid for this account (often a mini-program OpenID): flag the binding.
    InvalidOpenId,
    /// Our configuration is wrong (template id, permissions, credentials, IP whitelist).
    Config,
    /// WeChat already has this message.
    Duplicate,
    /// Anything else: record the code and give up.
    GiveUp,
}

impl WxError {
    pub fn class(&self) -> WxErrorClass {
        match self {
            WxError::NotConfigured(_) => WxErrorClass::Config,
            WxError::Transport(_) | WxError::HttpStatus(_) | WxError::Decode(_) => {
                WxErrorClass::Retry
            }
            WxError::Api { errcode, .. } => classify(*errcode),
        }
    }

    pub fn errcode(&self) -> Option<i64> {
        match self {
            WxError::Api { errcode, .. } => Some(*errcode),
            _ => None,
        }
    }
}

pub fn classify(errcode: i64) -> WxErrorClass {
    match errcode {
        40001 | 40014 | 42001 => WxErrorClass::RefreshToken,
        -1 => WxErrorClass::Retry,
        45009 => WxErrorClass::DailyQuota,
        45011 => WxErrorClass::MinuteQuota,
        43004 => WxErrorClass::NotFollowing,
        43101 | 43019 => WxErrorClass::Blocked,
        40003 => WxErrorClass::InvalidOpenId,
        40013 | 40125 | 40164 | 40037 | 48001 | 41001 => WxErrorClass::Config,
        40241 => WxErrorClass::Duplicate,
        _ => WxErrorClass::GiveUp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_actions() {
        assert_eq!(classify(42001), WxErrorClass::RefreshToken);
        assert_eq!(classify(-1), WxErrorClass::Retry);
        assert_eq!(classify(45009), WxErrorClass::DailyQuota);
        assert_eq!(classify(45011), WxErrorClass::MinuteQuota);
        assert_eq!(classify(43004), WxErrorClass::NotFollowing);
        assert_eq!(classify(43101), WxErrorClass::Blocked);
        assert_eq!(classify(40003), WxErrorClass::InvalidOpenId);
        assert_eq!(classify(40037), WxErrorClass::Config);
        assert_eq!(classify(40241), WxErrorClass::Duplicate);
        assert_eq!(classify(47003), WxErrorClass::GiveUp);
        assert_eq!(WxError::Transport("x".into()).class(), WxErrorClass::Retry);
    }
}
