//! The audit log, read by admins within their scope.

use salvo::oapi::ToParameters;
use salvo::prelude::*;
use serde::Deserialize;

use super::views::{AuditEntryView, AuditPage};
use crate::domain::page::PageRequest;
use crate::http::auth::actor;
use crate::http::error::ApiResult;
use crate::http::state::AppState;
use crate::service::audit::{self, AuditFilter};

#[derive(Debug, Deserialize, ToParameters)]
#[salvo(parameters(default_parameter_in = Query))]
pub struct AuditQuery {
    /// e.g. account.create, account.disable, org_unit.create
    pub action: Option<String>,
    /// account | org_unit | major
    pub target_type: Option<String>,
    pub actor_id: Option<i32>,
    /// From 1 (at most 10000).
    #[salvo(parameter(value_type = Option<u64>))]
    pub page: Option<String>,
    /// 1 to 100 (default 20).
    #[salvo(parameter(value_type = Option<u64>))]
    pub per_page: Option<String>,
}

/// Admin writes on targets inside the caller's scope, newest first.
#[endpoint(tags("audit"))]
pub async fn list(query: AuditQuery, depot: &mut Depot) -> ApiResult<Json<AuditPage>> {
    let state = AppState::from_depot(depot)?;
    let page = audit::list(
        &state.services,
        actor(depot)?,
        AuditFilter {
            action: query.action.clone(),
            target_type: query.target_type.clone(),
            actor_id: query.actor_id,
        },
        PageRequest::parse(query.page.as_deref(), query.per_page.as_deref())?,
    )
    .await?;
    Ok(Json(AuditPage::new(page, |e| AuditEntryView::new(&e))))
}
