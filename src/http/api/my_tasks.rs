//! Tasks for counselors (list, read, complete, sign in) and the students' share view.

use chrono::TimeDelta;
use salvo::oapi::extract::PathParam;
use salvo::oapi::ToParameters;
use salvo::prelude::*;
use serde::Deserialize;

use super::task_views::{MyTaskPage, MyTaskView, SharedTaskView};
use crate::domain::page::PageRequest;
use crate::domain::task::TaskKind;
use crate::domain::Invalid;
use crate::http::auth::actor;
use crate::http::error::ApiResult;
use crate::http::state::AppState;
use crate::service::tasks::counselor::{self as my_tasks, Bucket, MyTask};
use crate::service::tasks::share;

#[derive(Debug, Deserialize, ToParameters)]
#[salvo(parameters(default_parameter_in = Query))]
pub struct MyTaskQuery {
    /// pending (default) | done | all
    pub status: Option<String>,
    #[salvo(parameter(value_type = Option<TaskKind>))]
    pub kind: Option<String>,
    /// From 1 (at most 10000).
    #[salvo(parameter(value_type = Option<u64>))]
    pub page: Option<String>,
    /// 1 to 100 (default 20).
    #[salvo(parameter(value_type = Option<u64>))]
    pub per_page: Option<String>,
}

fn lead(state: &AppState) -> TimeDelta {
    TimeDelta::minutes(i64::from(state.settings.tasks.sign_in_lead_minutes))
}

async fn view(state: &AppState, task: &MyTask, full: bool) -> ApiResult<MyTaskView> {
    let token = if full {
        share::token_for_parts(
            &state.services,
            task.task_id,
            &task.share_nonce,
            task.confidential,
        )
        .await?
    } else {
        None
    };
    Ok(MyTaskView::new(task, full, token, lead(state)))
}

/// My tasks from every level above me, newest deadline first.
#[endpoint(tags("my tasks"))]
pub async fn list(query: MyTaskQuery, depot: &mut Depot) -> ApiResult<Json<MyTaskPage>> {
    let state = AppState::from_depot(depot)?;
    let bucket = match query.status.as_deref().map(str::trim) {
        None | Some("") | Some("pending") => Bucket::Pending,
        Some("done") => Bucket::Done,
        Some("all") => Bucket::All,
        Some(_) => return Err(Invalid::new("status", "状态应为 pending、done 或 all").into()),
    };
    let kind = query.kind.as_deref().map(TaskKind::parse).transpose()?;
    let page = my_tasks::list(
        &state.services,
        actor(depot)?,
        bucket,
        kind,
        PageRequest::parse(query.page.as_deref(), query.per_page.as_deref())?,
    )
    .await?;
    let lead = lead(state);
    Ok(Json(MyTaskPage::new(page, |task| {
        MyTaskView::new(&task, false, None, lead)
    })))
}

/// Read one of my tasks; the first read is recorded.
#[endpoint(tags("my tasks"))]
pub async fn get(id: PathParam<i32>, depot: &mut Depot) -> ApiResult<Json<MyTaskView>> {
    let state = AppState::from_depot(depot)?;
    let task = my_tasks::view(&state.services, actor(depot)?, id.into_inner()).await?;
    Ok(Json(view(state, &task, true).await?))
}

/// Mark one of my tasks completed (repeating it changes nothing).
#[endpoint(tags("my tasks"))]
pub async fn complete(id: PathParam<i32>, depot: &mut Depot) -> ApiResult<Json<MyTaskView>> {
    let state = AppState::from_depot(depot)?;
    let step = my_tasks::complete(&state.services, actor(depot)?, id.into_inner()).await?;
    Ok(Json(view(state, &step.task, true).await?))
}

/// Sign in to a live course, from shortly before its start to its end.
#[endpoint(tags("my tasks"))]
pub async fn sign_in(id: PathParam<i32>, depot: &mut Depot) -> ApiResult<Json<MyTaskView>> {
    let state = AppState::from_depot(depot)?;
    let step =
        my_tasks::sign_in(&state.services, actor(depot)?, id.into_inner(), lead(state)).await?;
    Ok(Json(view(state, &step.task, true).await?))
}

/// The read-only view students open from a forwarded card: no account needed. Confidential,
/// withdrawn and unknown tasks and forged tokens all answer `share_unavailable`.
#[endpoint(tags("share"), security())]
pub async fn share_view(
    token: PathParam<String>,
    depot: &mut Depot,
) -> ApiResult<Json<SharedTaskView>> {
    let state = AppState::from_depot(depot)?;
    let token = token.into_inner();
    let (task, files) =
        crate::service::tasks::attachments::list_shared(&state.services, &token).await?;
    let files = files
        .into_iter()
        .map(|row| super::attachments::AttachmentView::shared(row, &token))
        .collect();
    Ok(Json(SharedTaskView::new(&task, files)))
}
