//! `帮助` / `help` / `?`, the help menu item, and anything a user sends that no command takes.

use std::sync::Arc;

use crate::bot::context::BotCtx;
use crate::bot::router::Captures;
use crate::bot::texts;
use crate::error::AppResult;
use crate::wechat::reply::Reply;

/// Help for a bound user, binding instructions for anyone else.
pub async fn help(ctx: Arc<BotCtx>, _: Captures) -> AppResult<Option<Reply>> {
    Ok(Some(Reply::Text(match &ctx.sender {
        Some(sender) => texts::help(&sender.actor.name, ctx.commands(), ctx.links()),
        None => texts::bind_instructions(ctx.links()),
    })))
}

pub async fn bind_instructions(ctx: Arc<BotCtx>, _: Captures) -> AppResult<Option<Reply>> {
    Ok(Some(Reply::Text(texts::bind_instructions(ctx.links()))))
}
