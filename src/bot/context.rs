//! What a handler gets: the message, the bound account (loaded once by an interceptor) and the
//! services it may call.

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
}

#[derive(Clone)]
pub struct BotCtx {
    pub incoming: Incoming,
    /// The enabled account bound to the sender, when there is one.
    pub account: Option<accounts::Model>,
    pub services: Services,
    /// Absent when the official account's credentials are not configured.
    pub wechat: Option<WechatClient>,
    pub links: Links,
    /// One line per command, for the help text.
    pub commands: Vec<&'static str>,
}

impl BotCtx {
    pub fn openid(&self) -> &str {
        &self.incoming.from_user
    }
}
