//! A task's notices as its publisher sees them: how many are queued, sent, delivered, failed,
//! and when the last queued one can be expected to go out; and WeChat's delivery reports.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QuerySelect, QueryTrait,
};

use crate::db::entities::{assignments, push_days, push_jobs, tasks};
use crate::domain::push::{expected_done, JobKind, JobStatus};
use crate::error::AppResult;
use crate::service::Services;

/// A TEMPLATESENDJOBFINISH report: `delivery` is `delivered`, `failed_user_block`,
/// `failed_system` or WeChat's own text. Returns whether a job had that msgid.
pub async fn record_delivery(
    services: &Services,
    msgid: u64,
    delivery: &str,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    crate::outbox::push::record_delivery(&services.db, msgid, delivery, at).await
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

/// A task's notices in three groups: the task notice itself, reminders (催办), and the notices
/// of its changes and withdrawal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskNotices {
    pub notices: NoticeStats,
    pub reminders: NoticeStats,
    pub updates: NoticeStats,
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
) -> AppResult<TaskNotices> {
    #[derive(FromQueryResult)]
    struct Row {
        kind: JobKind,
        status: JobStatus,
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
    let mut all = TaskNotices::default();
    for row in rows {
        let stats = match row.kind {
            JobKind::Reminder => &mut all.reminders,
            JobKind::Task | JobKind::Summary => &mut all.notices,
            JobKind::Changed | JobKind::Withdrawn => &mut all.updates,
        };
        let n = row.n.max(0) as u64;
        match row.status {
            JobStatus::Queued => stats.queued += n,
            JobStatus::Sending => stats.sending += n,
            JobStatus::Sent => {
                stats.sent += n;
                match row.delivery.as_deref() {
                    Some("delivered") => stats.delivered += n,
                    Some(_) => stats.failed += n,
                    None => {}
                }
            }
            JobStatus::Failed => stats.failed += n,
            JobStatus::Cancelled => stats.cancelled += n,
        }
    }
    let waiting = |s: &NoticeStats| s.queued + s.sending > 0;
    if waiting(&all.notices) || waiting(&all.reminders) || waiting(&all.updates) {
        let expected = expected_for(services, task, throughput).await?;
        for stats in [&mut all.notices, &mut all.reminders, &mut all.updates] {
            if waiting(stats) {
                stats.expected_done_at = Some(expected);
            }
        }
    }
    Ok(all)
}

/// When the queue reaches this task's last notice: everything queued at or before its deadline
/// goes out first.
async fn expected_for(
    services: &Services,
    task: &tasks::Model,
    throughput: Throughput,
) -> AppResult<DateTime<Utc>> {
    let ahead = push_jobs::Entity::find()
        .filter(push_jobs::Column::Status.is_in([JobStatus::Queued, JobStatus::Sending]))
        .filter(push_jobs::Column::DeadlineAt.lte(task.deadline))
        .count(&services.db)
        .await?;
    let now = services.clock.now();
    let today = push_days::Entity::find_by_id(crate::domain::time::date(now))
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
