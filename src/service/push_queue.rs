//! The producing side of the push queue: jobs for a task's counselors (set-based), the summary
//! after a late binding, cancellation, delivery reports, and what a task's notices look like.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QuerySelect, QueryTrait, StatementBuilder,
};

use crate::db::entities::{
    account_wechat, accounts, assignments, followers, push_days, push_jobs, tasks,
};
use crate::domain::push::{expected_done, quota_day, JobKind, JobStatus};
use crate::domain::task::TaskStatus;
use crate::error::{AppError, AppResult};
use crate::service::Services;

/// Queue one notice of `kind` per bound, following, enabled counselor of the task (only those
/// not done yet when `only_pending`). One INSERT … SELECT, however many counselors.
pub async fn enqueue_for_task<C: ConnectionTrait>(
    conn: &C,
    task: &tasks::Model,
    kind: JobKind,
    only_pending: bool,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let s = Alias::new("s");
    let w = Alias::new("w");
    let a = Alias::new("a");
    let f = Alias::new("f");
    let mut select = Query::select();
    select
        .expr(Expr::val(kind.as_str()))
        .expr(Expr::val(task.id))
        .column((s.clone(), assignments::Column::AccountId))
        .column((w.clone(), account_wechat::Column::OaOpenid))
        .expr(Expr::val(JobStatus::Queued.as_str()))
        .expr(Expr::val(0))
        .expr(Expr::val(now))
        .expr(Expr::val(task.deadline))
        .expr(Expr::val(now))
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
    if only_pending {
        select.and_where(Expr::col((s.clone(), assignments::Column::DoneAt)).is_null());
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
        .filter(push_jobs::Column::Status.eq(JobStatus::Queued.as_str()))
        .exec(conn)
        .await?;
    let Some(nearest) = nearest_pending_deadline(conn, account_id, now).await? else {
        return Ok(false);
    };
    push_jobs::ActiveModel {
        kind: sea_orm::Set(JobKind::Summary.as_str().to_string()),
        task_id: sea_orm::Set(None),
        account_id: sea_orm::Set(account_id),
        openid: sea_orm::Set(openid.to_string()),
        status: sea_orm::Set(JobStatus::Queued.as_str().to_string()),
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

/// The nearest deadline among the account's pending, published, not yet overdue tasks.
pub async fn nearest_pending_deadline<C: ConnectionTrait>(
    conn: &C,
    account_id: i32,
    now: DateTime<Utc>,
) -> AppResult<Option<DateTime<Utc>>> {
    Ok(pending_summary(conn, account_id, now).await?.1)
}

/// How many tasks the account has pending (published, not done, not overdue), and the
/// nearest deadline among them.
pub async fn pending_summary<C: ConnectionTrait>(
    conn: &C,
    account_id: i32,
    now: DateTime<Utc>,
) -> AppResult<(u64, Option<DateTime<Utc>>)> {
    #[derive(FromQueryResult)]
    struct Row {
        n: i64,
        nearest: Option<DateTime<Utc>>,
    }
    let mut query = Query::select();
    query
        .expr_as(
            Expr::col((assignments::Entity, assignments::Column::Id)).count(),
            Alias::new("n"),
        )
        .expr_as(
            Expr::col((tasks::Entity, tasks::Column::Deadline)).min(),
            Alias::new("nearest"),
        )
        .from(assignments::Entity)
        .inner_join(
            tasks::Entity,
            Expr::col((tasks::Entity, tasks::Column::Id))
                .equals((assignments::Entity, assignments::Column::TaskId)),
        )
        .and_where(Expr::col((assignments::Entity, assignments::Column::AccountId)).eq(account_id))
        .and_where(Expr::col((assignments::Entity, assignments::Column::DoneAt)).is_null())
        .and_where(
            Expr::col((tasks::Entity, tasks::Column::Status)).eq(TaskStatus::Published.as_str()),
        )
        .and_where(Expr::col((tasks::Entity, tasks::Column::Deadline)).gt(now));
    let backend = conn.get_database_backend();
    let row = Row::find_by_statement(StatementBuilder::build(&query, &backend))
        .one(conn)
        .await?;
    Ok(row
        .map(|r| (r.n.max(0) as u64, r.nearest))
        .unwrap_or((0, None)))
}

/// After an unbinding: the account's queued notices have nowhere to go.
pub async fn on_unbound<C: ConnectionTrait>(
    conn: &C,
    account_id: i32,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let result = push_jobs::Entity::update_many()
        .col_expr(
            push_jobs::Column::Status,
            Expr::value(JobStatus::Cancelled.as_str()),
        )
        .col_expr(push_jobs::Column::ErrorText, Expr::value("已解除绑定"))
        .col_expr(push_jobs::Column::FinishedAt, Expr::value(now))
        .filter(push_jobs::Column::AccountId.eq(account_id))
        .filter(push_jobs::Column::Status.eq(JobStatus::Queued.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
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
        .filter(push_jobs::Column::Status.eq(JobStatus::Queued.as_str()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Cancel a task's unsent notices.
pub async fn cancel_for_task<C: ConnectionTrait>(
    conn: &C,
    task_id: i32,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let result = push_jobs::Entity::update_many()
        .col_expr(
            push_jobs::Column::Status,
            Expr::value(JobStatus::Cancelled.as_str()),
        )
        .col_expr(push_jobs::Column::ErrorText, Expr::value(reason))
        .col_expr(push_jobs::Column::FinishedAt, Expr::value(now))
        .filter(push_jobs::Column::TaskId.eq(task_id))
        .filter(push_jobs::Column::Status.eq(JobStatus::Queued.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// A TEMPLATESENDJOBFINISH report: `delivery` is `delivered`, `failed_user_block`,
/// `failed_system` or WeChat's own text. Returns whether a job had that msgid.
pub async fn record_delivery(
    services: &Services,
    msgid: u64,
    delivery: &str,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    let Ok(msgid) = i64::try_from(msgid) else {
        return Ok(false);
    };
    let delivery: String = delivery.chars().take(64).collect();
    let result = push_jobs::Entity::update_many()
        .col_expr(push_jobs::Column::Delivery, Expr::value(delivery))
        .col_expr(push_jobs::Column::FinishedAt, Expr::value(at))
        .filter(push_jobs::Column::Msgid.eq(msgid))
        .exec(&services.db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// The notices of one task, by state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeStats {
    pub queued: u64,
    pub sending: u64,
    pub sent: u64,
    pub delivered: u64,
    pub failed: u64,
    pub cancelled: u64,
    /// When the last queued notice can be expected to go out (quota and rate allowing).
    pub expected_done_at: Option<DateTime<Utc>>,
}

/// Daily quota and send rate, to estimate when queued notices go out.
#[derive(Debug, Clone, Copy)]
pub struct Throughput {
    pub daily_quota: u64,
    pub per_second: u64,
}

/// The task's notices and reminders by state, in one grouped read.
pub async fn notice_stats(
    services: &Services,
    task: &tasks::Model,
    subtree: Option<&str>,
    throughput: Throughput,
) -> AppResult<(NoticeStats, NoticeStats)> {
    #[derive(FromQueryResult)]
    struct Row {
        kind: String,
        status: String,
        delivery: Option<String>,
        n: i64,
    }
    let mut query = push_jobs::Entity::find();
    if let Some(pattern) = subtree {
        // Only the notices of counselors inside this subtree.
        let mut inside = Query::select();
        inside
            .column(assignments::Column::AccountId)
            .from(assignments::Entity)
            .and_where(assignments::Column::TaskId.eq(task.id))
            .and_where(assignments::Column::OrgPath.like(pattern));
        query = query.filter(push_jobs::Column::AccountId.in_subquery(inside));
    }
    let grouped = query
        .select_only()
        .column(push_jobs::Column::Kind)
        .column(push_jobs::Column::Status)
        .column(push_jobs::Column::Delivery)
        .column_as(push_jobs::Column::Id.count(), "n")
        .filter(push_jobs::Column::TaskId.eq(task.id))
        .group_by(push_jobs::Column::Kind)
        .group_by(push_jobs::Column::Status)
        .group_by(push_jobs::Column::Delivery)
        .into_query();
    let rows = Row::find_by_statement(crate::db::inlined(&services.db, &grouped))
        .all(&services.db)
        .await?;
    let mut notices = NoticeStats::default();
    let mut reminders = NoticeStats::default();
    for row in rows {
        let stats = match JobKind::from_db(&row.kind) {
            Some(JobKind::Reminder) => &mut reminders,
            _ => &mut notices,
        };
        let n = row.n.max(0) as u64;
        match row.status.as_str() {
            "queued" => stats.queued += n,
            "sending" => stats.sending += n,
            "sent" => {
                stats.sent += n;
                match row.delivery.as_deref() {
                    Some("delivered") => stats.delivered += n,
                    Some(_) => stats.failed += n,
                    None => {}
                }
            }
            "failed" => stats.failed += n,
            _ => stats.cancelled += n,
        }
    }
    if notices.queued + notices.sending + reminders.queued + reminders.sending > 0 {
        let expected = expected_for(services, task, throughput).await?;
        for stats in [&mut notices, &mut reminders] {
            if stats.queued + stats.sending > 0 {
                stats.expected_done_at = Some(expected);
            }
        }
    }
    Ok((notices, reminders))
}

/// When the queue reaches this task's last notice: everything queued at or before its deadline
/// goes out first.
async fn expected_for(
    services: &Services,
    task: &tasks::Model,
    throughput: Throughput,
) -> AppResult<DateTime<Utc>> {
    let ahead = push_jobs::Entity::find()
        .filter(
            push_jobs::Column::Status
                .is_in([JobStatus::Queued.as_str(), JobStatus::Sending.as_str()]),
        )
        .filter(push_jobs::Column::DeadlineAt.lte(task.deadline))
        .count(&services.db)
        .await?;
    let now = Utc::now();
    let today = push_days::Entity::find_by_id(quota_day(now))
        .one(&services.db)
        .await?;
    let left_today = match &today {
        Some(day) if day.paused => 0,
        Some(day) => throughput
            .daily_quota
            .saturating_sub(day.sent.max(0) as u64),
        None => throughput.daily_quota,
    };
    Ok(expected_done(
        now,
        ahead,
        left_today,
        throughput.daily_quota,
        throughput.per_second,
    ))
}
