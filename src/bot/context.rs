//! What a handler gets: the message, the bound account (loaded once by an interceptor) and the
//! services it may call.

use std::sync::Arc;

use super::texts;
use crate::db::entities::accounts;
use crate::service::Services;
use crate::wechat::client::WechatClient;
use crate::wechat::message::Incoming;

/// Where replies link into the mini program.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub mini_app_id: String,
    pub tasks_path: String,
    pub bind_path: String,
    /// One task's page; `{task_id}` is replaced.
    pub task_path: String,
    /// The counselor's employment statistics page.
    pub stats_path: String,
    /// Where this server's web pages (news) are reached.
    pub public_url: String,
}

/// What every message shares, built once: cloning a context is one reference count.
pub struct Shared {
    pub services: Services,
    /// Absent when the official account's credentials are not configured.
    pub wechat: Option<WechatClient>,
    pub links: Links,
    /// One line per command, for the help text.
    pub commands: Vec<&'static str>,
    /// Sign-in to a live course opens this long before its start.
    pub sign_in_lead: chrono::TimeDelta,
}

#[derive(Clone)]
pub struct BotCtx {
    pub incoming: Incoming,
    /// The enabled account bound to the sender, when there is one.
    pub account: Option<accounts::Model>,
    pub shared: Arc<Shared>,
}

impl BotCtx {
    pub fn openid(&self) -> &str {
        &self.incoming.from_user
    }

    pub fn services(&self) -> &Services {
        &self.shared.services
    }

    pub fn wechat(&self) -> Option<&WechatClient> {
        self.shared.wechat.as_ref()
    }

    pub fn links(&self) -> &Links {
        &self.shared.links
    }

    pub fn commands(&self) -> &[&'static str] {
        &self.shared.commands
    }

    /// The bound account when a command may act for it; otherwise what to answer instead.
    /// After an admin reset, whoever holds the WeChat must not act for the account until its
    /// owner has set a new password.
    pub fn ready_account(&self) -> Result<&accounts::Model, String> {
        match &self.account {
            None => Err(texts::bind_instructions(self.links())),
            Some(account) if account.must_change_password => {
                Err(texts::CHANGE_PASSWORD_FIRST.to_string())
            }
            Some(account) => Ok(account),
        }
    }
}
