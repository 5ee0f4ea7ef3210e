//! subscribe / unsubscribe: keep the follower record true, learn the UnionID, greet.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::bot::context::BotCtx;
use crate::bot::router::Captures;
use crate::bot::texts;
use crate::error::AppResult;
use crate::service::{identity::binding, identity::followers};
use crate::wechat::reply::Reply;

fn event_time(ctx: &BotCtx) -> DateTime<Utc> {
    DateTime::from_timestamp(ctx.incoming.create_time as i64, 0).unwrap_or_else(Utc::now)
}

pub async fn subscribe(ctx: Arc<BotCtx>, _: Captures) -> AppResult<Option<Reply>> {
    followers::record(ctx.services(), ctx.openid(), true, event_time(&ctx)).await?;
    if let Some(client) = ctx.wechat().cloned() {
        // user/info is a network call: learn the UnionID after replying, not before.
        let services = ctx.services().clone();
        let openid = ctx.openid().to_string();
        tokio::spawn(async move {
            match client.user_info(&openid).await {
                Ok(info) => {
                    if let Some(unionid) = info.unionid.filter(|u| !u.is_empty()) {
                        let result = async {
                            followers::set_unionid(&services, &openid, &unionid).await?;
                            binding::bind_by_unionid(&services, &unionid).await
                        }
                        .await;
                        match result {
                            Ok(Some(account_id)) => {
                                tracing::info!(account_id, "bound by unionid on follow")
                            }
                            Ok(None) => {}
                            Err(error) => {
                                tracing::warn!(code = error.code(), cause = ?error, "unionid binding failed")
                            }
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "user/info after subscribe failed"),
            }
        });
    }
    Ok(Some(Reply::Text(match &ctx.sender {
        Some(sender) => texts::welcome_back(&sender.actor.name, ctx.commands(), ctx.links()),
        None => format!("欢迎关注！\n{}", texts::bind_instructions(ctx.links())),
    })))
}

pub async fn unsubscribe(ctx: Arc<BotCtx>, _: Captures) -> AppResult<Option<Reply>> {
    followers::record(ctx.services(), ctx.openid(), false, event_time(&ctx)).await?;
    Ok(None)
}
