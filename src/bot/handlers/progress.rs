//! `进展`: the counselor's headline employment figures.

use std::sync::Arc;

use crate::bot::context::BotCtx;
use crate::bot::texts;
use crate::error::AppResult;
use crate::service::{employment::stats as employment_stats, identity::auth};
use crate::wechat::reply::Reply;

pub async fn employment(ctx: Arc<BotCtx>) -> AppResult<Option<Reply>> {
    let account = match ctx.ready_account() {
        Ok(account) => account,
        Err(answer) => return Ok(Some(Reply::Text(answer))),
    };
    if account.role != crate::domain::role::Role::Counselor {
        return Ok(Some(Reply::Text(texts::NOT_A_COUNSELOR.to_string())));
    }
    let actor = auth::actor_of(account)?;
    let stats = employment_stats::for_counselor(ctx.services(), &actor, None).await?;
    Ok(Some(Reply::Text(texts::employment_headline(
        &stats,
        ctx.links(),
    ))))
}
