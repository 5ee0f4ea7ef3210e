//! The SMS outbox as a queue: claim due messages (a portable compare-and-set per row, so
//! several instances never send one twice), and record how each attempt ended.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::db::entities::{accounts, sms_outbox};
use crate::error::AppResult;
use crate::service::Services;

pub const PENDING: &str = "pending";
pub const SENDING: &str = "sending";
pub const SENT: &str = "sent";
/// Handled by the log provider: written to the log, delivered to nobody.
pub const LOGGED: &str = "logged";
pub const FAILED: &str = "failed";
/// Not sent because a newer message to the same account replaced it (a later reset).
pub const SUPERSEDED: &str = "superseded";

/// Messages that may be tried now: pending and due, or claimed by an instance whose lease ran
/// out (it died mid-send).
fn due(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(
            Condition::all()
                .add(sms_outbox::Column::Status.eq(PENDING))
                .add(
                    Condition::any()
                        .add(sms_outbox::Column::NextAttemptAt.is_null())
                        .add(sms_outbox::Column::NextAttemptAt.lte(now)),
                ),
        )
        .add(
            Condition::all()
                .add(sms_outbox::Column::Status.eq(SENDING))
                .add(sms_outbox::Column::LeaseUntil.lt(now)),
        )
}

/// Claim up to `limit` due messages for `lease`; each claim counts as an attempt.
pub async fn claim(
    services: &Services,
    limit: u64,
    lease: TimeDelta,
) -> AppResult<Vec<sms_outbox::Model>> {
    let now = Utc::now();
    let candidates: Vec<i32> = sms_outbox::Entity::find()
        .select_only()
        .column(sms_outbox::Column::Id)
        .filter(due(now))
        .order_by_asc(sms_outbox::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(&services.db)
        .await?;
    let mut claimed = Vec::new();
    for id in candidates {
        let won = sms_outbox::Entity::update_many()
            .col_expr(sms_outbox::Column::Status, Expr::value(SENDING))
            .col_expr(sms_outbox::Column::LeaseUntil, Expr::value(now + lease))
            .col_expr(
                sms_outbox::Column::Attempts,
                Expr::col(sms_outbox::Column::Attempts).add(1),
            )
            .filter(sms_outbox::Column::Id.eq(id))
            .filter(due(now))
            .exec(&services.db)
            .await?
            .rows_affected
            == 1;
        if won {
            claimed.extend(sms_outbox::Entity::find_by_id(id).one(&services.db).await?);
        }
    }
    Ok(claimed)
}

/// Still this claim's: another instance did not take the message over after the lease ran out.
fn owned(row: &sms_outbox::Model) -> Condition {
    let claim = Condition::all()
        .add(sms_outbox::Column::Id.eq(row.id))
        .add(sms_outbox::Column::Status.eq(SENDING));
    match row.lease_until {
        Some(lease) => claim.add(sms_outbox::Column::LeaseUntil.eq(lease)),
        None => claim.add(sms_outbox::Column::LeaseUntil.is_null()),
    }
}

/// Whether a newer message went to the same account since (its password replaces this
/// one's). Another account's message never does, even to the same number.
pub async fn superseded(services: &Services, row: &sms_outbox::Model) -> AppResult<bool> {
    let Some(account_id) = row.account_id else {
        return Ok(false);
    };
    Ok(sms_outbox::Entity::find()
        .filter(sms_outbox::Column::AccountId.eq(account_id))
        .filter(sms_outbox::Column::Id.gt(row.id))
        .one(&services.db)
        .await?
        .is_some())
}

/// Whether the account the message was written for no longer has its number (changed or
/// cleared since, or the account is gone): its password must not reach whoever holds the
/// number now.
pub async fn number_changed(services: &Services, row: &sms_outbox::Model) -> AppResult<bool> {
    let Some(account_id) = row.account_id else {
        return Ok(false);
    };
    let phone: Option<Option<String>> = accounts::Entity::find_by_id(account_id)
        .select_only()
        .column(accounts::Column::Phone)
        .into_tuple()
        .one(&services.db)
        .await?;
    Ok(phone.flatten().as_deref() != Some(row.phone.as_str()))
}

/// The provider accepted it. `params` replaces the stored parameters (without the password).
pub async fn mark_sent(
    services: &Services,
    row: &sms_outbox::Model,
    status: &str,
    provider: &str,
    reference: Option<String>,
    params: Option<String>,
) -> AppResult<()> {
    let mut update = sms_outbox::Entity::update_many()
        .col_expr(sms_outbox::Column::Status, Expr::value(status))
        .col_expr(sms_outbox::Column::SentAt, Expr::value(Utc::now()))
        .col_expr(sms_outbox::Column::Provider, Expr::value(provider))
        .col_expr(sms_outbox::Column::ProviderRef, Expr::value(reference))
        .col_expr(
            sms_outbox::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            sms_outbox::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
    if let Some(params) = params {
        update = update.col_expr(sms_outbox::Column::Params, Expr::value(params));
    }
    update.filter(owned(row)).exec(&services.db).await?;
    Ok(())
}

/// Try again at `at`, or end it with `status` (failed, superseded) when `at` is None.
/// `params` replaces the stored parameters (without the password once given up).
pub async fn mark_unsent(
    services: &Services,
    row: &sms_outbox::Model,
    at: Option<DateTime<Utc>>,
    status: &str,
    error: &str,
    params: Option<String>,
) -> AppResult<()> {
    let error: String = error.chars().take(255).collect();
    let mut update = sms_outbox::Entity::update_many()
        .col_expr(
            sms_outbox::Column::Status,
            Expr::value(if at.is_some() { PENDING } else { status }),
        )
        .col_expr(sms_outbox::Column::NextAttemptAt, Expr::value(at))
        .col_expr(sms_outbox::Column::LastError, Expr::value(error))
        .col_expr(
            sms_outbox::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
    if let Some(params) = params {
        update = update.col_expr(sms_outbox::Column::Params, Expr::value(params));
    }
    update.filter(owned(row)).exec(&services.db).await?;
    Ok(())
}
