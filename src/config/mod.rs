//! Settings: the embedded `config/default.toml`, then an optional file (`--config` or
//! `FUDAO_CONFIG`), then `FUDAO__SECTION__KEY` environment variables. One file per area; each
//! area checks its own values.

mod auth;
mod database;
mod push;
mod secret;
mod server;
mod sms;
mod tasks;
mod wechat;

use std::path::Path;

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::Deserialize;

pub use auth::{AuthSettings, MAX_FAILURE_WINDOW_HOURS, MAX_LOGIN_DELAY_SECS};
pub use database::DatabaseSettings;
pub use push::{PushSettings, PushTemplates, TemplateSettings, TEMPLATE_PLACEHOLDERS};
pub use secret::Secret;
pub use server::{ImportSettings, LogFormat, LogSettings, ServerSettings, StorageSettings};
pub use sms::{AliyunSmsSettings, SmsProviderKind, SmsSettings, SmsTemplates, TencentSmsSettings};
pub use tasks::TaskSettings;
pub use wechat::{MiniprogramSettings, WechatSettings};

const DEFAULTS: &str = include_str!("../../config/default.toml");

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

/// Why the settings could not be loaded; its `Display` is the one line an operator sees.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid config: key `{key}`: {reason}")]
    Invalid { key: String, reason: String },
    #[error("invalid config: file {path}: not found")]
    MissingFile { path: String },
}

/// The error for a `key` whose value does not fit, as an area's check returns it.
fn invalid<T>(key: &str, reason: &str) -> Result<T, ConfigError> {
    Err(ConfigError::Invalid {
        key: key.to_string(),
        reason: reason.to_string(),
    })
}

/// An absolute http(s) URL with a host, as a URL parser reads it (`https://` alone, a space in
/// the host or a relative path are refused at start, not at the first request).
fn http_url(key: &str, value: &str) -> Result<(), ConfigError> {
    match reqwest::Url::parse(value) {
        Ok(url)
            if matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|host| !host.is_empty()) =>
        {
            Ok(())
        }
        _ => invalid(key, "must be an absolute http(s) URL with a host"),
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
        self.database.validate()?;
        self.server.validate()?;
        self.auth.validate()?;
        self.wechat.validate()?;
        self.imports.validate()?;
        self.push.validate()?;
        self.sms.validate()?;
        self.tasks.validate()
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
    fn urls_are_parsed_not_prefix_checked() {
        for bad in [
            "https://",
            "ftp://example.com",
            "https://exa mple.com",
            "/news",
        ] {
            let error = with(&format!("[server]\npublic_url = \"{bad}\"")).unwrap_err();
            assert!(
                error.to_string().contains("`server.public_url`"),
                "{bad}: {error}"
            );
            let error = with(&format!("[wechat]\napi_base = \"{bad}\"")).unwrap_err();
            assert!(
                error.to_string().contains("`wechat.api_base`"),
                "{bad}: {error}"
            );
        }
        let error = with("[sms.aliyun]\nendpoint = \"dysmsapi\"").unwrap_err();
        assert!(
            error.to_string().contains("`sms.aliyun.endpoint`"),
            "{error}"
        );
        let fine = with("[server]\npublic_url = \"https://fudao.example.edu.cn/base\"");
        assert!(fine.is_ok(), "{fine:?}");
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
