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
    pub page: Option<u64>,
    pub per_page: Option<u64>,
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
        PageRequest::new(query.page, query.per_page),
    )
    .await?;
    Ok(Json(AuditPage::new(page, |e| AuditEntryView::new(&e))))
}
