//! `绑定 <码>` and `解绑`.

use std::sync::Arc;

use crate::bot::context::BotCtx;
use crate::bot::texts;
use crate::domain::bind_code::BindCode;
use crate::error::AppResult;
use crate::service::identity::binding::{self, BindOutcome};
use crate::wechat::message::Kind;
use crate::wechat::reply::Reply;

pub async fn bind(ctx: Arc<BotCtx>) -> AppResult<Option<Reply>> {
    let Kind::Text { content, .. } = &ctx.incoming.kind else {
        return Ok(None);
    };
    let argument = content.trim().trim_start_matches("绑定").trim();
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

pub async fn unbind(ctx: Arc<BotCtx>) -> AppResult<Option<Reply>> {
    let text = match binding::unbind(ctx.services(), ctx.openid()).await? {
        Some(name) => texts::unbound(&name),
        None => texts::NOT_BOUND.to_string(),
    };
    Ok(Some(Reply::Text(text)))
}
