//! How new users and password resets get their credentials.

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::DatabaseTransaction;

use crate::domain::phone::MobilePhone;
use crate::error::AppResult;
use crate::outbox::sms::{self, NewSms, SmsTemplate};

/// Why credentials are being sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialReason {
    AccountCreated,
    PasswordReset,
}

impl CredentialReason {
    pub fn template(self) -> SmsTemplate {
        match self {
            Self::AccountCreated => SmsTemplate::AccountCreated,
            Self::PasswordReset => SmsTemplate::PasswordReset,
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

/// How initial passwords reach people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialChannel {
    /// An SMS provider delivers them to the account's phone; nobody else sees them.
    Sms,
    /// No SMS contract: the admin who made the change is shown them once and hands them over.
    ShowOnce,
}

/// Sends credentials. Runs inside the transaction that creates or resets the account, so a
/// notice exists exactly when the change does.
#[async_trait]
pub trait Notifier: Send + Sync {
    fn channel(&self) -> CredentialChannel;

    /// Whether this message goes out by SMS (a provider and its template are configured).
    fn sends(&self, template: SmsTemplate) -> bool;

    /// Queue a message other than credentials (a reset code, the binding steps) in `txn`.
    async fn send(
        &self,
        txn: &DatabaseTransaction,
        phone: &MobilePhone,
        message: OtherSms<'_>,
    ) -> AppResult<()>;

    async fn send_credentials(
        &self,
        txn: &DatabaseTransaction,
        phone: &MobilePhone,
        notice: CredentialNotice<'_>,
    ) -> AppResult<()>;
}

/// An SMS that is not credentials: for one account, its name and username, and the code of a
/// password reset (secret: erased once handled).
pub struct OtherSms<'a> {
    pub account_id: i32,
    pub template: SmsTemplate,
    pub name: &'a str,
    pub username: &'a str,
    pub code: Option<&'a str>,
}

/// Default notifier: SMS queued in the outbox for an SMS provider to deliver, and a log line
/// with the masked phone. Without a provider that delivers (`sms.provider = "log"`) nothing is
/// queued: a password would wait in the outbox for nobody.
pub struct SmsOutboxNotifier {
    /// The messages configured to go out by SMS (`SmsSettings::templates_sent`).
    pub sent: Vec<SmsTemplate>,
}

#[async_trait]
impl Notifier for SmsOutboxNotifier {
    fn channel(&self) -> CredentialChannel {
        if self.sends(SmsTemplate::AccountCreated) {
            CredentialChannel::Sms
        } else {
            CredentialChannel::ShowOnce
        }
    }

    fn sends(&self, template: SmsTemplate) -> bool {
        self.sent.contains(&template)
    }

    async fn send(
        &self,
        txn: &DatabaseTransaction,
        phone: &MobilePhone,
        message: OtherSms<'_>,
    ) -> AppResult<()> {
        let mut params = serde_json::json!({
            "name": message.name,
            "username": message.username,
        });
        if let (Some(code), Some(map)) = (message.code, params.as_object_mut()) {
            map.insert("code".into(), code.into());
        }
        let sms = NewSms {
            account_id: message.account_id,
            phone: phone.as_str(),
            template: message.template,
            params,
        };
        let id = sms::enqueue(txn, sms, Utc::now()).await?;
        tracing::info!(sms_id = id, to = %phone.masked(), template = message.template.as_str(), "SMS queued");
        Ok(())
    }

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
        let sms = NewSms {
            account_id: notice.account_id,
            phone: phone.as_str(),
            template: notice.reason.template(),
            params,
        };
        let id = sms::enqueue(txn, sms, Utc::now()).await?;
        tracing::info!(
            sms_id = id,
            to = %phone.masked(),
            template = notice.reason.template().as_str(),
            "credentials SMS queued"
        );
        Ok(())
    }
}
