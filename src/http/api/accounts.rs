//! Account management by admins.

use salvo::oapi::extract::{JsonBody, PathParam};
use salvo::oapi::{ToParameters, ToSchema};
use salvo::prelude::*;
use serde::{Deserialize, Serialize};

use super::account_export;
use super::views::{AccountPage, AccountView, CredentialsView};
use crate::domain::cohort::Cohort;
use crate::domain::education::EducationLevel;
use crate::domain::page::PageRequest;
use crate::domain::phone::MobilePhone;
use crate::domain::role::Role;
use crate::domain::Invalid;
use crate::http::auth::{actor, meta};
use crate::http::error::ApiResult;
use crate::http::private::no_store;
use crate::http::state::AppState;
use crate::http::xlsx_reply;
use crate::service::accounts::{self, AccountFilter, AccountPatch, NewAccount};

#[derive(Debug, Deserialize, ToParameters)]
#[salvo(parameters(default_parameter_in = Query))]
pub struct AccountQuery {
    /// Accounts of this college only.
    pub college_id: Option<i32>,
    /// Accounts anywhere below this unit (a university, a province...).
    pub org_unit_id: Option<i32>,
    #[salvo(parameter(value_type = Option<Role>))]
    pub role: Option<String>,
    #[salvo(parameter(value_type = Option<EducationLevel>))]
    pub education_level: Option<String>,
    pub disabled: Option<bool>,
    /// Counselors of this class (届), e.g. 2027.
    pub cohort: Option<String>,
    /// Part of the name, username or phone.
    pub q: Option<String>,
    /// From 1 (at most 10000).
    #[salvo(parameter(value_type = Option<u64>))]
    pub page: Option<String>,
    /// 1 to 100 (default 20).
    #[salvo(parameter(value_type = Option<u64>))]
    pub per_page: Option<String>,
}

impl AccountQuery {
    fn filter(&self) -> Result<AccountFilter, Invalid> {
        Ok(AccountFilter {
            org_unit_id: self.college_id.or(self.org_unit_id),
            role: self.role.as_deref().map(Role::parse).transpose()?,
            education_level: self
                .education_level
                .as_deref()
                .map(EducationLevel::parse)
                .transpose()?,
            disabled: self.disabled,
            cohort: self
                .cohort
                .as_deref()
                .map(|c| Cohort::parse("cohort", c))
                .transpose()?,
            q: self.q.clone(),
        })
    }
}

/// Accounts inside the caller's scope; phones masked.
#[endpoint(tags("accounts"))]
pub async fn list(query: AccountQuery, depot: &mut Depot) -> ApiResult<Json<AccountPage>> {
    let state = AppState::from_depot(depot)?;
    let page = accounts::list(
        &state.services,
        actor(depot)?,
        query.filter()?,
        PageRequest::parse(query.page.as_deref(), query.per_page.as_deref())?,
    )
    .await?;
    Ok(Json(AccountPage::new(page, |d| {
        AccountView::new(&d, false)
    })))
}

/// The accounts the list's filters select as an XLSX workbook (paging ignored; at most
/// 20 000 accounts, phones masked). Audited.
#[endpoint(tags("accounts"))]
pub async fn export(query: AccountQuery, depot: &mut Depot, res: &mut Response) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    let rows = accounts::export(
        &state.services,
        actor(depot)?,
        query.filter()?,
        &meta(depot),
    )
    .await?;
    let bytes = account_export::workbook(&rows)?;
    no_store(res);
    xlsx_reply::send(res, bytes, "accounts.xlsx")
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateAccountRequest {
    /// As the caller's role allows.
    #[salvo(schema(value_type = Role))]
    pub role: String,
    /// The province, university or college the account belongs to.
    pub org_unit_id: i32,
    pub name: String,
    /// Mainland mobile number; the credentials go there by SMS.
    pub phone: String,
    /// Defaults to the phone number.
    pub username: Option<String>,
    /// Counselors: one or more of associate, bachelor, master, doctor.
    #[serde(default)]
    #[salvo(schema(value_type = Vec<EducationLevel>))]
    pub education_levels: Vec<String>,
    /// Counselors: majors from the college's catalog, at the chosen levels.
    #[serde(default)]
    pub major_ids: Vec<i32>,
    /// Counselors: the class (届) served, e.g. 2027; the class under way when left out.
    pub cohort: Option<i32>,
}

/// A new account, and how its initial password travels.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedAccountView {
    #[serde(flatten)]
    pub account: AccountView,
    pub credentials: CredentialsView,
}

/// Create an account; the initial password is sent by SMS, or, without an SMS provider, shown
/// once in this answer.
#[endpoint(tags("accounts"), status_codes(201))]
pub async fn create(
    body: JsonBody<CreateAccountRequest>,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<Json<CreatedAccountView>> {
    let state = AppState::from_depot(depot)?;
    let body = body.into_inner();
    accounts::ensure_may_create(actor(depot)?, Role::parse(&body.role)?)?;
    let new = NewAccount::parse(
        &body.role,
        body.org_unit_id,
        &body.name,
        &body.phone,
        body.username.as_deref(),
        &body.education_levels,
        &body.major_ids,
    )?
    .with_cohort(body.cohort)?;
    let created = accounts::create(&state.services, actor(depot)?, new, &meta(depot)).await?;
    res.status_code(StatusCode::CREATED);
    // The password may be in this answer: no cache or proxy keeps a copy.
    no_store(res);
    Ok(Json(CreatedAccountView {
        account: AccountView::new(&created.detail, true),
        credentials: CredentialsView::new(created.handover),
    }))
}

/// One account inside the caller's scope.
#[endpoint(tags("accounts"))]
pub async fn get(id: PathParam<i32>, depot: &mut Depot) -> ApiResult<Json<AccountView>> {
    let state = AppState::from_depot(depot)?;
    let detail = accounts::get(&state.services, actor(depot)?, id.into_inner()).await?;
    Ok(Json(AccountView::new(&detail, true)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateAccountRequest {
    pub name: Option<String>,
    pub phone: Option<String>,
    /// Move to another unit in scope; a counselor moved to another college needs `major_ids` too.
    pub org_unit_id: Option<i32>,
    #[salvo(schema(value_type = Option<Vec<EducationLevel>>))]
    pub education_levels: Option<Vec<String>>,
    pub major_ids: Option<Vec<i32>>,
}

/// Edit an account the caller manages.
#[endpoint(tags("accounts"))]
pub async fn update(
    id: PathParam<i32>,
    body: JsonBody<UpdateAccountRequest>,
    depot: &mut Depot,
) -> ApiResult<Json<AccountView>> {
    let state = AppState::from_depot(depot)?;
    let body = body.into_inner();
    let patch = AccountPatch {
        name: body.name,
        phone: body.phone.as_deref().map(MobilePhone::parse).transpose()?,
        org_unit_id: body.org_unit_id,
        education_levels: body.education_levels,
        major_ids: body.major_ids,
    };
    let detail = accounts::update(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        patch,
        &meta(depot),
    )
    .await?;
    Ok(Json(AccountView::new(&detail, true)))
}

/// Disable an account: its sessions end at once and it cannot log in.
#[endpoint(tags("accounts"))]
pub async fn disable(id: PathParam<i32>, depot: &mut Depot) -> ApiResult<Json<AccountView>> {
    set_disabled(id.into_inner(), true, depot).await
}

/// Enable a disabled account.
#[endpoint(tags("accounts"))]
pub async fn enable(id: PathParam<i32>, depot: &mut Depot) -> ApiResult<Json<AccountView>> {
    set_disabled(id.into_inner(), false, depot).await
}

async fn set_disabled(id: i32, disabled: bool, depot: &mut Depot) -> ApiResult<Json<AccountView>> {
    let state = AppState::from_depot(depot)?;
    let detail =
        accounts::set_disabled(&state.services, actor(depot)?, id, disabled, &meta(depot)).await?;
    Ok(Json(AccountView::new(&detail, true)))
}

/// Reset the password: a new one goes out by SMS (or, without an SMS provider, is shown once
/// in this answer) and must be changed at next login.
#[endpoint(tags("accounts"))]
pub async fn reset_password(
    id: PathParam<i32>,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<Json<CredentialsView>> {
    let state = AppState::from_depot(depot)?;
    let handover = accounts::reset_password(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        &meta(depot),
    )
    .await?;
    no_store(res);
    Ok(Json(CredentialsView::new(handover)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TurnoverRequest {
    /// The class (届) whose counselors turn over, e.g. 2026; the carried ones move to the next.
    pub from: i32,
    /// Counselors of that class, in the caller's scope, who stay on for the next class.
    #[serde(default)]
    pub carry: Vec<i32>,
    /// Disable every other counselor of that class in scope.
    #[serde(default)]
    pub disable_rest: bool,
}

/// What a turnover changed; `id` undoes it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TurnoverView {
    /// The audit entry of the turnover: `POST /accounts/turnover/{id}/undo`.
    pub id: Option<i64>,
    pub from: i32,
    pub to: i32,
    pub carried: Vec<i32>,
    pub disabled: Vec<i32>,
}

/// Year turnover: carry chosen counselors of a class over to the next (login, WeChat binding
/// and history kept) and disable the rest, in one audited action that can be undone.
#[endpoint(tags("accounts"))]
pub async fn turnover(
    body: JsonBody<TurnoverRequest>,
    depot: &mut Depot,
) -> ApiResult<Json<TurnoverView>> {
    let state = AppState::from_depot(depot)?;
    let body = body.into_inner();
    let from = Cohort::from_year(body.from)
        .ok_or_else(|| crate::domain::Invalid::new("from", "届别应为四位年份，如 2026"))?;
    let outcome = accounts::turnover::run(
        &state.services,
        actor(depot)?,
        accounts::turnover::Turnover {
            from,
            carry: body.carry,
            disable_rest: body.disable_rest,
        },
        &meta(depot),
    )
    .await?;
    let r = outcome.record;
    Ok(Json(TurnoverView {
        id: Some(outcome.id),
        from: r.from,
        to: r.to,
        carried: r.carried,
        disabled: r.disabled,
    }))
}

/// Undo a turnover: carried counselors return to their class, disabled ones are enabled.
#[endpoint(tags("accounts"))]
pub async fn undo_turnover(id: PathParam<i64>, depot: &mut Depot) -> ApiResult<Json<TurnoverView>> {
    let state = AppState::from_depot(depot)?;
    let r = accounts::turnover::undo(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        &meta(depot),
    )
    .await?;
    Ok(Json(TurnoverView {
        id: None,
        from: r.from,
        to: r.to,
        carried: r.carried,
        disabled: r.disabled,
    }))
}

/// A full phone number, for a call or a text.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhoneView {
    /// Null when the account has none.
    pub phone: Option<String>,
}

/// The full phone number of an account in your scope (lists show it masked): for an admin who
/// taps 电话 or 短信 on a counselor. Audited; never cached.
#[endpoint(tags("accounts"))]
pub async fn reveal_phone(
    id: PathParam<i32>,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<Json<PhoneView>> {
    let state = AppState::from_depot(depot)?;
    let phone = accounts::reveal_phone(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        &meta(depot),
    )
    .await?;
    no_store(res);
    Ok(Json(PhoneView { phone }))
}
