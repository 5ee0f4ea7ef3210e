//! Liveness and readiness.

use salvo::oapi::ToSchema;
use salvo::prelude::*;
use serde::Serialize;

use crate::db;
use crate::http::error::ApiResult;
use crate::http::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
}

/// The process is up.
#[endpoint(tags("health"))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// The process can serve: the database answers.
#[endpoint(tags("health"))]
pub async fn readyz(depot: &mut Depot) -> ApiResult<Json<Health>> {
    let state = AppState::from_depot(depot)?;
    db::ping(&state.services.db).await?;
    Ok(Json(Health { status: "ready" }))
}
