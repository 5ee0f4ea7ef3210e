//! Settings: the embedded `config/default.toml`, then an optional file (`--config` or
//! `FUDAO_CONFIG`), then `FUDAO__SECTION__KEY` environment variables.

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::Deserialize;

const DEFAULTS: &str = include_str!("../config/default.toml");

/// Upper bounds of the login throttle settings: a week's wait, a month's window.
pub const MAX_LOGIN_DELAY_SECS: u64 = 7 * 24 * 3600;
pub const MAX_FAILURE_WINDOW_HOURS: u32 = 30 * 24;

/// A value that must never reach a log line or a debug dump.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

// Environment values that look like numbers arrive as numbers; a secret is always text.
impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Secret;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Secret, E> {
                Ok(Secret(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Secret, E> {
                Ok(Secret(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Secret, E> {
                Ok(Secret(v.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Secret, E> {
                Ok(Secret(v.to_string()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("\"\"")
        } else {
            f.write_str("[redacted]")
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub wechat: WechatSettings,
    pub miniprogram: MiniprogramSettings,
    pub tasks: TaskSettings,
    pub imports: ImportSettings,
    pub push: PushSettings,
    pub storage: StorageSettings,
    pub sms: SmsSettings,
    pub log: LogSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSettings {
    /// Directory for uploaded files (task attachments) with the local store. Shared storage
    /// (NFS) when several instances run.
    pub dir: String,
}

/// Which SMS provider sends credentials.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmsProviderKind {
    /// Write a line (masked phone, never the password) to the log instead of sending.
    Log,
    Aliyun,
    Tencent,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsSettings {
    pub provider: SmsProviderKind,
    /// Run the outbox worker in this process (several may run side by side).
    pub enabled: bool,
    /// Tries before a message is given up.
    pub max_attempts: u32,
    pub poll_interval_ms: u64,
    /// First retry delay; doubles with each try, with jitter, up to `retry_max_secs`.
    pub retry_base_secs: u64,
    pub retry_max_secs: u64,
    /// A message claimed by a process that then died is tried again after this.
    pub lease_secs: u32,
    /// Timeout of one call to the provider.
    pub request_timeout_ms: u64,
    pub aliyun: AliyunSmsSettings,
    pub tencent: TencentSmsSettings,
}

/// Template codes per notice; each template takes the variables name, username and password.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsTemplates {
    pub account_created: String,
    pub password_reset: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AliyunSmsSettings {
    pub endpoint: String,
    pub access_key_id: String,
    pub access_key_secret: Secret,
    pub sign_name: String,
    pub region_id: String,
    pub templates: SmsTemplates,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentSmsSettings {
    pub endpoint: String,
    pub secret_id: String,
    pub secret_key: Secret,
    pub sdk_app_id: String,
    pub sign_name: String,
    pub region: String,
    pub templates: SmsTemplates,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskSettings {
    /// Sign-in to a live course opens this long before its start (and closes at its end).
    pub sign_in_lead_minutes: u32,
    /// Reminders (催办) for one task are at least this far apart.
    pub remind_interval_minutes: u32,
    /// Remind everyone not done this many hours before the deadline (0 = no automatic reminder).
    pub auto_remind_hours_before: u32,
    /// Largest attachment, in MiB, and how many one task may carry.
    pub attachment_limit_mib: u64,
    pub attachments_per_task: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportSettings {
    /// Spreadsheets (employment and account imports) parsed at once, each on a blocking
    /// thread; the others wait their turn.
    pub max_parallel_parses: usize,
    /// How long an import waits for its turn before it answers 503 `busy`, in milliseconds.
    pub parse_wait_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushSettings {
    /// Run the push worker in this process (several processes may run it side by side).
    pub enabled: bool,
    /// Template sends in flight at once.
    pub concurrency: usize,
    /// Sends per second from this process (0 = no limit).
    pub per_second: u32,
    /// Template messages the official account may send per day (WeChat's default is 100 000).
    pub daily_quota: u32,
    /// Jobs claimed per round.
    pub batch_size: u32,
    /// Tries before a job is given up.
    pub max_attempts: u32,
    /// A job claimed by a process that then died returns to the queue after this.
    pub lease_secs: u32,
    /// Wait between polls when the queue is empty.
    pub poll_interval_ms: u64,
    /// First retry delay; doubles with each try, with jitter.
    pub retry_base_ms: u64,
    pub retry_max_secs: u64,
    pub templates: PushTemplates,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushTemplates {
    /// A new task.
    pub task: TemplateSettings,
    /// 催办.
    pub reminder: TemplateSettings,
    /// After binding: the tasks still pending.
    pub summary: TemplateSettings,
}

/// One template: its id in the official account, the web page for clients without mini
/// programs, and what goes in each field. Values may use {title}, {kind}, {deadline},
/// {publisher}, {starts_at} and {pending}.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSettings {
    pub template_id: String,
    /// Fallback URL; `{task_id}` is replaced. Empty = none.
    pub url: String,
    pub fields: std::collections::BTreeMap<String, String>,
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
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub addr: SocketAddr,
    pub body_limit_kib: u64,
    /// Largest file upload (the employment data report), in MiB.
    pub upload_limit_mib: u64,
    pub request_timeout_secs: u64,
    /// The address people reach this server at (links to news pages in chat replies).
    pub public_url: String,
    /// Proxies of your own in front of this server that append the address they received a
    /// request from to X-Forwarded-For. 0: the header is ignored (nothing in front, or a
    /// proxy that does not append).
    pub trusted_proxies: u8,
    /// Former name: `true` meant one proxy. Still read so an old file keeps its meaning.
    #[serde(default)]
    pub trust_forwarded_for: Option<bool>,
}

impl ServerSettings {
    /// How many X-Forwarded-For entries from the right were written by proxies of ours.
    pub fn forwarded_hops(&self) -> u8 {
        match self.trust_forwarded_for {
            Some(true) if self.trusted_proxies == 0 => 1,
            _ => self.trusted_proxies,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: Secret,
    pub max_connections: u32,
    pub auto_migrate: bool,
}

impl DatabaseSettings {
    pub fn database_url(&self) -> &str {
        self.url.expose()
    }
}

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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub filter: String,
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Why the settings could not be loaded; its `Display` is the one line an operator sees.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid config: key `{key}`: {reason}")]
    Invalid { key: String, reason: String },
    #[error("invalid config: file {path}: not found")]
    MissingFile { path: String },
}

/// Placeholders a template field may use.
pub const TEMPLATE_PLACEHOLDERS: [&str; 6] = [
    "title",
    "kind",
    "deadline",
    "publisher",
    "starts_at",
    "pending",
];

impl TemplateSettings {
    fn check(&self) -> Result<(), String> {
        if !self.template_id.is_empty() && self.fields.is_empty() {
            return Err("a template needs at least one field".into());
        }
        for (key, value) in &self.fields {
            let kind = key.trim_end_matches(|c: char| c.is_ascii_digit());
            if kind.is_empty() || kind.len() == key.len() {
                return Err(format!(
                    "field `{key}` must be a WeChat key such as thing1 or time2"
                ));
            }
            let mut rest = value.as_str();
            while let Some(start) = rest.find('{') {
                let Some(end) = rest[start..].find('}') else {
                    return Err(format!("field `{key}`: unclosed {{"));
                };
                let name = &rest[start + 1..start + end];
                if !TEMPLATE_PLACEHOLDERS.contains(&name) {
                    return Err(format!("field `{key}`: unknown placeholder {{{name}}}"));
                }
                rest = &rest[start + end + 1..];
            }
        }
        Ok(())
    }
}

impl Settings {
    /// Load the layered settings. `file` is the `--config` argument; `FUDAO_CONFIG` is the fallback.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let env_file = std::env::var("FUDAO_CONFIG").ok().filter(|v| !v.is_empty());
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| env_file.map(Into::into));
        let mut figment = Figment::from(Toml::string(DEFAULTS));
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError::MissingFile {
                    path: path.display().to_string(),
                });
            }
            figment = figment.merge(Toml::file(path));
        }
        figment = figment.merge(Env::prefixed("FUDAO__").split("__"));
        Self::from_figment(figment)
    }

    fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let settings: Settings = figment.extract().map_err(|error| {
            let mut key = error.path.join(".");
            let field = match &error.kind {
                figment::error::Kind::MissingField(field) => Some(field.to_string()),
                figment::error::Kind::UnknownField(field, _) => Some(field.clone()),
                _ => None,
            };
            if let Some(field) = field.filter(|f| error.path.last() != Some(f)) {
                key = if key.is_empty() {
                    field
                } else {
                    format!("{key}.{field}")
                };
            }
            if key.is_empty() {
                key = "(root)".to_string();
            }
            ConfigError::Invalid {
                key,
                reason: error.kind.to_string(),
            }
        })?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key: &str, reason: &str| {
            Err(ConfigError::Invalid {
                key: key.to_string(),
                reason: reason.to_string(),
            })
        };
        let url = self.database.url.expose();
        if ![
            "sqlite:",
            "postgres://",
            "postgresql://",
            "mysql://",
            "mariadb://",
        ]
        .iter()
        .any(|scheme| url.starts_with(scheme))
        {
            return invalid(
                "database.url",
                "must start with sqlite:, postgres:// or mysql://",
            );
        }
        if self.database.max_connections == 0 {
            return invalid("database.max_connections", "must be at least 1");
        }
        if self.server.body_limit_kib == 0 {
            return invalid("server.body_limit_kib", "must be at least 1");
        }
        if self.server.request_timeout_secs == 0 {
            return invalid("server.request_timeout_secs", "must be at least 1");
        }
        if self.auth.session_ttl_hours == 0 {
            return invalid("auth.session_ttl_hours", "must be at least 1");
        }
        if self.auth.max_failed_logins == 0 {
            return invalid("auth.max_failed_logins", "must be at least 1");
        }
        if self.auth.login_delay_first_secs == 0
            || self.auth.login_delay_first_secs > self.auth.login_delay_max_secs
        {
            return invalid(
                "auth.login_delay_first_secs",
                "must be between 1 and auth.login_delay_max_secs",
            );
        }
        if !(1..=MAX_LOGIN_DELAY_SECS).contains(&self.auth.login_delay_max_secs) {
            return invalid(
                "auth.login_delay_max_secs",
                "must be between 1 and 604800 (a week)",
            );
        }
        if self.auth.account_failure_ceiling < self.auth.max_failed_logins {
            return invalid(
                "auth.account_failure_ceiling",
                "must be at least auth.max_failed_logins",
            );
        }
        if !(1..=MAX_FAILURE_WINDOW_HOURS).contains(&self.auth.failure_window_hours) {
            return invalid(
                "auth.failure_window_hours",
                "must be between 1 and 720 (30 days)",
            );
        }
        let aes = self.wechat.encoding_aes_key.expose();
        if !aes.is_empty() && (aes.len() != 43 || !aes.chars().all(|c| c.is_ascii_alphanumeric())) {
            return invalid(
                "wechat.encoding_aes_key",
                "must be the 43 letters and digits shown in the official account settings",
            );
        }
        if !self.wechat.api_base.starts_with("http://")
            && !self.wechat.api_base.starts_with("https://")
        {
            return invalid("wechat.api_base", "must be an http(s) URL");
        }
        if self.wechat.reply_deadline_ms == 0 || self.wechat.reply_deadline_ms > 4_800 {
            return invalid(
                "wechat.reply_deadline_ms",
                "must be between 1 and 4800: WeChat gives up after 5 seconds",
            );
        }
        if self.wechat.api_timeout_ms == 0 {
            return invalid("wechat.api_timeout_ms", "must be at least 1");
        }
        if !self.wechat.callback_path.starts_with('/') {
            return invalid("wechat.callback_path", "must start with /");
        }
        if self.wechat.replay_cache_capacity == 0 {
            return invalid("wechat.replay_cache_capacity", "must be at least 1");
        }
        for (key, value) in [
            (
                "wechat.bind_failures_per_openid_per_hour",
                self.wechat.bind_failures_per_openid_per_hour,
            ),
            (
                "wechat.bind_failures_per_hour",
                self.wechat.bind_failures_per_hour,
            ),
            (
                "wechat.bind_code_max_failures",
                self.wechat.bind_code_max_failures,
            ),
        ] {
            if value == 0 {
                return invalid(key, "must be at least 1");
            }
        }
        if self.wechat.bind_code_max_failures > 1_000_000 {
            return invalid("wechat.bind_code_max_failures", "must be at most 1000000");
        }
        if self.imports.max_parallel_parses == 0 {
            return invalid("imports.max_parallel_parses", "must be at least 1");
        }
        if self.push.concurrency == 0 {
            return invalid("push.concurrency", "must be at least 1");
        }
        if self.push.batch_size == 0 {
            return invalid("push.batch_size", "must be at least 1");
        }
        if self.push.max_attempts == 0 {
            return invalid("push.max_attempts", "must be at least 1");
        }
        if self.push.lease_secs == 0 {
            return invalid("push.lease_secs", "must be at least 1");
        }
        if !self.server.public_url.starts_with("http://")
            && !self.server.public_url.starts_with("https://")
        {
            return invalid("server.public_url", "must be an http(s) URL");
        }
        if self.sms.max_attempts == 0 {
            return invalid("sms.max_attempts", "must be at least 1");
        }
        if u64::from(self.sms.lease_secs) * 1000 <= self.sms.request_timeout_ms {
            return invalid(
                "sms.lease_secs",
                "must be longer than sms.request_timeout_ms: a claim covers one provider call",
            );
        }
        match self.sms.provider {
            SmsProviderKind::Log => {}
            SmsProviderKind::Aliyun => {
                let a = &self.sms.aliyun;
                if a.access_key_id.is_empty()
                    || a.access_key_secret.is_empty()
                    || a.sign_name.is_empty()
                    || a.templates.account_created.is_empty()
                    || a.templates.password_reset.is_empty()
                {
                    return invalid(
                        "sms.aliyun",
                        "access_key_id, access_key_secret, sign_name and both templates are required",
                    );
                }
            }
            SmsProviderKind::Tencent => {
                let t = &self.sms.tencent;
                if t.secret_id.is_empty()
                    || t.secret_key.is_empty()
                    || t.sdk_app_id.is_empty()
                    || t.sign_name.is_empty()
                    || t.templates.account_created.is_empty()
                    || t.templates.password_reset.is_empty()
                {
                    return invalid(
                        "sms.tencent",
                        "secret_id, secret_key, sdk_app_id, sign_name and both templates are required",
                    );
                }
            }
        }
        if self.tasks.remind_interval_minutes == 0 {
            return invalid("tasks.remind_interval_minutes", "must be at least 1");
        }
        for (name, template) in [
            ("task", &self.push.templates.task),
            ("reminder", &self.push.templates.reminder),
            ("summary", &self.push.templates.summary),
        ] {
            if let Err(reason) = template.check() {
                return invalid(&format!("push.templates.{name}.fields"), &reason);
            }
        }
        Ok(())
    }

    /// The embedded defaults alone, for tests and tools that build settings in code.
    pub fn defaults() -> Result<Self, ConfigError> {
        Self::from_figment(Figment::from(Toml::string(DEFAULTS)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(extra: &str) -> Result<Settings, ConfigError> {
        Settings::from_figment(Figment::from(Toml::string(DEFAULTS)).merge(Toml::string(extra)))
    }

    #[test]
    fn defaults_load_as_they_are() {
        let settings = Settings::defaults().expect("defaults load");
        assert!(settings.database.url.expose().starts_with("sqlite:"));
        assert_eq!(settings.auth.max_failed_logins, 5);
    }

    #[test]
    fn invalid_value_names_the_key() {
        let error = with("[server]\naddr = \"not an address\"").unwrap_err();
        assert!(error.to_string().contains("`server.addr`"), "{error}");
        let error = with("[wechat]\nencoding_aes_key = \"short\"").unwrap_err();
        assert!(
            error.to_string().contains("`wechat.encoding_aes_key`"),
            "{error}"
        );
        let error = with("[wechat]\nbind_failures_per_hour = 0").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("`wechat.bind_failures_per_hour`"),
            "{error}"
        );
        let error = with("[wechat]\nreplay_cache_capacity = 0").unwrap_err();
        assert!(
            error.to_string().contains("`wechat.replay_cache_capacity`"),
            "{error}"
        );
        let error = with("[auth]\nlogin_delay_max_secs = 999999999999").unwrap_err();
        assert!(
            error.to_string().contains("`auth.login_delay_max_secs`"),
            "{error}"
        );
        let error = with("[auth]\nfailure_window_hours = 4000000000").unwrap_err();
        assert!(
            error.to_string().contains("`auth.failure_window_hours`"),
            "{error}"
        );
        let error = with("[auth]\naccount_failure_ceiling = 2").unwrap_err();
        assert!(
            error.to_string().contains("`auth.account_failure_ceiling`"),
            "{error}"
        );
        let error = with("[database]\nurl = \"oracle://x\"").unwrap_err();
        assert!(error.to_string().contains("`database.url`"), "{error}");
    }

    #[test]
    fn imports_parse_at_least_one_file_at_a_time() {
        let error = with("[imports]\nmax_parallel_parses = 0").unwrap_err();
        assert!(
            error.to_string().contains("`imports.max_parallel_parses`"),
            "{error}"
        );
        let imports = Settings::defaults().unwrap().imports;
        assert_eq!(
            (imports.max_parallel_parses, imports.parse_wait_ms),
            (2, 10_000)
        );
    }

    #[test]
    fn template_fields_are_checked() {
        let error = with("[push.templates.task.fields]\nthing1 = \"{titel}\"").unwrap_err();
        assert!(
            error.to_string().contains("`push.templates.task.fields`"),
            "{error}"
        );
        let error = with("[push.templates.task.fields]\nnokey = \"x\"").unwrap_err();
        assert!(error.to_string().contains("nokey"), "{error}");
    }

    #[test]
    fn an_older_file_with_the_timed_lockout_still_starts() {
        let old = with("[auth]\nlockout_minutes = 15").expect("loads");
        assert_eq!(old.auth.lockout_minutes, Some(15));
        let error = with("[wechat]\nbind_code_max_failures = 3000000000").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("`wechat.bind_code_max_failures`"),
            "{error}"
        );
    }

    #[test]
    fn the_old_forwarded_for_switch_means_one_proxy() {
        let settings = Settings::defaults().expect("defaults load");
        assert_eq!(settings.server.forwarded_hops(), 0);
        let old = with("[server]\ntrust_forwarded_for = true").expect("loads");
        assert_eq!(old.server.forwarded_hops(), 1);
        let both =
            with("[server]\ntrust_forwarded_for = true\ntrusted_proxies = 2").expect("loads");
        assert_eq!(both.server.forwarded_hops(), 2);
        let off =
            with("[server]\ntrust_forwarded_for = false\ntrusted_proxies = 1").expect("loads");
        assert_eq!(off.server.forwarded_hops(), 1);
    }

    #[test]
    fn unknown_key_is_refused() {
        let error = with("[server]\nadress = \"0.0.0.0:1\"").unwrap_err();
        assert!(error.to_string().contains("`server.adress`"), "{error}");
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let settings = with("[wechat]\napp_secret = \"very-secret-value\"").expect("loads");
        assert!(!format!("{settings:?}").contains("very-secret-value"));
    }
}
