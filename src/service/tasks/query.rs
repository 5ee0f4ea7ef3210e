//! Reading tasks as an admin: one task (visible or managed), the list with its filters.

use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::require_dispatcher;
use super::targeting::target_of;
use crate::db::entities::{assignments, tasks};
use crate::domain::page::{Page, PageRequest};
use crate::domain::scope::Actor;
use crate::domain::task::{Target, TaskKind, TaskStatus};
use crate::error::{AppError, AppResult};
use crate::service::{org, Services};

/// A task with the name of the unit that published it.
#[derive(Debug, Clone)]
pub struct TaskDetail {
    pub task: tasks::Model,
    pub publisher: String,
    pub target: Target,
}

impl TaskDetail {
    pub fn kind(&self) -> TaskKind {
        self.task.kind
    }

    pub fn status(&self) -> TaskStatus {
        self.task.status
    }
}

pub(super) async fn detail_of<C: ConnectionTrait>(
    conn: &C,
    task: tasks::Model,
) -> AppResult<TaskDetail> {
    let publisher = org::publisher_names(conn, [task.org_unit_id])
        .await?
        .remove(&task.org_unit_id)
        .unwrap_or_default();
    let target = target_of(&task)?;
    Ok(TaskDetail {
        task,
        publisher,
        target,
    })
}

/// A task published (or drafted) inside the actor's subtree, or `NotFound`.
pub async fn visible_task<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i32,
) -> AppResult<tasks::Model> {
    if !actor.is_admin() {
        return Err(AppError::not_found("任务"));
    }
    let task = tasks::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::not_found("任务"))?;
    if actor.covers_unit(&task.org_path) {
        return Ok(task);
    }
    // A task from a level above that reached counselors in the actor's subtree: the actor
    // follows its progress there (every count is limited to the subtree).
    let reached = assignments::Entity::find()
        .filter(assignments::Column::TaskId.eq(task.id))
        .filter(assignments::Column::OrgPath.like(actor.subtree_pattern()))
        .one(conn)
        .await?
        .is_some();
    if reached && task.status != TaskStatus::Draft {
        Ok(task)
    } else {
        Err(AppError::not_found("任务"))
    }
}

/// A task the actor may change: published at their own unit. Lower units' tasks are
/// theirs to manage; the actor only reads them.
pub async fn managed_task<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i32,
) -> AppResult<tasks::Model> {
    let task = visible_task(conn, actor, id).await?;
    if task.org_unit_id != actor.org_unit_id {
        return Err(AppError::Forbidden);
    }
    Ok(task)
}

pub async fn get(services: &Services, actor: &Actor, id: i32) -> AppResult<TaskDetail> {
    let task = visible_task(&services.db, actor, id).await?;
    detail_of(&services.db, task).await
}

/// The status of a task the actor manages (to parse an edit the right way).
pub async fn status_for_edit(
    services: &Services,
    actor: &Actor,
    id: i32,
) -> AppResult<tasks::Model> {
    managed_task(&services.db, actor, id).await
}

#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub status: Option<TaskStatus>,
    pub kind: Option<TaskKind>,
    /// Only tasks published by the actor's own unit.
    pub mine: bool,
    /// Instead: tasks from levels above that reached counselors in the actor's subtree.
    pub received: bool,
    pub q: Option<String>,
}

/// Tasks published inside the actor's subtree (or, `received`, from above into it), newest
/// first.
pub async fn list(
    services: &Services,
    actor: &Actor,
    filter: TaskFilter,
    page: PageRequest,
) -> AppResult<Page<TaskDetail>> {
    require_dispatcher(actor)?;
    let mut query = if filter.received {
        let mut reached = Query::select();
        reached
            .distinct()
            .column(assignments::Column::TaskId)
            .from(assignments::Entity)
            .and_where(assignments::Column::OrgPath.like(actor.subtree_pattern()));
        tasks::Entity::find()
            .filter(tasks::Column::Id.in_subquery(reached))
            .filter(tasks::Column::OrgPath.not_like(actor.subtree_pattern()))
            .filter(tasks::Column::Status.ne(TaskStatus::Draft))
    } else {
        tasks::Entity::find().filter(tasks::Column::OrgPath.like(actor.subtree_pattern()))
    };
    if filter.mine {
        query = query.filter(tasks::Column::OrgUnitId.eq(actor.org_unit_id));
    }
    if let Some(status) = filter.status {
        query = query.filter(tasks::Column::Status.eq(status));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(tasks::Column::Kind.eq(kind));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        query = query.filter(tasks::Column::Title.contains(q));
    }
    let total = query.clone().count(&services.db).await?;
    let rows = query
        .order_by_desc(tasks::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(&services.db)
        .await?;
    let names = org::publisher_names(&services.db, rows.iter().map(|t| t.org_unit_id)).await?;
    let items = rows
        .into_iter()
        .map(|task| {
            let publisher = names.get(&task.org_unit_id).cloned().unwrap_or_default();
            let target = target_of(&task)?;
            Ok(TaskDetail {
                task,
                publisher,
                target,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Page::new(items, page, total))
}
