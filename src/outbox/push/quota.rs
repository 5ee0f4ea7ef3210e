//! The daily template quota, shared by every worker: one ledger row per Beijing day.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::db::entities::push_days;
use crate::domain::time;
use crate::error::AppResult;

/// Today's ledger row, created when missing.
pub async fn day(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<push_days::Model> {
    // The daily template quota resets at Beijing midnight.
    let key = time::date(now);
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
            .ok_or_else(|| crate::error::AppError::Internal("push day row vanished".into()))?),
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
