//! How new users and password resets get their credentials.

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set};

use crate::db::entities::sms_outbox;
use crate::domain::phone::MobilePhone;
use crate::error::AppResult;

/// Why credentials are being sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialReason {
    AccountCreated,
    PasswordReset,
}

impl CredentialReason {
    pub fn template(self) -> &'static str {
        match self {
            Self::AccountCreated => "account_created",
            Self::PasswordReset => "password_reset",
        }
    }
}

/// Credentials for one person. The password is never logged.
pub struct CredentialNotice<'a> {
    /// The account the credentials belong to: its page shows the message, and only its own
    /// newer messages supersede this one.
    pub account_id: i32,
    pub reason: CredentialReason,
    pub name: &'a str,
    pub username: &'a str,
    pub password: &'a str,
}

/// Sends credentials. Runs inside the transaction that creates or resets the account, so a
/// notice exists exactly when the change does.
#[async_trait]
pub trait Notifier: Send + Sync {
    async fn send_credentials(
        &self,
        txn: &DatabaseTransaction,
        phone: &MobilePhone,
        notice: CredentialNotice<'_>,
    ) -> AppResult<()>;
}

/// Default notifier: a row in `sms_outbox` (status `pending`) for an SMS provider to deliver,
/// and a log line with the masked phone.
pub struct SmsOutboxNotifier;

#[async_trait]
impl Notifier for SmsOutboxNotifier {
    async fn send_credentials(
        &self,
        txn: &DatabaseTransaction,
        phone: &MobilePhone,
        notice: CredentialNotice<'_>,
    ) -> AppResult<()> {
        let params = serde_json::json!({
            "name": notice.name,
            "username": notice.username,
            "password": notice.password,
        });
        let row = sms_outbox::ActiveModel {
            phone: Set(phone.as_str().to_string()),
            template: Set(notice.reason.template().to_string()),
            params: Set(params.to_string()),
            status: Set("pending".to_string()),
            attempts: Set(0),
            created_at: Set(Utc::now()),
            sent_at: Set(None),
            next_attempt_at: Set(None),
            lease_until: Set(None),
            last_error: Set(None),
            provider: Set(None),
            provider_ref: Set(None),
            account_id: Set(Some(notice.account_id)),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        tracing::info!(
            sms_id = row.id,
            to = %phone.masked(),
            template = notice.reason.template(),
            "credentials SMS queued"
        );
        Ok(())
    }
}
