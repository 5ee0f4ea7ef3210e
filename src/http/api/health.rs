//! Liveness and readiness.

use chrono::{DateTime, Utc};
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

/// One background worker and when it last finished a round.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerBeat {
    pub name: &'static str,
    pub last_heartbeat: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    pub status: &'static str,
    /// The workers this process runs that have finished a round (a worker that never did, or
    /// whose last heartbeat is old, is stuck).
    pub workers: Vec<WorkerBeat>,
}

/// The process can serve: the database answers. Also says when each worker last made a round.
#[endpoint(tags("health"))]
pub async fn readyz(depot: &mut Depot) -> ApiResult<Json<Ready>> {
    let state = AppState::from_depot(depot)?;
    db::ping(&state.services.db).await?;
    let workers = state
        .services
        .heartbeats
        .snapshot()
        .into_iter()
        .map(|(name, last_heartbeat)| WorkerBeat {
            name,
            last_heartbeat,
        })
        .collect();
    Ok(Json(Ready {
        status: "ready",
        workers,
    }))
}
