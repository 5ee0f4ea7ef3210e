//! Reading accounts: one, the caller's own, a filtered page, each with its unit, duties,
//! WeChat link and latest credentials SMS.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use serde_json::json;

use crate::db::entities::{
    account_levels, account_majors, account_wechat, accounts, followers, majors, org_units,
    sms_outbox,
};
use crate::domain::cohort::Cohort;
use crate::domain::education::EducationLevel;
use crate::domain::page::{Page, PageRequest};
use crate::domain::role::Role;
use crate::domain::scope::{Access, Actor};
use crate::domain::Invalid;
use crate::error::{AppError, AppResult};
use crate::service::{audit, org, RequestMeta, Services};

/// An account with what it belongs to and is responsible for.
#[derive(Debug, Clone)]
pub struct AccountDetail {
    pub account: super::AccountRecord,
    pub role: Role,
    pub unit: org::Unit,
    pub levels: Vec<EducationLevel>,
    pub majors: Vec<org::Major>,
    pub wechat: WechatLink,
    /// The latest credentials SMS written for the account: whether it went out.
    pub credentials_sms: Option<CredentialsSms>,
}

/// Where the latest credentials SMS of an account stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsSms {
    pub status: crate::domain::outbox::SmsStatus,
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
    /// Counselors of this class (届).
    pub cohort: Option<Cohort>,
    pub q: Option<String>,
}

/// Units, levels, majors, WeChat links and the latest credentials SMS for a batch of accounts,
/// in a fixed number of queries whatever the batch size.
pub(super) async fn load_details<C: ConnectionTrait>(
    conn: &C,
    accounts: Vec<accounts::Model>,
) -> AppResult<Vec<AccountDetail>> {
    let ids: Vec<i32> = accounts.iter().map(|a| a.id).collect();
    let units = units_by_id(conn, accounts.iter().map(|a| a.org_unit_id).collect()).await?;
    let mut levels = levels_by_account(conn, &ids).await?;
    let mut majors = majors_by_account(conn, &ids).await?;
    let wechat = wechat_by_account(conn, &ids).await?;
    let sms = latest_sms_by_account(conn, &ids).await?;
    accounts
        .into_iter()
        .map(|account| {
            let unit = units.get(&account.org_unit_id).cloned().ok_or_else(|| {
                AppError::internal(format!("account {} without unit", account.id))
            })?;
            let mut account_levels = levels.remove(&account.id).unwrap_or_default();
            account_levels.sort();
            let mut account_majors = majors.remove(&account.id).unwrap_or_default();
            account_majors
                .sort_by(|a, b| (&a.education_level, &a.name).cmp(&(&b.education_level, &b.name)));
            Ok(AccountDetail {
                role: account.role,
                wechat: wechat.get(&account.id).cloned().unwrap_or_default(),
                credentials_sms: sms.get(&account.id).cloned(),
                account: account.into(),
                unit: unit.into(),
                levels: account_levels,
                majors: account_majors.into_iter().map(org::Major::from).collect(),
            })
        })
        .collect()
}

async fn units_by_id<C: ConnectionTrait>(
    conn: &C,
    unit_ids: Vec<i32>,
) -> AppResult<HashMap<i32, org_units::Model>> {
    Ok(org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(unit_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

async fn levels_by_account<C: ConnectionTrait>(
    conn: &C,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<EducationLevel>>> {
    let mut levels: HashMap<i32, Vec<EducationLevel>> = HashMap::new();
    for row in account_levels::Entity::find()
        .filter(account_levels::Column::AccountId.is_in(ids.to_vec()))
        .all(conn)
        .await?
    {
        if let Ok(level) = EducationLevel::parse(&row.education_level) {
            levels.entry(row.account_id).or_default().push(level);
        }
    }
    Ok(levels)
}

async fn majors_by_account<C: ConnectionTrait>(
    conn: &C,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<majors::Model>>> {
    let links = account_majors::Entity::find()
        .filter(account_majors::Column::AccountId.is_in(ids.to_vec()))
        .all(conn)
        .await?;
    let rows: HashMap<i32, majors::Model> = majors::Entity::find()
        .filter(majors::Column::Id.is_in(links.iter().map(|l| l.major_id).collect::<Vec<_>>()))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut majors_of: HashMap<i32, Vec<majors::Model>> = HashMap::new();
    for link in links {
        if let Some(major) = rows.get(&link.major_id) {
            majors_of
                .entry(link.account_id)
                .or_default()
                .push(major.clone());
        }
    }
    Ok(majors_of)
}

/// Accounts without a row are not tied to WeChat at all (`WechatLink::default()`).
async fn wechat_by_account<C: ConnectionTrait>(
    conn: &C,
    ids: &[i32],
) -> AppResult<HashMap<i32, WechatLink>> {
    let links = account_wechat::Entity::find()
        .filter(account_wechat::Column::AccountId.is_in(ids.to_vec()))
        .all(conn)
        .await?;
    let following: HashMap<String, bool> = followers::Entity::find()
        .filter(
            followers::Column::Openid.is_in(
                links
                    .iter()
                    .filter_map(|l| l.oa_openid.clone())
                    .collect::<Vec<_>>(),
            ),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|f| (f.openid, f.following))
        .collect();
    Ok(links
        .into_iter()
        .map(|link| {
            let oa_openid = link.oa_openid.as_ref();
            let wechat = WechatLink {
                bound: oa_openid.is_some(),
                following: oa_openid.map(|openid| following.get(openid).copied().unwrap_or(false)),
                mini_linked: link.mp_openid.is_some(),
            };
            (link.account_id, wechat)
        })
        .collect())
}

async fn latest_sms_by_account<C: ConnectionTrait>(
    conn: &C,
    ids: &[i32],
) -> AppResult<HashMap<i32, CredentialsSms>> {
    // Newest first, so the first row per account is the latest message. Keyed by account:
    // a number that changed hands does not show the previous holder's messages.
    let mut sms_of: HashMap<i32, CredentialsSms> = HashMap::new();
    for row in sms_outbox::Entity::find()
        .filter(sms_outbox::Column::AccountId.is_in(ids.to_vec()))
        .filter(sms_outbox::Column::Template.is_in(crate::outbox::sms::credential_templates()))
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
    Ok(sms_of)
}

/// The accounts the actor may list, narrowed by the filter.
async fn filtered(
    services: &Services,
    actor: &Actor,
    filter: &AccountFilter,
) -> AppResult<Select<accounts::Entity>> {
    if !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let roles = actor.visible_roles();
    let mut query = accounts::Entity::find()
        .filter(accounts::Column::OrgPath.like(actor.subtree_pattern()))
        .filter(accounts::Column::Role.is_in(roles));
    if let Some(unit_id) = filter.org_unit_id {
        let unit = org::visible_unit(&services.db, actor, unit_id).await?;
        query = query.filter(accounts::Column::OrgPath.like(format!("{}%", unit.path)));
    }
    if let Some(role) = filter.role {
        query = query.filter(accounts::Column::Role.eq(role));
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
    if let Some(cohort) = filter.cohort {
        query = query.filter(accounts::Column::Cohort.eq(cohort.year()));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        query = query.filter(
            Condition::any()
                .add(accounts::Column::Name.contains(q))
                .add(accounts::Column::Username.contains(q.to_ascii_lowercase()))
                .add(accounts::Column::Phone.contains(q)),
        );
    }
    Ok(query
        .order_by_asc(accounts::Column::OrgPath)
        .order_by_asc(accounts::Column::Id))
}

pub async fn list(
    services: &Services,
    actor: &Actor,
    filter: AccountFilter,
    page: PageRequest,
) -> AppResult<Page<AccountDetail>> {
    let query = filtered(services, actor, &filter).await?;
    let total = query.clone().count(&services.db).await?;
    let rows = query
        .offset(page.offset())
        .limit(page.per_page)
        .all(&services.db)
        .await?;
    let items = load_details(&services.db, rows).await?;
    Ok(Page::new(items, page, total))
}

/// The most accounts one export holds: a large university's counselors and admins several
/// times over, and still a workbook a phone opens.
pub const EXPORT_LIMIT: u64 = 20_000;

/// Accounts loaded per batch of detail queries, well inside every database's bind limit.
const EXPORT_BATCH: u64 = 1_000;

/// Every account the filter selects, for the XLSX export; refused above `EXPORT_LIMIT` so an
/// export never loads a province at once. Audited: the file leaves the system.
pub async fn export(
    services: &Services,
    actor: &Actor,
    filter: AccountFilter,
    meta: &RequestMeta,
) -> AppResult<Vec<AccountDetail>> {
    let query = filtered(services, actor, &filter).await?;
    let total = query.clone().count(&services.db).await?;
    if total > EXPORT_LIMIT {
        return Err(Invalid::new(
            "org_unit_id",
            format!(
                "符合条件的账号有 {total} 个，超过单次导出上限 {EXPORT_LIMIT} 个，请按单位、角色或届别筛选后分批导出"
            ),
        )
        .into());
    }
    let mut details = Vec::with_capacity(total as usize);
    let mut offset = 0;
    while offset < total {
        let rows = query
            .clone()
            .offset(offset)
            .limit(EXPORT_BATCH)
            .all(&services.db)
            .await?;
        if rows.is_empty() {
            break;
        }
        offset += rows.len() as u64;
        details.extend(load_details(&services.db, rows).await?);
    }
    audit::record(
        &services.db,
        Some(actor),
        meta,
        audit::Entry {
            action: "account.export",
            target_type: "account",
            target_id: None,
            org_path: actor.org_path.as_str(),
            detail: json!({
                "accounts": details.len(),
                "org_unit_id": filter.org_unit_id,
                "role": filter.role.map(|r| r.as_str()),
                "cohort": filter.cohort.map(Cohort::year),
                "disabled": filter.disabled,
            }),
        },
    )
    .await?;
    Ok(details)
}

/// Load an account and what the actor may do with it; hidden accounts are `NotFound`.
pub(super) async fn find_with_access<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i32,
) -> AppResult<(accounts::Model, Access)> {
    let account = accounts::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::not_found("账号"))?;
    let role = account.role;
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

/// The full phone number of an account the actor can see, for a call or a text: asked for
/// on an explicit tap and audited, since lists show it masked.
pub async fn reveal_phone(
    services: &Services,
    actor: &Actor,
    id: i32,
    meta: &RequestMeta,
) -> AppResult<Option<String>> {
    let (account, _) = find_with_access(&services.db, actor, id).await?;
    audit::record(
        &services.db,
        Some(actor),
        meta,
        audit::Entry {
            action: "account.phone_reveal",
            target_type: "account",
            target_id: Some(account.id.to_string()),
            org_path: &account.org_path,
            detail: json!({ "name": account.name }),
        },
    )
    .await?;
    Ok(account.phone)
}

/// The actor's own account, for `/me`.
pub async fn me(services: &Services, actor: &Actor) -> AppResult<AccountDetail> {
    let account = accounts::Entity::find_by_id(actor.account_id)
        .one(&services.db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    one_detail(&services.db, account).await
}

pub(super) async fn one_detail<C: ConnectionTrait>(
    conn: &C,
    account: accounts::Model,
) -> AppResult<AccountDetail> {
    load_details(conn, vec![account])
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal("account detail vanished".into()))
}
