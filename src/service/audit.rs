//! Audit log of admin writes: who, what, target, when, from where.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::Value;

use crate::db::entities::audit_log;
use crate::domain::page::{Page, PageRequest};
use crate::domain::scope::Actor;
use crate::error::{AppError, AppResult};
use crate::service::{RequestMeta, Services};

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
    record_with_id(conn, actor, meta, entry).await.map(|_| ())
}

/// `record`, returning the entry's id (for actions that can be undone by naming it).
pub async fn record_with_id<C: ConnectionTrait>(
    conn: &C,
    actor: Option<&Actor>,
    meta: &RequestMeta,
    entry: Entry<'_>,
) -> AppResult<i64> {
    let row = audit_log::ActiveModel {
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
    Ok(row.id.into())
}

/// A WeChat identity as admins see it: enough to tell two apart, not enough to message or
/// impersonate one. Storage keeps the whole id: whoever investigates a hijack on the database
/// needs the attacker's OpenID, but every admin above the account does not.
pub fn mask_wechat_id(id: &str) -> String {
    const SHOWN: usize = 4;
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= SHOWN * 3 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..SHOWN].iter().collect();
    let tail: String = chars[chars.len() - SHOWN..].iter().collect();
    format!("{head}****{tail}")
}

/// An entry's detail as the API shows it: OpenIDs and UnionIDs masked, at any depth.
pub fn shown_detail(detail: Value) -> Value {
    match detail {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(key, value)| {
                    let value = match value {
                        Value::String(id) if is_wechat_id_key(&key) => {
                            Value::String(mask_wechat_id(&id))
                        }
                        other => shown_detail(other),
                    };
                    (key, value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(shown_detail).collect()),
        other => other,
    }
}

fn is_wechat_id_key(key: &str) -> bool {
    key.ends_with("openid") || key.ends_with("unionid")
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
) -> AppResult<Page<AuditRecord>> {
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
    Ok(Page::new(items, page, total).map(AuditRecord::from))
}

/// An audit entry as an admin reads it: WeChat ids in its detail masked.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub id: i32,
    pub actor_id: Option<i32>,
    pub actor_name: String,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub detail: Value,
    pub ip: Option<String>,
    pub created_at: chrono::DateTime<Utc>,
}

impl From<audit_log::Model> for AuditRecord {
    fn from(entry: audit_log::Model) -> Self {
        Self {
            id: entry.id,
            actor_id: entry.actor_id,
            actor_name: entry.actor_name,
            action: entry.action,
            target_type: entry.target_type,
            target_id: entry.target_id,
            // Written by `record` from a JSON value; text that is not JSON shows as null.
            detail: shown_detail(serde_json::from_str(&entry.detail).unwrap_or(Value::Null)),
            ip: entry.ip,
            created_at: entry.created_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn wechat_ids_are_masked_wherever_they_sit_and_nothing_else_is() {
        let shown = shown_detail(json!({
            "openid": "oTD8i6Wz6jQZPSNJlzQv43ApodvI",
            "previous_openid": null,
            "via": "bind_code",
            "nested": [{ "mp_openid": "o_short", "unionid": "uABCDEFGHIJKLMNOP" }],
        }));
        assert_eq!(shown["openid"], "oTD8****odvI");
        assert_eq!(shown["previous_openid"], Value::Null);
        assert_eq!(shown["via"], "bind_code");
        assert_eq!(shown["nested"][0]["mp_openid"], "*******");
        assert_eq!(shown["nested"][0]["unionid"], "uABC****MNOP");
    }
}
