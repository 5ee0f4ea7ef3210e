//! Audit log of admin writes: who, what, target, when, from where.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::Value;

use super::{RequestMeta, Services};
use crate::db::entities::audit_log;
use crate::domain::page::{Page, PageRequest};
use crate::domain::scope::Actor;
use crate::error::{AppError, AppResult};

/// One entry to write. `org_path` is where the target lives, which decides who may read it.
pub struct Entry<'a> {
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: Option<String>,
    pub org_path: &'a str,
    pub detail: Value,
}

pub async fn record<C: ConnectionTrait>(
    conn: &C,
    actor: Option<&Actor>,
    meta: &RequestMeta,
    entry: Entry<'_>,
) -> AppResult<()> {
    audit_log::ActiveModel {
        actor_id: Set(actor.map(|a| a.account_id)),
        actor_name: Set(actor
            .map(|a| format!("{}({})", a.name, a.username))
            .unwrap_or_else(|| "system".to_string())),
        action: Set(entry.action.to_string()),
        target_type: Set(entry.target_type.to_string()),
        target_id: Set(entry.target_id),
        org_path: Set(entry.org_path.to_string()),
        detail: Set(entry.detail.to_string()),
        ip: Set(meta.ip.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub target_type: Option<String>,
    pub actor_id: Option<i32>,
}

/// Entries about targets inside the actor's subtree, newest first. Admins only.
pub async fn list(
    services: &Services,
    actor: &Actor,
    filter: AuditFilter,
    page: PageRequest,
) -> AppResult<Page<audit_log::Model>> {
    if !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut query =
        audit_log::Entity::find().filter(audit_log::Column::OrgPath.like(actor.subtree_pattern()));
    if let Some(action) = filter.action {
        query = query.filter(audit_log::Column::Action.eq(action));
    }
    if let Some(target_type) = filter.target_type {
        query = query.filter(audit_log::Column::TargetType.eq(target_type));
    }
    if let Some(actor_id) = filter.actor_id {
        query = query.filter(audit_log::Column::ActorId.eq(actor_id));
    }
    let total = query.clone().count(&services.db).await?;
    let items = query
        .order_by_desc(audit_log::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(&services.db)
        .await?;
    Ok(Page::new(items, page, total))
}
