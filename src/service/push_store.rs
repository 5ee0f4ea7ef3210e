//! The consuming side of the push queue, as the worker sees it: leases, claims (`FOR UPDATE
//! SKIP LOCKED` where the database has it), the daily quota ledger, and job outcomes.

use chrono::{DateTime, TimeDelta, Utc};
use rand::RngCore;
use sea_orm::sea_query::{CaseStatement, Expr, LockBehavior, LockType, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use crate::db::entities::{account_wechat, accounts, assignments, push_days, push_jobs, tasks};
use crate::domain::push::{quota_day, JobStatus};
use crate::error::AppResult;

/// Run a queue statement again when the database broke a deadlock by aborting it. Several
/// workers update the same tables; MySQL's next-key locks (and, rarely, PostgreSQL) can make two
/// of them wait on each other, and every statement here is safe to repeat.
pub async fn retrying<T, F, Fut>(mut op: F) -> AppResult<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = AppResult<T>>,
{
    let mut tries: u64 = 0;
    loop {
        match op().await {
            Err(crate::error::AppError::Database(error))
                if crate::db::is_retryable(&error) && tries < 8 =>
            {
                tries += 1;
                let pause = rand::Rng::gen_range(&mut rand::thread_rng(), 5..25) * tries;
                tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            }
            other => return other,
        }
    }
}

/// Jobs left `sending` by a process that died go back to the queue. Their WeChat send may have
/// happened: the resend carries the same `client_msg_id`, which WeChat deduplicates.
pub async fn reclaim_expired(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<u64> {
    let result = push_jobs::Entity::update_many()
        .col_expr(
            push_jobs::Column::Status,
            Expr::value(JobStatus::Queued.as_str()),
        )
        .col_expr(
            push_jobs::Column::ClaimToken,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            push_jobs::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(push_jobs::Column::Status.eq(JobStatus::Sending.as_str()))
        .filter(push_jobs::Column::LeaseUntil.lt(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Today's ledger row, created when missing.
pub async fn day(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<push_days::Model> {
    let key = quota_day(now);
    if let Some(row) = push_days::Entity::find_by_id(key.clone()).one(db).await? {
        return Ok(row);
    }
    let inserted = push_days::ActiveModel {
        day: Set(key.clone()),
        sent: Set(0),
        paused: Set(false),
        updated_at: Set(now),
    }
    .insert(db)
    .await;
    match inserted {
        Ok(row) => Ok(row),
        // Another worker created it first.
        Err(_) => Ok(push_days::Entity::find_by_id(key)
            .one(db)
            .await?
            .ok_or_else(|| crate::error::AppError::internal("push day row vanished"))?),
    }
}

/// Reserve up to `want` sends from today's quota; returns how many were granted. The
/// conditional update keeps several workers together under the quota.
pub async fn reserve(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    want: u32,
    quota: u32,
) -> AppResult<u32> {
    for _ in 0..3 {
        let today = day(db, now).await?;
        if today.paused {
            return Ok(0);
        }
        let left = (quota as i64 - today.sent as i64).max(0) as u32;
        let n = want.min(left);
        if n == 0 {
            return Ok(0);
        }
        let result = push_days::Entity::update_many()
            .col_expr(
                push_days::Column::Sent,
                Expr::col(push_days::Column::Sent).add(n as i32),
            )
            .col_expr(push_days::Column::UpdatedAt, Expr::value(now))
            .filter(push_days::Column::Day.eq(today.day.clone()))
            .filter(push_days::Column::Paused.eq(false))
            .filter(push_days::Column::Sent.lte(quota as i64 - n as i64))
            .exec(db)
            .await?;
        if result.rows_affected == 1 {
            return Ok(n);
        }
    }
    Ok(0)
}

/// Give back reservations that were not used (nothing claimed, or WeChat refused the send).
pub async fn refund(db: &DatabaseConnection, day: &str, n: u32) -> AppResult<()> {
    if n == 0 {
        return Ok(());
    }
    push_days::Entity::update_many()
        .col_expr(
            push_days::Column::Sent,
            Expr::col(push_days::Column::Sent).sub(n as i32),
        )
        .filter(push_days::Column::Day.eq(day))
        .exec(db)
        .await?;
    Ok(())
}

/// WeChat said the daily quota is used up (45009): nobody sends again until the next day.
pub async fn pause_day(db: &DatabaseConnection, day: &str, now: DateTime<Utc>) -> AppResult<()> {
    push_days::Entity::update_many()
        .col_expr(push_days::Column::Paused, Expr::value(true))
        .col_expr(push_days::Column::UpdatedAt, Expr::value(now))
        .filter(push_days::Column::Day.eq(day))
        .exec(db)
        .await?;
    Ok(())
}

fn claim_token() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Claim up to `n` due jobs, nearest deadline first, for `lease`.
///
/// SQLite and PostgreSQL claim in one `UPDATE … WHERE id IN (SELECT … LIMIT n)` statement
/// (PostgreSQL adding `FOR UPDATE SKIP LOCKED` to the subquery, so concurrent workers skip each
/// other's rows); MySQL cannot limit such a subquery and locks the rows in a transaction first.
/// The status guard in every variant means a job is claimed by one worker only.
pub async fn claim(
    db: &DatabaseConnection,
    n: u32,
    lease: TimeDelta,
    now: DateTime<Utc>,
) -> AppResult<Vec<push_jobs::Model>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let token = claim_token();
    let backend = db.get_database_backend();
    let claim = |ids: Condition| {
        push_jobs::Entity::update_many()
            .col_expr(
                push_jobs::Column::Status,
                Expr::value(JobStatus::Sending.as_str()),
            )
            .col_expr(push_jobs::Column::ClaimToken, Expr::value(token.clone()))
            .col_expr(push_jobs::Column::LeaseUntil, Expr::value(now + lease))
            .col_expr(
                push_jobs::Column::Attempts,
                Expr::col(push_jobs::Column::Attempts).add(1),
            )
            .filter(ids)
            .filter(push_jobs::Column::Status.eq(JobStatus::Queued.as_str()))
    };
    if backend == DbBackend::MySql {
        let txn = db.begin().await?;
        let ids: Vec<i32> = push_jobs::Entity::find()
            .select_only()
            .column(push_jobs::Column::Id)
            .filter(push_jobs::Column::Status.eq(JobStatus::Queued.as_str()))
            .filter(push_jobs::Column::NextAttemptAt.lte(now))
            .order_by_asc(push_jobs::Column::DeadlineAt)
            .order_by_asc(push_jobs::Column::Id)
            .limit(u64::from(n))
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .into_tuple()
            .all(&txn)
            .await?;
        if !ids.is_empty() {
            claim(Condition::all().add(push_jobs::Column::Id.is_in(ids)))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
    } else {
        let mut due = Query::select();
        due.column(push_jobs::Column::Id)
            .from(push_jobs::Entity)
            .and_where(push_jobs::Column::Status.eq(JobStatus::Queued.as_str()))
            .and_where(push_jobs::Column::NextAttemptAt.lte(now))
            .order_by(push_jobs::Column::DeadlineAt, Order::Asc)
            .order_by(push_jobs::Column::Id, Order::Asc)
            .limit(u64::from(n));
        if backend == DbBackend::Postgres {
            due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        claim(Condition::all().add(Expr::col(push_jobs::Column::Id).in_subquery(due)))
            .exec(db)
            .await?;
    }
    Ok(push_jobs::Entity::find()
        .filter(push_jobs::Column::ClaimToken.eq(token))
        .filter(push_jobs::Column::Status.eq(JobStatus::Sending.as_str()))
        .order_by_asc(push_jobs::Column::DeadlineAt)
        .order_by_asc(push_jobs::Column::Id)
        .all(db)
        .await?)
}

/// Record accepted sends in one statement: `(job id, msgid)`; a duplicate WeChat already had
/// has no msgid.
pub async fn mark_sent(
    db: &DatabaseConnection,
    sent: &[(i32, Option<i64>)],
    now: DateTime<Utc>,
) -> AppResult<()> {
    if sent.is_empty() {
        return Ok(());
    }
    let mut msgid = CaseStatement::new();
    for (id, value) in sent {
        msgid = msgid.case(Expr::col(push_jobs::Column::Id).eq(*id), Expr::val(*value));
    }
    let msgid = msgid.finally(Expr::val(Option::<i64>::None));
    push_jobs::Entity::update_many()
        .col_expr(
            push_jobs::Column::Status,
            Expr::value(JobStatus::Sent.as_str()),
        )
        .col_expr(push_jobs::Column::Msgid, msgid.into())
        .col_expr(push_jobs::Column::SentAt, Expr::value(now))
        .col_expr(
            push_jobs::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(push_jobs::Column::Id.is_in(sent.iter().map(|(id, _)| *id)))
        .filter(push_jobs::Column::Status.eq(JobStatus::Sending.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// A job leaves the queue for good.
pub async fn finish(
    db: &DatabaseConnection,
    id: i32,
    status: JobStatus,
    error_code: Option<i64>,
    error_text: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let text: String = error_text.chars().take(250).collect();
    push_jobs::Entity::update_many()
        .col_expr(push_jobs::Column::Status, Expr::value(status.as_str()))
        .col_expr(push_jobs::Column::ErrorCode, Expr::value(error_code))
        .col_expr(push_jobs::Column::ErrorText, Expr::value(text))
        .col_expr(push_jobs::Column::FinishedAt, Expr::value(now))
        .col_expr(
            push_jobs::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(push_jobs::Column::Id.eq(id))
        .filter(push_jobs::Column::Status.eq(JobStatus::Sending.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Back to the queue until `at`. `counts` says whether this try counts against the maximum
/// (a quota pause or our own misconfiguration is not the job's fault).
pub async fn requeue(
    db: &DatabaseConnection,
    id: i32,
    at: DateTime<Utc>,
    counts: bool,
    error_code: Option<i64>,
    error_text: &str,
) -> AppResult<()> {
    let text: String = error_text.chars().take(250).collect();
    let mut update = push_jobs::Entity::update_many()
        .col_expr(
            push_jobs::Column::Status,
            Expr::value(JobStatus::Queued.as_str()),
        )
        .col_expr(push_jobs::Column::NextAttemptAt, Expr::value(at))
        .col_expr(
            push_jobs::Column::ClaimToken,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            push_jobs::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(push_jobs::Column::ErrorCode, Expr::value(error_code))
        .col_expr(push_jobs::Column::ErrorText, Expr::value(text));
    if !counts {
        update = update.col_expr(
            push_jobs::Column::Attempts,
            Expr::col(push_jobs::Column::Attempts).sub(1),
        );
    }
    update
        .filter(push_jobs::Column::Id.eq(id))
        .filter(push_jobs::Column::Status.eq(JobStatus::Sending.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// What a batch's messages need: its tasks with publisher names.
pub async fn tasks_of(
    db: &DatabaseConnection,
    ids: Vec<i32>,
) -> AppResult<Vec<(tasks::Model, String)>> {
    let rows = tasks::Entity::find()
        .filter(tasks::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let names =
        crate::service::org::publisher_names(db, rows.iter().map(|t| t.org_unit_id)).await?;
    Ok(rows
        .into_iter()
        .map(|task| {
            let name = names.get(&task.org_unit_id).cloned().unwrap_or_default();
            (task, name)
        })
        .collect())
}

/// For each account of a batch: its current official-account OpenID, if it is enabled.
pub async fn current_openids(
    db: &DatabaseConnection,
    account_ids: Vec<i32>,
) -> AppResult<Vec<(i32, String)>> {
    let enabled: Vec<i32> = accounts::Entity::find()
        .select_only()
        .column(accounts::Column::Id)
        .filter(accounts::Column::Id.is_in(account_ids.clone()))
        .filter(accounts::Column::Disabled.eq(false))
        .into_tuple()
        .all(db)
        .await?;
    let links = account_wechat::Entity::find()
        .filter(account_wechat::Column::AccountId.is_in(enabled))
        .all(db)
        .await?;
    Ok(links
        .into_iter()
        .filter_map(|l| l.oa_openid.map(|openid| (l.account_id, openid)))
        .collect())
}

/// Of the given reminder recipients, those who are done already: `(task id, account id)`.
pub async fn done_pairs(
    db: &DatabaseConnection,
    task_ids: Vec<i32>,
    account_ids: Vec<i32>,
) -> AppResult<Vec<(i32, i32)>> {
    if task_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(assignments::Entity::find()
        .select_only()
        .column(assignments::Column::TaskId)
        .column(assignments::Column::AccountId)
        .filter(assignments::Column::TaskId.is_in(task_ids))
        .filter(assignments::Column::AccountId.is_in(account_ids))
        .filter(assignments::Column::DoneAt.is_not_null())
        .into_tuple()
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;
    use sea_orm::DbErr;

    #[tokio::test]
    async fn deadlocks_are_retried_and_other_errors_are_not() {
        let mut calls = 0;
        let result = retrying(|| {
            calls += 1;
            let attempt = calls;
            async move {
                if attempt < 3 {
                    Err(AppError::Database(crate::db::coded_error("40001")))
                } else {
                    Ok(attempt)
                }
            }
        })
        .await;
        assert_eq!(result.ok(), Some(3));
        let mut calls = 0;
        let result: AppResult<()> = retrying(|| {
            calls += 1;
            async {
                Err(AppError::Database(DbErr::Custom(
                    "connection refused".into(),
                )))
            }
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls, 1);
    }
}
