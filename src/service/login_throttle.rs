//! Wrong-password counters in the database, shared by every instance.
//!
//! Two counts per username, whether or not an account has it, so that answers never tell
//! which usernames exist: one per (username, client address) that makes each further attempt
//! from that address wait longer, and one over all addresses that locks the username at a
//! ceiling until an admin unlocks it. A stranger's failures from elsewhere therefore cost the
//! owner nothing at their own address until the ceiling, and with the default settings one
//! address cannot reach the ceiling within a window at all.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, SqlErr, TransactionTrait,
};
use serde_json::json;

use super::accounts::{self as accounts_service, AccountDetail};
use super::{audit, RequestMeta, Services};

use crate::config::{AuthSettings, MAX_LOGIN_DELAY_SECS};
use crate::db::entities::{accounts, login_failures};
use crate::domain::scope::Actor;
use crate::domain::username::Username;
use crate::error::{AppError, AppResult};

/// The address key of the row that counts every address.
const ALL_ADDRESSES: &str = "";
/// Requests without a known peer (never over TCP) share one bucket.
const UNKNOWN_ADDRESS: &str = "unknown";

/// Where a login attempt comes from: the username as typed (normalized) and the client address.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub username: &'a Username,
    pub address: Option<&'a str>,
}

impl Attempt<'_> {
    fn address(&self) -> &str {
        // Addresses are IP addresses in text; anything longer would not fit the column.
        match self.address {
            Some(address) if !address.is_empty() && address.len() <= 64 => address,
            _ => UNKNOWN_ADDRESS,
        }
    }
}

/// Counts after a failure was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    /// From this address for this username, in the current window.
    pub from_address: u32,
    /// The username is locked now.
    pub locked: bool,
}

/// Refuse the attempt before any password is checked when the username is locked or this
/// address must still wait. The same for existing and unknown usernames.
pub async fn check<C: ConnectionTrait>(
    conn: &C,
    attempt: Attempt<'_>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let rows = login_failures::Entity::find()
        .filter(login_failures::Column::Username.eq(attempt.username.as_str()))
        .filter(login_failures::Column::Address.is_in([ALL_ADDRESSES, attempt.address()]))
        .all(conn)
        .await?;
    if rows
        .iter()
        .any(|row| row.address == ALL_ADDRESSES && row.locked_at.is_some())
    {
        return Err(AppError::AccountLocked);
    }
    let wait = rows
        .iter()
        .filter(|row| row.address != ALL_ADDRESSES)
        .filter_map(|row| row.next_attempt_at)
        .filter(|at| *at > now)
        .max();
    if let Some(at) = wait {
        let millis = (at - now).num_milliseconds().max(0);
        let secs = u64::try_from(millis).unwrap_or(0).div_ceil(1000).max(1);
        return Err(AppError::TooManyAttempts {
            retry_after_secs: secs,
        });
    }
    Ok(())
}

/// Count one wrong password for the username from the address and over all addresses; set the
/// address's next allowed attempt and, at the ceiling, lock the username.
pub async fn record_failure<C: ConnectionTrait>(
    conn: &C,
    settings: &AuthSettings,
    attempt: Attempt<'_>,
    now: DateTime<Utc>,
) -> AppResult<Failures> {
    let window_start = now - TimeDelta::hours(i64::from(settings.failure_window_hours));
    purge(conn, window_start, now).await?;
    let username = attempt.username.as_str();
    let all = bump(conn, username, ALL_ADDRESSES, now, window_start).await?;
    let here = bump(conn, username, attempt.address(), now, window_start).await?;
    let from_address = u32::try_from(here.failures).unwrap_or(0);
    if let Some(wait) = delay_after(from_address, settings) {
        login_failures::Entity::update_many()
            .col_expr(
                login_failures::Column::NextAttemptAt,
                Expr::value(now + wait),
            )
            .filter(login_failures::Column::Username.eq(username))
            .filter(login_failures::Column::Address.eq(attempt.address()))
            .exec(conn)
            .await?;
    }
    let total = u32::try_from(all.failures).unwrap_or(0);
    let mut locked_at = all.locked_at;
    if locked_at.is_none() && total >= settings.account_failure_ceiling {
        login_failures::Entity::update_many()
            .col_expr(login_failures::Column::LockedAt, Expr::value(now))
            .filter(login_failures::Column::Username.eq(username))
            .filter(login_failures::Column::Address.eq(ALL_ADDRESSES))
            .filter(login_failures::Column::LockedAt.is_null())
            .exec(conn)
            .await?;
        tracing::warn!(
            username,
            failures = total,
            "username locked after repeated wrong passwords"
        );
        locked_at = Some(now);
    }
    // What an admin sees on the account, when one has this username (none is no error: the
    // query costs the same either way).
    accounts::Entity::update_many()
        .col_expr(accounts::Column::FailedLogins, Expr::value(all.failures))
        .col_expr(accounts::Column::LockedUntil, Expr::value(locked_at))
        .filter(accounts::Column::Username.eq(username))
        .exec(conn)
        .await?;
    Ok(Failures {
        from_address,
        locked: locked_at.is_some(),
    })
}

/// After a correct password: the counts of this username from this address and over all
/// addresses start again (a lock is checked before, so there is none to keep).
pub async fn clear<C: ConnectionTrait>(conn: &C, attempt: Attempt<'_>) -> AppResult<()> {
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::Username.eq(attempt.username.as_str()))
        .filter(login_failures::Column::Address.is_in([ALL_ADDRESSES, attempt.address()]))
        .filter(login_failures::Column::LockedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// An admin lifts the lock of a username and every wait of it.
pub async fn unlock<C: ConnectionTrait>(conn: &C, username: &str) -> AppResult<()> {
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::Username.eq(username))
        .exec(conn)
        .await?;
    accounts::Entity::update_many()
        .col_expr(accounts::Column::FailedLogins, Expr::value(0))
        .col_expr(
            accounts::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(accounts::Column::Username.eq(username))
        .exec(conn)
        .await?;
    Ok(())
}

/// An admin in scope lifts the ceiling lock and the waits of an account; audited.
pub async fn unlock_account(
    services: &Services,
    actor: &Actor,
    id: i32,
    meta: &RequestMeta,
) -> AppResult<AccountDetail> {
    let txn = services.db.begin().await?;
    let account = accounts_service::find_manageable(&txn, actor, id).await?;
    unlock(&txn, &account.username).await?;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "account.unlock",
            target_type: "account",
            target_id: Some(id.to_string()),
            org_path: &account.org_path,
            detail: json!({
                "username": account.username,
                "failed_logins": account.failed_logins,
                "was_locked": account.locked_until.is_some(),
            }),
        },
    )
    .await?;
    txn.commit().await?;
    accounts_service::get(services, actor, id).await
}

/// The wait after the n-th failure from one address: none for the free ones, then the first
/// wait, doubling, capped.
fn delay_after(failures: u32, settings: &AuthSettings) -> Option<TimeDelta> {
    let over = failures.checked_sub(settings.max_failed_logins)?;
    let secs = settings
        .login_delay_first_secs
        .saturating_mul(2u64.saturating_pow(over))
        .min(settings.login_delay_max_secs)
        .min(MAX_LOGIN_DELAY_SECS);
    // Bounded to a week above, far inside what a TimeDelta and a DateTime hold.
    Some(TimeDelta::seconds(i64::try_from(secs).unwrap_or(0)))
}

/// Add one failure to a row, creating it or starting a new window first. Increments are done
/// by the database so that concurrent failures on several instances are all counted.
async fn bump<C: ConnectionTrait>(
    conn: &C,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
    window_start: DateTime<Utc>,
) -> AppResult<login_failures::Model> {
    let key = (username.to_string(), address.to_string());
    if login_failures::Entity::find_by_id(key.clone())
        .one(conn)
        .await?
        .is_none()
    {
        let row = login_failures::ActiveModel {
            username: Set(username.to_string()),
            address: Set(address.to_string()),
            failures: Set(0),
            window_started_at: Set(now),
            next_attempt_at: Set(None),
            locked_at: Set(None),
        };
        match login_failures::Entity::insert(row)
            .exec_without_returning(conn)
            .await
        {
            Ok(_) => {}
            // Another instance created it a moment ago: count on its row.
            Err(error) if is_unique_violation(&error) => {}
            Err(error) => return Err(error.into()),
        }
    }
    login_failures::Entity::update_many()
        .col_expr(login_failures::Column::Failures, Expr::value(0))
        .col_expr(login_failures::Column::WindowStartedAt, Expr::value(now))
        .col_expr(
            login_failures::Column::NextAttemptAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(login_failures::Column::Username.eq(username))
        .filter(login_failures::Column::Address.eq(address))
        .filter(login_failures::Column::WindowStartedAt.lt(window_start))
        .filter(login_failures::Column::LockedAt.is_null())
        .exec(conn)
        .await?;
    login_failures::Entity::update_many()
        .col_expr(
            login_failures::Column::Failures,
            Expr::col(login_failures::Column::Failures).add(1),
        )
        .filter(login_failures::Column::Username.eq(username))
        .filter(login_failures::Column::Address.eq(address))
        .exec(conn)
        .await?;
    login_failures::Entity::find_by_id(key)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Internal("login failure row vanished".into()))
}

/// Rows whose window is over and that neither lock nor delay anything: without this, guesses
/// at made-up usernames would fill the table.
async fn purge<C: ConnectionTrait>(
    conn: &C,
    window_start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::WindowStartedAt.lt(window_start))
        .filter(login_failures::Column::LockedAt.is_null())
        .filter(
            login_failures::Column::NextAttemptAt
                .is_null()
                .or(login_failures::Column::NextAttemptAt.lt(now)),
        )
        .exec(conn)
        .await?;
    Ok(())
}

fn is_unique_violation(error: &DbErr) -> bool {
    matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(free: u32, max_secs: u64) -> AuthSettings {
        let mut settings = crate::config::Settings::defaults().expect("defaults").auth;
        settings.max_failed_logins = free;
        settings.login_delay_max_secs = max_secs;
        settings
    }

    #[test]
    fn waits_double_after_the_free_failures_up_to_the_cap() {
        let s = settings(5, 3600);
        let secs = |n| delay_after(n, &s).map(|d| d.num_seconds());
        assert_eq!(secs(4), None);
        assert_eq!(secs(5), Some(2));
        assert_eq!(secs(6), Some(4));
        assert_eq!(secs(15), Some(2048));
        assert_eq!(secs(16), Some(3600));
        // Around and far past 64 doublings: still the cap, no wrap to zero.
        for n in [67, 68, 69, 70, 500, u32::MAX] {
            assert_eq!(secs(n), Some(3600), "{n}");
        }
    }
}
