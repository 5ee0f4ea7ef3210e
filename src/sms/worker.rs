//! The SMS worker: claims due messages from the outbox (`outbox::sms`), sends each through the
//! provider, and records the outcome — sent or logged (the password erased from the outbox
//! either way), retried with backoff and jitter, or failed for good. Every instance may run one.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::TimeDelta;
use serde_json::Value;

use super::{mask, SendError, SmsMessage, SmsProvider, SmsTemplate};
use crate::config::SmsSettings;
use crate::db::entities::sms_outbox;
use crate::error::AppResult;
use crate::outbox::backoff::jittered;
use crate::outbox::sms::{self as queue, Ending, Handled, SmsStatus};
use crate::outbox::worker::Worker;
use crate::outbox::Outbox;

/// Messages claimed per round.
const BATCH: u64 = 20;

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SmsRound {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

#[derive(Clone)]
pub struct SmsWorker {
    outbox: Outbox,
    provider: Arc<dyn SmsProvider>,
    settings: SmsSettings,
}

fn message_of(row: &sms_outbox::Model) -> Option<SmsMessage> {
    let params: Value = serde_json::from_str(&row.params).ok()?;
    let text = |key: &str| params[key].as_str().map(str::to_string);
    let template = SmsTemplate::from_db(&row.template)?;
    let secret = match template.secret_param() {
        Some(key) => text(key)?,
        None => String::new(),
    };
    Some(SmsMessage {
        phone: row.phone.clone(),
        template,
        name: text("name")?,
        username: text("username")?,
        secret,
    })
}

/// The stored parameters once handled: everything but the password or code.
fn without_secret(params: &str) -> String {
    match serde_json::from_str::<Value>(params) {
        Ok(Value::Object(mut map)) => {
            map.remove("password");
            map.remove("code");
            Value::Object(map).to_string()
        }
        _ => "{}".to_string(),
    }
}

/// Whatever a provider echoes back, the password does not reach the outbox or the log.
fn redacted(error: SendError, password: &str) -> SendError {
    let clean = |text: String| {
        if password.is_empty() {
            text
        } else {
            text.replace(password, "***")
        }
    };
    match error {
        SendError::Transient(text) => SendError::Transient(clean(text)),
        SendError::Throttled(text) => SendError::Throttled(clean(text)),
        SendError::Rejected(text) => SendError::Rejected(clean(text)),
    }
}

#[async_trait]
impl Worker for SmsWorker {
    fn name(&self) -> &'static str {
        "sms"
    }

    fn poll_interval(&self) -> Duration {
        Duration::from_millis(self.settings.poll_interval_ms)
    }

    async fn run_once(&self) -> AppResult<bool> {
        Ok(self.round().await? != SmsRound::default())
    }
}

impl SmsWorker {
    pub fn new(
        outbox: impl Into<Outbox>,
        provider: Arc<dyn SmsProvider>,
        settings: SmsSettings,
    ) -> Self {
        Self {
            outbox: outbox.into(),
            provider,
            settings,
        }
    }

    /// Claim and send what is due now, one message at a time: each claim's lease covers one
    /// provider call, never a whole batch.
    pub async fn round(&self) -> AppResult<SmsRound> {
        let lease = TimeDelta::seconds(i64::from(self.settings.lease_secs));
        let mut report = SmsRound::default();
        for _ in 0..BATCH {
            let now = self.outbox.now();
            let Some(row) = queue::claim_next(&self.outbox.db, lease, now).await? else {
                break;
            };
            self.deliver(&row, &mut report).await?;
        }
        Ok(report)
    }

    async fn deliver(&self, row: &sms_outbox::Model, report: &mut SmsRound) -> AppResult<()> {
        let db = &self.outbox.db;
        let Some(message) = message_of(row) else {
            tracing::error!(sms_id = row.id, "unreadable outbox message");
            report.failed += 1;
            return self
                .give_up(row, Ending::Failed, "unreadable message")
                .await;
        };
        if queue::superseded(db, row).await? {
            // A later reset sent a newer password: this one would only confuse.
            report.failed += 1;
            let reason = "replaced by a newer message to the same account";
            return self.give_up(row, Ending::Superseded, reason).await;
        }
        if queue::number_changed(db, row).await? {
            report.failed += 1;
            // Shown on the account page, which offers a reset to the new number.
            return self.give_up(row, Ending::Failed, "账号手机号已更换").await;
        }
        match self.provider.send(&message).await {
            Ok(accepted) => self.sent(row, accepted.reference, report).await,
            Err(error) => {
                let error = redacted(error, &message.secret);
                self.unsent(row, error, report).await
            }
        }
    }

    async fn sent(
        &self,
        row: &sms_outbox::Model,
        reference: Option<String>,
        report: &mut SmsRound,
    ) -> AppResult<()> {
        let delivered = self.provider.delivers();
        let handled = Handled {
            status: if delivered {
                SmsStatus::Sent
            } else {
                SmsStatus::Logged
            },
            provider: self.provider.name(),
            reference,
            params: without_secret(&row.params),
        };
        queue::mark_sent(&self.outbox.db, row, handled, self.outbox.now()).await?;
        if delivered {
            tracing::info!(sms_id = row.id, to = %mask(&row.phone), provider = self.provider.name(), "SMS sent");
        } else {
            tracing::warn!(sms_id = row.id, to = %mask(&row.phone), provider = self.provider.name(), "SMS NOT delivered: handled by the log provider, password erased");
        }
        report.sent += 1;
        Ok(())
    }

    async fn unsent(
        &self,
        row: &sms_outbox::Model,
        error: SendError,
        report: &mut SmsRound,
    ) -> AppResult<()> {
        let attempts = u32::try_from(row.attempts).unwrap_or(u32::MAX);
        let retry = match &error {
            SendError::Rejected(_) => None,
            _ if attempts >= self.settings.max_attempts => None,
            SendError::Throttled(_) => Some(self.delay(attempts + 1)),
            SendError::Transient(_) => Some(self.delay(attempts)),
        };
        match retry {
            Some(delay) => {
                let at = self.outbox.now() + delay;
                tracing::warn!(sms_id = row.id, to = %mask(&row.phone), %error, %at, "SMS not sent, will retry");
                report.retried += 1;
                queue::requeue(&self.outbox.db, row, at, &error.to_string()).await
            }
            None => {
                tracing::error!(sms_id = row.id, to = %mask(&row.phone), %error, attempts, "SMS not sent, giving up");
                report.failed += 1;
                // Given up: the password goes; resetting it sends a new one.
                self.give_up(row, Ending::Failed, &error.to_string()).await
            }
        }
    }

    /// End a message unsent, without its password.
    async fn give_up(
        &self,
        row: &sms_outbox::Model,
        ending: Ending,
        reason: &str,
    ) -> AppResult<()> {
        let params = without_secret(&row.params);
        queue::finish(&self.outbox.db, row, ending, reason, params).await
    }

    fn delay(&self, attempts: u32) -> TimeDelta {
        jittered(
            attempts,
            TimeDelta::seconds(self.settings.retry_base_secs as i64),
            TimeDelta::seconds(self.settings.retry_max_secs as i64),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_never_carry_the_password() {
        let error = SendError::Rejected(
            "InvalidParameter: TemplateParamSet [\"王\",\"wang\",\"Abc12345\"]".into(),
        );
        assert_eq!(
            redacted(error, "Abc12345"),
            SendError::Rejected(
                "InvalidParameter: TemplateParamSet [\"王\",\"wang\",\"***\"]".into()
            )
        );
    }

    #[test]
    fn a_sent_message_keeps_everything_but_the_password() {
        let kept = without_secret(r#"{"name":"王","username":"wang","password":"Abc12345"}"#);
        assert_eq!(kept, r#"{"name":"王","username":"wang"}"#);
        assert_eq!(without_secret("not json"), "{}");
    }
}
