//! `绑定 <码>` and `解绑`.

use std::sync::Arc;

use crate::bot::context::BotCtx;
use crate::bot::router::Captures;
use crate::bot::texts;
use crate::domain::bind_code::BindCode;
use crate::error::AppResult;
use crate::service::identity::binding::{self, BindOutcome};
use crate::wechat::reply::Reply;

/// Group 1 of the rule's pattern is whatever follows the command word.
pub async fn bind(ctx: Arc<BotCtx>, captures: Captures) -> AppResult<Option<Reply>> {
    let argument = captures.get(1).unwrap_or_default().trim();
    let Ok(code) = BindCode::parse(argument) else {
        return Ok(Some(Reply::Text(texts::BIND_FORMAT.to_string())));
    };
    let text = match binding::bind_with_code(ctx.services(), ctx.openid(), &code).await? {
        BindOutcome::Bound { name } => texts::bound(&name),
        BindOutcome::AlreadyBound { name } => texts::already_bound(&name),
        BindOutcome::OpenIdTaken { name } => texts::openid_taken(&name),
        BindOutcome::UnknownCode => texts::UNKNOWN_CODE.to_string(),
        BindOutcome::TooManyAttempts => texts::TOO_MANY_ATTEMPTS.to_string(),
        BindOutcome::Paused => texts::BINDING_PAUSED.to_string(),
    };
    Ok(Some(Reply::Text(text)))
}

pub async fn unbind(ctx: Arc<BotCtx>, _: Captures) -> AppResult<Option<Reply>> {
    let text = match binding::unbind(ctx.services(), ctx.openid()).await? {
        Some(name) => texts::unbound(&name),
        None => texts::NOT_BOUND.to_string(),
    };
    Ok(Some(Reply::Text(text)))
}
