//! Sending credentials SMS: one provider chosen in config (Aliyun, Tencent Cloud, or the log
//! for development) behind one trait, and the worker that delivers what the services queue in
//! the outbox (`outbox::sms`), retrying with backoff. Passwords never reach a log line.

pub mod aliyun;
pub mod log;
pub mod tencent;
pub mod worker;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::config::{SmsProviderKind, SmsSettings};

pub use crate::domain::outbox::SmsTemplate;

/// One SMS to send. `Debug` leaves the secret out.
pub struct SmsMessage {
    /// Eleven-digit mainland number.
    pub phone: String,
    pub template: SmsTemplate,
    pub name: String,
    pub username: String,
    /// The password (credentials) or the code (忘记密码); empty for the binding steps.
    pub secret: String,
}

impl SmsMessage {
    /// The template's variables, by name, in the order Tencent's positional templates take.
    pub fn variables(&self) -> Vec<(&'static str, &str)> {
        match self.template {
            SmsTemplate::AccountCreated | SmsTemplate::PasswordReset => vec![
                ("name", &self.name),
                ("username", &self.username),
                ("password", &self.secret),
            ],
            SmsTemplate::ResetCode => vec![("code", &self.secret)],
            SmsTemplate::BindSteps => vec![("name", &self.name)],
        }
    }
}

impl std::fmt::Debug for SmsMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsMessage")
            .field("phone", &mask(&self.phone))
            .field("template", &self.template)
            .finish_non_exhaustive()
    }
}

/// 139****0001: enough to tell numbers apart in a log.
pub fn mask(phone: &str) -> String {
    if phone.len() == 11 && phone.is_ascii() {
        format!("{}****{}", &phone[..3], &phone[7..])
    } else {
        "***".to_string()
    }
}

/// What the provider said when it accepted a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The provider's id for it (Aliyun BizId, Tencent SerialNo).
    pub reference: Option<String>,
}

/// Why a message was not accepted, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Network trouble, a provider-side error: try again later.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// A rate limit (per number, per account): try again, later than usual.
    #[error("rate limited: {0}")]
    Throttled(String),
    /// The provider refuses this message as it is (number, template, credentials): trying
    /// again will not help.
    #[error("rejected: {0}")]
    Rejected(String),
}

#[async_trait]
pub trait SmsProvider: Send + Sync {
    /// Stored with each sent message.
    fn name(&self) -> &'static str;
    /// Whether an accepted message reaches a phone. The log provider delivers to nobody: its
    /// messages end `logged`, and like every handled message they lose their password.
    fn delivers(&self) -> bool {
        true
    }
    async fn send(&self, message: &SmsMessage) -> Result<Accepted, SendError>;
}

/// The provider the settings choose.
pub fn provider(settings: &SmsSettings) -> Result<Arc<dyn SmsProvider>, String> {
    let timeout = Duration::from_millis(settings.request_timeout_ms);
    let http = crate::infra::http_client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| format!("sms http client: {e}"))?;
    Ok(match settings.provider {
        SmsProviderKind::Log => Arc::new(log::LogSms),
        SmsProviderKind::Aliyun => Arc::new(aliyun::AliyunSms::new(http, settings.aliyun.clone())),
        SmsProviderKind::Tencent => {
            Arc::new(tencent::TencentSms::new(http, settings.tencent.clone())?)
        }
    })
}

/// What an operator must hear at startup about these settings: with the log provider no
/// credentials SMS reaches anybody.
pub fn delivery_warning(settings: &SmsSettings) -> Option<&'static str> {
    match settings.provider {
        SmsProviderKind::Log => Some(
            "sms.provider = \"log\": no SMS is sent; initial passwords are shown once to the \
             admin who creates or resets an account; configure aliyun or tencent to send them by \
             SMS",
        ),
        SmsProviderKind::Aliyun | SmsProviderKind::Tencent => None,
    }
}

/// A transport failure: the provider may or may not have the message; the outbox retries.
fn transport(error: reqwest::Error) -> SendError {
    SendError::Transient(format!("request failed: {}", error.without_url()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    #[test]
    fn each_template_takes_its_own_variables_in_order() {
        let message = |template| SmsMessage {
            phone: "13900000001".into(),
            template,
            name: "李老师".into(),
            username: "li".into(),
            secret: "042917".into(),
        };
        let names = |template| -> Vec<&'static str> {
            message(template)
                .variables()
                .into_iter()
                .map(|(k, _)| k)
                .collect()
        };
        assert_eq!(
            names(SmsTemplate::AccountCreated),
            ["name", "username", "password"]
        );
        assert_eq!(
            names(SmsTemplate::PasswordReset),
            ["name", "username", "password"]
        );
        assert_eq!(names(SmsTemplate::ResetCode), ["code"]);
        assert_eq!(names(SmsTemplate::BindSteps), ["name"]);
        assert_eq!(message(SmsTemplate::ResetCode).variables()[0].1, "042917");
        assert!(format!("{:?}", message(SmsTemplate::ResetCode))
            .find("042917")
            .is_none());
        for template in SmsTemplate::ALL {
            assert_eq!(SmsTemplate::from_db(template.as_str()), Some(template));
        }
    }

    #[test]
    fn only_the_log_provider_warns_that_nothing_is_delivered() {
        let mut settings = Settings::defaults().expect("defaults").sms;
        settings.provider = SmsProviderKind::Log;
        let warning = delivery_warning(&settings).expect("a warning for the log provider");
        assert!(warning.contains("no SMS is sent") && warning.contains("shown once"));
        assert!(!log::LogSms.delivers());
        for provider in [SmsProviderKind::Aliyun, SmsProviderKind::Tencent] {
            settings.provider = provider;
            assert_eq!(delivery_warning(&settings), None);
        }
    }
}
