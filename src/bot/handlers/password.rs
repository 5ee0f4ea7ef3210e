//! `重置密码`: a code to set a forgotten password on the mini program's login page.

use std::sync::Arc;

use crate::bot::context::BotCtx;
use crate::bot::router::Captures;
use crate::bot::texts;
use crate::error::{AppError, AppResult};
use crate::service::identity::password_reset::{self, Issued, CODE_MINUTES, CODE_TRIES};
use crate::wechat::reply::Reply;

pub async fn reset_code(ctx: Arc<BotCtx>, _: Captures) -> AppResult<Option<Reply>> {
    // The guard let only a bound sender through.
    let sender = ctx
        .sender
        .as_ref()
        .ok_or_else(|| AppError::internal("reset code without a bound sender"))?;
    let text = match password_reset::issue(ctx.services(), &sender.actor).await? {
        Issued::Code { code, .. } => {
            texts::reset_code(&code, CODE_MINUTES, CODE_TRIES, ctx.links())
        }
        Issued::TooSoon { retry_after_secs } => texts::reset_code_too_soon(retry_after_secs),
    };
    Ok(Some(Reply::Text(text)))
}
