//! Files attached to a task: uploaded by its publisher, read by the admins who follow the task
//! and the counselors it reached, and by students through the share link unless the task is
//! confidential.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::db::entities::{task_attachments, tasks as task_rows};
use crate::domain::attachment;
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::domain::task::TaskStatus;
use crate::error::{AppError, AppResult, Conflict};
use crate::service::{
    audit, tasks, tasks::counselor as my_tasks, tasks::share, RequestMeta, Services,
};
use crate::storage::StorageError;

/// An upload's bounds, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: u64,
    pub per_task: u64,
}

/// A stored file as the API and the share page describe it (where its bytes live stays here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: i32,
    pub task_id: i32,
    pub filename: String,
    /// The type found in the content, not the one the name claims.
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

impl From<task_attachments::Model> for Attachment {
    fn from(row: task_attachments::Model) -> Self {
        Self {
            id: row.id,
            task_id: row.task_id,
            filename: row.filename,
            content_type: row.content_type,
            size: row.size,
            sha256: row.sha256,
            created_at: row.created_at,
        }
    }
}

fn storage(error: StorageError) -> AppError {
    AppError::internal(format!("file store: {error}"))
}

async fn rows(services: &Services, task_id: i32) -> AppResult<Vec<Attachment>> {
    Ok(task_attachments::Entity::find()
        .filter(task_attachments::Column::TaskId.eq(task_id))
        .order_by_asc(task_attachments::Column::Id)
        .all(&services.db)
        .await?
        .into_iter()
        .map(Attachment::from)
        .collect())
}

/// The task, if the actor may read it: an admin following it, or a counselor it reached.
async fn readable_task(services: &Services, actor: &Actor, task_id: i32) -> AppResult<()> {
    if actor.role == Role::Counselor {
        my_tasks::ensure_assigned(&services.db, actor, task_id).await
    } else {
        tasks::visible_task(&services.db, actor, task_id)
            .await
            .map(|_| ())
    }
}

pub async fn list(services: &Services, actor: &Actor, task_id: i32) -> AppResult<Vec<Attachment>> {
    readable_task(services, actor, task_id).await?;
    rows(services, task_id).await
}

/// The attachments a share link shows; the link opens only non-confidential published tasks.
pub async fn list_shared(
    services: &Services,
    token: &str,
) -> AppResult<(share::SharedTask, Vec<Attachment>)> {
    let shared = share::open(services, token).await?;
    let files = rows(services, shared.task.id).await?;
    Ok((shared, files))
}

async fn load(
    services: &Services,
    task_id: i32,
    attachment_id: i32,
) -> AppResult<(Attachment, Vec<u8>)> {
    let row = task_attachments::Entity::find_by_id(attachment_id)
        .one(&services.db)
        .await?
        .filter(|row| row.task_id == task_id)
        .ok_or(AppError::not_found("附件"))?;
    let bytes = services
        .files
        .get(&row.storage_key)
        .await
        .map_err(storage)?;
    Ok((row.into(), bytes))
}

pub async fn download(
    services: &Services,
    actor: &Actor,
    task_id: i32,
    attachment_id: i32,
) -> AppResult<(Attachment, Vec<u8>)> {
    readable_task(services, actor, task_id).await?;
    load(services, task_id, attachment_id).await
}

/// A download through the share link: refused for confidential tasks like the link itself.
pub async fn download_shared(
    services: &Services,
    token: &str,
    attachment_id: i32,
) -> AppResult<(Attachment, Vec<u8>)> {
    let shared = share::open(services, token).await?;
    load(services, shared.task.id, attachment_id).await
}

fn editable(task: &task_rows::Model) -> AppResult<()> {
    if task.status == TaskStatus::Withdrawn {
        return Err(Conflict::AttachmentsOfWithdrawnTask.into());
    }
    Ok(())
}

fn too_many(limits: Limits) -> AppError {
    Conflict::TooManyAttachments {
        per_task: limits.per_task,
    }
    .into()
}

/// Count and insert in one transaction that holds the task row's lock (`FOR UPDATE` on
/// PostgreSQL and MySQL; SQLite runs on one pooled connection, so its transactions already
/// take turns): parallel uploads to one task queue here, and each sees the others' rows.
async fn insert_within_limit(
    services: &Services,
    task_id: i32,
    limits: Limits,
    model: task_attachments::ActiveModel,
) -> AppResult<task_attachments::Model> {
    let txn = services.db.begin().await?;
    let task = task_rows::Entity::find_by_id(task_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::not_found("任务"))?;
    // Withdrawn while the file was being stored.
    editable(&task)?;
    let count = task_attachments::Entity::find()
        .filter(task_attachments::Column::TaskId.eq(task_id))
        .count(&txn)
        .await?;
    if count >= limits.per_task {
        return Err(too_many(limits));
    }
    let row = model.insert(&txn).await?;
    txn.commit().await?;
    Ok(row)
}

/// Attach a file to a task published (or drafted) by the actor's unit.
pub async fn upload(
    services: &Services,
    actor: &Actor,
    task_id: i32,
    name: &str,
    bytes: &[u8],
    limits: Limits,
    meta: &RequestMeta,
) -> AppResult<Attachment> {
    let task = tasks::managed_task(&services.db, actor, task_id).await?;
    editable(&task)?;
    let accepted = attachment::accept(name, bytes, limits.max_bytes)?;
    // A cheap early refusal; the count that decides is taken again under the lock below.
    let count = task_attachments::Entity::find()
        .filter(task_attachments::Column::TaskId.eq(task.id))
        .count(&services.db)
        .await?;
    if count >= limits.per_task {
        return Err(too_many(limits));
    }
    let key = format!(
        "attachments/{}/{}",
        task.id,
        crate::infra::random::hex_token::<16>()
    );
    services.files.put(&key, bytes).await.map_err(storage)?;
    let model = task_attachments::ActiveModel {
        task_id: Set(task.id),
        filename: Set(accepted.filename.clone()),
        content_type: Set(accepted.kind.content_type().to_string()),
        size: Set(bytes.len() as i64),
        sha256: Set(hex::encode(Sha256::digest(bytes))),
        storage_key: Set(key.clone()),
        uploaded_by: Set(actor.account_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    let row = match insert_within_limit(services, task.id, limits, model).await {
        Ok(row) => row,
        Err(error) => {
            // Refused or failed: no row points at the file, so it goes rather than leaks.
            if let Err(store_error) = services.files.delete(&key).await {
                tracing::warn!(task_id = task.id, %store_error, "refused attachment file not removed");
            }
            return Err(error);
        }
    };
    audit::record(
        &services.db,
        Some(actor),
        meta,
        audit::Entry {
            action: "task.attachment.add",
            target_type: "task",
            target_id: Some(task.id.to_string()),
            org_path: &task.org_path,
            detail: json!({ "attachment_id": row.id, "filename": row.filename, "size": row.size }),
        },
    )
    .await?;
    Ok(row.into())
}

pub async fn remove(
    services: &Services,
    actor: &Actor,
    task_id: i32,
    attachment_id: i32,
    meta: &RequestMeta,
) -> AppResult<()> {
    let task = tasks::managed_task(&services.db, actor, task_id).await?;
    editable(&task)?;
    let row = task_attachments::Entity::find_by_id(attachment_id)
        .one(&services.db)
        .await?
        .filter(|row| row.task_id == task.id)
        .ok_or(AppError::not_found("附件"))?;
    task_attachments::Entity::delete_by_id(row.id)
        .exec(&services.db)
        .await?;
    if let Err(error) = services.files.delete(&row.storage_key).await {
        // The row is gone, so nobody can reach the file; an operator can sweep it.
        tracing::warn!(attachment_id = row.id, %error, "attachment file not removed");
    }
    audit::record(
        &services.db,
        Some(actor),
        meta,
        audit::Entry {
            action: "task.attachment.remove",
            target_type: "task",
            target_id: Some(task.id.to_string()),
            org_path: &task.org_path,
            detail: json!({ "attachment_id": row.id, "filename": row.filename }),
        },
    )
    .await
}
