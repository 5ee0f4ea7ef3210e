//! A counselor's side of tasks: the list, reading (first view recorded), completing and
//! signing in to live courses. Every step is idempotent, so chat retries and double taps are
//! harmless. The API and the chat commands both come here.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::{Alias, Expr, Func, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, StatementBuilder,
};

use crate::db::entities::{assignments, org_units, tasks};
use crate::domain::org::OrgKind;
use crate::domain::page::{Page, PageRequest};
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::domain::task::{LiveWindow, SignIn, TaskKind, TaskStatus};
use crate::error::{AppError, AppResult, Conflict};
use crate::service::{count_rows, Services};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    Pending,
    Done,
    All,
}

/// A task as one counselor sees it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct MyTask {
    pub task_id: i32,
    pub kind: TaskKind,
    pub title: String,
    pub content: String,
    pub link: Option<String>,
    pub confidential: bool,
    pub deadline: DateTime<Utc>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub share_nonce: String,
    /// The publishing unit; a college signs with its university (see `org::publisher_names`).
    pub publisher: String,
    pub publisher_kind: OrgKind,
    pub publisher_parent: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub viewed_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub signed_in_at: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
}

impl MyTask {
    pub fn kind(&self) -> TaskKind {
        self.kind
    }

    pub fn live_window(&self) -> Option<LiveWindow> {
        match (self.starts_at, self.ends_at) {
            (Some(starts_at), Some(ends_at)) => Some(LiveWindow { starts_at, ends_at }),
            _ => None,
        }
    }

    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        self.done_at.is_none() && self.deadline < now
    }
}

fn require_counselor(actor: &Actor) -> AppResult<()> {
    if actor.role == Role::Counselor {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn base(account_id: i32) -> SelectStatement {
    let mut query = Query::select();
    query
        .from(assignments::Entity)
        .inner_join(
            tasks::Entity,
            Expr::col((tasks::Entity, tasks::Column::Id))
                .equals((assignments::Entity, assignments::Column::TaskId)),
        )
        .and_where(Expr::col((assignments::Entity, assignments::Column::AccountId)).eq(account_id))
        // Withdrawn tasks disappear for counselors.
        .and_where(Expr::col((tasks::Entity, tasks::Column::Status)).eq(TaskStatus::Published));
    query
}

fn with_columns(query: &mut SelectStatement) {
    query
        .expr_as(
            Expr::col((tasks::Entity, tasks::Column::Id)),
            Alias::new("task_id"),
        )
        .columns([
            (tasks::Entity, tasks::Column::Kind),
            (tasks::Entity, tasks::Column::Title),
            (tasks::Entity, tasks::Column::Content),
            (tasks::Entity, tasks::Column::Link),
            (tasks::Entity, tasks::Column::Confidential),
            (tasks::Entity, tasks::Column::Deadline),
            (tasks::Entity, tasks::Column::StartsAt),
            (tasks::Entity, tasks::Column::EndsAt),
            (tasks::Entity, tasks::Column::ShareNonce),
            (tasks::Entity, tasks::Column::PublishedAt),
        ])
        .expr_as(
            Expr::col((org_units::Entity, org_units::Column::Name)),
            Alias::new("publisher"),
        )
        .expr_as(
            Expr::col((org_units::Entity, org_units::Column::Kind)),
            Alias::new("publisher_kind"),
        )
        .expr_as(
            Expr::col((Alias::new("publisher_parent"), org_units::Column::Name)),
            Alias::new("publisher_parent"),
        )
        .columns([
            (assignments::Entity, assignments::Column::ViewedAt),
            (assignments::Entity, assignments::Column::CompletedAt),
            (assignments::Entity, assignments::Column::SignedInAt),
            (assignments::Entity, assignments::Column::DoneAt),
        ])
        .inner_join(
            org_units::Entity,
            Expr::col((org_units::Entity, org_units::Column::Id))
                .equals((tasks::Entity, tasks::Column::OrgUnitId)),
        )
        .join_as(
            sea_orm::JoinType::LeftJoin,
            org_units::Entity,
            Alias::new("publisher_parent"),
            Expr::col((Alias::new("publisher_parent"), org_units::Column::Id))
                .equals((org_units::Entity, org_units::Column::ParentId)),
        );
}

/// Sign a college's tasks with its university, as `org::publisher_names` does.
fn sign(mut task: MyTask) -> MyTask {
    if task.publisher_kind == OrgKind::College {
        if let Some(parent) = &task.publisher_parent {
            task.publisher = format!("{parent}{}", task.publisher);
        }
    }
    task
}

/// The counselor's tasks, newest deadline first.
pub async fn list(
    services: &Services,
    actor: &Actor,
    bucket: Bucket,
    kind: Option<TaskKind>,
    page: PageRequest,
) -> AppResult<Page<MyTask>> {
    require_counselor(actor)?;
    let mut query = base(actor.account_id);
    let done = Expr::col((assignments::Entity, assignments::Column::DoneAt));
    match bucket {
        Bucket::Pending => {
            query.and_where(done.is_null());
        }
        Bucket::Done => {
            query.and_where(done.is_not_null());
        }
        Bucket::All => {}
    }
    if let Some(kind) = kind {
        query.and_where(Expr::col((tasks::Entity, tasks::Column::Kind)).eq(kind));
    }
    let total = count_rows(
        &services.db,
        query.clone(),
        (assignments::Entity, assignments::Column::Id),
    )
    .await?;
    let backend = services.db.get_database_backend();
    with_columns(&mut query);
    query
        .order_by(
            (tasks::Entity, tasks::Column::Deadline),
            sea_orm::Order::Desc,
        )
        .order_by((tasks::Entity, tasks::Column::Id), sea_orm::Order::Desc)
        .limit(page.per_page)
        .offset(page.offset());
    let items = MyTask::find_by_statement(StatementBuilder::build(&query, &backend))
        .all(&services.db)
        .await?
        .into_iter()
        .map(sign)
        .collect();
    Ok(Page::new(items, page, total))
}

async fn load<C: ConnectionTrait>(conn: &C, account_id: i32, task_id: i32) -> AppResult<MyTask> {
    let mut query = base(account_id);
    with_columns(&mut query);
    query.and_where(Expr::col((tasks::Entity, tasks::Column::Id)).eq(task_id));
    let backend = conn.get_database_backend();
    MyTask::find_by_statement(StatementBuilder::build(&query, &backend))
        .one(conn)
        .await?
        .map(sign)
        .ok_or(AppError::not_found("任务"))
}

/// `NotFound` unless the task (published) reached this counselor.
pub async fn ensure_assigned<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    task_id: i32,
) -> AppResult<()> {
    require_counselor(actor)?;
    load(conn, actor.account_id, task_id).await.map(|_| ())
}

/// Read a task; the first read is recorded as the view.
pub async fn view(services: &Services, actor: &Actor, task_id: i32) -> AppResult<MyTask> {
    require_counselor(actor)?;
    let mut task = load(&services.db, actor.account_id, task_id).await?;
    if task.viewed_at.is_none() {
        let now = Utc::now();
        assignments::Entity::update_many()
            .col_expr(assignments::Column::ViewedAt, Expr::value(now))
            .filter(assignments::Column::TaskId.eq(task_id))
            .filter(assignments::Column::AccountId.eq(actor.account_id))
            .filter(assignments::Column::ViewedAt.is_null())
            .exec(&services.db)
            .await?;
        task = load(&services.db, actor.account_id, task_id).await?;
    }
    Ok(task)
}

/// Set `done_at` once the task's conditions hold: completed, and signed in for a live course.
async fn settle<C: ConnectionTrait>(
    conn: &C,
    account_id: i32,
    task: &MyTask,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut update = assignments::Entity::update_many()
        .col_expr(assignments::Column::DoneAt, Expr::value(now))
        .filter(assignments::Column::TaskId.eq(task.task_id))
        .filter(assignments::Column::AccountId.eq(account_id))
        .filter(assignments::Column::DoneAt.is_null())
        .filter(assignments::Column::CompletedAt.is_not_null());
    if task.kind() == TaskKind::LiveCourse {
        update = update.filter(assignments::Column::SignedInAt.is_not_null());
    }
    update.exec(conn).await?;
    Ok(())
}

/// What completing or signing in did.
#[derive(Debug, Clone)]
pub struct Step {
    pub task: MyTask,
    /// False when it had been done before (an idempotent repeat).
    pub changed: bool,
}

/// Mark the task completed (viewing it too, if it never was).
pub async fn complete(services: &Services, actor: &Actor, task_id: i32) -> AppResult<Step> {
    require_counselor(actor)?;
    let task = load(&services.db, actor.account_id, task_id).await?;
    record(services, actor, &task, assignments::Column::CompletedAt).await
}

/// Sign in to a live course, inside its window.
pub async fn sign_in(
    services: &Services,
    actor: &Actor,
    task_id: i32,
    lead: TimeDelta,
) -> AppResult<Step> {
    require_counselor(actor)?;
    let task = load(&services.db, actor.account_id, task_id).await?;
    let Some(window) = task
        .live_window()
        .filter(|_| task.kind() == TaskKind::LiveCourse)
    else {
        return Err(Conflict::NotALiveCourse.into());
    };
    let now = Utc::now();
    if task.signed_in_at.is_some() {
        return Ok(Step {
            task,
            changed: false,
        });
    }
    match window.sign_in(lead, now) {
        SignIn::NotYet { opens_at } => return Err(Conflict::SignInNotOpen { opens_at }.into()),
        SignIn::Closed => return Err(Conflict::SignInClosed.into()),
        SignIn::Open => {}
    }
    record(services, actor, &task, assignments::Column::SignedInAt).await
}

/// Stamp one step (completed, signed in) once, count the task as viewed, settle `done_at`.
async fn record(
    services: &Services,
    actor: &Actor,
    task: &MyTask,
    step: assignments::Column,
) -> AppResult<Step> {
    let now = Utc::now();
    let changed = assignments::Entity::update_many()
        .col_expr(step, Expr::value(now))
        .col_expr(
            assignments::Column::ViewedAt,
            Func::coalesce([
                Expr::col(assignments::Column::ViewedAt).into(),
                Expr::val(now).into(),
            ])
            .into(),
        )
        .filter(assignments::Column::TaskId.eq(task.task_id))
        .filter(assignments::Column::AccountId.eq(actor.account_id))
        .filter(step.is_null())
        .exec(&services.db)
        .await?
        .rows_affected
        == 1;
    settle(&services.db, actor.account_id, task, now).await?;
    Ok(Step {
        task: load(&services.db, actor.account_id, task.task_id).await?,
        changed,
    })
}

/// The counselor's pending tasks for the chat, nearest deadline first (the chat shows few).
pub async fn pending_for_chat(
    services: &Services,
    account_id: i32,
    limit: u64,
) -> AppResult<(Vec<MyTask>, u64)> {
    let mut query = base(account_id);
    query.and_where(Expr::col((assignments::Entity, assignments::Column::DoneAt)).is_null());
    let total = count_rows(
        &services.db,
        query.clone(),
        (assignments::Entity, assignments::Column::Id),
    )
    .await?;
    let backend = services.db.get_database_backend();
    with_columns(&mut query);
    query
        .order_by(
            (tasks::Entity, tasks::Column::Deadline),
            sea_orm::Order::Asc,
        )
        .limit(limit);
    let items = MyTask::find_by_statement(StatementBuilder::build(&query, &backend))
        .all(&services.db)
        .await?
        .into_iter()
        .map(sign)
        .collect();
    Ok((items, total))
}
