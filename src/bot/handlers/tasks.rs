//! `任务`, `完成 <编号>`, `签到 <编号>` and the 待办任务 menu item: the same services as the API.
//! 编号 is the task's id, so a number stays valid however the list changes.

use std::sync::Arc;

use crate::bot::context::BotCtx;
use crate::bot::texts;
use crate::error::{AppError, AppResult};
use crate::service::{identity::auth, tasks::counselor as my_tasks};
use crate::wechat::message::Kind;
use crate::wechat::reply::Reply;

/// How many pending tasks a chat reply lists; the mini program shows the rest.
const LISTED: u64 = 8;

fn text(value: String) -> AppResult<Option<Reply>> {
    Ok(Some(Reply::Text(value)))
}

/// The number after the command word, if the message has one.
fn argument(ctx: &BotCtx, command: &str) -> Option<Result<i32, ()>> {
    let Kind::Text { content, .. } = &ctx.incoming.kind else {
        return None;
    };
    let rest = content.trim().trim_start_matches(command).trim();
    if rest.is_empty() {
        return None;
    }
    let digits = rest
        .trim_start_matches(['#', '＃', '【', '['])
        .trim_end_matches(['】', ']']);
    Some(digits.parse::<i32>().map_err(|_| ()))
}

pub async fn list(ctx: Arc<BotCtx>) -> AppResult<Option<Reply>> {
    let account = match ctx.ready_account() {
        Ok(account) => account,
        Err(answer) => return text(answer),
    };
    if account.role != crate::domain::role::Role::Counselor {
        return text(texts::NOT_A_COUNSELOR.to_string());
    }
    let (tasks, total) = my_tasks::pending_for_chat(ctx.services(), account.id, LISTED).await?;
    text(texts::pending_tasks(&tasks, total, ctx.links()))
}

pub async fn complete(ctx: Arc<BotCtx>) -> AppResult<Option<Reply>> {
    step(ctx, "完成").await
}

pub async fn sign_in(ctx: Arc<BotCtx>) -> AppResult<Option<Reply>> {
    step(ctx, "签到").await
}

async fn step(ctx: Arc<BotCtx>, command: &'static str) -> AppResult<Option<Reply>> {
    let account = match ctx.ready_account() {
        Ok(account) => account,
        Err(answer) => return text(answer),
    };
    if account.role != crate::domain::role::Role::Counselor {
        return text(texts::NOT_A_COUNSELOR.to_string());
    }
    let task_id = match argument(&ctx, command) {
        Some(Ok(id)) => id,
        Some(Err(())) | None => return text(texts::step_format(command)),
    };
    let actor = auth::actor_of(account)?;
    let result = if command == "签到" {
        my_tasks::sign_in(ctx.services(), &actor, task_id, ctx.shared.sign_in_lead).await
    } else {
        my_tasks::complete(ctx.services(), &actor, task_id).await
    };
    match result {
        Ok(step) => text(texts::step_done(command, &step, ctx.links())),
        Err(AppError::NotFound { .. }) => text(texts::no_such_task(task_id)),
        // Window closed, not a live course...: the error's own Chinese message says why.
        Err(error @ AppError::Conflict(_)) => text(texts::user_text(&error.to_string())),
        Err(error) => Err(error),
    }
}
