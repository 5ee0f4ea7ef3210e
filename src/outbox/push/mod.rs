//! The push queue (`push_jobs`): template notices, reminders and post-binding summaries.
//!
//! Producers: `enqueue_for_task` (set-based, one `INSERT … SELECT` however many counselors),
//! `on_bound`/`on_unbound`, `move_deadline`, `cancel_for_task`, `record_delivery`. The consumer
//! side (`queue`: claim and outcomes; `quota`: the daily ledger; `context`: what a batch's
//! messages need) is the push worker's.

pub mod context;
pub mod queue;
pub mod quota;

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    StatementBuilder,
};

use crate::db::entities::{account_wechat, accounts, assignments, followers, push_jobs, tasks};
use crate::domain::push::{JobKind, JobStatus, TaskChanges};
use crate::error::{AppError, AppResult};

pub use context::{pending_summary, publisher_names};
pub use queue::{Attempt, JobError};

/// Which notices of a task to queue, and from when they may go out.
#[derive(Debug, Clone, Copy)]
pub struct TaskNotice {
    pub kind: JobKind,
    /// Only counselors who are not done yet (reminders).
    pub only_pending: bool,
    /// Not sent before this (a scheduled reminder); `now` for at once.
    pub not_before: DateTime<Utc>,
    /// Only counselors whose task notice went out: news of a change is for those who were told.
    pub only_told: bool,
    /// Not to counselors who already have a queued notice of this kind for the task: it will
    /// say the news when it goes out.
    pub merged: bool,
    /// What a change notice reports.
    pub change: Option<TaskChanges>,
}

impl TaskNotice {
    /// To every counselor of the task, at once.
    pub fn to_all(kind: JobKind, now: DateTime<Utc>) -> Self {
        Self {
            kind,
            only_pending: false,
            not_before: now,
            only_told: false,
            merged: false,
            change: None,
        }
    }

    /// To the counselors not done yet, at once.
    pub fn to_pending(kind: JobKind, now: DateTime<Utc>) -> Self {
        Self {
            only_pending: true,
            ..Self::to_all(kind, now)
        }
    }

    /// A correction or later deadline, to the counselors told of the task and not done, after
    /// `merge` (changes in between join this notice).
    pub fn changed(changes: TaskChanges, now: DateTime<Utc>, merge: TimeDelta) -> Self {
        Self {
            only_told: true,
            merged: true,
            change: Some(changes),
            ..Self::to_pending(JobKind::Changed, now + merge)
        }
    }

    /// The withdrawal, to the counselors told of the task and not done, at once.
    pub fn withdrawn(now: DateTime<Utc>) -> Self {
        Self {
            only_told: true,
            ..Self::to_pending(JobKind::Withdrawn, now)
        }
    }

    /// The same notice, not sent before `at`.
    pub fn scheduled(self, at: DateTime<Utc>) -> Self {
        Self {
            not_before: at,
            ..self
        }
    }
}

/// Queue one notice per bound, following, enabled counselor of the task. One INSERT … SELECT,
/// however many counselors.
pub async fn enqueue_for_task<C: ConnectionTrait>(
    conn: &C,
    task: &tasks::Model,
    notice: TaskNotice,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let s = Alias::new("s");
    let w = Alias::new("w");
    let a = Alias::new("a");
    let f = Alias::new("f");
    let mut select = Query::select();
    select
        .expr(Expr::val(notice.kind.as_str()))
        .expr(Expr::val(task.id))
        .column((s.clone(), assignments::Column::AccountId))
        .column((w.clone(), account_wechat::Column::OaOpenid))
        .expr(Expr::val(JobStatus::Queued))
        .expr(Expr::val(0))
        .expr(Expr::val(notice.not_before))
        .expr(Expr::val(task.deadline))
        .expr(Expr::val(now))
        .expr(Expr::val(
            notice.change.map(|change| change.as_stored().to_string()),
        ))
        .from_as(assignments::Entity, s.clone())
        .join_as(
            sea_orm::JoinType::InnerJoin,
            account_wechat::Entity,
            w.clone(),
            Expr::col((w.clone(), account_wechat::Column::AccountId))
                .equals((s.clone(), assignments::Column::AccountId)),
        )
        .join_as(
            sea_orm::JoinType::InnerJoin,
            accounts::Entity,
            a.clone(),
            Expr::col((a.clone(), accounts::Column::Id))
                .equals((s.clone(), assignments::Column::AccountId)),
        )
        .join_as(
            sea_orm::JoinType::LeftJoin,
            followers::Entity,
            f.clone(),
            Expr::col((f.clone(), followers::Column::Openid))
                .equals((w.clone(), account_wechat::Column::OaOpenid)),
        )
        .and_where(Expr::col((s.clone(), assignments::Column::TaskId)).eq(task.id))
        .and_where(Expr::col((w.clone(), account_wechat::Column::OaOpenid)).is_not_null())
        .and_where(Expr::col((a.clone(), accounts::Column::Disabled)).eq(false))
        // Someone known to have unfollowed cannot receive template messages: do not spend quota.
        .cond_where(
            Condition::any()
                .add(Expr::col((f.clone(), followers::Column::Following)).is_null())
                .add(Expr::col((f.clone(), followers::Column::Following)).eq(true)),
        );
    if notice.only_pending {
        select.and_where(Expr::col((s.clone(), assignments::Column::DoneAt)).is_null());
    }
    if notice.only_told {
        select.and_where(Expr::exists(task_jobs_of(
            &s,
            task.id,
            JobKind::Task,
            JobStatus::Sent,
        )));
    }
    if notice.merged {
        select.and_where(
            Expr::exists(task_jobs_of(&s, task.id, notice.kind, JobStatus::Queued)).not(),
        );
    }
    let insert = Query::insert()
        .into_table(push_jobs::Entity)
        .columns([
            push_jobs::Column::Kind,
            push_jobs::Column::TaskId,
            push_jobs::Column::AccountId,
            push_jobs::Column::Openid,
            push_jobs::Column::Status,
            push_jobs::Column::Attempts,
            push_jobs::Column::NextAttemptAt,
            push_jobs::Column::DeadlineAt,
            push_jobs::Column::CreatedAt,
            push_jobs::Column::Changes,
        ])
        .select_from(select)
        .map_err(|e| AppError::internal(format!("push job insert: {e}")))?
        .to_owned();
    let backend = conn.get_database_backend();
    let result = conn
        .execute(StatementBuilder::build(&insert, &backend))
        .await?;
    Ok(result.rows_affected())
}

/// `SELECT 1 FROM push_jobs` of this task's `kind` in `status` for the assignment row `s`.
fn task_jobs_of(
    s: &Alias,
    task_id: i32,
    kind: JobKind,
    status: JobStatus,
) -> sea_orm::sea_query::SelectStatement {
    let p = Alias::new("p");
    Query::select()
        .expr(Expr::val(1))
        .from_as(push_jobs::Entity, p.clone())
        .and_where(Expr::col((p.clone(), push_jobs::Column::TaskId)).eq(task_id))
        .and_where(
            Expr::col((p.clone(), push_jobs::Column::AccountId))
                .equals((s.clone(), assignments::Column::AccountId)),
        )
        .and_where(Expr::col((p.clone(), push_jobs::Column::Kind)).eq(kind))
        .and_where(Expr::col((p.clone(), push_jobs::Column::Status)).eq(status))
        .to_owned()
}

/// A change notice still queued takes the new change too: one notice says everything changed
/// within the merge window.
pub async fn merge_into_queued_changes<C: ConnectionTrait>(
    conn: &C,
    task_id: i32,
    changes: TaskChanges,
) -> AppResult<()> {
    for stored in ["content", "deadline", "content,deadline"] {
        let merged = TaskChanges::from_stored(stored).union(changes);
        if merged.as_stored() == stored {
            continue;
        }
        push_jobs::Entity::update_many()
            .col_expr(push_jobs::Column::Changes, Expr::value(merged.as_stored()))
            .filter(push_jobs::Column::TaskId.eq(task_id))
            .filter(push_jobs::Column::Kind.eq(JobKind::Changed))
            .filter(push_jobs::Column::Status.eq(JobStatus::Queued))
            .filter(push_jobs::Column::Changes.eq(stored))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// After a binding: one summary notice when the account has pending tasks. Queued notices of
/// the account follow it to the new OpenID.
pub async fn on_bound<C: ConnectionTrait>(
    conn: &C,
    account_id: i32,
    openid: &str,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    push_jobs::Entity::update_many()
        .col_expr(push_jobs::Column::Openid, Expr::value(openid))
        .filter(push_jobs::Column::AccountId.eq(account_id))
        .filter(push_jobs::Column::Status.eq(JobStatus::Queued))
        .exec(conn)
        .await?;
    let Some(nearest) = pending_summary(conn, account_id, now).await?.1 else {
        return Ok(false);
    };
    push_jobs::ActiveModel {
        kind: sea_orm::Set(JobKind::Summary),
        task_id: sea_orm::Set(None),
        account_id: sea_orm::Set(account_id),
        openid: sea_orm::Set(openid.to_string()),
        status: sea_orm::Set(JobStatus::Queued),
        attempts: sea_orm::Set(0),
        next_attempt_at: sea_orm::Set(now),
        deadline_at: sea_orm::Set(nearest),
        created_at: sea_orm::Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(true)
}

/// End the queued jobs matching `filter` as cancelled, with `reason`.
async fn cancel_queued<C: ConnectionTrait>(
    conn: &C,
    filter: Condition,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let result = push_jobs::Entity::update_many()
        .col_expr(push_jobs::Column::Status, Expr::value(JobStatus::Cancelled))
        .col_expr(push_jobs::Column::ErrorText, Expr::value(reason))
        .col_expr(push_jobs::Column::FinishedAt, Expr::value(now))
        .filter(filter)
        .filter(push_jobs::Column::Status.eq(JobStatus::Queued))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// After an unbinding: the account's queued notices have nowhere to go.
pub async fn on_unbound<C: ConnectionTrait>(
    conn: &C,
    account_id: i32,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let filter = Condition::all().add(push_jobs::Column::AccountId.eq(account_id));
    cancel_queued(conn, filter, "已解除绑定", now).await
}

/// Cancel a task's unsent notices.
pub async fn cancel_for_task<C: ConnectionTrait>(
    conn: &C,
    task_id: i32,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let filter = Condition::all().add(push_jobs::Column::TaskId.eq(task_id));
    cancel_queued(conn, filter, reason, now).await
}

/// Queued notices of a task move with its deadline (the queue sends nearest deadlines first).
pub async fn move_deadline<C: ConnectionTrait>(
    conn: &C,
    task_id: i32,
    deadline: DateTime<Utc>,
) -> AppResult<()> {
    push_jobs::Entity::update_many()
        .col_expr(push_jobs::Column::DeadlineAt, Expr::value(deadline))
        .filter(push_jobs::Column::TaskId.eq(task_id))
        .filter(push_jobs::Column::Status.eq(JobStatus::Queued))
        .exec(conn)
        .await?;
    Ok(())
}

/// A TEMPLATESENDJOBFINISH report: `delivery` is `delivered`, `failed_user_block`,
/// `failed_system` or WeChat's own text. Returns whether a job had that msgid.
pub async fn record_delivery<C: ConnectionTrait>(
    conn: &C,
    msgid: u64,
    delivery: &str,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    let Ok(msgid) = i64::try_from(msgid) else {
        return Ok(false);
    };
    let result = push_jobs::Entity::update_many()
        .col_expr(
            push_jobs::Column::Delivery,
            Expr::value(crate::outbox::bounded(delivery, 64)),
        )
        .col_expr(push_jobs::Column::FinishedAt, Expr::value(at))
        .filter(push_jobs::Column::Msgid.eq(msgid))
        .exec(conn)
        .await?;
    Ok(result.rows_affected > 0)
}
