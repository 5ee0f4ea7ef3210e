//! Tasks by admins: drafts, the counselors a target reaches, publishing (assignments and push
//! jobs in one transaction, set-based), limited edits afterwards, withdrawal.

pub mod attachments;
pub mod counselor;
pub mod notices;
pub mod progress;
pub mod share;

use chrono::{DateTime, Utc};
use rand::RngCore;
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, StatementBuilder, TransactionTrait,
};
use serde_json::json;

use crate::db::entities::{
    account_levels, account_wechat, accounts, assignments, org_units, tasks,
};
use crate::domain::education::EducationLevel;
use crate::domain::page::{Page, PageRequest};
use crate::domain::push::JobKind;
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::domain::task::{target_kinds, PublishedEdit, Target, TaskFields, TaskKind, TaskStatus};
use crate::domain::Invalid;
use crate::error::{AppError, AppResult, Conflict};
use crate::outbox::push::{self, TaskNotice};
use crate::service::{audit, count_rows, org, RequestMeta, Services};

/// A task with the name of the unit that published it.
#[derive(Debug, Clone)]
pub struct TaskDetail {
    pub task: tasks::Model,
    pub publisher: String,
    pub target: Target,
}

impl TaskDetail {
    pub fn kind(&self) -> TaskKind {
        TaskKind::from_db(&self.task.kind)
    }

    pub fn status(&self) -> TaskStatus {
        TaskStatus::from_db(&self.task.status)
    }
}

/// How many counselors a target reaches, and how many of them can get a template message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reach {
    pub matched: u64,
    pub bound: u64,
}

fn require_dispatcher(actor: &Actor) -> AppResult<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn target_json(target: &Target) -> (String, String) {
    let levels: Vec<&str> = target.levels.iter().map(|l| l.as_str()).collect();
    (
        json!(target.unit_ids).to_string(),
        json!(levels).to_string(),
    )
}

fn target_of(task: &tasks::Model) -> Target {
    let unit_ids: Vec<i32> = serde_json::from_str(&task.target_unit_ids).unwrap_or_default();
    let levels: Vec<String> = serde_json::from_str(&task.target_levels).unwrap_or_default();
    Target {
        unit_ids,
        levels: levels
            .iter()
            .filter_map(|l| EducationLevel::parse(l).ok())
            .collect(),
    }
}

/// The subtree patterns a target covers, after checking every unit against the actor's scope
/// and the kinds their role may pick.
async fn target_patterns<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    target: &Target,
) -> AppResult<Vec<String>> {
    if target.unit_ids.is_empty() {
        return Ok(vec![actor.subtree_pattern()]);
    }
    let allowed = target_kinds(actor.role);
    if allowed.is_empty() {
        return Err(Invalid::new("unit_ids", "院级用户只能按学历层次选择派发对象").into());
    }
    let units = org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(target.unit_ids.clone()))
        .all(conn)
        .await?;
    let mut patterns = Vec::with_capacity(units.len());
    for id in &target.unit_ids {
        let unit = units
            .iter()
            .find(|u| u.id == *id)
            .filter(|u| actor.covers_unit(&u.path))
            .ok_or_else(|| {
                Invalid::new(
                    "unit_ids",
                    format!("单位（编号 {id}）不存在或不在您的管理范围内"),
                )
            })?;
        let kind = org::kind_of(unit)?;
        if !allowed.contains(&kind) {
            let names: Vec<&str> = allowed.iter().map(|k| k.label()).collect();
            return Err(Invalid::new(
                "unit_ids",
                format!(
                    "“{}”不能作为派发对象，可选：{}",
                    unit.name,
                    names.join("、")
                ),
            )
            .into());
        }
        patterns.push(format!("{}%", unit.path));
    }
    Ok(patterns)
}

/// Counselors reached by the patterns and levels: enabled, inside the actor's subtree.
fn matching_counselors(actor: &Actor, patterns: &[String], levels: &[EducationLevel]) -> Condition {
    let path = || Expr::col((accounts::Entity, accounts::Column::OrgPath));
    let mut units = Condition::any();
    for pattern in patterns {
        units = units.add(path().like(pattern.as_str()));
    }
    let mut condition = Condition::all()
        .add(Expr::col((accounts::Entity, accounts::Column::Role)).eq(Role::Counselor.as_str()))
        .add(Expr::col((accounts::Entity, accounts::Column::Disabled)).eq(false))
        .add(path().like(actor.subtree_pattern()))
        .add(units);
    if !levels.is_empty() {
        let mut sub = Query::select();
        sub.column(account_levels::Column::AccountId)
            .from(account_levels::Entity)
            .and_where(
                account_levels::Column::EducationLevel
                    .is_in(levels.iter().map(|l| l.as_str()).collect::<Vec<_>>()),
            );
        condition =
            condition.add(Expr::col((accounts::Entity, accounts::Column::Id)).in_subquery(sub));
    }
    condition
}

async fn reach<C: ConnectionTrait>(conn: &C, condition: Condition) -> AppResult<Reach> {
    let mut matched = Query::select();
    matched.from(accounts::Entity).cond_where(condition.clone());
    let mut bound = matched.clone();
    bound
        .inner_join(
            account_wechat::Entity,
            Expr::col((account_wechat::Entity, account_wechat::Column::AccountId))
                .equals((accounts::Entity, accounts::Column::Id)),
        )
        .and_where(
            Expr::col((account_wechat::Entity, account_wechat::Column::OaOpenid)).is_not_null(),
        );
    Ok(Reach {
        matched: count_rows(conn, matched, (accounts::Entity, accounts::Column::Id)).await?,
        bound: count_rows(conn, bound, (accounts::Entity, accounts::Column::Id)).await?,
    })
}

/// How many counselors a target would reach, before anything is written.
pub async fn preview(services: &Services, actor: &Actor, target: &Target) -> AppResult<Reach> {
    require_dispatcher(actor)?;
    let patterns = target_patterns(&services.db, actor, target).await?;
    reach(
        &services.db,
        matching_counselors(actor, &patterns, &target.levels),
    )
    .await
}

fn new_share_nonce() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Save a draft.
pub async fn create(
    services: &Services,
    actor: &Actor,
    fields: TaskFields,
    target: Target,
    meta: &RequestMeta,
) -> AppResult<TaskDetail> {
    require_dispatcher(actor)?;
    let txn = services.db.begin().await?;
    target_patterns(&txn, actor, &target).await?;
    let now = Utc::now();
    let (unit_ids, levels) = target_json(&target);
    let task = tasks::ActiveModel {
        kind: Set(fields.kind.as_str().to_string()),
        title: Set(fields.title),
        content: Set(fields.content),
        link: Set(fields.link),
        confidential: Set(fields.confidential),
        deadline: Set(fields.deadline),
        starts_at: Set(fields.live.map(|w| w.starts_at)),
        ends_at: Set(fields.live.map(|w| w.ends_at)),
        status: Set(TaskStatus::Draft.as_str().to_string()),
        org_unit_id: Set(actor.org_unit_id),
        org_path: Set(actor.org_path.as_str().to_string()),
        created_by: Set(actor.account_id),
        target_unit_ids: Set(unit_ids),
        target_levels: Set(levels),
        share_nonce: Set(new_share_nonce()),
        published_at: Set(None),
        withdrawn_at: Set(None),
        last_reminded_at: Set(None),
        auto_reminded_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "task.create",
            target_type: "task",
            target_id: Some(task.id.to_string()),
            org_path: &task.org_path,
            detail: json!({ "title": task.title, "kind": task.kind }),
        },
    )
    .await?;
    txn.commit().await?;
    detail_of(&services.db, task).await
}

async fn detail_of<C: ConnectionTrait>(conn: &C, task: tasks::Model) -> AppResult<TaskDetail> {
    let publisher = org::publisher_names(conn, [task.org_unit_id])
        .await?
        .remove(&task.org_unit_id)
        .unwrap_or_default();
    let target = target_of(&task);
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
    if reached && TaskStatus::from_db(&task.status) != TaskStatus::Draft {
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
            .filter(tasks::Column::Status.ne(TaskStatus::Draft.as_str()))
    } else {
        tasks::Entity::find().filter(tasks::Column::OrgPath.like(actor.subtree_pattern()))
    };
    if filter.mine {
        query = query.filter(tasks::Column::OrgUnitId.eq(actor.org_unit_id));
    }
    if let Some(status) = filter.status {
        query = query.filter(tasks::Column::Status.eq(status.as_str()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(tasks::Column::Kind.eq(kind.as_str()));
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
            let target = target_of(&task);
            TaskDetail {
                task,
                publisher,
                target,
            }
        })
        .collect();
    Ok(Page::new(items, page, total))
}

/// Changes to a task. A draft takes any field; a published task only what cannot mislead.
#[derive(Debug, Clone)]
pub enum TaskChange {
    Draft { fields: TaskFields, target: Target },
    Published(PublishedEdit),
}

pub async fn update(
    services: &Services,
    actor: &Actor,
    id: i32,
    change: TaskChange,
    meta: &RequestMeta,
) -> AppResult<TaskDetail> {
    let txn = services.db.begin().await?;
    let task = managed_task(&txn, actor, id).await?;
    let status = TaskStatus::from_db(&task.status);
    let now = Utc::now();
    let before = json!({ "content": task.content, "deadline": task.deadline });
    let mut active: tasks::ActiveModel = task.clone().into();
    let detail = match (status, change) {
        (TaskStatus::Draft, TaskChange::Draft { fields, target }) => {
            target_patterns(&txn, actor, &target).await?;
            let (unit_ids, levels) = target_json(&target);
            active.kind = Set(fields.kind.as_str().to_string());
            active.title = Set(fields.title);
            active.content = Set(fields.content);
            active.link = Set(fields.link);
            active.confidential = Set(fields.confidential);
            active.deadline = Set(fields.deadline);
            active.starts_at = Set(fields.live.map(|w| w.starts_at));
            active.ends_at = Set(fields.live.map(|w| w.ends_at));
            active.target_unit_ids = Set(unit_ids);
            active.target_levels = Set(levels);
            json!({ "draft": true })
        }
        (TaskStatus::Published, TaskChange::Published(edit)) => {
            if edit.is_empty() {
                return Err(Invalid::new("content", "没有要修改的内容").into());
            }
            if let Some(content) = &edit.content {
                active.content = Set(content.clone());
            }
            if let Some(deadline) = edit.deadline {
                active.deadline = Set(deadline);
                // Queued notices follow the task's new place in the queue.
                push::move_deadline(&txn, task.id, deadline).await?;
            }
            json!({ "before": before, "content_changed": edit.content.is_some(), "deadline": edit.deadline })
        }
        (TaskStatus::Withdrawn, _) => return Err(Conflict::TaskWithdrawn.into()),
        (TaskStatus::Draft, TaskChange::Published(_))
        | (TaskStatus::Published, TaskChange::Draft { .. }) => {
            return Err(AppError::internal("task change does not fit its status"))
        }
    };
    active.updated_at = Set(now);
    let task = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "task.update",
            target_type: "task",
            target_id: Some(task.id.to_string()),
            org_path: &task.org_path,
            detail,
        },
    )
    .await?;
    txn.commit().await?;
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

/// What publishing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub assigned: u64,
    pub queued: u64,
}

/// Publish a draft: one assignment per counselor reached and one push job per bound,
/// following counselor, written set-based in the same transaction as the status change.
pub async fn publish(
    services: &Services,
    actor: &Actor,
    id: i32,
    meta: &RequestMeta,
) -> AppResult<Published> {
    let txn = services.db.begin().await?;
    let task = managed_task(&txn, actor, id).await?;
    let now = Utc::now();
    if task.deadline <= now {
        return Err(Invalid::new("deadline", "截止时间已过，请先修改截止时间再发布").into());
    }
    // The guard on status makes a double click (or two instances) publish once.
    let changed = tasks::Entity::update_many()
        .col_expr(
            tasks::Column::Status,
            Expr::value(TaskStatus::Published.as_str()),
        )
        .col_expr(tasks::Column::PublishedAt, Expr::value(now))
        .col_expr(tasks::Column::UpdatedAt, Expr::value(now))
        .filter(tasks::Column::Id.eq(task.id))
        .filter(tasks::Column::Status.eq(TaskStatus::Draft.as_str()))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(Conflict::TaskNotDraft.into());
    }
    let target = target_of(&task);
    let patterns = target_patterns(&txn, actor, &target).await?;
    let assigned = insert_assignments(&txn, actor, &task, &patterns, &target.levels, now).await?;
    if assigned == 0 {
        return Err(Invalid::new("unit_ids", "所选范围内没有辅导员，无法发布").into());
    }
    let queued =
        push::enqueue_for_task(&txn, &task, TaskNotice::to_all(JobKind::Task, now), now).await?;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "task.publish",
            target_type: "task",
            target_id: Some(task.id.to_string()),
            org_path: &task.org_path,
            detail: json!({ "assigned": assigned, "queued": queued }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Published { assigned, queued })
}

async fn insert_assignments(
    txn: &DatabaseTransaction,
    actor: &Actor,
    task: &tasks::Model,
    patterns: &[String],
    levels: &[EducationLevel],
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let mut select = Query::select();
    select
        .expr(Expr::val(task.id))
        .column((accounts::Entity, accounts::Column::Id))
        .column((accounts::Entity, accounts::Column::OrgUnitId))
        .column((accounts::Entity, accounts::Column::OrgPath))
        .expr(level_bits())
        .expr(Expr::exists(bound_subquery()))
        .expr(Expr::val(now))
        .from(accounts::Entity)
        .cond_where(matching_counselors(actor, patterns, levels));
    let insert = Query::insert()
        .into_table(assignments::Entity)
        .columns([
            assignments::Column::TaskId,
            assignments::Column::AccountId,
            assignments::Column::CollegeId,
            assignments::Column::OrgPath,
            assignments::Column::Levels,
            assignments::Column::Bound,
            assignments::Column::CreatedAt,
        ])
        .select_from(select)
        .map_err(|e| AppError::internal(format!("assignment insert: {e}")))?
        .to_owned();
    let backend = txn.get_database_backend();
    let result = txn
        .execute(StatementBuilder::build(&insert, &backend))
        .await?;
    Ok(result.rows_affected())
}

/// The counselor's levels as bits: a correlated sum over their (unique) levels.
fn level_bits() -> sea_orm::sea_query::SimpleExpr {
    let mut case = sea_orm::sea_query::CaseStatement::new();
    for level in EducationLevel::ALL {
        case = case.case(
            Expr::col((
                account_levels::Entity,
                account_levels::Column::EducationLevel,
            ))
            .eq(level.as_str()),
            Expr::val(level.bit()),
        );
    }
    let case: sea_orm::sea_query::SimpleExpr = case.finally(Expr::val(0)).into();
    let mut sum = Query::select();
    sum.expr(sea_orm::sea_query::Func::coalesce([
        sea_orm::sea_query::Func::sum(case).into(),
        Expr::val(0).into(),
    ]))
    .from(account_levels::Entity)
    .and_where(
        Expr::col((account_levels::Entity, account_levels::Column::AccountId))
            .equals((accounts::Entity, accounts::Column::Id)),
    );
    sea_orm::sea_query::SimpleExpr::SubQuery(
        None,
        Box::new(sea_orm::sea_query::SubQueryStatement::SelectStatement(sum)),
    )
}

fn bound_subquery() -> SelectStatement {
    let mut bound = Query::select();
    bound
        .expr(Expr::val(1))
        .from(account_wechat::Entity)
        .and_where(
            Expr::col((account_wechat::Entity, account_wechat::Column::AccountId))
                .equals((accounts::Entity, accounts::Column::Id)),
        )
        .and_where(
            Expr::col((account_wechat::Entity, account_wechat::Column::OaOpenid)).is_not_null(),
        );
    bound
}

/// Withdraw a published task: counselors stop seeing it and its unsent notices are cancelled.
pub async fn withdraw(
    services: &Services,
    actor: &Actor,
    id: i32,
    meta: &RequestMeta,
) -> AppResult<u64> {
    let txn = services.db.begin().await?;
    let task = managed_task(&txn, actor, id).await?;
    let now = Utc::now();
    let changed = tasks::Entity::update_many()
        .col_expr(
            tasks::Column::Status,
            Expr::value(TaskStatus::Withdrawn.as_str()),
        )
        .col_expr(tasks::Column::WithdrawnAt, Expr::value(now))
        .col_expr(tasks::Column::UpdatedAt, Expr::value(now))
        .filter(tasks::Column::Id.eq(task.id))
        .filter(tasks::Column::Status.eq(TaskStatus::Published.as_str()))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(Conflict::WithdrawUnpublished.into());
    }
    let cancelled = push::cancel_for_task(&txn, task.id, "任务已撤回", now).await?;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "task.withdraw",
            target_type: "task",
            target_id: Some(task.id.to_string()),
            org_path: &task.org_path,
            detail: json!({ "cancelled_notices": cancelled }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(cancelled)
}

/// Delete a draft (published tasks are withdrawn, never deleted: their history stays).
pub async fn delete_draft(
    services: &Services,
    actor: &Actor,
    id: i32,
    meta: &RequestMeta,
) -> AppResult<()> {
    let txn = services.db.begin().await?;
    let task = managed_task(&txn, actor, id).await?;
    let deleted = tasks::Entity::delete_many()
        .filter(tasks::Column::Id.eq(task.id))
        .filter(tasks::Column::Status.eq(TaskStatus::Draft.as_str()))
        .exec(&txn)
        .await?;
    if deleted.rows_affected != 1 {
        return Err(Conflict::OnlyDraftsDeleted.into());
    }
    // A draft's files go with it: rows now, bytes once the deletion is committed.
    let files = crate::db::entities::task_attachments::Entity::find()
        .filter(crate::db::entities::task_attachments::Column::TaskId.eq(task.id))
        .all(&txn)
        .await?;
    crate::db::entities::task_attachments::Entity::delete_many()
        .filter(crate::db::entities::task_attachments::Column::TaskId.eq(task.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "task.delete",
            target_type: "task",
            target_id: Some(task.id.to_string()),
            org_path: &task.org_path,
            detail: json!({ "title": task.title, "attachments": files.len() }),
        },
    )
    .await?;
    txn.commit().await?;
    for file in files {
        if let Err(error) = services.files.delete(&file.storage_key).await {
            tracing::warn!(attachment_id = file.id, %error, "attachment file not removed");
        }
    }
    Ok(())
}

/// Remind (催办) everyone bound who is not done, at most once per interval per task.
pub async fn remind(
    services: &Services,
    actor: &Actor,
    id: i32,
    interval: chrono::TimeDelta,
    meta: &RequestMeta,
) -> AppResult<u64> {
    let txn = services.db.begin().await?;
    let task = managed_task(&txn, actor, id).await?;
    if TaskStatus::from_db(&task.status) != TaskStatus::Published {
        return Err(Conflict::RemindUnpublished.into());
    }
    let now = Utc::now();
    if !claim_reminder(&txn, &task, interval, now).await? {
        let next = task.last_reminded_at.map(|at| at + interval).unwrap_or(now);
        return Err(Conflict::RemindTooSoon {
            interval_minutes: interval.num_minutes(),
            next,
        }
        .into());
    }
    let queued = push::enqueue_for_task(
        &txn,
        &task,
        TaskNotice::to_pending(JobKind::Reminder, now),
        now,
    )
    .await?;
    if queued == 0 {
        // Nobody bound is left to remind: nothing was sent, so the hourly slot stays free.
        txn.rollback().await?;
        return Ok(0);
    }
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "task.remind",
            target_type: "task",
            target_id: Some(task.id.to_string()),
            org_path: &task.org_path,
            detail: json!({ "queued": queued }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(queued)
}

/// Take the task's reminder slot if the last reminder is older than the interval; the
/// conditional update makes two admins (or instances) clicking at once remind once.
async fn claim_reminder<C: ConnectionTrait>(
    conn: &C,
    task: &tasks::Model,
    interval: chrono::TimeDelta,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let changed = tasks::Entity::update_many()
        .col_expr(tasks::Column::LastRemindedAt, Expr::value(now))
        .filter(tasks::Column::Id.eq(task.id))
        .filter(
            Condition::any()
                .add(tasks::Column::LastRemindedAt.is_null())
                .add(tasks::Column::LastRemindedAt.lte(now - interval)),
        )
        .exec(conn)
        .await?;
    Ok(changed.rows_affected == 1)
}

/// Automatic reminders: every published task whose deadline is within `before` and that has not
/// been reminded automatically yet. Returns the number of notices queued.
pub async fn auto_remind(services: &Services, before: chrono::TimeDelta) -> AppResult<u64> {
    let now = Utc::now();
    let due = tasks::Entity::find()
        .filter(tasks::Column::Status.eq(TaskStatus::Published.as_str()))
        .filter(tasks::Column::AutoRemindedAt.is_null())
        .filter(tasks::Column::Deadline.gt(now))
        .filter(tasks::Column::Deadline.lte(now + before))
        .limit(100)
        .all(&services.db)
        .await?;
    let mut queued = 0;
    for task in due {
        let txn = services.db.begin().await?;
        let changed = tasks::Entity::update_many()
            .col_expr(tasks::Column::AutoRemindedAt, Expr::value(now))
            .filter(tasks::Column::Id.eq(task.id))
            .filter(tasks::Column::AutoRemindedAt.is_null())
            .exec(&txn)
            .await?;
        if changed.rows_affected == 1 {
            let n = push::enqueue_for_task(
                &txn,
                &task,
                TaskNotice::to_pending(JobKind::Reminder, now),
                now,
            )
            .await?;
            audit::record(
                &txn,
                None,
                &RequestMeta::default(),
                audit::Entry {
                    action: "task.auto_remind",
                    target_type: "task",
                    target_id: Some(task.id.to_string()),
                    org_path: &task.org_path,
                    detail: json!({ "queued": n }),
                },
            )
            .await?;
            queued += n;
        }
        txn.commit().await?;
    }
    Ok(queued)
}
