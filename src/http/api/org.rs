//! Org units and the majors catalog.

use salvo::oapi::extract::{JsonBody, PathParam};
use salvo::oapi::{ToParameters, ToSchema};
use salvo::prelude::*;
use serde::Deserialize;

use super::views::{MajorView, UnitPage, UnitView};
use crate::domain::education::EducationLevel;
use crate::domain::org::OrgKind;
use crate::domain::page::PageRequest;
use crate::domain::Invalid;
use crate::http::auth::{actor, meta};
use crate::http::error::ApiResult;
use crate::http::state::AppState;
use crate::service::org::{self, NewUnit, UnitFilter};

#[derive(Debug, Deserialize, ToParameters)]
#[salvo(parameters(default_parameter_in = Query))]
pub struct UnitQuery {
    /// Only the direct children of this unit.
    pub parent_id: Option<i32>,
    #[salvo(parameter(value_type = Option<OrgKind>))]
    pub kind: Option<String>,
    /// Part of the name, or the exact code.
    pub q: Option<String>,
    /// From 1 (at most 10000).
    #[salvo(parameter(value_type = Option<u64>))]
    pub page: Option<String>,
    /// 1 to 100 (default 20).
    #[salvo(parameter(value_type = Option<u64>))]
    pub per_page: Option<String>,
}

/// Units inside the caller's scope.
#[endpoint(tags("org"))]
pub async fn list_units(query: UnitQuery, depot: &mut Depot) -> ApiResult<Json<UnitPage>> {
    let state = AppState::from_depot(depot)?;
    let kind = query
        .kind
        .as_deref()
        .map(|k| {
            OrgKind::from_db(k)
                .ok_or_else(|| Invalid::new("kind", "类型应为 province、university 或 college"))
        })
        .transpose()?;
    let page = org::list_units(
        &state.services,
        actor(depot)?,
        UnitFilter {
            parent_id: query.parent_id,
            kind,
            q: query.q.clone(),
        },
        PageRequest::parse(query.page.as_deref(), query.per_page.as_deref())?,
    )
    .await?;
    Ok(Json(UnitPage::new(page, |u| UnitView::new(&u))))
}

/// One unit inside the caller's scope.
#[endpoint(tags("org"))]
pub async fn get_unit(id: PathParam<i32>, depot: &mut Depot) -> ApiResult<Json<UnitView>> {
    let state = AppState::from_depot(depot)?;
    let unit = org::get_unit(&state.services, actor(depot)?, id.into_inner()).await?;
    Ok(Json(UnitView::new(&unit)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RenameUnitRequest {
    /// The new name, e.g. the name the employment data reports for the college.
    pub name: String,
}

/// Rename a college of your university (not your own unit). Audited.
#[endpoint(tags("org"))]
pub async fn rename_unit(
    id: PathParam<i32>,
    body: JsonBody<RenameUnitRequest>,
    depot: &mut Depot,
) -> ApiResult<Json<UnitView>> {
    let state = AppState::from_depot(depot)?;
    let unit = crate::service::org::colleges::rename(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        &body.name,
        &meta(depot),
    )
    .await?;
    Ok(Json(UnitView::new(&unit)))
}

/// Delete a college nothing refers to (no accounts, tasks, news, assignments or graduates),
/// with its majors; otherwise 409 `org_unit_in_use` saying what is left. Audited.
#[endpoint(tags("org"), status_codes(204, 403, 404, 409))]
pub async fn delete_unit(
    id: PathParam<i32>,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    crate::service::org::colleges::delete(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        &meta(depot),
    )
    .await?;
    res.status_code(StatusCode::NO_CONTENT);
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUnitRequest {
    /// province (under the ministry), university (under a province), college (under a university)
    #[salvo(schema(value_type = OrgKind))]
    pub kind: String,
    pub name: String,
    /// Province: 2 digits; university: the national 5-digit school code; college: 1–32 letters/digits.
    pub code: String,
    pub parent_id: i32,
}

/// Create a unit below one inside the caller's scope.
#[endpoint(tags("org"), status_codes(201))]
pub async fn create_unit(
    body: JsonBody<CreateUnitRequest>,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<Json<UnitView>> {
    let state = AppState::from_depot(depot)?;
    let new = NewUnit::parse(&body.kind, &body.name, &body.code, body.parent_id)?;
    let unit = org::create_unit(&state.services, actor(depot)?, new, &meta(depot)).await?;
    res.status_code(StatusCode::CREATED);
    Ok(Json(UnitView::new(&unit)))
}

#[derive(Debug, Deserialize, ToParameters)]
#[salvo(parameters(default_parameter_in = Query))]
pub struct MajorQuery {
    #[salvo(parameter(value_type = Option<EducationLevel>))]
    pub education_level: Option<String>,
}

/// The majors catalog of a college.
#[endpoint(tags("org"))]
pub async fn list_majors(
    id: PathParam<i32>,
    query: MajorQuery,
    depot: &mut Depot,
) -> ApiResult<Json<Vec<MajorView>>> {
    let state = AppState::from_depot(depot)?;
    let level = query
        .education_level
        .as_deref()
        .map(EducationLevel::parse)
        .transpose()?;
    let majors = org::list_majors(&state.services, actor(depot)?, id.into_inner(), level).await?;
    Ok(Json(majors.iter().map(MajorView::new).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateMajorRequest {
    /// Also accepted: 专科/本科/硕士研究生/博士研究生.
    #[salvo(schema(value_type = EducationLevel))]
    pub education_level: String,
    /// As written in the employment data report.
    pub name: String,
}

/// Add a major to a college's catalog.
#[endpoint(tags("org"), status_codes(201))]
pub async fn add_major(
    id: PathParam<i32>,
    body: JsonBody<CreateMajorRequest>,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<Json<MajorView>> {
    let state = AppState::from_depot(depot)?;
    let level = EducationLevel::parse(&body.education_level)?;
    let name = org::parse_major_name(&body.name)?;
    let major = org::add_major(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        level,
        name,
        &meta(depot),
    )
    .await?;
    res.status_code(StatusCode::CREATED);
    Ok(Json(MajorView::new(&major)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RenameMajorRequest {
    /// The name as the employment data report writes it.
    pub name: String,
}

/// Rename a major; the counselors responsible for it keep it.
#[endpoint(tags("org"))]
pub async fn rename_major(
    id: PathParam<i32>,
    major_id: PathParam<i32>,
    body: JsonBody<RenameMajorRequest>,
    depot: &mut Depot,
) -> ApiResult<Json<MajorView>> {
    let state = AppState::from_depot(depot)?;
    let major = crate::service::org::catalog::rename(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        major_id.into_inner(),
        &body.name,
        &meta(depot),
    )
    .await?;
    Ok(Json(MajorView::new(&major)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MergeMajorRequest {
    /// The major (same college and level) that stays.
    pub into_id: i32,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct MergeMajorResponse {
    /// Counselors now responsible for the remaining major instead.
    pub accounts_moved: u64,
}

/// Merge a duplicate or misspelt major into the right one; its counselors move along.
#[endpoint(tags("org"))]
pub async fn merge_major(
    id: PathParam<i32>,
    major_id: PathParam<i32>,
    body: JsonBody<MergeMajorRequest>,
    depot: &mut Depot,
) -> ApiResult<Json<MergeMajorResponse>> {
    let state = AppState::from_depot(depot)?;
    let moved = crate::service::org::catalog::merge(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        major_id.into_inner(),
        body.into_inner().into_id,
        &meta(depot),
    )
    .await?;
    Ok(Json(MergeMajorResponse {
        accounts_moved: moved,
    }))
}
