//! The push queue as the worker sees it: claims and how each attempt ended.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::{CaseStatement, Expr};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::db::entities::push_jobs;
use crate::domain::push::JobStatus;
use crate::error::AppResult;
use crate::outbox::claim::Table;

pub const TABLE: Table<push_jobs::Entity, JobStatus> = Table {
    id: push_jobs::Column::Id,
    status: push_jobs::Column::Status,
    queued: JobStatus::Queued,
    claimed: JobStatus::Sending,
    attempts: push_jobs::Column::Attempts,
    next_attempt_at: push_jobs::Column::NextAttemptAt,
    lease_until: push_jobs::Column::LeaseUntil,
    claim_token: push_jobs::Column::ClaimToken,
    order: &[push_jobs::Column::DeadlineAt, push_jobs::Column::Id],
};

/// What WeChat (or the worker) said about a try.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobError {
    pub code: Option<i64>,
    pub text: String,
}

/// A try that did not send: back to the queue until `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    /// Whether this try counts against the maximum (a quota pause or our own
    /// misconfiguration is not the job's fault).
    pub counts: bool,
    pub error: JobError,
}

/// How a job leaves the queue unsent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Failed,
    /// Withdrawn task, unbound recipient, or nothing left to say.
    Cancelled,
}

impl Ending {
    fn status(self) -> JobStatus {
        match self {
            Self::Failed => JobStatus::Failed,
            Self::Cancelled => JobStatus::Cancelled,
        }
    }
}

/// Claim up to `n` due jobs, nearest deadline first, for `lease`.
pub async fn claim(
    db: &DatabaseConnection,
    n: u32,
    lease: TimeDelta,
    now: DateTime<Utc>,
) -> AppResult<Vec<push_jobs::Model>> {
    TABLE.claim(db, u64::from(n), lease, now).await
}

/// Jobs left `sending` by a process that died go back to the queue. Their WeChat send may have
/// happened: the resend carries the same `client_msg_id`, which WeChat deduplicates.
pub async fn reclaim_expired(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<u64> {
    TABLE.reclaim_expired(db, now).await
}

/// Record accepted sends of one claim in one statement: `(job id, msgid)`; a duplicate WeChat
/// already had has no msgid.
pub async fn mark_sent(
    db: &DatabaseConnection,
    token: &str,
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
        .col_expr(push_jobs::Column::Status, Expr::value(JobStatus::Sent))
        .col_expr(push_jobs::Column::Msgid, msgid.into())
        .col_expr(push_jobs::Column::SentAt, Expr::value(now))
        .col_expr(
            push_jobs::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(push_jobs::Column::Id.is_in(sent.iter().map(|(id, _)| *id)))
        .filter(push_jobs::Column::Status.eq(JobStatus::Sending))
        .filter(push_jobs::Column::ClaimToken.eq(token))
        .exec(db)
        .await?;
    Ok(())
}

/// A claimed job leaves the queue for good.
pub async fn finish(
    db: &DatabaseConnection,
    job: &push_jobs::Model,
    ending: Ending,
    error: &JobError,
    now: DateTime<Utc>,
) -> AppResult<()> {
    push_jobs::Entity::update_many()
        .col_expr(
            push_jobs::Column::Status,
            Expr::value(ending.status().as_str()),
        )
        .col_expr(push_jobs::Column::ErrorCode, Expr::value(error.code))
        .col_expr(
            push_jobs::Column::ErrorText,
            Expr::value(crate::outbox::bounded(&error.text, 250)),
        )
        .col_expr(push_jobs::Column::FinishedAt, Expr::value(now))
        .col_expr(
            push_jobs::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(TABLE.owned(job.id, job.claim_token.as_deref()))
        .exec(db)
        .await?;
    Ok(())
}

/// A claimed job goes back to the queue.
pub async fn requeue(
    db: &DatabaseConnection,
    job: &push_jobs::Model,
    attempt: &Attempt,
) -> AppResult<()> {
    let mut update = push_jobs::Entity::update_many()
        .col_expr(push_jobs::Column::Status, Expr::value(JobStatus::Queued))
        .col_expr(push_jobs::Column::NextAttemptAt, Expr::value(attempt.at))
        .col_expr(
            push_jobs::Column::ClaimToken,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            push_jobs::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            push_jobs::Column::ErrorCode,
            Expr::value(attempt.error.code),
        )
        .col_expr(
            push_jobs::Column::ErrorText,
            Expr::value(crate::outbox::bounded(&attempt.error.text, 250)),
        );
    if !attempt.counts {
        update = update.col_expr(
            push_jobs::Column::Attempts,
            Expr::col(push_jobs::Column::Attempts).sub(1),
        );
    }
    update
        .filter(TABLE.owned(job.id, job.claim_token.as_deref()))
        .exec(db)
        .await?;
    Ok(())
}
