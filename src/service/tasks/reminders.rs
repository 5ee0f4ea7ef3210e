//! Reminders (催办): by an admin at most once per interval per task, and automatic ones
//! shortly before the deadline.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use serde_json::json;

use super::query::managed_task;
use crate::db::entities::tasks;
use crate::domain::push::JobKind;
use crate::domain::scope::Actor;
use crate::domain::task::TaskStatus;
use crate::error::{AppResult, Conflict};
use crate::outbox::push::{self, TaskNotice};
use crate::service::{audit, RequestMeta, Services};

/// Remind (催办) everyone bound who is not done, at most once per interval per task.
pub async fn remind(
    services: &Services,
    actor: &Actor,
    id: i32,
    interval: chrono::TimeDelta,
    meta: &RequestMeta,
) -> AppResult<u64> {
    let txn = services.db.begin().await?;
    let task = managed_task(&txn, actor, id).await?;
    if task.status != TaskStatus::Published {
        return Err(Conflict::RemindUnpublished.into());
    }
    let now = Utc::now();
    if !claim_reminder(&txn, &task, interval, now).await? {
        let next = task.last_reminded_at.map(|at| at + interval).unwrap_or(now);
        return Err(Conflict::RemindTooSoon {
            interval_minutes: interval.num_minutes(),
            next,
        }
        .into());
    }
    let queued = push::enqueue_for_task(
        &txn,
        &task,
        TaskNotice::to_pending(JobKind::Reminder, now),
        now,
    )
    .await?;
    if queued == 0 {
        // Nobody bound is left to remind: nothing was sent, so the hourly slot stays free.
        txn.rollback().await?;
        return Ok(0);
    }
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "task.remind",
            target_type: "task",
            target_id: Some(task.id.to_string()),
            org_path: &task.org_path,
            detail: json!({ "queued": queued }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(queued)
}

/// Take the task's reminder slot if the last reminder is older than the interval; the
/// conditional update makes two admins (or instances) clicking at once remind once.
async fn claim_reminder<C: ConnectionTrait>(
    conn: &C,
    task: &tasks::Model,
    interval: chrono::TimeDelta,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let changed = tasks::Entity::update_many()
        .col_expr(tasks::Column::LastRemindedAt, Expr::value(now))
        .filter(tasks::Column::Id.eq(task.id))
        .filter(
            Condition::any()
                .add(tasks::Column::LastRemindedAt.is_null())
                .add(tasks::Column::LastRemindedAt.lte(now - interval)),
        )
        .exec(conn)
        .await?;
    Ok(changed.rows_affected == 1)
}

/// When the automatic reminder runs: `before` the deadline, and never within `interval` of
/// the task's last reminder (an admin's 催办 or its own), so counselors hear it once.
#[derive(Debug, Clone, Copy)]
pub struct AutoRemindWindow {
    pub before: chrono::TimeDelta,
    pub interval: chrono::TimeDelta,
}

/// Automatic reminders: every published task whose deadline is within `window.before` and that
/// has not been reminded automatically yet. A task an admin reminded within `window.interval`
/// waits until the interval has passed (and is skipped if the deadline comes first). Returns
/// the number of notices queued.
pub async fn auto_remind(services: &Services, window: AutoRemindWindow) -> AppResult<u64> {
    let now = services.clock.now();
    let recent = now - window.interval;
    let due = tasks::Entity::find()
        .filter(tasks::Column::Status.eq(TaskStatus::Published))
        .filter(tasks::Column::AutoRemindedAt.is_null())
        .filter(tasks::Column::Deadline.gt(now))
        .filter(tasks::Column::Deadline.lte(now + window.before))
        .filter(
            Condition::any()
                .add(tasks::Column::LastRemindedAt.is_null())
                .add(tasks::Column::LastRemindedAt.lte(recent)),
        )
        .limit(100)
        .all(&services.db)
        .await?;
    let mut queued = 0;
    for task in due {
        let txn = services.db.begin().await?;
        // The guard repeats the selection's: an admin's 催办 since the read wins.
        let changed = tasks::Entity::update_many()
            .col_expr(tasks::Column::AutoRemindedAt, Expr::value(now))
            .col_expr(tasks::Column::LastRemindedAt, Expr::value(now))
            .filter(tasks::Column::Id.eq(task.id))
            .filter(tasks::Column::AutoRemindedAt.is_null())
            .filter(
                Condition::any()
                    .add(tasks::Column::LastRemindedAt.is_null())
                    .add(tasks::Column::LastRemindedAt.lte(recent)),
            )
            .exec(&txn)
            .await?;
        if changed.rows_affected == 1 {
            let n = push::enqueue_for_task(
                &txn,
                &task,
                TaskNotice::to_pending(JobKind::Reminder, now),
                now,
            )
            .await?;
            audit::record(
                &txn,
                None,
                &RequestMeta::default(),
                audit::Entry {
                    action: "task.auto_remind",
                    target_type: "task",
                    target_id: Some(task.id.to_string()),
                    org_path: &task.org_path,
                    detail: json!({ "queued": n }),
                },
            )
            .await?;
            queued += n;
        }
        txn.commit().await?;
    }
    Ok(queued)
}
