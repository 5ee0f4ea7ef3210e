//! Linking WeChat identities to accounts: bind codes, bind/unbind in chat, the mini-program
//! OpenID for silent login, and automatic binding by UnionID. Every operation is idempotent:
//! binding the same pair twice changes nothing.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use moka::future::Cache;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionTrait,
};
use serde_json::json;

use crate::db::entities::{
    account_wechat, accounts, assignments, bind_codes, bind_failures, followers,
};
use crate::domain::bind_code::{BindCode, VALID_MINUTES};
use crate::domain::scope::Actor;
use crate::error::{AppError, AppResult};
use crate::service::{audit, identity::followers as follower_records, RequestMeta, Services};

/// How far back wrong codes count.
const FAILURE_WINDOW: TimeDelta = TimeDelta::hours(1);
/// OpenIDs are 28 characters; a longer sender id is cut to this for counting.
const MAX_OPENID_LEN: usize = 64;

/// How much bind-code guessing is tolerated (`wechat.bind_*` settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BindLimits {
    pub per_openid_per_hour: u32,
    pub per_hour: u32,
    pub per_code: u32,
}

impl Default for BindLimits {
    fn default() -> Self {
        Self {
            per_openid_per_hour: 5,
            per_hour: 100,
            per_code: 30,
        }
    }
}

/// The brake on guessing bind codes. A wrong code names no account, so guesses cannot be
/// charged to the account they aim at; instead three counts, all in the database so every
/// instance shares them: per sender, across all senders (guesses spread over many OpenIDs),
/// and per pending code (every wrong code counts against every code pending at the time, so
/// no code is ever exposed to more than `per_code` guesses).
#[derive(Clone, Default)]
pub struct BindGuard {
    limits: BindLimits,
}

impl BindGuard {
    pub fn new(limits: BindLimits) -> Self {
        Self { limits }
    }

    async fn check<C: ConnectionTrait>(
        &self,
        conn: &C,
        openid: &str,
        now: DateTime<Utc>,
    ) -> AppResult<Option<BindOutcome>> {
        let since = now - FAILURE_WINDOW;
        let recent =
            bind_failures::Entity::find().filter(bind_failures::Column::FailedAt.gt(since));
        let mine = recent
            .clone()
            .filter(bind_failures::Column::Openid.eq(counted_openid(openid)))
            .count(conn)
            .await?;
        if mine >= u64::from(self.limits.per_openid_per_hour) {
            return Ok(Some(BindOutcome::TooManyAttempts));
        }
        let everyone = recent.count(conn).await?;
        if everyone >= u64::from(self.limits.per_hour) {
            tracing::warn!(
                failures = everyone,
                "bind codes paused: too many wrong codes in the last hour"
            );
            return Ok(Some(BindOutcome::Paused));
        }
        Ok(None)
    }

    async fn failed<C: ConnectionTrait>(
        &self,
        conn: &C,
        openid: &str,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        bind_failures::Entity::delete_many()
            .filter(bind_failures::Column::FailedAt.lte(now - FAILURE_WINDOW))
            .exec(conn)
            .await?;
        bind_failures::ActiveModel {
            openid: Set(counted_openid(openid).to_string()),
            failed_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        bind_codes::Entity::update_many()
            .col_expr(
                bind_codes::Column::FailedAttempts,
                Expr::col(bind_codes::Column::FailedAttempts).add(1),
            )
            .filter(bind_codes::Column::ExpiresAt.gt(now))
            .exec(conn)
            .await?;
        let withdrawn = bind_codes::Entity::delete_many()
            .filter(
                bind_codes::Column::FailedAttempts
                    .gte(i32::try_from(self.limits.per_code).unwrap_or(i32::MAX)),
            )
            .exec(conn)
            .await?;
        if withdrawn.rows_affected > 0 {
            tracing::warn!(
                codes = withdrawn.rows_affected,
                "bind codes withdrawn after too many wrong codes while pending"
            );
        }
        Ok(())
    }
}

fn counted_openid(openid: &str) -> &str {
    match openid.char_indices().nth(MAX_OPENID_LEN) {
        Some((cut, _)) => &openid[..cut],
        None => openid,
    }
}

/// OpenID → the enabled account bound to it, for a few seconds: every chat message needs it,
/// and the callback path must stay fast. Changes made on this instance drop entries at once;
/// other instances see them within the TTL.
#[derive(Clone)]
pub struct BoundAccounts {
    cache: Cache<String, Option<accounts::Model>>,
}

impl Default for BoundAccounts {
    fn default() -> Self {
        Self {
            cache: Cache::builder()
                .time_to_live(Duration::from_secs(5))
                .max_capacity(200_000)
                .support_invalidation_closures()
                .build(),
        }
    }
}

impl BoundAccounts {
    pub async fn forget_openid(&self, openid: &str) {
        self.cache.invalidate(openid).await;
    }

    /// Drop whatever is cached for an account (disabled, edited, moved).
    pub fn forget_account(&self, account_id: i32) {
        // Only fails when closures are unsupported, which `default` rules out.
        let _ = self.cache.invalidate_entries_if(move |_, cached| {
            cached
                .as_ref()
                .is_some_and(|account| account.id == account_id)
        });
    }
}

#[derive(Debug, Clone)]
pub struct IssuedCode {
    pub code: BindCode,
    pub expires_at: DateTime<Utc>,
}

/// A fresh code for the caller; earlier codes of the caller stop working.
pub async fn issue_code(services: &Services, actor: &Actor) -> AppResult<IssuedCode> {
    let now = Utc::now();
    let expires_at = now + TimeDelta::minutes(VALID_MINUTES);
    for _ in 0..8 {
        let code = BindCode::generate();
        let txn = services.db.begin().await?;
        bind_codes::Entity::delete_many()
            .filter(
                sea_orm::Condition::any()
                    .add(bind_codes::Column::AccountId.eq(actor.account_id))
                    .add(bind_codes::Column::ExpiresAt.lte(now)),
            )
            .exec(&txn)
            .await?;
        let inserted = bind_codes::ActiveModel {
            code: Set(code.as_str().to_string()),
            account_id: Set(actor.account_id),
            expires_at: Set(expires_at),
            created_at: Set(now),
            failed_attempts: Set(0),
        }
        .insert(&txn)
        .await;
        match inserted {
            Ok(_) => {
                txn.commit().await?;
                return Ok(IssuedCode { code, expires_at });
            }
            // Another account holds this code right now: draw again.
            Err(error) if crate::db::is_unique_violation(&error) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(AppError::internal("no free bind code after 8 draws"))
}

/// What a `绑定 <码>` message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindOutcome {
    Bound {
        name: String,
    },
    AlreadyBound {
        name: String,
    },
    /// This WeChat is bound to another account; it must send 解绑 first.
    OpenIdTaken {
        name: String,
    },
    UnknownCode,
    /// This OpenID sent too many wrong codes in the last hour.
    TooManyAttempts,
    /// Everyone together sent too many wrong codes in the last hour: nobody binds by code now.
    Paused,
}

/// Bind the official-account OpenID that sent a valid code to the code's account.
pub async fn bind_with_code(
    services: &Services,
    openid: &str,
    code: &BindCode,
) -> AppResult<BindOutcome> {
    let now = Utc::now();
    if let Some(refused) = services.bind_guard.check(&services.db, openid, now).await? {
        return Ok(refused);
    }
    let txn = services.db.begin().await?;
    let Some(row) = bind_codes::Entity::find_by_id(code.as_str().to_string())
        .one(&txn)
        .await?
        .filter(|row| row.expires_at > now)
    else {
        drop(txn);
        services
            .bind_guard
            .failed(&services.db, openid, now)
            .await?;
        return Ok(BindOutcome::UnknownCode);
    };
    let account = accounts::Entity::find_by_id(row.account_id)
        .one(&txn)
        .await?
        .ok_or(AppError::not_found("账号"))?;
    if let Some(holder) = account_wechat::Entity::find()
        .filter(account_wechat::Column::OaOpenid.eq(openid))
        .one(&txn)
        .await?
    {
        if holder.account_id == account.id {
            bind_codes::Entity::delete_by_id(row.code)
                .exec(&txn)
                .await?;
            txn.commit().await?;
            return Ok(BindOutcome::AlreadyBound { name: account.name });
        }
        let other = accounts::Entity::find_by_id(holder.account_id)
            .one(&txn)
            .await?;
        return Ok(BindOutcome::OpenIdTaken {
            name: other.map(|a| mask_name(&a.name)).unwrap_or_default(),
        });
    }
    let previous = set_oa_openid(&txn, account.id, Some(openid), now).await?;
    bind_codes::Entity::delete_by_id(row.code)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        None,
        &RequestMeta::default(),
        audit::Entry {
            action: if previous.is_some() {
                "wechat.rebind"
            } else {
                "wechat.bind"
            },
            target_type: "account",
            target_id: Some(account.id.to_string()),
            org_path: &account.org_path,
            detail: json!({ "openid": openid, "previous_openid": previous, "via": "bind_code" }),
        },
    )
    .await?;
    txn.commit().await?;
    services.bound_accounts.forget_openid(openid).await;
    if let Some(previous) = previous {
        services.bound_accounts.forget_openid(&previous).await;
    }
    // Only followers can write to the official account: one who binds in chat follows it,
    // even when their subscribe event predates this system.
    if follower_records::find(services, openid).await?.is_none() {
        follower_records::record(services, openid, true, now).await?;
    }
    Ok(BindOutcome::Bound { name: account.name })
}

/// 张** — enough for the owner to recognise, not enough to learn a stranger's name.
fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
        None => String::new(),
    }
}

/// Set (or clear) the account's official-account OpenID; returns the one it replaced.
async fn set_oa_openid<C: ConnectionTrait>(
    conn: &C,
    account_id: i32,
    openid: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<Option<String>> {
    let existing = account_wechat::Entity::find_by_id(account_id)
        .one(conn)
        .await?;
    let previous = existing.as_ref().and_then(|row| row.oa_openid.clone());
    match existing {
        Some(row) => {
            let mut active: account_wechat::ActiveModel = row.into();
            active.oa_openid = Set(openid.map(str::to_string));
            active.bound_at = Set(openid.map(|_| now));
            active.updated_at = Set(now);
            active.update(conn).await?;
        }
        None => {
            account_wechat::ActiveModel {
                account_id: Set(account_id),
                oa_openid: Set(openid.map(str::to_string)),
                mp_openid: Set(None),
                unionid: Set(None),
                bound_at: Set(openid.map(|_| now)),
                updated_at: Set(now),
            }
            .insert(conn)
            .await?;
        }
    }
    match openid {
        // A counselor who binds after tasks were published gets one summary of what is pending;
        // queued notices follow a rebinding to the new OpenID.
        Some(openid) if previous.as_deref() != Some(openid) => {
            crate::outbox::push::on_bound(conn, account_id, openid, now).await?;
        }
        None if previous.is_some() => {
            crate::outbox::push::on_unbound(conn, account_id, now).await?;
        }
        _ => {}
    }
    // Task progress counts the unbound from this flag.
    assignments::Entity::update_many()
        .col_expr(assignments::Column::Bound, Expr::value(openid.is_some()))
        .filter(assignments::Column::AccountId.eq(account_id))
        .exec(conn)
        .await?;
    Ok(previous)
}

/// Unbind whatever account this OpenID is bound to; `None` when it was not bound.
pub async fn unbind(services: &Services, openid: &str) -> AppResult<Option<String>> {
    let txn = services.db.begin().await?;
    let Some(holder) = account_wechat::Entity::find()
        .filter(account_wechat::Column::OaOpenid.eq(openid))
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    let account = accounts::Entity::find_by_id(holder.account_id)
        .one(&txn)
        .await?
        .ok_or(AppError::not_found("账号"))?;
    set_oa_openid(&txn, account.id, None, Utc::now()).await?;
    audit::record(
        &txn,
        None,
        &RequestMeta::default(),
        audit::Entry {
            action: "wechat.unbind",
            target_type: "account",
            target_id: Some(account.id.to_string()),
            org_path: &account.org_path,
            detail: json!({ "openid": openid }),
        },
    )
    .await?;
    txn.commit().await?;
    services.bound_accounts.forget_openid(openid).await;
    Ok(Some(account.name))
}

/// The enabled account an official-account OpenID is bound to (cached briefly).
pub async fn account_for_openid(
    services: &Services,
    openid: &str,
) -> AppResult<Option<accounts::Model>> {
    if let Some(cached) = services.bound_accounts.cache.get(openid).await {
        return Ok(cached);
    }
    let found = load_account_for_openid(services, openid).await?;
    services
        .bound_accounts
        .cache
        .insert(openid.to_string(), found.clone())
        .await;
    Ok(found)
}

async fn load_account_for_openid(
    services: &Services,
    openid: &str,
) -> AppResult<Option<accounts::Model>> {
    let Some(holder) = account_wechat::Entity::find()
        .filter(account_wechat::Column::OaOpenid.eq(openid))
        .one(&services.db)
        .await?
    else {
        return Ok(None);
    };
    Ok(accounts::Entity::find_by_id(holder.account_id)
        .one(&services.db)
        .await?
        .filter(|account| !account.disabled))
}

/// When both the mini program and `user/info` gave the same UnionID, bind the follower's
/// OpenID to the account without a code. Returns the account id bound now, if any.
pub async fn bind_by_unionid(services: &Services, unionid: &str) -> AppResult<Option<i32>> {
    let txn = services.db.begin().await?;
    let Some(follower) = followers::Entity::find()
        .filter(followers::Column::Unionid.eq(unionid))
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    let Some(row) = account_wechat::Entity::find()
        .filter(account_wechat::Column::Unionid.eq(unionid))
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    if row.oa_openid.as_deref() == Some(follower.openid.as_str()) {
        return Ok(None);
    }
    let taken = account_wechat::Entity::find()
        .filter(account_wechat::Column::OaOpenid.eq(follower.openid.as_str()))
        .one(&txn)
        .await?;
    if taken.is_some() {
        // The OpenID already serves another account; a human must unbind it first.
        return Ok(None);
    }
    let account = accounts::Entity::find_by_id(row.account_id)
        .one(&txn)
        .await?
        .ok_or(AppError::not_found("账号"))?;
    let previous = set_oa_openid(&txn, account.id, Some(&follower.openid), Utc::now()).await?;
    audit::record(
        &txn,
        None,
        &RequestMeta::default(),
        audit::Entry {
            action: if previous.is_some() { "wechat.rebind" } else { "wechat.bind" },
            target_type: "account",
            target_id: Some(account.id.to_string()),
            org_path: &account.org_path,
            detail: json!({ "openid": follower.openid, "previous_openid": previous, "via": "unionid" }),
        },
    )
    .await?;
    txn.commit().await?;
    services
        .bound_accounts
        .forget_openid(&follower.openid)
        .await;
    if let Some(previous) = previous {
        services.bound_accounts.forget_openid(&previous).await;
    }
    Ok(Some(account.id))
}
