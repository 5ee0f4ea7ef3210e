//! A task's life as its publisher drives it: draft, edit, publish (assignments and push jobs in
//! one transaction, set-based), withdraw, delete a draft.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    Set, StatementBuilder, TransactionTrait,
};
use serde_json::json;

use super::query::{detail_of, managed_task, TaskDetail};
use super::require_dispatcher;
use super::targeting::{matching_counselors, target_columns, target_of, target_patterns};
use crate::db::entities::{account_levels, account_wechat, accounts, assignments, tasks};
use crate::domain::education::EducationLevel;
use crate::domain::push::{JobKind, TaskChanges};
use crate::domain::scope::Actor;
use crate::domain::task::{PublishedEdit, Target, TaskFields, TaskStatus};
use crate::domain::Invalid;
use crate::error::{AppError, AppResult, Conflict};
use crate::outbox::push::{self, TaskNotice};
use crate::service::{audit, RequestMeta, Services};

fn new_share_nonce() -> String {
    crate::infra::random::hex_token::<16>()
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
    let stored = target_columns(&target);
    let task = tasks::ActiveModel {
        kind: Set(fields.kind),
        title: Set(fields.title),
        content: Set(fields.content),
        link: Set(fields.link),
        confidential: Set(fields.confidential),
        deadline: Set(fields.deadline),
        starts_at: Set(fields.live.map(|w| w.starts_at)),
        ends_at: Set(fields.live.map(|w| w.ends_at)),
        status: Set(TaskStatus::Draft),
        org_unit_id: Set(actor.org_unit_id),
        org_path: Set(actor.org_path.as_str().to_string()),
        created_by: Set(actor.account_id),
        target_unit_ids: Set(stored.unit_ids),
        target_levels: Set(stored.levels),
        target_cohort: Set(stored.cohort),
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
            detail: json!({ "title": task.title, "kind": task.kind.as_str() }),
        },
    )
    .await?;
    txn.commit().await?;
    detail_of(&services.db, task).await
}

/// Changes to a task. A draft takes any field; a published task only what cannot mislead.
#[derive(Debug, Clone)]
pub enum TaskChange {
    Draft { fields: TaskFields, target: Target },
    Published(PublishedEdit),
}

/// Change a task. Counselors told of a published task and not done with it get one notice of a
/// correction or later deadline, `change_merge` later (changes in between join it).
pub async fn update(
    services: &Services,
    actor: &Actor,
    id: i32,
    change: TaskChange,
    change_merge: TimeDelta,
    meta: &RequestMeta,
) -> AppResult<TaskDetail> {
    let txn = services.db.begin().await?;
    let task = managed_task(&txn, actor, id).await?;
    let status = task.status;
    let now = Utc::now();
    let before = json!({ "content": task.content, "deadline": task.deadline });
    let mut active: tasks::ActiveModel = task.clone().into();
    let detail = match (status, change) {
        (TaskStatus::Draft, TaskChange::Draft { fields, target }) => {
            target_patterns(&txn, actor, &target).await?;
            let stored = target_columns(&target);
            active.kind = Set(fields.kind);
            active.title = Set(fields.title);
            active.content = Set(fields.content);
            active.link = Set(fields.link);
            active.confidential = Set(fields.confidential);
            active.deadline = Set(fields.deadline);
            active.starts_at = Set(fields.live.map(|w| w.starts_at));
            active.ends_at = Set(fields.live.map(|w| w.ends_at));
            active.target_unit_ids = Set(stored.unit_ids);
            active.target_levels = Set(stored.levels);
            active.target_cohort = Set(stored.cohort);
            json!({ "draft": true })
        }
        (TaskStatus::Published, TaskChange::Published(edit)) => {
            if edit.is_empty() {
                return Err(Invalid::new("content", "没有要修改的内容").into());
            }
            let changes = TaskChanges {
                content: edit.content.as_ref().is_some_and(|c| *c != task.content),
                deadline: edit.deadline.is_some_and(|d| d != task.deadline),
            };
            if let Some(content) = &edit.content {
                active.content = Set(content.clone());
            }
            if let Some(deadline) = edit.deadline {
                active.deadline = Set(deadline);
                // Queued notices follow the task's new place in the queue.
                push::move_deadline(&txn, task.id, deadline).await?;
            }
            let mut change_notices = 0;
            if !changes.is_empty() {
                push::merge_into_queued_changes(&txn, task.id, changes).await?;
                let notice = TaskNotice::changed(changes, now, change_merge);
                change_notices = push::enqueue_for_task(&txn, &task, notice, now).await?;
            }
            json!({ "before": before, "content_changed": edit.content.is_some(),
                    "deadline": edit.deadline, "change_notices": change_notices })
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
        .col_expr(tasks::Column::Status, Expr::value(TaskStatus::Published))
        .col_expr(tasks::Column::PublishedAt, Expr::value(now))
        .col_expr(tasks::Column::UpdatedAt, Expr::value(now))
        .filter(tasks::Column::Id.eq(task.id))
        .filter(tasks::Column::Status.eq(TaskStatus::Draft))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(Conflict::TaskNotDraft.into());
    }
    let target = target_of(&task)?;
    let patterns = target_patterns(&txn, actor, &target).await?;
    let assigned = insert_assignments(&txn, actor, &task, &patterns, &target, now).await?;
    if assigned == 0 {
        let message = match target.cohort {
            Some(cohort) => format!("所选范围内没有{}届的辅导员，无法发布", cohort.year()),
            None => "所选范围内没有辅导员，无法发布".to_string(),
        };
        return Err(Invalid::new("unit_ids", message).into());
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
    target: &Target,
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
        .cond_where(matching_counselors(actor, patterns, target));
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

/// What withdrawing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Withdrawal {
    /// Unsent notices (the task's, reminders, changes) that will not go out.
    pub cancelled: u64,
    /// Withdrawal notices queued: counselors told of the task and not done with it.
    pub told: u64,
}

/// Withdraw a published task: counselors stop seeing it, its unsent notices are cancelled, and
/// those told of it and not done hear that it is off.
pub async fn withdraw(
    services: &Services,
    actor: &Actor,
    id: i32,
    meta: &RequestMeta,
) -> AppResult<Withdrawal> {
    let txn = services.db.begin().await?;
    let task = managed_task(&txn, actor, id).await?;
    let now = Utc::now();
    let changed = tasks::Entity::update_many()
        .col_expr(tasks::Column::Status, Expr::value(TaskStatus::Withdrawn))
        .col_expr(tasks::Column::WithdrawnAt, Expr::value(now))
        .col_expr(tasks::Column::UpdatedAt, Expr::value(now))
        .filter(tasks::Column::Id.eq(task.id))
        .filter(tasks::Column::Status.eq(TaskStatus::Published))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(Conflict::WithdrawUnpublished.into());
    }
    let cancelled = push::cancel_for_task(&txn, task.id, "任务已撤回", now).await?;
    // Those told of the task and not done hear that it is off.
    let told = push::enqueue_for_task(&txn, &task, TaskNotice::withdrawn(now), now).await?;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "task.withdraw",
            target_type: "task",
            target_id: Some(task.id.to_string()),
            org_path: &task.org_path,
            detail: json!({ "cancelled_notices": cancelled, "withdrawal_notices": told }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Withdrawal { cancelled, told })
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
        .filter(tasks::Column::Status.eq(TaskStatus::Draft))
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
