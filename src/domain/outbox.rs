//! Where the other durable jobs stand: the credentials SMS and the follower profile lookup.
//! (Template notices have theirs in `domain::push`.) Stored as text through `as_str`.

use serde::Serialize;

/// Where a credentials SMS stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SmsStatus {
    Pending,
    Sending,
    Sent,
    /// Handled by the log provider: written to the log, delivered to nobody.
    Logged,
    Failed,
    /// Not sent because a newer message to the same account replaced it (a later reset).
    Superseded,
}

impl SmsStatus {
    pub const ALL: [SmsStatus; 6] = [
        Self::Pending,
        Self::Sending,
        Self::Sent,
        Self::Logged,
        Self::Failed,
        Self::Superseded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Logged => "logged",
            Self::Failed => "failed",
            Self::Superseded => "superseded",
        }
    }
}

/// Where a follower profile lookup stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl LookupStatus {
    pub const ALL: [LookupStatus; 4] = [Self::Queued, Self::Running, Self::Done, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_text_is_the_serialized_text() {
        for status in SmsStatus::ALL {
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::Value::from(status.as_str())
            );
        }
    }
}

/// Which message an SMS carries; each maps to a template approved at the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SmsTemplate {
    /// A new account's username and initial password.
    AccountCreated,
    /// A password an admin reset.
    PasswordReset,
    /// A code to set a forgotten password (忘记密码).
    ResetCode,
    /// How to bind WeChat, to a counselor who has not.
    BindSteps,
}

impl SmsTemplate {
    pub const ALL: [SmsTemplate; 4] = [
        Self::AccountCreated,
        Self::PasswordReset,
        Self::ResetCode,
        Self::BindSteps,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccountCreated => "account_created",
            Self::PasswordReset => "password_reset",
            Self::ResetCode => "reset_code",
            Self::BindSteps => "bind_steps",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
    }

    /// Messages that carry a password: a newer one for the account replaces an unsent older
    /// one, and the account page shows the latest.
    pub fn carries_credentials(self) -> bool {
        matches!(self, Self::AccountCreated | Self::PasswordReset)
    }

    /// Credentials and codes are secrets: erased from the outbox once handled.
    pub fn secret_param(self) -> Option<&'static str> {
        match self {
            Self::AccountCreated | Self::PasswordReset => Some("password"),
            Self::ResetCode => Some("code"),
            Self::BindSteps => None,
        }
    }
}
