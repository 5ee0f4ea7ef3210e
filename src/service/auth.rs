//! Login, lockout, sessions (opaque tokens stored hashed), logout and password change.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, TimeDelta, Utc};
use moka::future::Cache;
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use sha2::{Digest, Sha256};

use super::{password_hash, Services};
use crate::config::AuthSettings;
use crate::db::entities::{accounts, sessions};
use crate::domain::org::OrgPath;
use crate::domain::password::NewPassword;
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::domain::username::Username;
use crate::error::{AppError, AppResult};

/// A validated session: who is calling, and whether they must change their password first.
#[derive(Debug, Clone)]
pub struct Session {
    pub actor: Actor,
    pub must_change_password: bool,
}

/// Login attempts per client address in a one-minute window, per instance: a brake on password
/// guessing across many usernames, which the per-account lockout does not catch.
#[derive(Clone)]
struct LoginThrottle {
    limit: u32,
    window: Cache<String, Arc<AtomicU32>>,
}

impl LoginThrottle {
    fn new(limit: u32) -> Self {
        Self {
            limit,
            window: Cache::builder()
                .time_to_live(Duration::from_secs(60))
                .max_capacity(100_000)
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
    settings: AuthSettings,
    /// Token hash → session, trusted for `auth.session_cache_secs` without asking the database.
    /// Revocation on this instance drops entries at once; other instances notice within that time.
    cache: Option<Cache<String, Session>>,
    throttle: LoginThrottle,
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
        Self {
            settings,
            cache,
            throttle,
        }
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
    pub account: accounts::Model,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn actor_of(account: &accounts::Model) -> AppResult<Actor> {
    let role = Role::parse(&account.role).map_err(|_| {
        AppError::Internal(format!("account {} has role {}", account.id, account.role))
    })?;
    Ok(Actor {
        account_id: account.id,
        username: account.username.clone(),
        name: account.name.clone(),
        role,
        org_unit_id: account.org_unit_id,
        org_path: OrgPath::from_db(account.org_path.clone()),
    })
}

async fn issue_token<C: ConnectionTrait>(
    conn: &C,
    settings: &AuthSettings,
    account_id: i32,
) -> AppResult<IssuedToken> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
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
    sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(sessions::Column::AccountId.eq(account_id))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
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
    let Ok(username) = Username::parse(username) else {
        password_hash::waste_equal_time().await;
        return Err(AppError::InvalidCredentials);
    };
    let Some(account) = accounts::Entity::find()
        .filter(accounts::Column::Username.eq(username.as_str()))
        .one(&services.db)
        .await?
    else {
        password_hash::waste_equal_time().await;
        return Err(AppError::InvalidCredentials);
    };
    let now = Utc::now();
    if let Some(until) = account.locked_until.filter(|until| *until > now) {
        return Err(AppError::AccountLocked { until });
    }
    if !password_hash::verify(&account.password_hash, password).await? {
        return Err(record_failure(services, &account, now).await?);
    }
    if account.disabled {
        return Err(AppError::AccountDisabled);
    }
    let txn = services.db.begin().await?;
    let mut active: accounts::ActiveModel = account.clone().into();
    active.failed_logins = Set(0);
    active.locked_until = Set(None);
    let account = active.update(&txn).await?;
    let token = issue_token(&txn, settings, account.id).await?;
    txn.commit().await?;
    Ok(LoginOutcome { token, account })
}

/// Silent login: the account that last logged in with a password from this mini-program OpenID.
pub async fn login_by_mini_openid(
    services: &Services,
    mp_openid: &str,
    client_ip: Option<&str>,
) -> AppResult<LoginOutcome> {
    if let Some(ip) = client_ip {
        if !services.sessions.throttle.allow(ip).await {
            return Err(AppError::TooManyRequests);
        }
    }
    let account = super::binding::account_for_mini_openid(services, mp_openid)
        .await?
        .ok_or(AppError::WechatNotLinked)?;
    if account.disabled {
        return Err(AppError::AccountDisabled);
    }
    if let Some(until) = account.locked_until.filter(|until| *until > Utc::now()) {
        return Err(AppError::AccountLocked { until });
    }
    let token = issue_token(&services.db, &services.sessions.settings, account.id).await?;
    Ok(LoginOutcome { token, account })
}

/// Count a wrong password atomically (two instances may see wrong passwords at once) and lock
/// the account when the count reaches the limit.
async fn record_failure(
    services: &Services,
    account: &accounts::Model,
    now: DateTime<Utc>,
) -> AppResult<AppError> {
    let settings = &services.sessions.settings;
    accounts::Entity::update_many()
        .col_expr(
            accounts::Column::FailedLogins,
            Expr::col(accounts::Column::FailedLogins).add(1),
        )
        .filter(accounts::Column::Id.eq(account.id))
        .exec(&services.db)
        .await?;
    let failures = accounts::Entity::find_by_id(account.id)
        .one(&services.db)
        .await?
        .map(|a| a.failed_logins)
        .unwrap_or(0);
    if failures >= settings.max_failed_logins as i32 {
        let until = now + TimeDelta::minutes(i64::from(settings.lockout_minutes));
        accounts::Entity::update_many()
            .col_expr(accounts::Column::LockedUntil, Expr::value(until))
            .col_expr(accounts::Column::FailedLogins, Expr::value(0))
            .filter(accounts::Column::Id.eq(account.id))
            .exec(&services.db)
            .await?;
        tracing::warn!(
            account_id = account.id,
            "account locked after repeated wrong passwords"
        );
        return Ok(AppError::AccountLocked { until });
    }
    Ok(AppError::InvalidCredentials)
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

/// Change one's own password: every session of the account ends and a new token is issued, so
/// the device that changed it stays logged in and every other device must log in again.
pub async fn change_password(
    services: &Services,
    actor: &Actor,
    old_password: &str,
    new_password: &str,
) -> AppResult<IssuedToken> {
    let account = accounts::Entity::find_by_id(actor.account_id)
        .one(&services.db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if !password_hash::verify(&account.password_hash, old_password).await? {
        return Err(AppError::WrongOldPassword);
    }
    let new_password = NewPassword::parse(new_password, &account.username)?;
    if new_password.expose() == old_password {
        return Err(crate::domain::Invalid::new("new_password", "新密码不能与原密码相同").into());
    }
    let hash = password_hash::hash(new_password.expose()).await?;
    let txn = services.db.begin().await?;
    let mut active: accounts::ActiveModel = account.into();
    active.password_hash = Set(hash);
    active.must_change_password = Set(false);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    revoke_all(&txn, actor.account_id).await?;
    let token = issue_token(&txn, &services.sessions.settings, actor.account_id).await?;
    txn.commit().await?;
    services.sessions.forget_account(actor.account_id);
    services.bound_accounts.forget_account(actor.account_id);
    Ok(token)
}
