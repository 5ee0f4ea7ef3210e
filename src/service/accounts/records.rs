//! An account as the services hand it to the adapters: what may be shown, never the password
//! hash or the scope path.

use chrono::{DateTime, Utc};

use crate::db::entities::accounts;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub id: i32,
    pub username: String,
    pub name: String,
    pub phone: Option<String>,
    pub must_change_password: bool,
    pub disabled: bool,
    /// Wrong passwords from all addresses in the current window.
    pub failed_logins: i32,
    /// When the failure ceiling locked the account, until an admin lifts it.
    pub locked_at: Option<DateTime<Utc>>,
    /// A counselor's class (届).
    pub cohort: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<accounts::Model> for AccountRecord {
    fn from(account: accounts::Model) -> Self {
        Self {
            id: account.id,
            username: account.username,
            name: account.name,
            phone: account.phone,
            must_change_password: account.must_change_password,
            disabled: account.disabled,
            failed_logins: account.failed_logins,
            locked_at: account.locked_until,
            cohort: account.cohort,
            created_at: account.created_at,
            updated_at: account.updated_at,
        }
    }
}
