//! 就业资讯: admins publish items to their unit's subtree; every account reads the items of its
//! own unit and the units above it. Items are public information (like the official account's
//! articles): the chat links to a page anyone with the link can open.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use crate::db::entities::{news, org_units};
use crate::domain::news::NewsFields;
use crate::domain::org::OrgPath;
use crate::domain::page::{Page, PageRequest};
use crate::domain::scope::Actor;
use crate::error::{AppError, AppResult};
use crate::service::{audit, RequestMeta, Services};

/// A news item as readers, publishers and the pages see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewsItem {
    pub id: i32,
    /// The publishing unit: the item reaches every account in its subtree.
    pub org_unit_id: i32,
    pub title: String,
    pub summary: String,
    pub cover_url: Option<String>,
    pub link_url: Option<String>,
    pub body: Option<String>,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl From<news::Model> for NewsItem {
    fn from(row: news::Model) -> Self {
        Self {
            id: row.id,
            org_unit_id: row.org_unit_id,
            title: row.title,
            summary: row.summary,
            cover_url: row.cover_url,
            link_url: row.link_url,
            body: row.body,
            published_at: row.published_at,
            updated_at: row.updated_at,
            withdrawn_at: row.withdrawn_at,
        }
    }
}

/// Where a reader opens an item: the linked article, or Fudao's page for a written one.
pub fn page_url(public_url: &str, item: &NewsItem) -> String {
    item.link_url
        .clone()
        .unwrap_or_else(|| format!("{}/news/{}", public_url.trim_end_matches('/'), item.id))
}

/// Published, not withdrawn.
fn live() -> Condition {
    Condition::all().add(news::Column::WithdrawnAt.is_null())
}

/// Items that reach a unit: its own and those of every unit above it.
fn reaching(path: &OrgPath) -> Condition {
    live().add(news::Column::OrgPath.is_in(path.lineage()))
}

/// The newest items reaching a unit.
pub async fn latest_for(
    services: &Services,
    path: &OrgPath,
    limit: u64,
) -> AppResult<Vec<NewsItem>> {
    Ok(news::Entity::find()
        .filter(reaching(path))
        .order_by_desc(news::Column::PublishedAt)
        .order_by_desc(news::Column::Id)
        .limit(limit)
        .all(&services.db)
        .await?
        .into_iter()
        .map(NewsItem::from)
        .collect())
}

/// What an account reads: items reaching its unit, newest first.
pub async fn feed(
    services: &Services,
    actor: &Actor,
    page: PageRequest,
) -> AppResult<Page<NewsItem>> {
    list(services, reaching(&actor.org_path), page).await
}

/// What an admin manages: every item published in their subtree, withdrawn ones included.
pub async fn managed(
    services: &Services,
    actor: &Actor,
    page: PageRequest,
) -> AppResult<Page<NewsItem>> {
    if !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let condition = Condition::all().add(news::Column::OrgPath.like(actor.subtree_pattern()));
    list(services, condition, page).await
}

async fn list(
    services: &Services,
    condition: Condition,
    page: PageRequest,
) -> AppResult<Page<NewsItem>> {
    let query = news::Entity::find().filter(condition);
    let total = query.clone().count(&services.db).await?;
    let items = query
        .order_by_desc(news::Column::PublishedAt)
        .order_by_desc(news::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(&services.db)
        .await?;
    Ok(Page::new(items, page, total).map(NewsItem::from))
}

/// One item for a reader: it must reach them (or, for admins, lie in their subtree).
pub async fn get(services: &Services, actor: &Actor, id: i32) -> AppResult<NewsItem> {
    news::Entity::find_by_id(id)
        .one(&services.db)
        .await?
        .filter(|item| {
            let reaches =
                item.withdrawn_at.is_none() && actor.org_path.lineage().contains(&item.org_path);
            reaches || actor.covers_unit(&item.org_path)
        })
        .map(NewsItem::from)
        .ok_or(AppError::not_found("资讯"))
}

/// A published item by id, for the public page.
pub async fn public(services: &Services, id: i32) -> AppResult<NewsItem> {
    news::Entity::find_by_id(id)
        .one(&services.db)
        .await?
        .filter(|item| item.withdrawn_at.is_none())
        .map(NewsItem::from)
        .ok_or(AppError::not_found("资讯"))
}

/// The unit a public list page is for.
pub async fn unit_path(services: &Services, unit_id: i32) -> AppResult<OrgPath> {
    org_units::Entity::find_by_id(unit_id)
        .one(&services.db)
        .await?
        .map(|unit| OrgPath::from_db(unit.path))
        .ok_or(AppError::not_found("组织单位"))
}

/// Store a published item; scope is the caller's job.
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    unit: &org_units::Model,
    author_id: i32,
    fields: &NewsFields,
) -> AppResult<news::Model> {
    let now = Utc::now();
    Ok(news::ActiveModel {
        org_unit_id: Set(unit.id),
        org_path: Set(unit.path.clone()),
        author_id: Set(author_id),
        title: Set(fields.title.clone()),
        summary: Set(fields.summary.clone()),
        cover_url: Set(fields.cover_url.clone()),
        link_url: Set(fields.link().map(str::to_string)),
        body: Set(fields.body().map(str::to_string)),
        published_at: Set(now),
        updated_at: Set(now),
        withdrawn_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Publish an item to the admin's unit, or to a unit inside their subtree.
pub async fn publish(
    services: &Services,
    actor: &Actor,
    unit_id: Option<i32>,
    fields: NewsFields,
    meta: &RequestMeta,
) -> AppResult<NewsItem> {
    if !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let unit = crate::service::org::visible_unit(
        &services.db,
        actor,
        unit_id.unwrap_or(actor.org_unit_id),
    )
    .await?;
    let item = insert(&services.db, &unit, actor.account_id, &fields).await?;
    audit::record(
        &services.db,
        Some(actor),
        meta,
        audit::Entry {
            action: "news.publish",
            target_type: "news",
            target_id: Some(item.id.to_string()),
            org_path: &item.org_path,
            detail: json!({ "title": item.title, "org_unit_id": unit.id }),
        },
    )
    .await?;
    Ok(item.into())
}

async fn managed_item(services: &Services, actor: &Actor, id: i32) -> AppResult<news::Model> {
    news::Entity::find_by_id(id)
        .one(&services.db)
        .await?
        .filter(|item| actor.covers_unit(&item.org_path))
        .ok_or(AppError::not_found("资讯"))
}

/// Replace an item's fields; it keeps its place in the feed.
pub async fn update(
    services: &Services,
    actor: &Actor,
    id: i32,
    fields: NewsFields,
    meta: &RequestMeta,
) -> AppResult<NewsItem> {
    let item = managed_item(services, actor, id).await?;
    let mut active: news::ActiveModel = item.into();
    active.title = Set(fields.title.clone());
    active.summary = Set(fields.summary.clone());
    active.cover_url = Set(fields.cover_url.clone());
    active.link_url = Set(fields.link().map(str::to_string));
    active.body = Set(fields.body().map(str::to_string));
    active.updated_at = Set(Utc::now());
    let item = active.update(&services.db).await?;
    audit::record(
        &services.db,
        Some(actor),
        meta,
        audit::Entry {
            action: "news.update",
            target_type: "news",
            target_id: Some(item.id.to_string()),
            org_path: &item.org_path,
            detail: json!({ "title": item.title }),
        },
    )
    .await?;
    Ok(item.into())
}

/// Take an item down: readers no longer see it, its page answers 404, the admin's list keeps it.
pub async fn withdraw(
    services: &Services,
    actor: &Actor,
    id: i32,
    meta: &RequestMeta,
) -> AppResult<()> {
    let item = managed_item(services, actor, id).await?;
    if item.withdrawn_at.is_some() {
        return Ok(());
    }
    let mut active: news::ActiveModel = item.clone().into();
    active.withdrawn_at = Set(Some(Utc::now()));
    active.update(&services.db).await?;
    audit::record(
        &services.db,
        Some(actor),
        meta,
        audit::Entry {
            action: "news.withdraw",
            target_type: "news",
            target_id: Some(item.id.to_string()),
            org_path: &item.org_path,
            detail: json!({ "title": item.title }),
        },
    )
    .await
}
