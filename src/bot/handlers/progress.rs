//! `进展`: the counselor's headline employment figures.

use std::sync::Arc;

use crate::bot::context::BotCtx;
use crate::bot::router::Captures;
use crate::bot::texts;
use crate::error::AppResult;
use crate::service::employment::stats as employment_stats;
use crate::wechat::reply::Reply;

/// Behind `RequireCounselor`.
pub async fn employment(ctx: Arc<BotCtx>, _: Captures) -> AppResult<Option<Reply>> {
    let stats = employment_stats::for_counselor(ctx.services(), ctx.actor()?, None).await?;
    Ok(Some(Reply::Text(texts::employment_headline(
        &stats,
        ctx.links(),
    ))))
}
