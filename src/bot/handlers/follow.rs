//! subscribe / unsubscribe: keep the follower record true, learn the UnionID, greet.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::bot::context::BotCtx;
use crate::bot::router::Captures;
use crate::bot::texts;
use crate::error::AppResult;
use crate::service::identity::{followers, profiles};
use crate::wechat::reply::Reply;

fn event_time(ctx: &BotCtx) -> DateTime<Utc> {
    DateTime::from_timestamp(ctx.incoming.create_time as i64, 0).unwrap_or_else(Utc::now)
}

pub async fn subscribe(ctx: Arc<BotCtx>, _: Captures) -> AppResult<Option<Reply>> {
    followers::record(ctx.services(), ctx.openid(), true, event_time(&ctx)).await?;
    if ctx.wechat().is_some() {
        // user/info is a network call: a durable job learns the UnionID after the reply.
        profiles::queue_lookup(ctx.services(), ctx.openid()).await?;
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
