//! What a handler gets: the message, who sent it (loaded once by an interceptor) and the
//! services it may call.

use std::sync::Arc;

use crate::domain::scope::Actor;
use crate::error::{AppError, AppResult};
use crate::service::identity::chat_sender::ChatSender;
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
    /// The login page's 忘记密码, where a `重置密码` code is used.
    pub reset_path: String,
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
    pub sender: Option<ChatSender>,
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

    /// The bound sender's actor, for handlers behind `RequireBound` or `RequireCounselor`; a
    /// rule that forgot its guard fails loudly instead of acting for nobody.
    pub fn actor(&self) -> AppResult<&Actor> {
        self.sender
            .as_ref()
            .map(|sender| &sender.actor)
            .ok_or_else(|| AppError::Internal("bot handler needs a bound sender".into()))
    }
}
