//! Follower profile lookups (`follower_lookups`): after a subscribe, learn the follower's
//! UnionID from WeChat. A durable job, so a lookup queued just before a shutdown still runs.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
};

use crate::db::entities::follower_lookups;
use crate::error::AppResult;
use crate::outbox::claim::Table;

use crate::domain::outbox::LookupStatus;

pub const TABLE: Table<follower_lookups::Entity, LookupStatus> = Table {
    id: follower_lookups::Column::Id,
    status: follower_lookups::Column::Status,
    queued: LookupStatus::Queued,
    claimed: LookupStatus::Running,
    attempts: follower_lookups::Column::Attempts,
    next_attempt_at: follower_lookups::Column::NextAttemptAt,
    lease_until: follower_lookups::Column::LeaseUntil,
    claim_token: follower_lookups::Column::ClaimToken,
    order: &[follower_lookups::Column::Id],
};

/// Queue a lookup of `openid`'s profile, due at once.
pub async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    openid: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    follower_lookups::ActiveModel {
        openid: Set(openid.to_string()),
        status: Set(LookupStatus::Queued),
        attempts: Set(0),
        next_attempt_at: Set(None),
        lease_until: Set(None),
        claim_token: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Claim up to `n` due lookups (expired claims back in the queue first).
pub async fn claim(
    db: &DatabaseConnection,
    n: u64,
    lease: TimeDelta,
    now: DateTime<Utc>,
) -> AppResult<Vec<follower_lookups::Model>> {
    TABLE.reclaim_expired(db, now).await?;
    TABLE.claim(db, n, lease, now).await
}

/// How a claimed lookup ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupEnd {
    Done,
    /// Try again at the time given.
    Retry(DateTime<Utc>, String),
    Failed(String),
}

pub async fn finish(
    db: &DatabaseConnection,
    row: &follower_lookups::Model,
    end: LookupEnd,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let (status, next, error, finished) = match end {
        LookupEnd::Done => (LookupStatus::Done, None, None, Some(now)),
        LookupEnd::Retry(at, error) => (LookupStatus::Queued, Some(at), Some(error), None),
        LookupEnd::Failed(error) => (LookupStatus::Failed, None, Some(error), Some(now)),
    };
    follower_lookups::Entity::update_many()
        .col_expr(follower_lookups::Column::Status, Expr::value(status))
        .col_expr(follower_lookups::Column::NextAttemptAt, Expr::value(next))
        .col_expr(
            follower_lookups::Column::LastError,
            Expr::value(error.map(|e| crate::outbox::bounded(&e, 255))),
        )
        .col_expr(follower_lookups::Column::FinishedAt, Expr::value(finished))
        .col_expr(
            follower_lookups::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            follower_lookups::Column::ClaimToken,
            Expr::value(Option::<String>::None),
        )
        .filter(TABLE.owned(row.id, row.claim_token.as_deref()))
        .exec(db)
        .await?;
    Ok(())
}
