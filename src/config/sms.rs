//! `[sms]`: the credentials outbox and its provider.

use serde::Deserialize;

use super::Secret;
use super::{invalid, ConfigError};
use crate::domain::outbox::SmsTemplate;

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

/// Template codes per message. The credentials templates take name, username and password; the
/// others are optional (empty = that message is not offered by SMS): `reset_code` takes code,
/// `bind_steps` takes name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsTemplates {
    pub account_created: String,
    pub password_reset: String,
    #[serde(default)]
    pub reset_code: String,
    #[serde(default)]
    pub bind_steps: String,
}

impl SmsTemplates {
    /// The provider's code of a template; empty when not configured.
    pub fn code_of(&self, template: SmsTemplate) -> &str {
        match template {
            SmsTemplate::AccountCreated => &self.account_created,
            SmsTemplate::PasswordReset => &self.password_reset,
            SmsTemplate::ResetCode => &self.reset_code,
            SmsTemplate::BindSteps => &self.bind_steps,
        }
    }
}

impl SmsSettings {
    /// The messages this configuration sends by SMS: none with the log provider.
    pub fn templates_sent(&self) -> Vec<SmsTemplate> {
        let templates = match self.provider {
            SmsProviderKind::Log => return Vec::new(),
            SmsProviderKind::Aliyun => &self.aliyun.templates,
            SmsProviderKind::Tencent => &self.tencent.templates,
        };
        SmsTemplate::ALL
            .into_iter()
            .filter(|t| !templates.code_of(*t).is_empty())
            .collect()
    }
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

impl SmsSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.max_attempts == 0 {
            return invalid("sms.max_attempts", "must be at least 1");
        }
        if u64::from(self.lease_secs) * 1000 <= self.request_timeout_ms {
            return invalid(
                "sms.lease_secs",
                "must be longer than sms.request_timeout_ms: a claim covers one provider call",
            );
        }
        // Checked whichever provider is chosen: switching providers must not meet a bad URL.
        super::http_url("sms.aliyun.endpoint", &self.aliyun.endpoint)?;
        super::http_url("sms.tencent.endpoint", &self.tencent.endpoint)?;
        match self.provider {
            SmsProviderKind::Log => {}
            SmsProviderKind::Aliyun => {
                let a = &self.aliyun;
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
                let t = &self.tencent;
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
        Ok(())
    }
}
