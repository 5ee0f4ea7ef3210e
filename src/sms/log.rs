//! The development provider: a log line with the masked number and the template, never the
//! password. The message stays in the outbox with its password, where a developer reads it.

use async_trait::async_trait;

use super::{mask, Accepted, SendError, SmsMessage, SmsProvider};

pub struct LogSms;

#[async_trait]
impl SmsProvider for LogSms {
    fn name(&self) -> &'static str {
        "log"
    }

    fn keeps_password(&self) -> bool {
        true
    }

    async fn send(&self, message: &SmsMessage) -> Result<Accepted, SendError> {
        tracing::info!(
            to = %mask(&message.phone),
            template = ?message.template,
            username = %message.username,
            "SMS (log provider, not sent)"
        );
        Ok(Accepted { reference: None })
    }
}
