//! The development provider: a log line with the masked number and the template, never the
//! password. Nothing is delivered; the worker ends the message `logged` and erases its
//! password like after a real send, so no plain-text password stays in the outbox.

use async_trait::async_trait;

use super::{mask, Accepted, SendError, SmsMessage, SmsProvider};

pub struct LogSms;

#[async_trait]
impl SmsProvider for LogSms {
    fn name(&self) -> &'static str {
        "log"
    }

    fn delivers(&self) -> bool {
        false
    }

    async fn send(&self, message: &SmsMessage) -> Result<Accepted, SendError> {
        tracing::info!(
            to = %mask(&message.phone),
            template = ?message.template,
            username = %message.username,
            "SMS NOT delivered (log provider): nobody receives this message"
        );
        Ok(Accepted { reference: None })
    }
}
