//! Silent login from the mini program: a `wx.login` code is exchanged with WeChat for the
//! user's mini-program OpenID, which logs in the account that last proved its password from
//! that WeChat. The exchange is a port (`MiniLogin`) the application wires to the WeChat client,
//! so the use case runs without WeChat in tests of its own.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};

use crate::db::entities::{account_wechat, accounts};
use crate::domain::Invalid;
use crate::error::{AppError, AppResult};
use crate::service::identity::auth::{self, LoginOutcome};
use crate::service::identity::binding;
use crate::service::Services;

/// Codes from `wx.login` are short; anything longer is not one and is not sent to WeChat.
const MAX_CODE_LEN: usize = 128;

/// What WeChat says about a `wx.login` code. The session key stays with the adapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MiniSession {
    pub openid: String,
    pub unionid: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    /// Unknown, expired or already used: the mini program should call `wx.login` again.
    #[error("the wx.login code is invalid or used")]
    InvalidCode,
    /// The mini program's AppID or secret is missing or wrong: only an operator can fix it.
    #[error("mini-program login is not configured correctly: {0}")]
    Misconfigured(String),
    /// WeChat did not answer usefully (down, busy, an unexpected body).
    #[error("code exchange failed: {0}")]
    Unavailable(String),
}

/// The exchange of a `wx.login` code (WeChat's `jscode2session`).
#[async_trait]
pub trait MiniLogin: Send + Sync {
    async fn exchange_code(&self, code: &str) -> Result<MiniSession, ExchangeError>;
}

/// A code as the mini program sent it, trimmed; `None` when it cannot be a code.
fn usable_code(code: &str) -> Option<&str> {
    let code = code.trim();
    (!code.is_empty() && code.len() <= MAX_CODE_LEN).then_some(code)
}

fn exchange_failed(error: ExchangeError) -> AppError {
    match error {
        ExchangeError::InvalidCode => {
            Invalid::new("code", "微信登录凭证无效或已使用，请重试").into()
        }
        ExchangeError::Misconfigured(_) => {
            tracing::error!(%error, "silent login cannot work");
            AppError::WechatUnavailable
        }
        ExchangeError::Unavailable(_) => {
            tracing::warn!(%error, "jscode2session failed");
            AppError::WechatUnavailable
        }
    }
}

/// Log in silently with a `wx.login` code once this WeChat has logged in with a password. The
/// session and the identity WeChat reported are written together or not at all.
pub async fn login(
    services: &Services,
    exchange: &dyn MiniLogin,
    code: &str,
    client_ip: Option<&str>,
) -> AppResult<LoginOutcome> {
    let code = usable_code(code).ok_or_else(|| Invalid::new("code", "缺少微信登录凭证"))?;
    // Counted before WeChat is asked: a flood of made-up codes is not a flood of WeChat calls.
    auth::admit_mini_login(services, client_ip).await?;
    let session = exchange
        .exchange_code(code)
        .await
        .map_err(exchange_failed)?;
    let txn = services.db.begin().await?;
    let account = account_for_mini_openid(&txn, &session.openid)
        .await?
        .ok_or(AppError::WechatNotLinked)?;
    if account.disabled {
        return Err(AppError::AccountDisabled);
    }
    if account.locked_until.is_some() {
        return Err(AppError::AccountLocked);
    }
    let token = auth::issue_token(&txn, &services.sessions.settings, account.id).await?;
    if let Some(unionid) = session.unionid.as_deref() {
        store_identity(&txn, account.id, &session.openid, Some(unionid), Utc::now()).await?;
    }
    txn.commit().await?;
    if let Some(unionid) = session.unionid.as_deref() {
        link_follower(services, unionid).await;
    }
    Ok(LoginOutcome {
        token,
        account: account.into(),
    })
}

/// After a password was proven, remember the WeChat that sent a `wx.login` code so its later
/// logins are silent. A convenience: the password step has committed (a change has already
/// revoked every session), so a failure here is logged and must not hide the token the caller
/// now needs.
pub async fn remember_after_password(
    services: &Services,
    exchange: &dyn MiniLogin,
    account_id: i32,
    code: Option<&str>,
) {
    let Some(code) = code.and_then(usable_code) else {
        return;
    };
    let session = match exchange.exchange_code(code).await {
        Ok(session) => session,
        Err(error) => {
            tracing::warn!(%error, "wx.login code not exchanged after a password");
            return;
        }
    };
    if let Err(error) = remember(services, account_id, &session).await {
        tracing::warn!(%error, account_id, "mini-program WeChat not remembered");
    }
}

async fn remember(services: &Services, account_id: i32, session: &MiniSession) -> AppResult<()> {
    let txn = services.db.begin().await?;
    store_identity(
        &txn,
        account_id,
        &session.openid,
        session.unionid.as_deref(),
        Utc::now(),
    )
    .await?;
    txn.commit().await?;
    if let Some(unionid) = session.unionid.as_deref() {
        link_follower(services, unionid).await;
    }
    Ok(())
}

/// The account that last logged in from this mini-program OpenID.
async fn account_for_mini_openid<C: ConnectionTrait>(
    conn: &C,
    mp_openid: &str,
) -> AppResult<Option<accounts::Model>> {
    let Some(row) = account_wechat::Entity::find()
        .filter(account_wechat::Column::MpOpenid.eq(mp_openid))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(accounts::Entity::find_by_id(row.account_id)
        .one(conn)
        .await?)
}

/// Record the mini-program identity of an account. One WeChat user logs into one account at a
/// time: the OpenID moves to the latest.
async fn store_identity<C: ConnectionTrait>(
    conn: &C,
    account_id: i32,
    mp_openid: &str,
    unionid: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    account_wechat::Entity::update_many()
        .col_expr(
            account_wechat::Column::MpOpenid,
            Expr::value(Option::<String>::None),
        )
        .filter(account_wechat::Column::MpOpenid.eq(mp_openid))
        .filter(account_wechat::Column::AccountId.ne(account_id))
        .exec(conn)
        .await?;
    match account_wechat::Entity::find_by_id(account_id)
        .one(conn)
        .await?
    {
        Some(row) => {
            let mut active: account_wechat::ActiveModel = row.into();
            active.mp_openid = Set(Some(mp_openid.to_string()));
            if let Some(unionid) = unionid {
                active.unionid = Set(Some(unionid.to_string()));
            }
            active.updated_at = Set(now);
            active.update(conn).await?;
        }
        None => {
            account_wechat::ActiveModel {
                account_id: Set(account_id),
                oa_openid: Set(None),
                mp_openid: Set(Some(mp_openid.to_string())),
                unionid: Set(unionid.map(str::to_string)),
                bound_at: Set(None),
                updated_at: Set(now),
            }
            .insert(conn)
            .await?;
        }
    }
    Ok(())
}

/// A follower of the official account with the same UnionID is bound without a code. It runs
/// after the login has committed and is idempotent: a failure is logged, the next login or
/// follow tries again.
async fn link_follower(services: &Services, unionid: &str) {
    match binding::bind_by_unionid(services, unionid).await {
        Ok(Some(account_id)) => tracing::info!(account_id, "bound by unionid on mini login"),
        Ok(None) => {}
        Err(error) => tracing::warn!(code = error.code(), cause = ?error, "unionid binding failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plausible_codes_are_sent_to_wechat() {
        assert_eq!(usable_code("  abc "), Some("abc"));
        assert_eq!(usable_code("   "), None);
        assert_eq!(
            usable_code(&"x".repeat(MAX_CODE_LEN)).map(str::len),
            Some(MAX_CODE_LEN)
        );
        assert_eq!(usable_code(&"x".repeat(MAX_CODE_LEN + 1)), None);
    }

    #[test]
    fn each_exchange_failure_becomes_what_the_mini_program_can_act_on() {
        assert_eq!(
            exchange_failed(ExchangeError::InvalidCode).code(),
            "invalid_input"
        );
        assert_eq!(
            exchange_failed(ExchangeError::Misconfigured("no secret".into())).code(),
            "wechat_unavailable"
        );
        assert_eq!(
            exchange_failed(ExchangeError::Unavailable("timeout".into())).code(),
            "wechat_unavailable"
        );
    }
}
