//! The credentials SMS queue (`sms_outbox`): `enqueue` inside the transaction that creates or
//! resets the account, claims one message at a time (each lease covers one provider call), and
//! how each attempt ended.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Set,
};

use crate::db::entities::{accounts, sms_outbox};
use crate::error::AppResult;
use crate::outbox::claim::Table;

pub use crate::domain::outbox::{SmsStatus, SmsTemplate};

pub const TABLE: Table<sms_outbox::Entity, SmsStatus> = Table {
    id: sms_outbox::Column::Id,
    status: sms_outbox::Column::Status,
    queued: SmsStatus::Pending,
    claimed: SmsStatus::Sending,
    attempts: sms_outbox::Column::Attempts,
    next_attempt_at: sms_outbox::Column::NextAttemptAt,
    lease_until: sms_outbox::Column::LeaseUntil,
    claim_token: sms_outbox::Column::ClaimToken,
    order: &[sms_outbox::Column::Id],
};

/// One credentials message to queue. `params` holds the template variables (the password among
/// them until the message is handled).
pub struct NewSms<'a> {
    pub account_id: i32,
    pub phone: &'a str,
    pub template: SmsTemplate,
    pub params: serde_json::Value,
}

/// Queue a message, due at once; returns its id.
pub async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    sms: NewSms<'_>,
    now: DateTime<Utc>,
) -> AppResult<i32> {
    let row = sms_outbox::ActiveModel {
        phone: Set(sms.phone.to_string()),
        template: Set(sms.template.as_str().to_string()),
        params: Set(sms.params.to_string()),
        status: Set(SmsStatus::Pending),
        attempts: Set(0),
        created_at: Set(now),
        sent_at: Set(None),
        next_attempt_at: Set(None),
        lease_until: Set(None),
        claim_token: Set(None),
        last_error: Set(None),
        provider: Set(None),
        provider_ref: Set(None),
        account_id: Set(Some(sms.account_id)),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}

/// Claim the next due message for `lease` (expired claims back in the queue first).
pub async fn claim_next(
    db: &DatabaseConnection,
    lease: TimeDelta,
    now: DateTime<Utc>,
) -> AppResult<Option<sms_outbox::Model>> {
    TABLE.reclaim_expired(db, now).await?;
    Ok(TABLE.claim(db, 1, lease, now).await?.pop())
}

/// The stored names of the templates that carry credentials.
pub fn credential_templates() -> Vec<&'static str> {
    SmsTemplate::ALL
        .into_iter()
        .filter(|t| t.carries_credentials())
        .map(SmsTemplate::as_str)
        .collect()
}

/// Whether a newer message of the same kind went to the same account since (a newer password
/// replaces this one's, a newer code this code). Another account's message never does, even to
/// the same number; a reminder to bind never replaces credentials.
pub async fn superseded(db: &DatabaseConnection, row: &sms_outbox::Model) -> AppResult<bool> {
    let Some(account_id) = row.account_id else {
        return Ok(false);
    };
    let same_kind = match SmsTemplate::from_db(&row.template) {
        Some(t) if t.carries_credentials() => credential_templates(),
        _ => vec![row.template.as_str()],
    };
    Ok(sms_outbox::Entity::find()
        .filter(sms_outbox::Column::AccountId.eq(account_id))
        .filter(sms_outbox::Column::Template.is_in(same_kind))
        .filter(sms_outbox::Column::Id.gt(row.id))
        .one(db)
        .await?
        .is_some())
}

/// Whether the account the message was written for no longer has its number (changed or
/// cleared since, or the account is gone): its password must not reach whoever holds the
/// number now.
pub async fn number_changed(db: &DatabaseConnection, row: &sms_outbox::Model) -> AppResult<bool> {
    let Some(account_id) = row.account_id else {
        return Ok(false);
    };
    let phone: Option<Option<String>> = accounts::Entity::find_by_id(account_id)
        .select_only()
        .column(accounts::Column::Phone)
        .into_tuple()
        .one(db)
        .await?;
    Ok(phone.flatten().as_deref() != Some(row.phone.as_str()))
}

/// What the provider said when it took a message.
pub struct Handled {
    /// `Sent`, or `Logged` when the provider delivers to nobody.
    pub status: SmsStatus,
    pub provider: &'static str,
    pub reference: Option<String>,
    /// The stored parameters from now on (without the password).
    pub params: String,
}

/// The provider took the message.
pub async fn mark_sent(
    db: &DatabaseConnection,
    row: &sms_outbox::Model,
    handled: Handled,
    now: DateTime<Utc>,
) -> AppResult<()> {
    sms_outbox::Entity::update_many()
        .col_expr(sms_outbox::Column::Status, Expr::value(handled.status))
        .col_expr(sms_outbox::Column::SentAt, Expr::value(now))
        .col_expr(sms_outbox::Column::Provider, Expr::value(handled.provider))
        .col_expr(
            sms_outbox::Column::ProviderRef,
            Expr::value(handled.reference),
        )
        .col_expr(
            sms_outbox::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            sms_outbox::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(sms_outbox::Column::Params, Expr::value(handled.params))
        .filter(TABLE.owned(row.id, row.claim_token.as_deref()))
        .exec(db)
        .await?;
    Ok(())
}

/// A try that did not send: back to the queue until `at`.
pub async fn requeue(
    db: &DatabaseConnection,
    row: &sms_outbox::Model,
    at: DateTime<Utc>,
    error: &str,
) -> AppResult<()> {
    sms_outbox::Entity::update_many()
        .col_expr(sms_outbox::Column::Status, Expr::value(SmsStatus::Pending))
        .col_expr(sms_outbox::Column::NextAttemptAt, Expr::value(at))
        .col_expr(
            sms_outbox::Column::LastError,
            Expr::value(crate::outbox::bounded(error, 255)),
        )
        .col_expr(
            sms_outbox::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            sms_outbox::Column::ClaimToken,
            Expr::value(Option::<String>::None),
        )
        .filter(TABLE.owned(row.id, row.claim_token.as_deref()))
        .exec(db)
        .await?;
    Ok(())
}

/// How a message ends unsent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Failed,
    Superseded,
}

/// End a claimed message unsent; `params` replaces the stored parameters (without the
/// password: resetting it sends a new one).
pub async fn finish(
    db: &DatabaseConnection,
    row: &sms_outbox::Model,
    ending: Ending,
    error: &str,
    params: String,
) -> AppResult<()> {
    let status = match ending {
        Ending::Failed => SmsStatus::Failed,
        Ending::Superseded => SmsStatus::Superseded,
    };
    sms_outbox::Entity::update_many()
        .col_expr(sms_outbox::Column::Status, Expr::value(status))
        .col_expr(
            sms_outbox::Column::NextAttemptAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            sms_outbox::Column::LastError,
            Expr::value(crate::outbox::bounded(error, 255)),
        )
        .col_expr(
            sms_outbox::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(sms_outbox::Column::Params, Expr::value(params))
        .filter(TABLE.owned(row.id, row.claim_token.as_deref()))
        .exec(db)
        .await?;
    Ok(())
}
