//! Changing accounts within scope: create, edit, disable/enable, reset the password.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};
use serde_json::json;

use super::handover::Handover;
use super::provisioning::{
    audited, hand_over, insert_account, phone_taken, unique_violation, username_taken, welcome,
    write_duties, NewRow,
};
use super::query::{find_manageable, load_details, one_detail, AccountDetail};
use crate::db::entities::{accounts, majors, org_units};
use crate::domain::cohort::Cohort;
use crate::domain::education::{EducationLevel, EducationLevels};
use crate::domain::password::generate_initial;
use crate::domain::phone::MobilePhone;
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::domain::username::{parse_person_name, Username};
use crate::domain::Invalid;
use crate::error::{AppError, AppResult};
use crate::infra::password_hash;
use crate::service::identity::auth;
use crate::service::notifier::{CredentialNotice, CredentialReason};
use crate::service::{audit, RequestMeta, Services};

/// A new account, and how its initial password reaches its owner.
pub struct Created {
    pub detail: AccountDetail,
    pub handover: Handover,
}

/// What a counselor is responsible for; admins have none of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Duties {
    Admin,
    Counselor {
        levels: EducationLevels,
        major_ids: Vec<i32>,
    },
}

/// An account to create, every field parsed.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub role: Role,
    pub org_unit_id: i32,
    pub name: String,
    pub phone: MobilePhone,
    pub username: Username,
    pub duties: Duties,
    /// A counselor's class (届); none means the class under way.
    pub cohort: Option<Cohort>,
}

pub(super) fn parse_duties(
    role: Role,
    levels: &[String],
    major_ids: &[i32],
) -> Result<Duties, Invalid> {
    if role != Role::Counselor {
        if !levels.is_empty() || !major_ids.is_empty() {
            return Err(Invalid::new(
                "education_levels",
                "只有辅导员需要填写学历层次和负责专业",
            ));
        }
        return Ok(Duties::Admin);
    }
    let levels = EducationLevels::parse(levels)?;
    let mut major_ids = major_ids.to_vec();
    major_ids.sort_unstable();
    major_ids.dedup();
    if major_ids.is_empty() {
        return Err(Invalid::new("major_ids", "请至少选择一个负责专业"));
    }
    Ok(Duties::Counselor { levels, major_ids })
}

impl NewAccount {
    pub fn parse(
        role: &str,
        org_unit_id: i32,
        name: &str,
        phone: &str,
        username: Option<&str>,
        education_levels: &[String],
        major_ids: &[i32],
    ) -> Result<Self, Invalid> {
        let role = Role::parse(role)?;
        let phone = MobilePhone::parse(phone)?;
        let username = match username.map(str::trim).filter(|u| !u.is_empty()) {
            Some(username) => Username::parse(username)?,
            None => Username::parse(phone.as_str())?,
        };
        Ok(Self {
            role,
            org_unit_id,
            name: parse_person_name(name)?,
            phone,
            username,
            duties: parse_duties(role, education_levels, major_ids)?,
            cohort: None,
        })
    }

    /// The class (届) a counselor serves; left out, the class under way.
    pub fn with_cohort(self, cohort: Option<i32>) -> Result<Self, Invalid> {
        let Some(year) = cohort else {
            return Ok(self);
        };
        if self.role != Role::Counselor {
            return Err(Invalid::new("cohort", "只有辅导员需要填写届别"));
        }
        let cohort = Cohort::from_year(year)
            .ok_or_else(|| Invalid::new("cohort", "届别应为四位年份，如 2027"))?;
        Ok(Self {
            cohort: Some(cohort),
            ..self
        })
    }
}

/// Changes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountPatch {
    pub name: Option<String>,
    pub phone: Option<MobilePhone>,
    pub org_unit_id: Option<i32>,
    pub education_levels: Option<Vec<String>>,
    pub major_ids: Option<Vec<i32>>,
}

/// Refuse a phone that another account (anywhere, not only in the actor's scope) already has.
pub(super) async fn ensure_phone_free<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    phone: &MobilePhone,
    except: Option<i32>,
) -> AppResult<()> {
    let mut query = accounts::Entity::find().filter(accounts::Column::Phone.eq(phone.as_str()));
    if let Some(id) = except {
        query = query.filter(accounts::Column::Id.ne(id));
    }
    match query.one(conn).await? {
        Some(owner) => {
            let visible = actor.covers_unit(&owner.org_path);
            Err(phone_taken(visible.then_some(owner.username.as_str())))
        }
        None => Ok(()),
    }
}

/// Check that every major belongs to the college's catalog at one of the counselor's levels.
/// The college whose catalog a counselor's majors must come from.
pub(super) struct College<'a> {
    pub id: i32,
    pub name: &'a str,
}

pub(super) async fn check_majors<C: ConnectionTrait>(
    conn: &C,
    college: College<'_>,
    levels: &EducationLevels,
    major_ids: &[i32],
) -> AppResult<()> {
    let found = majors::Entity::find()
        .filter(majors::Column::Id.is_in(major_ids.to_vec()))
        .filter(majors::Column::CollegeId.eq(college.id))
        .all(conn)
        .await?;
    for id in major_ids {
        let Some(major) = found.iter().find(|m| m.id == *id) else {
            return Err(Invalid::new(
                "major_ids",
                format!("专业（编号 {id}）不在{}的专业目录中", college.name),
            )
            .into());
        };
        let level_ok = EducationLevel::parse(&major.education_level)
            .map(|level| levels.contains(level))
            .unwrap_or(false);
        if !level_ok {
            return Err(Invalid::new(
                "major_ids",
                format!("专业“{}”的学历层次不在所选学历层次中", major.name),
            )
            .into());
        }
    }
    Ok(())
}

/// The unit a new or moved account goes to, checked against scope and role.
pub(super) async fn target_unit<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    role: Role,
    unit_id: i32,
) -> AppResult<org_units::Model> {
    let unit = org_units::Entity::find_by_id(unit_id)
        .one(conn)
        .await?
        .filter(|unit| actor.covers_unit(&unit.path))
        .ok_or_else(|| Invalid::new("org_unit_id", "所选组织单位不存在或不在管理范围内"))?;
    let kind = unit.kind;
    if kind != role.unit_kind() {
        return Err(Invalid::new(
            "org_unit_id",
            format!(
                "{}须属于{}，“{}”是{}",
                role.label(),
                role.unit_kind().label(),
                unit.name,
                kind.label()
            ),
        )
        .into());
    }
    if !actor.may_create_account(role, kind, &unit.path) {
        return Err(AppError::Forbidden);
    }
    Ok(unit)
}

/// Create an account with a random initial password sent through the notifier.
/// Whether the actor may create accounts of `role` at all: asked before any field of the
/// request is checked.
pub fn ensure_may_create(actor: &Actor, role: Role) -> AppResult<()> {
    if actor.role.manages().contains(&role) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn create(
    services: &Services,
    actor: &Actor,
    new: NewAccount,
    meta: &RequestMeta,
) -> AppResult<Created> {
    ensure_may_create(actor, new.role)?;
    let password = generate_initial();
    let password_hash = password_hash::hash(&password).await?;
    let txn = services.db.begin().await?;
    let unit = target_unit(&txn, actor, new.role, new.org_unit_id).await?;
    if let Duties::Counselor { levels, major_ids } = &new.duties {
        let college = College {
            id: unit.id,
            name: &unit.name,
        };
        check_majors(&txn, college, levels, major_ids).await?;
    }
    let taken = accounts::Entity::find()
        .filter(accounts::Column::Username.eq(new.username.as_str()))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(username_taken(new.username.as_str()));
    }
    ensure_phone_free(&txn, actor, &new.phone, None).await?;
    let account = insert_account(
        &txn,
        NewRow {
            role: new.role,
            unit: &unit,
            username: &new.username,
            name: &new.name,
            phone: Some(&new.phone),
            password_hash,
            cohort: new.cohort,
        },
    )
    .await?;
    if let Duties::Counselor { levels, major_ids } = &new.duties {
        write_duties(&txn, account.id, levels, major_ids).await?;
    }
    let handover = welcome(
        services,
        &txn,
        actor,
        meta,
        &account,
        &new.phone,
        &password,
        json!({}),
    )
    .await?;
    let detail = load_details(&txn, vec![account])
        .await?
        .pop()
        .ok_or_else(|| AppError::internal("created account vanished"))?;
    txn.commit().await?;
    Ok(Created { detail, handover })
}

pub async fn update(
    services: &Services,
    actor: &Actor,
    id: i32,
    patch: AccountPatch,
    meta: &RequestMeta,
) -> AppResult<AccountDetail> {
    let txn = services.db.begin().await?;
    let account = find_manageable(&txn, actor, id).await?;
    let current = one_detail(&txn, account.clone()).await?;
    let role = current.role;
    let name = patch.name.as_deref().map(parse_person_name).transpose()?;
    let unit = match patch.org_unit_id {
        Some(unit_id) if unit_id != account.org_unit_id => {
            Some(target_unit(&txn, actor, role, unit_id).await?)
        }
        _ => None,
    };
    let mut changes = serde_json::Map::new();
    if role == Role::Counselor {
        let college = match &unit {
            Some(unit) => College {
                id: unit.id,
                name: &unit.name,
            },
            None => College {
                id: current.unit.id,
                name: &current.unit.name,
            },
        };
        patch_duties(
            &txn,
            &current,
            &patch,
            college,
            unit.is_some(),
            &mut changes,
        )
        .await?;
    } else if patch.education_levels.is_some() || patch.major_ids.is_some() {
        return Err(
            Invalid::new("education_levels", "只有辅导员需要填写学历层次和负责专业").into(),
        );
    }
    let mut active: accounts::ActiveModel = account.clone().into();
    if let Some(name) = name {
        changes.insert("name".into(), json!(name));
        active.name = Set(name);
    }
    if let Some(phone) = &patch.phone {
        ensure_phone_free(&txn, actor, phone, Some(account.id)).await?;
        changes.insert("phone".into(), json!(phone.masked()));
        active.phone = Set(Some(phone.as_str().to_string()));
    }
    if let Some(unit) = &unit {
        changes.insert("org_unit_id".into(), json!(unit.id));
        active.org_unit_id = Set(unit.id);
        active.org_path = Set(unit.path.clone());
    }
    active.updated_at = Set(Utc::now());
    let account = active
        .update(&txn)
        .await
        .map_err(|e| unique_violation(e, &account.username))?;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "account.update",
            target_type: "account",
            target_id: Some(account.id.to_string()),
            org_path: &account.org_path,
            detail: serde_json::Value::Object(changes),
        },
    )
    .await?;
    let detail = one_detail(&txn, account).await?;
    txn.commit().await?;
    // A moved account's cached scope is stale, and so is the bot's copy of the account.
    services.sessions.forget_account(id);
    services.bound_accounts.forget_account(id);
    Ok(detail)
}

/// A counselor's levels and majors after a patch (and a move to `college`), checked and
/// written; what changed goes into `changes` for the audit entry.
async fn patch_duties(
    txn: &DatabaseTransaction,
    current: &AccountDetail,
    patch: &AccountPatch,
    college: College<'_>,
    moved: bool,
    changes: &mut serde_json::Map<String, serde_json::Value>,
) -> AppResult<()> {
    if moved && patch.major_ids.is_none() {
        return Err(Invalid::new("major_ids", "更换院系时须重新选择负责专业").into());
    }
    if patch.education_levels.is_some() || patch.major_ids.is_some() || moved {
        let levels = match &patch.education_levels {
            Some(levels) => EducationLevels::parse(levels)?,
            None => EducationLevels::parse(
                &current
                    .levels
                    .iter()
                    .map(|l| l.as_str())
                    .collect::<Vec<_>>(),
            )?,
        };
        let major_ids = match &patch.major_ids {
            Some(ids) => ids.clone(),
            None => current.majors.iter().map(|m| m.id).collect(),
        };
        let Duties::Counselor { levels, major_ids } = parse_duties(
            current.role,
            &levels
                .as_slice()
                .iter()
                .map(|l| l.as_str().to_string())
                .collect::<Vec<_>>(),
            &major_ids,
        )?
        else {
            return Err(AppError::Internal("counselor without duties".into()));
        };
        check_majors(txn, college, &levels, &major_ids).await?;
        write_duties(txn, current.account.id, &levels, &major_ids).await?;
        changes.insert(
            "education_levels".into(),
            json!(levels
                .as_slice()
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()),
        );
        changes.insert("major_ids".into(), json!(major_ids));
    }
    Ok(())
}

pub async fn set_disabled(
    services: &Services,
    actor: &Actor,
    id: i32,
    disabled: bool,
    meta: &RequestMeta,
) -> AppResult<AccountDetail> {
    let txn = services.db.begin().await?;
    let account = find_manageable(&txn, actor, id).await?;
    let mut active: accounts::ActiveModel = account.into();
    active.disabled = Set(disabled);
    active.updated_at = Set(Utc::now());
    let account = active.update(&txn).await?;
    if disabled {
        auth::revoke_all(&txn, id).await?;
        crate::service::identity::mini_link::forget(&txn, id).await?;
    }
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: if disabled {
                "account.disable"
            } else {
                "account.enable"
            },
            target_type: "account",
            target_id: Some(id.to_string()),
            org_path: &account.org_path,
            detail: json!({ "username": account.username }),
        },
    )
    .await?;
    let detail = one_detail(&txn, account).await?;
    txn.commit().await?;
    services.sessions.forget_account(id);
    services.bound_accounts.forget_account(id);
    Ok(detail)
}

/// New random password, sent by SMS or shown once to the admin; the account must change it at
/// next login, its sessions and its silent mini-program login end, and a lockout is lifted.
pub async fn reset_password(
    services: &Services,
    actor: &Actor,
    id: i32,
    meta: &RequestMeta,
) -> AppResult<Handover> {
    let password = generate_initial();
    let hash = password_hash::hash(&password).await?;
    let txn = services.db.begin().await?;
    let account = find_manageable(&txn, actor, id).await?;
    let phone = account
        .phone
        .as_deref()
        .and_then(|phone| MobilePhone::parse(phone).ok());
    let mut active: accounts::ActiveModel = account.clone().into();
    active.password_hash = Set(hash);
    active.must_change_password = Set(true);
    active.failed_logins = Set(0);
    active.locked_until = Set(None);
    active.updated_at = Set(Utc::now());
    let account = active.update(&txn).await?;
    auth::revoke_all(&txn, id).await?;
    crate::service::identity::mini_link::forget(&txn, id).await?;
    crate::service::identity::login_throttle::unlock(&txn, &account.username).await?;
    let handover = hand_over(
        services,
        &txn,
        phone.as_ref(),
        CredentialNotice {
            account_id: account.id,
            reason: CredentialReason::PasswordReset,
            name: &account.name,
            username: &account.username,
            password: &password,
        },
    )
    .await?;
    let mut detail = json!({ "username": account.username });
    if let (Some(detail), Some(how)) = (detail.as_object_mut(), audited(&handover).as_object()) {
        detail.extend(how.clone());
    }
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "account.reset_password",
            target_type: "account",
            target_id: Some(id.to_string()),
            org_path: &account.org_path,
            detail,
        },
    )
    .await?;
    txn.commit().await?;
    services.sessions.forget_account(id);
    // Chat commands stop at once, not when the bound-account cache expires.
    services.bound_accounts.forget_account(id);
    Ok(handover)
}
