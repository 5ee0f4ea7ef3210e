//! Login, sessions (opaque tokens stored hashed), logout and password change; the wrong-password
//! counters are in `login_throttle`.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, TimeDelta, Utc};
use moka::future::Cache;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use sha2::{Digest, Sha256};

use crate::config::AuthSettings;
use crate::db::entities::{accounts, sessions};
use crate::domain::org::OrgPath;
use crate::domain::password::NewPassword;
use crate::domain::scope::Actor;
use crate::domain::username::Username;
use crate::error::{AppError, AppResult};
use crate::infra::password_hash;
use crate::service::identity::login_throttle::{self, Attempt};
use crate::service::{identity::mini_link, Services};

/// A validated session: who is calling, and whether they must change their password first.
#[derive(Debug, Clone)]
pub struct Session {
    pub actor: Actor,
    pub must_change_password: bool,
}

/// Login attempts per client address in a one-minute window, per instance: a brake on password
/// guessing across many usernames, which the per-username counters do not catch.
#[derive(Clone)]
struct LoginThrottle {
    limit: u32,
    window: Cache<String, Arc<AtomicU32>>,
}

impl LoginThrottle {
    fn new(limit: u32) -> Self {
        Self {
            limit,
            // LRU: the default admission policy may decline to keep a new address's counter
            // under a flood, which would hand each request a fresh zero.
            window: Cache::builder()
                .time_to_live(Duration::from_secs(60))
                .max_capacity(100_000)
                .eviction_policy(moka::policy::EvictionPolicy::lru())
                .build(),
        }
    }

    /// Count one attempt; false when the address is over its limit (0 = no limit).
    async fn allow(&self, ip: &str) -> bool {
        if self.limit == 0 {
            return true;
        }
        let counter = self
            .window
            .get_with(ip.to_string(), async { Arc::new(AtomicU32::new(0)) })
            .await;
        counter.fetch_add(1, Ordering::Relaxed) < self.limit
    }
}

#[derive(Clone)]
pub struct SessionStore {
    pub(super) settings: AuthSettings,
    /// Token hash → session, trusted for `auth.session_cache_secs` without asking the database.
    /// Revocation on this instance drops entries at once; other instances notice within that time.
    cache: Option<Cache<String, Session>>,
    throttle: LoginThrottle,
    /// Silent logins per address: each costs a WeChat call, so they are counted before it.
    mini_throttle: LoginThrottle,
}

impl SessionStore {
    pub fn new(settings: AuthSettings) -> Self {
        let cache = (settings.session_cache_secs > 0).then(|| {
            Cache::builder()
                .time_to_live(Duration::from_secs(settings.session_cache_secs))
                .max_capacity(100_000)
                .support_invalidation_closures()
                .build()
        });
        let throttle = LoginThrottle::new(settings.login_attempts_per_minute);
        let mini_throttle = LoginThrottle::new(settings.wx_login_attempts_per_minute);
        Self {
            settings,
            cache,
            throttle,
            mini_throttle,
        }
    }

    /// Count one password attempt from `ip` against the per-address login limit (password
    /// resets with a code share it with logins); false when over it.
    pub(super) async fn allow_attempt(&self, ip: &str) -> bool {
        self.throttle.allow(ip).await
    }

    /// Drop cached sessions of an account; call after the revoking transaction commits.
    pub fn forget_account(&self, account_id: i32) {
        if let Some(cache) = &self.cache {
            // Only fails when closures are unsupported, which `new` rules out.
            let _ = cache
                .invalidate_entries_if(move |_, session| session.actor.account_id == account_id);
        }
    }
}

/// A freshly issued token; the plain value exists only in this response.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct LoginOutcome {
    pub token: IssuedToken,
    pub account: crate::service::accounts::AccountRecord,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn actor_of(account: &accounts::Model) -> AppResult<Actor> {
    let role = account.role;
    Ok(Actor {
        account_id: account.id,
        username: account.username.clone(),
        name: account.name.clone(),
        role,
        org_unit_id: account.org_unit_id,
        org_path: OrgPath::from_db(account.org_path.clone()),
    })
}

pub(super) async fn issue_token<C: ConnectionTrait>(
    conn: &C,
    settings: &AuthSettings,
    account_id: i32,
) -> AppResult<IssuedToken> {
    let token = URL_SAFE_NO_PAD.encode(crate::infra::random::bytes::<32>());
    let now = Utc::now();
    let expires_at = now + TimeDelta::hours(i64::from(settings.session_ttl_hours));
    sessions::ActiveModel {
        account_id: Set(account_id),
        token_hash: Set(token_hash(&token)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(IssuedToken { token, expires_at })
}

/// Revoke every session of an account (password change, reset, disable). The caller drops the
/// cache entries with `SessionStore::forget_account` once its transaction has committed.
pub async fn revoke_all<C: ConnectionTrait>(conn: &C, account_id: i32) -> AppResult<()> {
    revoke_all_of(conn, &[account_id]).await
}

/// Accounts per statement when many are revoked at once (a turnover), inside every
/// database's bind limit.
const REVOKE_BATCH: usize = 1_000;

/// `revoke_all` for many accounts, a statement per thousand rather than one per account.
pub async fn revoke_all_of<C: ConnectionTrait>(conn: &C, account_ids: &[i32]) -> AppResult<()> {
    let now = Utc::now();
    for batch in account_ids.chunks(REVOKE_BATCH) {
        sessions::Entity::update_many()
            .col_expr(sessions::Column::RevokedAt, Expr::value(now))
            .filter(sessions::Column::AccountId.is_in(batch.to_vec()))
            .filter(sessions::Column::RevokedAt.is_null())
            .exec(conn)
            .await?;
    }
    Ok(())
}

pub async fn login(
    services: &Services,
    username: &str,
    password: &str,
    client_ip: Option<&str>,
) -> AppResult<LoginOutcome> {
    let settings = &services.sessions.settings;
    if let Some(ip) = client_ip {
        if !services.sessions.throttle.allow(ip).await {
            return Err(AppError::TooManyRequests);
        }
    }
    // A name that does not parse cannot exist, so refusing it reveals nothing.
    let Ok(username) = Username::parse(username) else {
        password_hash::waste_equal_time().await;
        return Err(AppError::InvalidCredentials);
    };
    let attempt = Attempt {
        username: &username,
        address: client_ip,
    };
    let now = Utc::now();
    let reserved = login_throttle::reserve(&services.db, settings, attempt, now).await?;
    let account = accounts::Entity::find()
        .filter(accounts::Column::Username.eq(username.as_str()))
        .one(&services.db)
        .await?;
    // Unknown usernames cost one hash too, and are counted like wrong passwords: status, code,
    // message, waits and timing do not tell whether the account exists.
    let verified = match &account {
        Some(account) => password_hash::verify(&account.password_hash, password).await?,
        None => {
            password_hash::waste_equal_time().await;
            false
        }
    };
    let Some(account) = account.filter(|_| verified) else {
        login_throttle::fail(&services.db, settings, attempt, reserved, now).await?;
        return Err(AppError::InvalidCredentials);
    };
    if account.disabled {
        // The password was right: the attempt gives its count back.
        login_throttle::clear(&services.db, attempt).await?;
        return Err(AppError::AccountDisabled);
    }
    let txn = services.db.begin().await?;
    login_throttle::clear(&txn, attempt).await?;
    // The lock flag is left alone: the reservation found no lock, and one set since by a
    // racing failure must stay.
    let mut active: accounts::ActiveModel = account.clone().into();
    active.failed_logins = Set(0);
    let account = active.update(&txn).await?;
    let token = issue_token(&txn, settings, account.id).await?;
    txn.commit().await?;
    Ok(LoginOutcome {
        token,
        account: account.into(),
    })
}

/// Count a silent-login request from an address; call before asking WeChat about its code, so
/// a flood of made-up codes does not become a flood of WeChat calls.
pub async fn admit_mini_login(services: &Services, client_ip: Option<&str>) -> AppResult<()> {
    match client_ip {
        Some(ip) if !services.sessions.mini_throttle.allow(ip).await => {
            Err(AppError::TooManyRequests)
        }
        _ => Ok(()),
    }
}

/// Resolve a bearer token to its session, or `Unauthenticated`.
pub async fn authenticate(services: &Services, token: &str) -> AppResult<Session> {
    let hash = token_hash(token);
    if let Some(cache) = &services.sessions.cache {
        if let Some(session) = cache.get(&hash).await {
            return Ok(session);
        }
    }
    let now = Utc::now();
    let Some(row) = sessions::Entity::find()
        .filter(sessions::Column::TokenHash.eq(hash.as_str()))
        .filter(sessions::Column::RevokedAt.is_null())
        .filter(sessions::Column::ExpiresAt.gt(now))
        .one(&services.db)
        .await?
    else {
        return Err(AppError::Unauthenticated);
    };
    let Some(account) = accounts::Entity::find_by_id(row.account_id)
        .one(&services.db)
        .await?
    else {
        return Err(AppError::Unauthenticated);
    };
    if account.disabled {
        return Err(AppError::Unauthenticated);
    }
    let session = Session {
        actor: actor_of(&account)?,
        must_change_password: account.must_change_password,
    };
    if let Some(cache) = &services.sessions.cache {
        cache.insert(hash, session.clone()).await;
    }
    Ok(session)
}

pub async fn logout(services: &Services, token: &str) -> AppResult<()> {
    let hash = token_hash(token);
    sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(sessions::Column::TokenHash.eq(hash.as_str()))
        .exec(&services.db)
        .await?;
    if let Some(cache) = &services.sessions.cache {
        cache.invalidate(&hash).await;
    }
    Ok(())
}

/// The session that asks for a password change: who, with which token, from where.
#[derive(Debug, Clone, Copy)]
pub struct PasswordChange<'a> {
    pub actor: &'a Actor,
    pub token: &'a str,
    pub client_ip: Option<&'a str>,
}

/// Change one's own password: every session of the account ends and a new token is issued, so
/// the device that changed it stays logged in and every other device must log in again. The
/// mini-program link ends too: silent login needs a password login again.
///
/// A wrong old password counts like a failed login of the account from this address; at the
/// limit the session that guessed ends, so a stolen token cannot guess on.
pub async fn change_password(
    services: &Services,
    change: PasswordChange<'_>,
    old_password: &str,
    new_password: &str,
) -> AppResult<IssuedToken> {
    let settings = &services.sessions.settings;
    let account_id = change.actor.account_id;
    let account = accounts::Entity::find_by_id(account_id)
        .one(&services.db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let username = Username::parse(&account.username)
        .map_err(|_| AppError::internal(format!("account {account_id} has a bad username")))?;
    let attempt = Attempt {
        username: &username,
        address: change.client_ip,
    };
    let now = Utc::now();
    let reserved = login_throttle::reserve(&services.db, settings, attempt, now).await?;
    if !password_hash::verify(&account.password_hash, old_password).await? {
        let failures = login_throttle::fail(&services.db, settings, attempt, reserved, now).await?;
        if failures.locked || failures.from_address >= settings.max_failed_logins {
            logout(services, change.token).await?;
            tracing::warn!(
                account_id,
                "session ended after repeated wrong old passwords"
            );
            return Err(AppError::Unauthenticated);
        }
        return Err(AppError::WrongOldPassword);
    }
    let new_password = NewPassword::parse(new_password, &account.username)?;
    if new_password.expose() == old_password {
        return Err(crate::domain::Invalid::new("new_password", "新密码不能与原密码相同").into());
    }
    let hash = password_hash::hash(new_password.expose()).await?;
    let txn = services.db.begin().await?;
    login_throttle::clear(&txn, attempt).await?;
    let mut active: accounts::ActiveModel = account.into();
    active.password_hash = Set(hash);
    active.must_change_password = Set(false);
    active.failed_logins = Set(0);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    revoke_all(&txn, account_id).await?;
    mini_link::forget(&txn, account_id).await?;
    let token = issue_token(&txn, settings, account_id).await?;
    txn.commit().await?;
    services.sessions.forget_account(account_id);
    services.bound_accounts.forget_account(account_id);
    Ok(token)
}
