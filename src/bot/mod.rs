//! The chat bot of the official account: typed messages in, passive replies out. Every message
//! goes through dedup, interceptors and the first matching rule, under a hard deadline.

pub mod context;
pub mod dedup;
pub mod guards;
pub mod handlers;
pub mod menu;
pub mod router;
pub mod rules;
pub mod texts;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use crate::service::Services;
use crate::wechat::client::WechatClient;
use crate::wechat::message::Incoming;
use crate::wechat::reply::Reply;
use context::{BotCtx, Links, Shared};
use dedup::Dedup;
use router::Router;

/// What the callback answers: a reply document, or `success` (no reply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Reply(String),
    Success,
}

#[derive(Clone)]
pub struct Bot {
    router: Arc<Router>,
    dedup: Dedup,
    shared: Arc<Shared>,
    deadline: Duration,
}

impl Bot {
    pub fn new(
        services: Services,
        wechat: Option<WechatClient>,
        links: Links,
        deadline: Duration,
        sign_in_lead: chrono::TimeDelta,
    ) -> Self {
        let router = rules::router();
        let shared = Arc::new(Shared {
            services,
            wechat,
            links,
            commands: router.help_lines(),
            sign_in_lead,
        });
        Self {
            router: Arc::new(router),
            dedup: Dedup::new(),
            shared,
            deadline,
        }
    }

    /// Answer one message. A retry of a message already answered gets the same answer without
    /// running any handler. A handler that misses the deadline keeps running to completion (its
    /// side effects are idempotent and must not be cut in half); the callback answers `success`.
    pub async fn answer(&self, incoming: Incoming) -> Answer {
        let key = incoming.dedup_key();
        if let Some(answer) = self.dedup.get(&key).await {
            return answer;
        }
        let bot = self.clone();
        let work = tokio::spawn(async move {
            let answer = bot.run(incoming).await;
            bot.dedup.put(key, answer.clone()).await;
            answer
        });
        match tokio::time::timeout(self.deadline, work).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(join_error)) => {
                tracing::error!(error = %join_error, "bot handler crashed");
                Answer::Success
            }
            Err(_) => {
                tracing::warn!(
                    deadline_ms = self.deadline.as_millis() as u64,
                    "bot reply missed the deadline; answered success"
                );
                Answer::Success
            }
        }
    }

    /// Answer a request seen before under the same signed query and body: the reply made for it
    /// if this instance still has it, else `success`; no handler runs, so a replayed request
    /// never acts twice.
    pub async fn answer_repeat(&self, incoming: &Incoming) -> Answer {
        self.dedup
            .get(&incoming.dedup_key())
            .await
            .unwrap_or(Answer::Success)
    }

    async fn run(&self, incoming: Incoming) -> Answer {
        let Some((rule, captures)) = self.router.route(&incoming) else {
            return Answer::Success;
        };
        let mut ctx = BotCtx {
            incoming,
            sender: None,
            shared: self.shared.clone(),
        };
        let intercepted = self.router.intercept(&mut ctx).await;
        let ctx = Arc::new(ctx);
        let result = match intercepted {
            Ok(()) => rule.handle(ctx.clone(), captures).await,
            Err(error) => Err(error),
        };
        let reply = match result {
            Ok(reply) => reply,
            Err(error) => {
                tracing::error!(rule = rule.name, code = error.code(), cause = ?error, "bot handler failed");
                Some(Reply::Text(texts::BUSY.to_string()))
            }
        };
        match reply {
            Some(reply) => {
                Answer::Reply(reply.to_xml(&ctx.incoming, Utc::now().timestamp().max(0) as u64))
            }
            None => Answer::Success,
        }
    }

    /// Which rule a message goes to (for tests and diagnostics).
    pub fn rule_for(&self, incoming: &Incoming) -> Option<&'static str> {
        self.router.route(incoming).map(|(rule, _)| rule.name)
    }
}
