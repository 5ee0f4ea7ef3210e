//! Tasks for admins: drafts, preview, publish, edit, withdraw, remind, progress and export.

use chrono::{DateTime, TimeDelta, Utc};
use salvo::oapi::extract::{JsonBody, PathParam};
use salvo::oapi::{ToParameters, ToSchema};
use salvo::prelude::*;
use serde::{Deserialize, Serialize};

use super::task_export;
use super::task_views::{
    CounselorProgressPage, CounselorProgressView, ProgressView, ReachView, TaskPage, TaskView,
};
use crate::domain::education::EducationLevel;
use crate::domain::page::PageRequest;
use crate::domain::task::{
    CohortChoice, PublishedEdit, RawTask, Target, TaskFields, TaskKind, TaskStatus,
};
use crate::domain::Invalid;
use crate::http::auth::{actor, meta};
use crate::http::error::ApiResult;
use crate::http::state::AppState;
use crate::http::xlsx_reply;
use crate::service::tasks::notices::Throughput;
use crate::service::tasks::progress::{self, PendingFilter};
use crate::service::tasks::{self, TaskChange, TaskFilter};

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct TargetRequest {
    /// Ministry: provinces or universities; province: universities; school: colleges;
    /// college: none. Empty = everyone in your scope.
    #[serde(default)]
    pub unit_ids: Vec<i32>,
    /// Empty = every level.
    #[serde(default)]
    #[salvo(schema(value_type = Vec<EducationLevel>))]
    pub education_levels: Vec<String>,
    /// 届别 of the counselors reached, e.g. 2027; the class under way when absent.
    pub cohort: Option<i32>,
    /// Every class (届) at once, e.g. a policy for all counselors; excludes `cohort`.
    #[serde(default)]
    pub all_cohorts: bool,
}

impl TargetRequest {
    fn parse(&self, now: DateTime<Utc>) -> Result<Target, Invalid> {
        Target::parse(
            &self.unit_ids,
            &self.education_levels,
            CohortChoice::of(self.cohort, self.all_cohorts)?,
            now,
        )
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TaskRequest {
    #[salvo(schema(value_type = TaskKind))]
    pub kind: String,
    pub title: String,
    /// Plain text; blank lines separate paragraphs.
    pub content: String,
    pub link: Option<String>,
    #[serde(default)]
    pub confidential: bool,
    /// RFC 3339, e.g. 2026-12-01T18:00:00+08:00. A live course defaults to its end.
    pub deadline: Option<DateTime<Utc>>,
    /// Live courses only.
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub target: TargetRequest,
}

impl TaskRequest {
    fn fields(&self) -> Result<TaskFields, Invalid> {
        TaskFields::parse(
            RawTask {
                kind: &self.kind,
                title: &self.title,
                content: &self.content,
                link: self.link.as_deref(),
                confidential: self.confidential,
                deadline: self.deadline,
                starts_at: self.starts_at,
                ends_at: self.ends_at,
            },
            Utc::now(),
        )
    }
}

/// Save a task as a draft.
#[endpoint(tags("tasks"), status_codes(201))]
pub async fn create(
    body: JsonBody<TaskRequest>,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<Json<TaskView>> {
    let state = AppState::from_depot(depot)?;
    let body = body.into_inner();
    let fields = body.fields()?;
    let target = body.target.parse(state.services.clock.now())?;
    let detail =
        tasks::create(&state.services, actor(depot)?, fields, target, &meta(depot)).await?;
    res.status_code(StatusCode::CREATED);
    Ok(Json(TaskView::new(&detail, None)))
}

#[derive(Debug, Deserialize, ToParameters)]
#[salvo(parameters(default_parameter_in = Query))]
pub struct TaskQuery {
    #[salvo(parameter(value_type = Option<TaskStatus>))]
    pub status: Option<String>,
    #[salvo(parameter(value_type = Option<TaskKind>))]
    pub kind: Option<String>,
    /// Only tasks published by your own unit.
    pub mine: Option<bool>,
    /// Tasks from levels above that reached counselors in your scope (their progress counts
    /// only your counselors).
    pub received: Option<bool>,
    /// Part of the title.
    pub q: Option<String>,
    /// From 1 (at most 10000).
    #[salvo(parameter(value_type = Option<u64>))]
    pub page: Option<String>,
    /// 1 to 100 (default 20).
    #[salvo(parameter(value_type = Option<u64>))]
    pub per_page: Option<String>,
}

/// Tasks published in your scope, newest first, each with its progress so far.
#[endpoint(tags("tasks"))]
pub async fn list(query: TaskQuery, depot: &mut Depot) -> ApiResult<Json<TaskPage>> {
    let state = AppState::from_depot(depot)?;
    let actor = actor(depot)?;
    let filter = TaskFilter {
        status: query.status.as_deref().map(TaskStatus::parse).transpose()?,
        kind: query.kind.as_deref().map(TaskKind::parse).transpose()?,
        mine: query.mine.unwrap_or(false),
        received: query.received.unwrap_or(false),
        q: query.q.clone(),
    };
    let page = tasks::list(
        &state.services,
        actor,
        filter,
        PageRequest::parse(query.page.as_deref(), query.per_page.as_deref())?,
    )
    .await?;
    let ids: Vec<i32> = page.items.iter().map(|d| d.task.id).collect();
    let summaries = progress::summaries(&state.services, actor, &ids).await?;
    Ok(Json(TaskPage::new(page, |detail| {
        let totals = summaries
            .iter()
            .find(|(id, _)| *id == detail.task.id)
            .map(|(_, t)| t);
        TaskView::new(&detail, totals)
    })))
}

/// How many counselors a target reaches and how many of them are bound, before publishing.
#[endpoint(tags("tasks"))]
pub async fn preview(
    body: JsonBody<TargetRequest>,
    depot: &mut Depot,
) -> ApiResult<Json<ReachView>> {
    let state = AppState::from_depot(depot)?;
    let target = body.into_inner().parse(state.services.clock.now())?;
    let reach = tasks::preview(&state.services, actor(depot)?, &target).await?;
    Ok(Json(ReachView::new(reach)))
}

/// One task in your scope.
#[endpoint(tags("tasks"))]
pub async fn get(id: PathParam<i32>, depot: &mut Depot) -> ApiResult<Json<TaskView>> {
    let state = AppState::from_depot(depot)?;
    let detail = tasks::get(&state.services, actor(depot)?, id.into_inner()).await?;
    Ok(Json(TaskView::new(&detail, None)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateTaskRequest {
    #[salvo(schema(value_type = Option<TaskKind>))]
    pub kind: Option<String>,
    pub title: Option<String>,
    pub content: Option<String>,
    pub link: Option<String>,
    pub confidential: Option<bool>,
    pub deadline: Option<DateTime<Utc>>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub target: Option<TargetRequest>,
}

/// Edit a task of your unit. A draft takes any field; once published only the content (a
/// correction) and a later deadline may change, and the change is audited.
#[endpoint(tags("tasks"))]
pub async fn update(
    id: PathParam<i32>,
    body: JsonBody<UpdateTaskRequest>,
    depot: &mut Depot,
) -> ApiResult<Json<TaskView>> {
    let state = AppState::from_depot(depot)?;
    let actor = actor(depot)?;
    let id = id.into_inner();
    let body = body.into_inner();
    let current = tasks::status_for_edit(&state.services, actor, id).await?;
    let change = match current.status {
        TaskStatus::Published => {
            if body.kind.is_some()
                || body.title.is_some()
                || body.link.is_some()
                || body.confidential.is_some()
                || body.starts_at.is_some()
                || body.ends_at.is_some()
                || body.target.is_some()
            {
                return Err(Invalid::new(
                    "title",
                    "任务发布后只能修改正文和延后截止时间；其他内容请撤回后重新发布",
                )
                .into());
            }
            TaskChange::Published(PublishedEdit::parse(
                body.content.as_deref(),
                body.deadline,
                current.deadline,
            )?)
        }
        _ => {
            let current_target = tasks::get(&state.services, actor, id).await?.target;
            let merged = TaskRequest {
                kind: body.kind.unwrap_or(current.kind.as_str().to_string()),
                title: body.title.unwrap_or(current.title.clone()),
                content: body.content.unwrap_or(current.content.clone()),
                link: body.link.or(current.link.clone()),
                confidential: body.confidential.unwrap_or(current.confidential),
                deadline: body.deadline.or(Some(current.deadline)),
                starts_at: body.starts_at.or(current.starts_at),
                ends_at: body.ends_at.or(current.ends_at),
                target: TargetRequest::default(),
            };
            let target = match &body.target {
                Some(target) => target.parse(state.services.clock.now())?,
                None => current_target,
            };
            TaskChange::Draft {
                fields: merged.fields()?,
                target,
            }
        }
    };
    let merge = chrono::TimeDelta::minutes(i64::from(state.settings.tasks.change_merge_minutes));
    let detail = tasks::update(&state.services, actor, id, change, merge, &meta(depot)).await?;
    Ok(Json(TaskView::new(&detail, None)))
}

/// Delete a draft.
#[endpoint(tags("tasks"), status_codes(204))]
pub async fn delete(id: PathParam<i32>, depot: &mut Depot, res: &mut Response) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    tasks::delete_draft(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        &meta(depot),
    )
    .await?;
    res.status_code(StatusCode::NO_CONTENT);
    Ok(())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublishResponse {
    /// Counselors the task reached.
    pub assigned: u64,
    /// Template messages queued (bound, following counselors).
    pub queued: u64,
}

/// Publish a draft: every counselor reached gets the task; bound ones get a template message.
#[endpoint(tags("tasks"))]
pub async fn publish(id: PathParam<i32>, depot: &mut Depot) -> ApiResult<Json<PublishResponse>> {
    let state = AppState::from_depot(depot)?;
    let published = tasks::publish(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        &meta(depot),
    )
    .await?;
    Ok(Json(PublishResponse {
        assigned: published.assigned,
        queued: published.queued,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WithdrawResponse {
    /// Template messages that had not gone out and never will.
    pub cancelled_notices: u64,
    /// Withdrawal notices queued, to the counselors told of the task and not done with it.
    pub withdrawal_notices: u64,
}

/// Withdraw a published task: counselors no longer see it; unsent notices are cancelled.
#[endpoint(tags("tasks"))]
pub async fn withdraw(id: PathParam<i32>, depot: &mut Depot) -> ApiResult<Json<WithdrawResponse>> {
    let state = AppState::from_depot(depot)?;
    let withdrawal = tasks::withdraw(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        &meta(depot),
    )
    .await?;
    Ok(Json(WithdrawResponse {
        cancelled_notices: withdrawal.cancelled,
        withdrawal_notices: withdrawal.told,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RemindResponse {
    /// Reminders queued: bound counselors who are not done.
    pub queued: u64,
}

/// Remind (催办) every bound counselor who is not done; once per interval per task.
#[endpoint(tags("tasks"))]
pub async fn remind(id: PathParam<i32>, depot: &mut Depot) -> ApiResult<Json<RemindResponse>> {
    let state = AppState::from_depot(depot)?;
    let interval = TimeDelta::minutes(i64::from(state.settings.tasks.remind_interval_minutes));
    let queued = tasks::remind(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        interval,
        &meta(depot),
    )
    .await?;
    Ok(Json(RemindResponse { queued }))
}

fn throughput(state: &AppState) -> Throughput {
    Throughput {
        daily_quota: u64::from(state.settings.push.daily_quota),
        per_second: u64::from(state.settings.push.per_second).max(1),
    }
}

/// Progress of a task: totals, by college and education level, and its notices.
#[endpoint(tags("tasks"))]
pub async fn progress_of(id: PathParam<i32>, depot: &mut Depot) -> ApiResult<Json<ProgressView>> {
    let state = AppState::from_depot(depot)?;
    let actor = actor(depot)?;
    let progress =
        progress::progress(&state.services, actor, id.into_inner(), throughput(state)).await?;
    let managed = progress.task.org_unit_id == actor.org_unit_id;
    Ok(Json(ProgressView::new(&progress, managed)))
}

#[derive(Debug, Deserialize, ToParameters)]
#[salvo(parameters(default_parameter_in = Query))]
pub struct PendingQuery {
    /// Counselors of this college only.
    pub college_id: Option<i32>,
    #[salvo(parameter(value_type = Option<EducationLevel>))]
    pub education_level: Option<String>,
    /// true: bound to the official account (notices reach them); false: not bound.
    pub bound: Option<bool>,
    /// true: opened the task; false: not yet.
    pub viewed: Option<bool>,
    /// Part of the name or phone.
    pub q: Option<String>,
    /// From 1 (at most 10000).
    #[salvo(parameter(value_type = Option<u64>))]
    pub page: Option<String>,
    /// 1 to 100 (default 20).
    #[salvo(parameter(value_type = Option<u64>))]
    pub per_page: Option<String>,
}

impl PendingQuery {
    fn filter(&self) -> Result<PendingFilter, Invalid> {
        Ok(PendingFilter {
            college_id: self.college_id,
            level: self
                .education_level
                .as_deref()
                .map(EducationLevel::parse)
                .transpose()?,
            bound: self.bound,
            viewed: self.viewed,
            q: self.q.clone(),
        })
    }
}

/// Counselors who have not finished the task, with their levels and bind and follow status;
/// filtered by college, level, bind status, viewed or not, name or phone.
#[endpoint(tags("tasks"))]
pub async fn pending(
    id: PathParam<i32>,
    query: PendingQuery,
    depot: &mut Depot,
) -> ApiResult<Json<CounselorProgressPage>> {
    let state = AppState::from_depot(depot)?;
    let page = progress::pending(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        &query.filter()?,
        PageRequest::parse(query.page.as_deref(), query.per_page.as_deref())?,
    )
    .await?;
    Ok(Json(CounselorProgressPage::new(
        page,
        CounselorProgressView::new,
    )))
}

/// The pending list the same filters select, as an Excel workbook to chase from (phones
/// masked; paging ignored).
#[endpoint(tags("tasks"), responses((status_code = 200, description = "XLSX workbook")))]
pub async fn pending_export(
    id: PathParam<i32>,
    query: PendingQuery,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    let id = id.into_inner();
    let filter = query.filter()?;
    let (task, rows) =
        progress::export_rows(&state.services, actor(depot)?, id, Some(&filter)).await?;
    let bytes = task_export::pending_workbook(&task.title, &rows)?;
    xlsx_reply::send(res, bytes, &format!("task-{id}-pending.xlsx"))
}

/// The progress as an Excel workbook: a summary sheet and one row per counselor.
#[endpoint(tags("tasks"), responses((status_code = 200, description = "XLSX workbook")))]
pub async fn export(id: PathParam<i32>, depot: &mut Depot, res: &mut Response) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    let actor = actor(depot)?;
    let id = id.into_inner();
    let progress = progress::progress(&state.services, actor, id, throughput(state)).await?;
    let (_, rows) = progress::export_rows(&state.services, actor, id, None).await?;
    let bytes = task_export::workbook(&progress, &rows)?;
    xlsx_reply::send(res, bytes, &format!("task-{id}-progress.xlsx"))
}
