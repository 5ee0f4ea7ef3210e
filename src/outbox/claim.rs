//! The one claim algorithm of every job table: a lease and a claim token.
//!
//! A claim moves up to `n` due jobs from the queued status to the claimed one, stamps them with
//! a fresh token and a lease, and counts the attempt. PostgreSQL and MySQL lock the due rows
//! with `SELECT … LIMIT n FOR UPDATE SKIP LOCKED` in a transaction first, so concurrent workers
//! skip each other's rows, then update exactly those ids. (Not one `UPDATE … WHERE id IN
//! (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)`: PostgreSQL may rescan that subquery while it
//! updates, and a rescan re-checks the rows just claimed, finds them no longer due and hands
//! over the next ones — more than `n`. MySQL cannot limit such a subquery at all.) SQLite
//! serialises writers and claims in one guarded `UPDATE … WHERE id IN (SELECT … LIMIT n)`. The status guard in every variant means one worker per job. A job
//! whose lease ran out (its worker died) goes back to the queue with `reclaim_expired`.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Order, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

use crate::error::AppResult;

/// The columns and status values a job table shares with every other; `S` is the table's
/// status type.
pub struct Table<E: EntityTrait, S> {
    pub id: E::Column,
    pub status: E::Column,
    /// The status of a job waiting its turn, and of a claimed one.
    pub queued: S,
    pub claimed: S,
    pub attempts: E::Column,
    /// Null means due at once.
    pub next_attempt_at: E::Column,
    pub lease_until: E::Column,
    pub claim_token: E::Column,
    /// Claim order (most urgent first); the id last, so the order is total.
    pub order: &'static [E::Column],
}

/// A fresh claim token: 128 random bits.
pub fn token() -> String {
    crate::infra::random::hex_token::<16>()
}

impl<E, S> Table<E, S>
where
    E: EntityTrait,
    E::Column: Copy + 'static,
    S: Copy + Into<sea_orm::Value>,
{
    fn due(&self, now: DateTime<Utc>) -> Condition {
        Condition::all().add(self.status.eq(self.queued)).add(
            Condition::any()
                .add(self.next_attempt_at.is_null())
                .add(self.next_attempt_at.lte(now)),
        )
    }

    /// Claim up to `n` due jobs for `lease`; returns them in claim order with their token.
    pub async fn claim(
        &self,
        db: &DatabaseConnection,
        n: u64,
        lease: TimeDelta,
        now: DateTime<Utc>,
    ) -> AppResult<Vec<E::Model>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let token = token();
        let claim = |ids: Condition| {
            E::update_many()
                .col_expr(self.status, Expr::value(self.claimed))
                .col_expr(self.claim_token, Expr::value(token.clone()))
                .col_expr(self.lease_until, Expr::value(now + lease))
                .col_expr(self.attempts, Expr::col(self.attempts).add(1))
                .filter(ids)
                .filter(self.status.eq(self.queued))
        };
        let backend = db.get_database_backend();
        if backend != DbBackend::Sqlite {
            let txn = db.begin().await?;
            let mut select = E::find()
                .select_only()
                .column(self.id)
                .filter(self.due(now));
            for column in self.order {
                select = select.order_by_asc(*column);
            }
            let ids: Vec<i32> = select
                .limit(n)
                .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
                .into_tuple()
                .all(&txn)
                .await?;
            if !ids.is_empty() {
                claim(Condition::all().add(self.id.is_in(ids)))
                    .exec(&txn)
                    .await?;
            }
            txn.commit().await?;
        } else {
            let mut due = Query::select();
            due.column(self.id)
                .from(E::default())
                .cond_where(self.due(now))
                .limit(n);
            for column in self.order {
                due.order_by(*column, Order::Asc);
            }
            claim(Condition::all().add(Expr::col(self.id).in_subquery(due)))
                .exec(db)
                .await?;
        }
        let mut claimed = E::find()
            .filter(self.claim_token.eq(token))
            .filter(self.status.eq(self.claimed));
        for column in self.order {
            claimed = claimed.order_by_asc(*column);
        }
        Ok(claimed.all(db).await?)
    }

    /// Jobs left claimed by a worker that died go back to the queue; the attempt they used
    /// stays counted.
    pub async fn reclaim_expired<C: ConnectionTrait>(
        &self,
        db: &C,
        now: DateTime<Utc>,
    ) -> AppResult<u64> {
        let result = E::update_many()
            .col_expr(self.status, Expr::value(self.queued))
            .col_expr(self.claim_token, Expr::value(Option::<String>::None))
            .col_expr(self.lease_until, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(self.status.eq(self.claimed))
            .filter(self.lease_until.lt(now))
            .exec(db)
            .await?;
        Ok(result.rows_affected)
    }

    /// Still this claim's: the job was not reclaimed and claimed again since.
    pub fn owned(&self, id: i32, token: Option<&str>) -> Condition {
        let claim = Condition::all()
            .add(self.id.eq(id))
            .add(self.status.eq(self.claimed));
        match token {
            Some(token) => claim.add(self.claim_token.eq(token)),
            None => claim.add(self.claim_token.is_null()),
        }
    }
}
