//! Wrong-password counters in the database, shared by every instance.
//!
//! Two counts per username, whether or not an account has it, so that answers never tell
//! which usernames exist: one per (username, client address) that makes each further attempt
//! from that address wait longer, and one over all addresses that locks the username at a
//! ceiling until an admin unlocks it. A stranger's failures from elsewhere therefore cost the
//! owner nothing at their own address until the ceiling, and with the default settings one
//! address cannot reach the ceiling within a window at all.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait,
};
use serde_json::json;

use crate::service::accounts::{self as accounts_service, AccountDetail};
use crate::service::{audit, RequestMeta, Services};

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
    /// The address a count is kept for. An IPv6 client counts by its /64, the block one
    /// subscriber usually holds, so that each of its addresses is not a fresh budget.
    fn address(&self) -> String {
        // Addresses are IP addresses in text; anything longer would not fit the column.
        let Some(address) = self
            .address
            .filter(|address| !address.is_empty() && address.len() <= 64)
        else {
            return UNKNOWN_ADDRESS.to_string();
        };
        match address.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
                let [a, b, c, d, ..] = v6.segments();
                format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
            }
            _ => address.to_string(),
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

/// An attempt's place in both counts, taken before its password is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reserved {
    /// From this address for this username, in the current window, this attempt included.
    from_address: u32,
    /// From every address, this attempt included.
    total: u32,
}

/// Count the attempt before any password is checked, refusing it when the username is locked
/// or this address must still wait; the same for existing and unknown usernames. The count and
/// the next allowed time are written under the rows' lock (`FOR UPDATE`; SQLite has one
/// writer), so parallel requests take their turns one by one and the second finds the wait the
/// first set: counting after the check would let a burst through. A correct password gives the
/// count back (`clear`).
pub async fn reserve<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    settings: &AuthSettings,
    attempt: Attempt<'_>,
    now: DateTime<Utc>,
) -> AppResult<Reserved> {
    let window_start = now - TimeDelta::hours(i64::from(settings.failure_window_hours));
    purge(db, window_start, now).await?;
    let username = attempt.username.as_str();
    let address = attempt.address();
    // Another instance's purge may remove an old row between its creation here and the lock:
    // create it again then.
    for _ in 0..3 {
        ensure_row(db, username, ALL_ADDRESSES, now).await?;
        ensure_row(db, username, &address, now).await?;
        let txn = db.begin().await?;
        let rows = login_failures::Entity::find()
            .filter(login_failures::Column::Username.eq(username))
            .filter(login_failures::Column::Address.is_in([ALL_ADDRESSES, address.as_str()]))
            .lock_exclusive()
            .all(&txn)
            .await?;
        let all = rows.iter().find(|row| row.address == ALL_ADDRESSES);
        let here = rows.iter().find(|row| row.address == address);
        let (Some(all), Some(here)) = (all, here) else {
            continue;
        };
        if all.locked_at.is_some() {
            return Err(AppError::AccountLocked);
        }
        if let Some(at) = here.next_attempt_at.filter(|at| *at > now) {
            let millis = (at - now).num_milliseconds().max(0);
            let secs = u64::try_from(millis).unwrap_or(0).div_ceil(1000).max(1);
            return Err(AppError::TooManyAttempts {
                retry_after_secs: secs,
            });
        }
        let total = count_one(&txn, all, window_start, now, None).await?;
        let from_address = u32::try_from(here.failures)
            .ok()
            .filter(|_| here.window_started_at >= window_start)
            .unwrap_or(0)
            .saturating_add(1);
        let wait = delay_after(from_address, settings).map(|wait| now + wait);
        count_one(&txn, here, window_start, now, Some(wait)).await?;
        txn.commit().await?;
        return Ok(Reserved {
            from_address,
            total,
        });
    }
    Err(AppError::internal("login failure rows keep vanishing"))
}

/// The attempt's password was wrong: its counts stay and, at the ceiling, the username locks.
/// A lock is only ever set here, never cleared (only an admin clears it), so a failure that
/// raced the locking one cannot undo it.
pub async fn fail<C: ConnectionTrait>(
    conn: &C,
    settings: &AuthSettings,
    attempt: Attempt<'_>,
    reserved: Reserved,
    now: DateTime<Utc>,
) -> AppResult<Failures> {
    let username = attempt.username.as_str();
    let locked = reserved.total >= settings.account_failure_ceiling;
    if locked {
        let newly = login_failures::Entity::update_many()
            .col_expr(login_failures::Column::LockedAt, Expr::value(now))
            .filter(login_failures::Column::Username.eq(username))
            .filter(login_failures::Column::Address.eq(ALL_ADDRESSES))
            .filter(login_failures::Column::LockedAt.is_null())
            .exec(conn)
            .await?;
        if newly.rows_affected > 0 {
            tracing::warn!(
                username,
                failures = reserved.total,
                "username locked after repeated wrong passwords"
            );
        }
        // What an admin sees on the account, and what silent login checks.
        accounts::Entity::update_many()
            .col_expr(accounts::Column::LockedUntil, Expr::value(now))
            .filter(accounts::Column::Username.eq(username))
            .filter(accounts::Column::LockedUntil.is_null())
            .exec(conn)
            .await?;
    }
    // None is no error when no account has this username: the query costs the same either way.
    accounts::Entity::update_many()
        .col_expr(
            accounts::Column::FailedLogins,
            Expr::value(i32::try_from(reserved.total).unwrap_or(i32::MAX)),
        )
        .filter(accounts::Column::Username.eq(username))
        .exec(conn)
        .await?;
    Ok(Failures {
        from_address: reserved.from_address,
        locked,
    })
}

/// A new account's username starts with no counts: guesses made at it before it existed (a
/// phone number is a username) do not lock or slow its owner.
pub async fn forget<C: ConnectionTrait>(conn: &C, username: &str) -> AppResult<()> {
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::Username.eq(username))
        .exec(conn)
        .await?;
    Ok(())
}

/// After a correct password: the counts of this username from this address and over all
/// addresses start again (a lock is checked before, so there is none to keep).
pub async fn clear<C: ConnectionTrait>(conn: &C, attempt: Attempt<'_>) -> AppResult<()> {
    let address = attempt.address();
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::Username.eq(attempt.username.as_str()))
        .filter(login_failures::Column::Address.is_in([ALL_ADDRESSES, address.as_str()]))
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

/// The row of a (username, address), created empty when missing.
async fn ensure_row<C: ConnectionTrait>(
    conn: &C,
    username: &str,
    address: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let key = (username.to_string(), address.to_string());
    if login_failures::Entity::find_by_id(key)
        .one(conn)
        .await?
        .is_some()
    {
        return Ok(());
    }
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
        Ok(_) => Ok(()),
        // Another request created it a moment ago.
        Err(error) if crate::db::is_unique_violation(&error) => Ok(()),
        Err(error) => Err(error.into()),
    }
}

/// Add one to a locked row's count, starting a new window when the old one is over; `wait`
/// (for an address row) sets when the next attempt may come. Returns the new count.
async fn count_one<C: ConnectionTrait>(
    txn: &C,
    row: &login_failures::Model,
    window_start: DateTime<Utc>,
    now: DateTime<Utc>,
    wait: Option<Option<DateTime<Utc>>>,
) -> AppResult<u32> {
    let fresh = row.window_started_at < window_start && row.locked_at.is_none();
    let failures = if fresh {
        1
    } else {
        u32::try_from(row.failures).unwrap_or(0).saturating_add(1)
    };
    let mut update = login_failures::Entity::update_many()
        .col_expr(
            login_failures::Column::Failures,
            Expr::value(i32::try_from(failures).unwrap_or(i32::MAX)),
        )
        .filter(login_failures::Column::Username.eq(row.username.as_str()))
        .filter(login_failures::Column::Address.eq(row.address.as_str()));
    if fresh {
        update = update.col_expr(login_failures::Column::WindowStartedAt, Expr::value(now));
    }
    if let Some(next) = wait {
        update = update.col_expr(login_failures::Column::NextAttemptAt, Expr::value(next));
    }
    update.exec(txn).await?;
    Ok(failures)
}

/// Rows whose window is over and that neither lock nor delay anything, and locks of usernames
/// no account has once their window is over: without this, guesses at made-up usernames would
/// fill the table. (A lock of a made-up name lasts its window, long enough to answer like a
/// real lock; a new account's name starts clean anyway, see `forget`.)
async fn purge<C: ConnectionTrait>(
    conn: &C,
    window_start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::WindowStartedAt.lt(window_start))
        .filter(
            login_failures::Column::NextAttemptAt
                .is_null()
                .or(login_failures::Column::NextAttemptAt.lt(now)),
        )
        .filter(
            login_failures::Column::LockedAt
                .is_null()
                .or(login_failures::Column::Username.not_in_subquery(
                    Query::select()
                        .column(accounts::Column::Username)
                        .from(accounts::Entity)
                        .to_owned(),
                )),
        )
        .exec(conn)
        .await?;
    Ok(())
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
    fn an_ipv6_client_counts_by_its_64_block() {
        let username = Username::parse("13900000005").expect("username");
        let key = |address| {
            Attempt {
                username: &username,
                address,
            }
            .address()
        };
        assert_eq!(key(Some("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(key(Some("2001:db8:1:2:ffff::9")), "2001:db8:1:2::/64");
        assert_eq!(key(Some("198.51.100.7")), "198.51.100.7");
        assert_eq!(key(Some("::ffff:198.51.100.7")), "::ffff:198.51.100.7");
        assert_eq!(key(None), UNKNOWN_ADDRESS);
        assert_eq!(key(Some("")), UNKNOWN_ADDRESS);
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
