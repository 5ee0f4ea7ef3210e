//! Writing account rows: the insert every path shares (admin, import, CLI, demo), duties,
//! the welcome (credentials notice and audit), and telling which unique index a write hit.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, Set,
};
use serde_json::json;

use super::handover::Handover;
use crate::db::entities::{account_levels, account_majors, accounts, org_units};
use crate::domain::cohort::Cohort;
use crate::domain::education::EducationLevels;
use crate::domain::password::generate_initial;
use crate::domain::phone::MobilePhone;
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::domain::username::Username;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult, Conflict};
use crate::infra::password_hash;
use crate::service::notifier::{CredentialChannel, CredentialNotice, CredentialReason};
use crate::service::{audit, RequestMeta, Services};

pub(super) fn unique_violation(error: DbErr, username: &str) -> AppError {
    match crate::db::unique_violation_detail(&error) {
        Some(detail) if names_phone_index(detail) => phone_taken(None),
        Some(_) => username_taken(username),
        None => error.into(),
    }
}

/// Whether a unique violation is the phone's: the index (PostgreSQL, MySQL) or column (SQLite)
/// is named after the value MySQL quotes, so a username spelled like the index cannot match.
pub(super) fn names_phone_index(message: &str) -> bool {
    let named = ["for key", "constraint", "failed:"]
        .iter()
        .filter_map(|marker| message.rfind(marker).map(|at| &message[at..]))
        .min_by_key(|tail| tail.len())
        .unwrap_or(message);
    named.contains("ux_accounts_phone") || named.contains("accounts.phone")
}

/// One account per phone number, as the bulk import requires: the owner is named only to an
/// admin who can see that account (`owner`), never across scopes.
pub(super) fn phone_taken(owner: Option<&str>) -> AppError {
    Conflict::PhoneTaken {
        owner: owner.map(str::to_string),
    }
    .into()
}

pub(super) fn username_taken(username: &str) -> AppError {
    Conflict::UsernameTaken {
        username: username.to_string(),
    }
    .into()
}

pub(super) async fn write_duties(
    txn: &DatabaseTransaction,
    account_id: i32,
    levels: &EducationLevels,
    major_ids: &[i32],
) -> AppResult<()> {
    account_levels::Entity::delete_many()
        .filter(account_levels::Column::AccountId.eq(account_id))
        .exec(txn)
        .await?;
    account_majors::Entity::delete_many()
        .filter(account_majors::Column::AccountId.eq(account_id))
        .exec(txn)
        .await?;
    account_levels::Entity::insert_many(levels.as_slice().iter().map(|level| {
        account_levels::ActiveModel {
            account_id: Set(account_id),
            education_level: Set(level.as_str().to_string()),
        }
    }))
    .exec(txn)
    .await?;
    account_majors::Entity::insert_many(major_ids.iter().map(|major_id| {
        account_majors::ActiveModel {
            account_id: Set(account_id),
            major_id: Set(*major_id),
        }
    }))
    .exec(txn)
    .await?;
    Ok(())
}

/// Create an account without an acting admin (first start, `fudao admin create`, demo data).
/// Returns the account and its one-time password.
pub async fn create_unchecked<C: ConnectionTrait>(
    conn: &C,
    role: Role,
    unit: &org_units::Model,
    username: &Username,
    name: &str,
    phone: Option<&MobilePhone>,
    password: Option<&str>,
) -> AppResult<(accounts::Model, String)> {
    let taken = accounts::Entity::find()
        .filter(accounts::Column::Username.eq(username.as_str()))
        .one(conn)
        .await?;
    if taken.is_some() {
        return Err(username_taken(username.as_str()));
    }
    let password = password
        .map(str::to_string)
        .unwrap_or_else(generate_initial);
    let account = insert_account(
        conn,
        NewRow {
            role,
            unit,
            username,
            name,
            phone,
            password_hash: password_hash::hash(&password).await?,
            cohort: None,
        },
    )
    .await?;
    Ok((account, password))
}

/// Give `notice` its way to the account's owner: an SMS when a provider delivers them (the
/// account then needs a phone), else the admin is shown the password once.
pub async fn hand_over(
    services: &Services,
    txn: &DatabaseTransaction,
    phone: Option<&MobilePhone>,
    notice: CredentialNotice<'_>,
) -> AppResult<Handover> {
    match services.notifier.channel() {
        CredentialChannel::ShowOnce => Ok(Handover::ShowOnce {
            password: notice.password.to_string(),
        }),
        CredentialChannel::Sms => {
            let phone = phone.ok_or_else(|| {
                Invalid::new("phone", "该账号没有可接收短信的手机号，请先填写手机号")
            })?;
            services
                .notifier
                .send_credentials(txn, phone, notice)
                .await?;
            Ok(Handover::Sms {
                sent_to: phone.masked(),
            })
        }
    }
}

/// How a handover is written in the audit log (never the password).
pub(super) fn audited(handover: &Handover) -> serde_json::Value {
    match handover {
        Handover::Sms { sent_to } => json!({ "credentials": "sms", "sent_to": sent_to }),
        Handover::ShowOnce { .. } => json!({ "credentials": "shown_once" }),
    }
}

/// A new account's credentials (SMS or shown once) and its audit entry (`extra` joins the
/// entry's detail).
#[allow(clippy::too_many_arguments)]
pub async fn welcome(
    services: &Services,
    txn: &DatabaseTransaction,
    actor: &Actor,
    meta: &RequestMeta,
    account: &accounts::Model,
    phone: &MobilePhone,
    password: &str,
    extra: serde_json::Value,
) -> AppResult<Handover> {
    let handover = hand_over(
        services,
        txn,
        Some(phone),
        CredentialNotice {
            account_id: account.id,
            reason: CredentialReason::AccountCreated,
            name: &account.name,
            username: &account.username,
            password,
        },
    )
    .await?;
    let mut detail = json!({
        "username": account.username,
        "role": account.role.as_str(),
        "org_unit_id": account.org_unit_id,
        "phone": phone.masked(),
    });
    if let Some(detail) = detail.as_object_mut() {
        for extra in [extra, audited(&handover)] {
            if let Some(extra) = extra.as_object() {
                detail.extend(extra.clone());
            }
        }
    }
    audit::record(
        txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "account.create",
            target_type: "account",
            target_id: Some(account.id.to_string()),
            org_path: &account.org_path,
            detail,
        },
    )
    .await?;
    Ok(handover)
}

/// An account row to insert; scope, duties and duplicates are the caller's job.
pub struct NewRow<'a> {
    pub role: Role,
    pub unit: &'a org_units::Model,
    pub username: &'a Username,
    pub name: &'a str,
    pub phone: Option<&'a MobilePhone>,
    pub password_hash: String,
    /// A counselor's class; none means the class under way. Admins have none.
    pub cohort: Option<Cohort>,
}

/// Insert an account that must change its initial password at first login.
pub async fn insert_account<C: ConnectionTrait>(
    conn: &C,
    new: NewRow<'_>,
) -> AppResult<accounts::Model> {
    let now = Utc::now();
    let cohort = match new.role {
        Role::Counselor => Some(new.cohort.unwrap_or_else(|| Cohort::current(now)).year()),
        _ => None,
    };
    crate::service::identity::login_throttle::forget(conn, new.username.as_str()).await?;
    accounts::ActiveModel {
        username: Set(new.username.as_str().to_string()),
        password_hash: Set(new.password_hash),
        role: Set(new.role),
        org_unit_id: Set(new.unit.id),
        org_path: Set(new.unit.path.clone()),
        name: Set(new.name.to_string()),
        phone: Set(new.phone.map(|p| p.as_str().to_string())),
        must_change_password: Set(true),
        disabled: Set(false),
        failed_logins: Set(0),
        locked_until: Set(None),
        cohort: Set(cohort),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(|e| unique_violation(e, new.username.as_str()))
}

/// Attach levels and majors to an account made by `create_unchecked`.
pub async fn set_duties_unchecked(
    txn: &DatabaseTransaction,
    account_id: i32,
    levels: &EducationLevels,
    major_ids: &[i32],
) -> AppResult<()> {
    write_duties(txn, account_id, levels, major_ids).await
}

#[cfg(test)]
mod tests {
    use super::names_phone_index;

    #[test]
    fn a_phone_violation_is_told_from_a_username_one_on_every_backend() {
        for phone in [
            "UNIQUE constraint failed: accounts.phone",
            "duplicate key value violates unique constraint \"ux_accounts_phone\"",
            "Duplicate entry '13900000001' for key 'accounts.ux_accounts_phone'",
        ] {
            assert!(names_phone_index(phone), "{phone}");
        }
        for username in [
            "UNIQUE constraint failed: accounts.username",
            "duplicate key value violates unique constraint \"idx-accounts-username\"",
            "Duplicate entry 'ux_accounts_phone' for key 'accounts.username'",
            "Duplicate entry 'accounts.phone' for key 'username'",
        ] {
            assert!(!names_phone_index(username), "{username}");
        }
    }
}
