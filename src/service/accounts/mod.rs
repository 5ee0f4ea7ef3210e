//! Accounts: create, list, read, edit, disable/enable, reset password — within scope.

pub mod bootstrap;
pub mod import;

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde_json::json;

use crate::db::entities::{
    account_levels, account_majors, account_wechat, accounts, followers, majors, org_units,
    sms_outbox,
};
use crate::domain::education::{EducationLevel, EducationLevels};
use crate::domain::page::{Page, PageRequest};
use crate::domain::password::generate_initial;
use crate::domain::phone::MobilePhone;
use crate::domain::role::Role;
use crate::domain::scope::{Access, Actor};
pub use crate::domain::username::parse_person_name;
use crate::domain::username::Username;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult, Conflict};
use crate::infra::password_hash;
use crate::service::notifier::{CredentialNotice, CredentialReason};
use crate::service::{audit, identity::auth, org, RequestMeta, Services};

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
}

fn parse_duties(role: Role, levels: &[String], major_ids: &[i32]) -> Result<Duties, Invalid> {
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

/// An account with what it belongs to and is responsible for.
#[derive(Debug, Clone)]
pub struct AccountDetail {
    pub account: accounts::Model,
    pub role: Role,
    pub unit: org_units::Model,
    pub levels: Vec<EducationLevel>,
    pub majors: Vec<majors::Model>,
    pub wechat: WechatLink,
    /// The latest credentials SMS written for the account: whether it went out.
    pub credentials_sms: Option<CredentialsSms>,
}

/// Where the latest credentials SMS of an account stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsSms {
    /// pending | sending | sent | logged | failed
    pub status: String,
    pub attempts: i32,
    pub created_at: chrono::DateTime<Utc>,
    pub sent_at: Option<chrono::DateTime<Utc>>,
    /// The provider's reason, when not sent.
    pub last_error: Option<String>,
}

/// How the account is tied to WeChat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WechatLink {
    /// The official-account WeChat is bound: template messages can reach the account.
    pub bound: bool,
    /// Whether the bound WeChat follows the official account (unknown when not bound).
    pub following: Option<bool>,
    /// The mini program knows this account: silent login works.
    pub mini_linked: bool,
}

#[derive(Debug, Default, Clone)]
pub struct AccountFilter {
    pub org_unit_id: Option<i32>,
    pub role: Option<Role>,
    pub education_level: Option<EducationLevel>,
    pub disabled: Option<bool>,
    pub q: Option<String>,
}

fn unique_violation(error: DbErr, username: &str) -> AppError {
    match crate::db::unique_violation_detail(&error) {
        Some(detail) if names_phone_index(detail) => phone_taken(None),
        Some(_) => username_taken(username),
        None => error.into(),
    }
}

/// Whether a unique violation is the phone's: the index (PostgreSQL, MySQL) or column (SQLite)
/// is named after the value MySQL quotes, so a username spelled like the index cannot match.
fn names_phone_index(message: &str) -> bool {
    let named = ["for key", "constraint", "failed:"]
        .iter()
        .filter_map(|marker| message.rfind(marker).map(|at| &message[at..]))
        .min_by_key(|tail| tail.len())
        .unwrap_or(message);
    named.contains("ux_accounts_phone") || named.contains("accounts.phone")
}

/// One account per phone number, as the bulk import requires: the owner is named only to an
/// admin who can see that account (`owner`), never across scopes.
fn phone_taken(owner: Option<&str>) -> AppError {
    Conflict::PhoneTaken {
        owner: owner.map(str::to_string),
    }
    .into()
}

/// Refuse a phone that another account (anywhere, not only in the actor's scope) already has.
async fn ensure_phone_free<C: ConnectionTrait>(
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

fn username_taken(username: &str) -> AppError {
    Conflict::UsernameTaken {
        username: username.to_string(),
    }
    .into()
}

/// Check that every major belongs to the college's catalog at one of the counselor's levels.
async fn check_majors<C: ConnectionTrait>(
    conn: &C,
    college: &org_units::Model,
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

async fn write_duties(
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

/// The unit a new or moved account goes to, checked against scope and role.
async fn target_unit<C: ConnectionTrait>(
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
    let kind = org::kind_of(&unit)?;
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
pub async fn create(
    services: &Services,
    actor: &Actor,
    new: NewAccount,
    meta: &RequestMeta,
) -> AppResult<AccountDetail> {
    if !actor.role.manages().contains(&new.role) {
        return Err(AppError::Forbidden);
    }
    let password = generate_initial();
    let password_hash = password_hash::hash(&password).await?;
    let txn = services.db.begin().await?;
    let unit = target_unit(&txn, actor, new.role, new.org_unit_id).await?;
    if let Duties::Counselor { levels, major_ids } = &new.duties {
        check_majors(&txn, &unit, levels, major_ids).await?;
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
        },
    )
    .await?;
    if let Duties::Counselor { levels, major_ids } = &new.duties {
        write_duties(&txn, account.id, levels, major_ids).await?;
    }
    welcome(
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
    let detail = load_details(&txn, vec![account]).await?.pop();
    txn.commit().await?;
    detail.ok_or_else(|| AppError::internal("created account vanished"))
}

/// Units, levels and majors for a batch of accounts, in three queries.
async fn load_details<C: ConnectionTrait>(
    conn: &C,
    accounts: Vec<accounts::Model>,
) -> AppResult<Vec<AccountDetail>> {
    let ids: Vec<i32> = accounts.iter().map(|a| a.id).collect();
    let unit_ids: Vec<i32> = accounts.iter().map(|a| a.org_unit_id).collect();
    let units: HashMap<i32, org_units::Model> = org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(unit_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut levels: HashMap<i32, Vec<EducationLevel>> = HashMap::new();
    for row in account_levels::Entity::find()
        .filter(account_levels::Column::AccountId.is_in(ids.clone()))
        .all(conn)
        .await?
    {
        if let Ok(level) = EducationLevel::parse(&row.education_level) {
            levels.entry(row.account_id).or_default().push(level);
        }
    }
    let major_links = account_majors::Entity::find()
        .filter(account_majors::Column::AccountId.is_in(ids))
        .all(conn)
        .await?;
    let major_rows: HashMap<i32, majors::Model> = majors::Entity::find()
        .filter(
            majors::Column::Id.is_in(major_links.iter().map(|l| l.major_id).collect::<Vec<_>>()),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let links: HashMap<i32, account_wechat::Model> = account_wechat::Entity::find()
        .filter(
            account_wechat::Column::AccountId
                .is_in(accounts.iter().map(|a| a.id).collect::<Vec<_>>()),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|row| (row.account_id, row))
        .collect();
    let following: HashMap<String, bool> = followers::Entity::find()
        .filter(
            followers::Column::Openid.is_in(
                links
                    .values()
                    .filter_map(|l| l.oa_openid.clone())
                    .collect::<Vec<_>>(),
            ),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|f| (f.openid, f.following))
        .collect();
    // Newest first, so the first row per account is the latest message. Keyed by account:
    // a number that changed hands does not show the previous holder's messages.
    let mut sms_of: HashMap<i32, CredentialsSms> = HashMap::new();
    for row in sms_outbox::Entity::find()
        .filter(sms_outbox::Column::AccountId.is_in(accounts.iter().map(|a| a.id)))
        .order_by_desc(sms_outbox::Column::Id)
        .all(conn)
        .await?
    {
        let Some(account_id) = row.account_id else {
            continue;
        };
        sms_of.entry(account_id).or_insert(CredentialsSms {
            status: row.status,
            attempts: row.attempts,
            created_at: row.created_at,
            sent_at: row.sent_at,
            last_error: row.last_error,
        });
    }
    let mut majors_of: HashMap<i32, Vec<majors::Model>> = HashMap::new();
    for link in major_links {
        if let Some(major) = major_rows.get(&link.major_id) {
            majors_of
                .entry(link.account_id)
                .or_default()
                .push(major.clone());
        }
    }
    accounts
        .into_iter()
        .map(|account| {
            let unit = units.get(&account.org_unit_id).cloned().ok_or_else(|| {
                AppError::internal(format!("account {} without unit", account.id))
            })?;
            let role = Role::parse(&account.role)
                .map_err(|_| AppError::internal(format!("account {} role", account.id)))?;
            let mut account_levels = levels.remove(&account.id).unwrap_or_default();
            account_levels.sort();
            let mut account_majors = majors_of.remove(&account.id).unwrap_or_default();
            account_majors
                .sort_by(|a, b| (&a.education_level, &a.name).cmp(&(&b.education_level, &b.name)));
            let link = links.get(&account.id);
            let oa_openid = link.and_then(|l| l.oa_openid.as_ref());
            let wechat = WechatLink {
                bound: oa_openid.is_some(),
                following: oa_openid.map(|openid| following.get(openid).copied().unwrap_or(false)),
                mini_linked: link.is_some_and(|l| l.mp_openid.is_some()),
            };
            let credentials_sms = sms_of.get(&account.id).cloned();
            Ok(AccountDetail {
                credentials_sms,
                account,
                role,
                unit,
                levels: account_levels,
                majors: account_majors,
                wechat,
            })
        })
        .collect()
}

pub async fn list(
    services: &Services,
    actor: &Actor,
    filter: AccountFilter,
    page: PageRequest,
) -> AppResult<Page<AccountDetail>> {
    if !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let roles: Vec<&'static str> = actor
        .visible_roles()
        .into_iter()
        .map(Role::as_str)
        .collect();
    let mut query = accounts::Entity::find()
        .filter(accounts::Column::OrgPath.like(actor.subtree_pattern()))
        .filter(accounts::Column::Role.is_in(roles));
    if let Some(unit_id) = filter.org_unit_id {
        let unit = org::visible_unit(&services.db, actor, unit_id).await?;
        query = query.filter(accounts::Column::OrgPath.like(format!("{}%", unit.path)));
    }
    if let Some(role) = filter.role {
        query = query.filter(accounts::Column::Role.eq(role.as_str()));
    }
    if let Some(level) = filter.education_level {
        query = query.filter(
            accounts::Column::Id.in_subquery(
                Query::select()
                    .column(account_levels::Column::AccountId)
                    .from(account_levels::Entity)
                    .and_where(Expr::col(account_levels::Column::EducationLevel).eq(level.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(disabled) = filter.disabled {
        query = query.filter(accounts::Column::Disabled.eq(disabled));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        query = query.filter(
            Condition::any()
                .add(accounts::Column::Name.contains(q))
                .add(accounts::Column::Username.contains(q.to_ascii_lowercase()))
                .add(accounts::Column::Phone.contains(q)),
        );
    }
    let total = query.clone().count(&services.db).await?;
    let rows = query
        .order_by_asc(accounts::Column::OrgPath)
        .order_by_asc(accounts::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(&services.db)
        .await?;
    let items = load_details(&services.db, rows).await?;
    Ok(Page::new(items, page, total))
}

/// Load an account and what the actor may do with it; hidden accounts are `NotFound`.
async fn find_with_access<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i32,
) -> AppResult<(accounts::Model, Access)> {
    let account = accounts::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::not_found("账号"))?;
    let role = Role::parse(&account.role)
        .map_err(|_| AppError::internal(format!("account {} role", account.id)))?;
    match actor.access_to_account(account.id, role, &account.org_path) {
        Access::Hidden => Err(AppError::not_found("账号")),
        access => Ok((account, access)),
    }
}

pub(crate) async fn find_manageable<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i32,
) -> AppResult<accounts::Model> {
    match find_with_access(conn, actor, id).await? {
        (account, Access::Manage) => Ok(account),
        _ => Err(AppError::Forbidden),
    }
}

pub async fn get(services: &Services, actor: &Actor, id: i32) -> AppResult<AccountDetail> {
    let (account, _) = find_with_access(&services.db, actor, id).await?;
    one_detail(&services.db, account).await
}

/// The actor's own account, for `/me`.
pub async fn me(services: &Services, actor: &Actor) -> AppResult<AccountDetail> {
    let account = accounts::Entity::find_by_id(actor.account_id)
        .one(&services.db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    one_detail(&services.db, account).await
}

async fn one_detail<C: ConnectionTrait>(
    conn: &C,
    account: accounts::Model,
) -> AppResult<AccountDetail> {
    load_details(conn, vec![account])
        .await?
        .pop()
        .ok_or_else(|| AppError::internal("account detail vanished"))
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
        let moved = unit.is_some();
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
                role,
                &levels
                    .as_slice()
                    .iter()
                    .map(|l| l.as_str().to_string())
                    .collect::<Vec<_>>(),
                &major_ids,
            )?
            else {
                return Err(AppError::internal("counselor without duties"));
            };
            let college = unit.as_ref().unwrap_or(&current.unit);
            check_majors(&txn, college, &levels, &major_ids).await?;
            write_duties(&txn, account.id, &levels, &major_ids).await?;
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

/// New random password, sent by SMS; the account must change it at next login, its sessions
/// and its silent mini-program login end, and a lockout is lifted.
pub async fn reset_password(
    services: &Services,
    actor: &Actor,
    id: i32,
    meta: &RequestMeta,
) -> AppResult<MobilePhone> {
    let password = generate_initial();
    let hash = password_hash::hash(&password).await?;
    let txn = services.db.begin().await?;
    let account = find_manageable(&txn, actor, id).await?;
    let phone = account
        .phone
        .as_deref()
        .map(MobilePhone::parse)
        .transpose()
        .ok()
        .flatten()
        .ok_or_else(|| Invalid::new("phone", "该账号没有可接收短信的手机号，请先填写手机号"))?;
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
    services
        .notifier
        .send_credentials(
            &txn,
            &phone,
            CredentialNotice {
                account_id: account.id,
                reason: CredentialReason::PasswordReset,
                name: &account.name,
                username: &account.username,
                password: &password,
            },
        )
        .await?;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "account.reset_password",
            target_type: "account",
            target_id: Some(id.to_string()),
            org_path: &account.org_path,
            detail: json!({ "username": account.username, "sent_to": phone.masked() }),
        },
    )
    .await?;
    txn.commit().await?;
    services.sessions.forget_account(id);
    // Chat commands stop at once, not when the bound-account cache expires.
    services.bound_accounts.forget_account(id);
    Ok(phone)
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
        },
    )
    .await?;
    Ok((account, password))
}

/// A new account's credentials SMS and its audit entry (`extra` joins the entry's detail).
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
) -> AppResult<()> {
    services
        .notifier
        .send_credentials(
            txn,
            phone,
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
        "role": account.role,
        "org_unit_id": account.org_unit_id,
        "phone": phone.masked(),
    });
    if let (Some(detail), Some(extra)) = (detail.as_object_mut(), extra.as_object()) {
        detail.extend(extra.clone());
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
    .await
}

/// An account row to insert; scope, duties and duplicates are the caller's job.
pub struct NewRow<'a> {
    pub role: Role,
    pub unit: &'a org_units::Model,
    pub username: &'a Username,
    pub name: &'a str,
    pub phone: Option<&'a MobilePhone>,
    pub password_hash: String,
}

/// Insert an account that must change its initial password at first login.
pub async fn insert_account<C: ConnectionTrait>(
    conn: &C,
    new: NewRow<'_>,
) -> AppResult<accounts::Model> {
    let now = Utc::now();
    crate::service::identity::login_throttle::forget(conn, new.username.as_str()).await?;
    accounts::ActiveModel {
        username: Set(new.username.as_str().to_string()),
        password_hash: Set(new.password_hash),
        role: Set(new.role.as_str().to_string()),
        org_unit_id: Set(new.unit.id),
        org_path: Set(new.unit.path.clone()),
        name: Set(new.name.to_string()),
        phone: Set(new.phone.map(|p| p.as_str().to_string())),
        must_change_password: Set(true),
        disabled: Set(false),
        failed_logins: Set(0),
        locked_until: Set(None),
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
