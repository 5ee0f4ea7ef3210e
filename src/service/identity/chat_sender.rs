//! Who wrote to the official account, as the bot sees them: the enabled account bound to the
//! sender's OpenID, handed over as an actor rather than a database row.

use crate::domain::scope::Actor;
use crate::error::AppResult;
use crate::service::identity::{auth, binding};
use crate::service::Services;

#[derive(Debug, Clone)]
pub struct ChatSender {
    pub actor: Actor,
    /// After an admin reset, whoever holds the WeChat must not act for the account until its
    /// owner has set a new password.
    pub must_change_password: bool,
}

/// The sender behind an official-account OpenID, when it is bound to an enabled account.
pub async fn for_openid(services: &Services, openid: &str) -> AppResult<Option<ChatSender>> {
    let Some(account) = binding::account_for_openid(services, openid).await? else {
        return Ok(None);
    };
    Ok(Some(ChatSender {
        actor: auth::actor_of(&account)?,
        must_change_password: account.must_change_password,
    }))
}
