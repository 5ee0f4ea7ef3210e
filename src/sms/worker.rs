//! The outbox worker: claims due messages, sends each through the provider, and records the
//! outcome — sent or logged (the password erased from the outbox either way), retried with backoff and jitter, or
//! failed for good. Every instance may run one.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use rand::Rng;
use serde_json::Value;
use tokio::sync::watch;

use super::{mask, SendError, SmsMessage, SmsProvider, SmsTemplate};
use crate::config::SmsSettings;
use crate::db::entities::sms_outbox;
use crate::domain::push::backoff;
use crate::error::AppResult;
use crate::service::sms_outbox as outbox;
use crate::service::Services;

/// Messages claimed per round.
const BATCH: u64 = 20;

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SmsRound {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

pub struct SmsWorker {
    services: Services,
    provider: Arc<dyn SmsProvider>,
    settings: SmsSettings,
}

fn message_of(row: &sms_outbox::Model) -> Option<SmsMessage> {
    let params: Value = serde_json::from_str(&row.params).ok()?;
    let text = |key: &str| params[key].as_str().map(str::to_string);
    Some(SmsMessage {
        phone: row.phone.clone(),
        template: SmsTemplate::from_db(&row.template)?,
        name: text("name")?,
        username: text("username")?,
        password: text("password")?,
    })
}

/// The stored parameters once sent: everything but the password.
fn without_password(params: &str) -> String {
    match serde_json::from_str::<Value>(params) {
        Ok(Value::Object(mut map)) => {
            map.remove("password");
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

impl SmsWorker {
    pub fn new(services: Services, provider: Arc<dyn SmsProvider>, settings: SmsSettings) -> Self {
        Self {
            services,
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
            let Some(row) = outbox::claim(&self.services, 1, lease).await?.pop() else {
                break;
            };
            self.deliver(&row, &mut report).await?;
        }
        Ok(report)
    }

    async fn deliver(&self, row: &sms_outbox::Model, report: &mut SmsRound) -> AppResult<()> {
        let Some(message) = message_of(row) else {
            tracing::error!(sms_id = row.id, "unreadable outbox message");
            report.failed += 1;
            return self
                .give_up(row, outbox::FAILED, "unreadable message")
                .await;
        };
        if outbox::superseded(&self.services, row).await? {
            // A later reset sent a newer password: this one would only confuse.
            report.failed += 1;
            return self
                .give_up(
                    row,
                    outbox::SUPERSEDED,
                    "replaced by a newer message to the same account",
                )
                .await;
        }
        if outbox::number_changed(&self.services, row).await? {
            report.failed += 1;
            // Shown on the account page, which offers a reset to the new number.
            return self.give_up(row, outbox::FAILED, "账号手机号已更换").await;
        }
        match self.provider.send(&message).await {
            Ok(accepted) => {
                let delivered = self.provider.delivers();
                let status = if delivered {
                    outbox::SENT
                } else {
                    outbox::LOGGED
                };
                outbox::mark_sent(
                    &self.services,
                    row,
                    status,
                    self.provider.name(),
                    accepted.reference,
                    Some(without_password(&row.params)),
                )
                .await?;
                if delivered {
                    tracing::info!(sms_id = row.id, to = %mask(&row.phone), provider = self.provider.name(), "SMS sent");
                } else {
                    tracing::warn!(sms_id = row.id, to = %mask(&row.phone), provider = self.provider.name(), "SMS NOT delivered: handled by the log provider, password erased");
                }
                report.sent += 1;
            }
            Err(error) => {
                let error = redacted(error, &message.password);
                let attempts = u32::try_from(row.attempts).unwrap_or(u32::MAX);
                let retry = match &error {
                    SendError::Rejected(_) => None,
                    _ if attempts >= self.settings.max_attempts => None,
                    SendError::Throttled(_) => Some(self.delay(attempts + 1)),
                    SendError::Transient(_) => Some(self.delay(attempts)),
                };
                let at = retry.map(|delay| Utc::now() + delay);
                match at {
                    Some(at) => {
                        tracing::warn!(sms_id = row.id, to = %mask(&row.phone), %error, %at, "SMS not sent, will retry");
                        report.retried += 1;
                    }
                    None => {
                        tracing::error!(sms_id = row.id, to = %mask(&row.phone), %error, attempts, "SMS not sent, giving up");
                        report.failed += 1;
                    }
                }
                // Given up: the password goes; resetting it sends a new one.
                let params = at.is_none().then(|| without_password(&row.params));
                outbox::mark_unsent(
                    &self.services,
                    row,
                    at,
                    outbox::FAILED,
                    &error.to_string(),
                    params,
                )
                .await?;
            }
        }
        Ok(())
    }

    /// End a message unsent, without its password.
    async fn give_up(&self, row: &sms_outbox::Model, status: &str, reason: &str) -> AppResult<()> {
        let params = Some(without_password(&row.params));
        outbox::mark_unsent(&self.services, row, None, status, reason, params).await
    }

    fn delay(&self, attempts: u32) -> TimeDelta {
        backoff(
            attempts,
            TimeDelta::seconds(self.settings.retry_base_secs as i64),
            TimeDelta::seconds(self.settings.retry_max_secs as i64),
            rand::thread_rng().gen_range(0.5..=1.0),
        )
    }

    /// Rounds until `stopped` turns true; a round that found work is followed at once.
    pub async fn run(self, mut stopped: watch::Receiver<bool>) {
        let idle = Duration::from_millis(self.settings.poll_interval_ms.max(10));
        loop {
            if *stopped.borrow() {
                return;
            }
            let busy = match self.round().await {
                Ok(round) => round != SmsRound::default(),
                Err(error) => {
                    tracing::error!(%error, "SMS outbox round failed");
                    false
                }
            };
            if !busy {
                tokio::select! {
                    _ = tokio::time::sleep(idle) => {}
                    _ = stopped.changed() => {}
                }
            }
        }
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
        let kept = without_password(r#"{"name":"王","username":"wang","password":"Abc12345"}"#);
        assert_eq!(kept, r#"{"name":"王","username":"wang"}"#);
        assert_eq!(without_password("not json"), "{}");
    }
}
