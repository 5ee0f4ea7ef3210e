//! `任务`, `完成 <编号>`, `签到 <编号>` and the 待办任务 menu item: the same services as the API,
//! all behind `RequireCounselor`. 编号 is the task's id, so a number stays valid however the
//! list changes.

use std::sync::Arc;

use crate::bot::context::BotCtx;
use crate::bot::router::Captures;
use crate::bot::texts;
use crate::error::{AppError, AppResult};
use crate::service::tasks::counselor as my_tasks;
use crate::wechat::reply::Reply;

/// How many pending tasks a chat reply lists; the mini program shows the rest.
const LISTED: u64 = 8;

fn text(value: String) -> AppResult<Option<Reply>> {
    Ok(Some(Reply::Text(value)))
}

/// The task number in what followed the command word (group 1 of the rule's pattern), written
/// bare or as `#12`, `【12】`, `[12]`; `None` when there is none or it is not a number.
fn task_number(captures: &Captures) -> Option<i32> {
    let argument = captures.get(1)?.trim();
    let digits = argument
        .trim_start_matches(['#', '＃', '【', '['])
        .trim_end_matches(['】', ']']);
    digits.parse::<i32>().ok()
}

pub async fn list(ctx: Arc<BotCtx>, _: Captures) -> AppResult<Option<Reply>> {
    let account_id = ctx.actor()?.account_id;
    let (tasks, total) = my_tasks::pending_for_chat(ctx.services(), account_id, LISTED).await?;
    text(texts::pending_tasks(&tasks, total, ctx.links()))
}

pub async fn complete(ctx: Arc<BotCtx>, captures: Captures) -> AppResult<Option<Reply>> {
    step(ctx, Step::Complete, &captures).await
}

pub async fn sign_in(ctx: Arc<BotCtx>, captures: Captures) -> AppResult<Option<Reply>> {
    step(ctx, Step::SignIn, &captures).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Complete,
    SignIn,
}

impl Step {
    /// The command word, as the replies quote it.
    fn word(self) -> &'static str {
        match self {
            Step::Complete => "完成",
            Step::SignIn => "签到",
        }
    }
}

async fn step(ctx: Arc<BotCtx>, step: Step, captures: &Captures) -> AppResult<Option<Reply>> {
    let command = step.word();
    let Some(task_id) = task_number(captures) else {
        return text(texts::step_format(command));
    };
    let actor = ctx.actor()?;
    let result = match step {
        Step::SignIn => {
            my_tasks::sign_in(ctx.services(), actor, task_id, ctx.shared.sign_in_lead).await
        }
        Step::Complete => my_tasks::complete(ctx.services(), actor, task_id).await,
    };
    match result {
        Ok(done) => text(texts::step_done(command, &done, ctx.links())),
        Err(AppError::NotFound { .. }) => text(texts::no_such_task(task_id)),
        // Window closed, not a live course...: the error's own Chinese message says why.
        Err(error @ AppError::Conflict(_)) => text(texts::user_text(&error.to_string())),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::router::Matcher;
    use crate::wechat::message::Incoming;

    fn captures(content: &str) -> Captures {
        let xml = format!(
            "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content><![CDATA[{content}]]></Content><MsgId>1</MsgId></xml>"
        );
        let incoming = Incoming::parse(xml.as_bytes()).expect("parses");
        Matcher::keyword(r"完成\s*(.*)")
            .matches(&incoming)
            .expect("matches")
    }

    #[test]
    fn the_task_number_comes_from_the_captured_argument() {
        assert_eq!(task_number(&captures("完成 12")), Some(12));
        assert_eq!(task_number(&captures("完成12")), Some(12));
        assert_eq!(task_number(&captures("完成 #12")), Some(12));
        assert_eq!(task_number(&captures("完成【7】")), Some(7));
        assert_eq!(task_number(&captures("完成")), None);
        assert_eq!(task_number(&captures("完成 十二")), None);
    }
}
