//! `[wechat]` and `[miniprogram]`: the official account, its callback, and the mini program.

use serde::Deserialize;

use super::Secret;
use super::{invalid, ConfigError};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WechatSettings {
    pub token: Secret,
    pub encoding_aes_key: Secret,
    pub app_id: String,
    pub app_secret: Secret,
    pub api_base: String,
    pub callback_path: String,
    /// Callbacks whose timestamp is further than this from now are refused (0 = no check).
    pub timestamp_window_secs: u64,
    /// The bot's reply must be ready within this; otherwise the callback answers `success`.
    pub reply_deadline_ms: u64,
    /// Timeout of one call to the WeChat API.
    pub api_timeout_ms: u64,
    /// (timestamp, nonce) pairs each instance remembers to refuse replays.
    pub replay_cache_capacity: u64,
    /// Wrong bind codes one OpenID may send per hour.
    pub bind_failures_per_openid_per_hour: u32,
    /// Wrong bind codes all OpenIDs together may send per hour, across instances.
    pub bind_failures_per_hour: u32,
    /// Wrong bind codes a pending code may witness before it is withdrawn.
    pub bind_code_max_failures: u32,
}

impl WechatSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        let aes = self.encoding_aes_key.expose();
        if !aes.is_empty() && (aes.len() != 43 || !aes.chars().all(|c| c.is_ascii_alphanumeric())) {
            return invalid(
                "wechat.encoding_aes_key",
                "must be the 43 letters and digits shown in the official account settings",
            );
        }
        super::http_url("wechat.api_base", &self.api_base)?;
        if self.reply_deadline_ms == 0 || self.reply_deadline_ms > 4_800 {
            return invalid(
                "wechat.reply_deadline_ms",
                "must be between 1 and 4800: WeChat gives up after 5 seconds",
            );
        }
        if self.api_timeout_ms == 0 {
            return invalid("wechat.api_timeout_ms", "must be at least 1");
        }
        if !self.callback_path.starts_with('/') {
            return invalid("wechat.callback_path", "must start with /");
        }
        if self.replay_cache_capacity == 0 {
            return invalid("wechat.replay_cache_capacity", "must be at least 1");
        }
        for (key, value) in [
            (
                "wechat.bind_failures_per_openid_per_hour",
                self.bind_failures_per_openid_per_hour,
            ),
            ("wechat.bind_failures_per_hour", self.bind_failures_per_hour),
            ("wechat.bind_code_max_failures", self.bind_code_max_failures),
        ] {
            if value == 0 {
                return invalid(key, "must be at least 1");
            }
        }
        if self.bind_code_max_failures > 1_000_000 {
            return invalid("wechat.bind_code_max_failures", "must be at most 1000000");
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MiniprogramSettings {
    /// AppID of the mini program bound to the official account (links, template messages, login).
    pub app_id: String,
    pub app_secret: Secret,
    /// Page the chat bot links to for the task list.
    pub tasks_path: String,
    /// Page that shows the bind code.
    pub bind_path: String,
    /// Page a task notice opens; `{task_id}` is replaced.
    pub task_path: String,
    /// A counselor's employment statistics page (`进展` links to it).
    pub stats_path: String,
    /// Where a password is set with a `重置密码` code (the login page's 忘记密码).
    pub reset_path: String,
}
