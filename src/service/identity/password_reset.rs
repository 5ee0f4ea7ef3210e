//! Forgotten passwords, without an admin: the owner of a bound WeChat sends `重置密码` to the
//! official account and gets a 6-digit code, valid ten minutes for five tries, with which the
//! mini program's 忘记密码 page sets a new password. Holding the bound WeChat is the proof of
//! identity, as it is for every chat command. Codes are kept as hashes, one per account; every
//! issue and use is audited.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    Set, TransactionTrait,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::db::entities::{accounts, password_reset_codes, sms_outbox};
use crate::domain::outbox::SmsTemplate;
use crate::domain::password::NewPassword;
use crate::domain::phone::MobilePhone;
use crate::domain::scope::Actor;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult};
use crate::infra::{password_hash, random};
use crate::service::identity::{auth, login_throttle, mini_link};
use crate::service::notifier::OtherSms;
use crate::service::{audit, RequestMeta, Services};

/// How long a code can be used.
pub const CODE_MINUTES: i64 = 10;
/// Wrong codes before it is spent.
pub const CODE_TRIES: i32 = 5;
/// A new code replaces the old one at most this often, so a chat cannot churn codes.
const REISSUE_AFTER: TimeDelta = TimeDelta::seconds(60);
/// Codes by SMS to one phone per hour.
const SMS_CODES_PER_HOUR: u64 = 3;
/// Longest code or username worth a look; anything longer is wrong without a query.
const MAX_FIELD_CHARS: usize = 64;

/// What `重置密码` gives the sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Issued {
    Code {
        code: String,
        expires_at: DateTime<Utc>,
    },
    /// A code was issued less than a minute ago; it still works.
    TooSoon { retry_after_secs: i64 },
}

fn code_hash(account_id: i32, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{account_id}:{code}").as_bytes()))
}

fn unusable() -> AppError {
    Invalid::new(
        "code",
        "验证码无效或已过期，请在服务号中重新发送“重置密码”获取",
    )
    .into()
}

/// A new code for the account bound to the chat's sender (replacing any earlier one).
pub async fn issue(services: &Services, actor: &Actor) -> AppResult<Issued> {
    let txn = services.db.begin().await?;
    let issued = issue_in(services, &txn, actor, "official_account").await?;
    txn.commit().await?;
    Ok(issued)
}

/// A code for the account of `username`, by SMS to its phone, when the SMS provider has a
/// `reset_code` template. Whether the account exists is not told: an unknown username, a
/// disabled account or one without a phone get the same answer and no SMS. At most
/// `SMS_CODES_PER_HOUR` codes per phone, and attempts count against the per-address limit.
pub async fn send_code_by_sms(
    services: &Services,
    username: &str,
    meta: &RequestMeta,
) -> AppResult<()> {
    if !services.notifier.sends(SmsTemplate::ResetCode) {
        return Err(Invalid::new(
            "username",
            "未开通短信验证码，请在服务号中发送“重置密码”获取验证码，或联系管理员重置",
        )
        .into());
    }
    if let Some(ip) = meta.ip.as_deref() {
        if !services.sessions.allow_attempt(ip).await {
            return Err(AppError::TooManyRequests);
        }
    }
    let username = username.trim();
    if username.is_empty() || username.chars().count() > MAX_FIELD_CHARS {
        return Err(Invalid::new("username", "请填写用户名").into());
    }
    let Some(account) = accounts::Entity::find()
        .filter(accounts::Column::Username.eq(username))
        .filter(accounts::Column::Disabled.eq(false))
        .one(&services.db)
        .await?
    else {
        return Ok(());
    };
    let Some(phone) = account
        .phone
        .as_deref()
        .and_then(|p| MobilePhone::parse(p).ok())
    else {
        return Ok(());
    };
    let now = services.clock.now();
    let recent = sms_outbox::Entity::find()
        .filter(sms_outbox::Column::Phone.eq(phone.as_str()))
        .filter(sms_outbox::Column::Template.eq(SmsTemplate::ResetCode.as_str()))
        .filter(sms_outbox::Column::CreatedAt.gt(now - TimeDelta::hours(1)))
        .count(&services.db)
        .await?;
    if recent >= SMS_CODES_PER_HOUR {
        return Err(AppError::TooManyRequests);
    }
    let actor = auth::actor_of(&account)?;
    let txn = services.db.begin().await?;
    match issue_in(services, &txn, &actor, "sms").await? {
        Issued::Code { code, .. } => {
            let message = OtherSms {
                account_id: account.id,
                template: SmsTemplate::ResetCode,
                name: &account.name,
                username: &account.username,
                code: Some(&code),
            };
            services.notifier.send(&txn, &phone, message).await?;
        }
        // The code of a minute ago is on its way or arrived; it still works.
        Issued::TooSoon { .. } => {}
    }
    txn.commit().await?;
    Ok(())
}

async fn issue_in(
    services: &Services,
    txn: &DatabaseTransaction,
    actor: &Actor,
    via: &str,
) -> AppResult<Issued> {
    let now = services.clock.now();
    let previous = password_reset_codes::Entity::find()
        .filter(password_reset_codes::Column::AccountId.eq(actor.account_id))
        .one(txn)
        .await?;
    if let Some(previous) = &previous {
        let wait = previous.created_at + REISSUE_AFTER - now;
        if wait > TimeDelta::zero() && previous.tries_left > 0 && previous.expires_at > now {
            return Ok(Issued::TooSoon {
                retry_after_secs: wait.num_seconds().max(1),
            });
        }
        password_reset_codes::Entity::delete_by_id(previous.id)
            .exec(txn)
            .await?;
    }
    let code = format!("{:06}", random::in_range(0..1_000_000u32));
    let expires_at = now + TimeDelta::minutes(CODE_MINUTES);
    password_reset_codes::ActiveModel {
        account_id: Set(actor.account_id),
        code_hash: Set(code_hash(actor.account_id, &code)),
        tries_left: Set(CODE_TRIES),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        Some(actor),
        &RequestMeta::default(),
        audit::Entry {
            action: "account.reset_code",
            target_type: "account",
            target_id: Some(actor.account_id.to_string()),
            org_path: actor.org_path.as_str(),
            detail: json!({ "via": via, "expires_at": expires_at }),
        },
    )
    .await?;
    Ok(Issued::Code { code, expires_at })
}

/// A password reset with a code, as the login page's 忘记密码 sends it.
pub struct CodeReset<'a> {
    pub username: &'a str,
    pub code: &'a str,
    pub new_password: &'a str,
}

/// Set a new password with a code: the code is spent, every session and the silent
/// mini-program login end, and failed-login counts and locks of the account are lifted. A
/// wrong code spends a try; an unknown username answers like an unusable code.
pub async fn reset_with_code(
    services: &Services,
    reset: CodeReset<'_>,
    meta: &RequestMeta,
) -> AppResult<()> {
    if let Some(ip) = meta.ip.as_deref() {
        if !services.sessions.allow_attempt(ip).await {
            return Err(AppError::TooManyRequests);
        }
    }
    let username = reset.username.trim();
    let code = reset.code.trim();
    if username.is_empty() || username.chars().count() > MAX_FIELD_CHARS {
        return Err(Invalid::new("username", "请填写用户名").into());
    }
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Invalid::new("code", "请填写 6 位数字验证码").into());
    }
    // Checked before the code, so a weak password does not spend a try.
    let new_password = NewPassword::parse(reset.new_password, username)?;
    let now = services.clock.now();
    let Some(account) = accounts::Entity::find()
        .filter(accounts::Column::Username.eq(username))
        .filter(accounts::Column::Disabled.eq(false))
        .one(&services.db)
        .await?
    else {
        return Err(unusable());
    };
    let Some(stored) = password_reset_codes::Entity::find()
        .filter(password_reset_codes::Column::AccountId.eq(account.id))
        .one(&services.db)
        .await?
    else {
        return Err(unusable());
    };
    if stored.expires_at <= now || stored.tries_left <= 0 {
        return Err(unusable());
    }
    let matches: bool = code_hash(account.id, code)
        .as_bytes()
        .ct_eq(stored.code_hash.as_bytes())
        .into();
    if !matches {
        return Err(wrong_code(services, &stored).await?);
    }
    let hash = password_hash::hash(new_password.expose()).await?;
    let txn = services.db.begin().await?;
    // Spent in the same transaction as the change: of two racing uses one wins.
    let spent = password_reset_codes::Entity::delete_many()
        .filter(password_reset_codes::Column::Id.eq(stored.id))
        .filter(password_reset_codes::Column::TriesLeft.gt(0))
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        return Err(unusable());
    }
    let mut active: accounts::ActiveModel = account.clone().into();
    active.password_hash = Set(hash);
    active.must_change_password = Set(false);
    active.failed_logins = Set(0);
    active.locked_until = Set(None);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    auth::revoke_all(&txn, account.id).await?;
    mini_link::forget(&txn, account.id).await?;
    login_throttle::unlock(&txn, &account.username).await?;
    audit::record(
        &txn,
        Some(&auth::actor_of(&account)?),
        meta,
        audit::Entry {
            action: "account.reset_by_code",
            target_type: "account",
            target_id: Some(account.id.to_string()),
            org_path: &account.org_path,
            detail: json!({ "username": account.username }),
        },
    )
    .await?;
    txn.commit().await?;
    services.sessions.forget_account(account.id);
    services.bound_accounts.forget_account(account.id);
    Ok(())
}

/// Spend one try (atomically: parallel guesses cannot share one) and say how many are left.
async fn wrong_code(
    services: &Services,
    stored: &password_reset_codes::Model,
) -> AppResult<AppError> {
    let spent = password_reset_codes::Entity::update_many()
        .col_expr(
            password_reset_codes::Column::TriesLeft,
            Expr::col(password_reset_codes::Column::TriesLeft).sub(1),
        )
        .filter(password_reset_codes::Column::Id.eq(stored.id))
        .filter(password_reset_codes::Column::TriesLeft.gt(0))
        .exec(&services.db)
        .await?;
    if spent.rows_affected == 0 {
        return Ok(unusable());
    }
    let left = stored.tries_left - 1;
    Ok(if left > 0 {
        Invalid::new("code", format!("验证码错误，还可尝试 {left} 次")).into()
    } else {
        Invalid::new(
            "code",
            "验证码错误次数过多，已失效，请在服务号中重新发送“重置密码”获取",
        )
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_hash_is_bound_to_its_account() {
        assert_ne!(code_hash(1, "123456"), code_hash(2, "123456"));
        assert_eq!(code_hash(1, "123456").len(), 64);
    }
}
