//! `[auth]`: sessions and the login throttle.

use serde::Deserialize;

use super::{invalid, ConfigError};

/// Upper bounds of the login throttle settings: a week's wait, a month's window.
pub const MAX_LOGIN_DELAY_SECS: u64 = 7 * 24 * 3600;
pub const MAX_FAILURE_WINDOW_HOURS: u32 = 30 * 24;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    pub session_ttl_hours: u32,
    /// Wrong passwords for one username from one address before each further attempt must
    /// wait: `login_delay_first_secs`, then twice as long after each failure.
    pub max_failed_logins: u32,
    pub login_delay_first_secs: u64,
    /// The longest such wait.
    pub login_delay_max_secs: u64,
    /// Wrong passwords for one username from all addresses within `failure_window_hours` that
    /// lock it until an admin unlocks it.
    pub account_failure_ceiling: u32,
    /// Failure counts older than this start again from zero.
    pub failure_window_hours: u32,
    pub session_cache_secs: u64,
    pub login_attempts_per_minute: u32,
    /// `wx-login` requests one client address may make per minute on one instance, counted
    /// before WeChat is asked (0 = no limit).
    pub wx_login_attempts_per_minute: u32,
    /// Former timed lockout, replaced by the growing wait and the ceiling; still accepted so
    /// that an older configuration file starts, and ignored with a warning.
    #[serde(default)]
    pub lockout_minutes: Option<u32>,
}

impl AuthSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.session_ttl_hours == 0 {
            return invalid("auth.session_ttl_hours", "must be at least 1");
        }
        if self.max_failed_logins == 0 {
            return invalid("auth.max_failed_logins", "must be at least 1");
        }
        if self.login_delay_first_secs == 0
            || self.login_delay_first_secs > self.login_delay_max_secs
        {
            return invalid(
                "auth.login_delay_first_secs",
                "must be between 1 and auth.login_delay_max_secs",
            );
        }
        if !(1..=MAX_LOGIN_DELAY_SECS).contains(&self.login_delay_max_secs) {
            return invalid(
                "auth.login_delay_max_secs",
                "must be between 1 and 604800 (a week)",
            );
        }
        if self.account_failure_ceiling < self.max_failed_logins {
            return invalid(
                "auth.account_failure_ceiling",
                "must be at least auth.max_failed_logins",
            );
        }
        if !(1..=MAX_FAILURE_WINDOW_HOURS).contains(&self.failure_window_hours) {
            return invalid(
                "auth.failure_window_hours",
                "must be between 1 and 720 (30 days)",
            );
        }
        Ok(())
    }
}
