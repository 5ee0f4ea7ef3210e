//! 就业资讯: publishing (admins, within their scope) and reading (everyone, what reaches them).

use chrono::{DateTime, Utc};
use salvo::oapi::extract::{JsonBody, PathParam};
use salvo::oapi::{ToParameters, ToSchema};
use salvo::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::news::NewsFields;
use crate::domain::page::{Page, PageRequest};
use crate::http::auth::{actor, meta};
use crate::http::error::ApiResult;
use crate::http::state::AppState;
use crate::service::news::{self as service, page_url, NewsItem};

#[derive(Debug, Serialize, ToSchema)]
pub struct NewsView {
    pub id: i32,
    pub title: String,
    pub summary: String,
    pub cover_url: Option<String>,
    /// The article elsewhere, when the item is a link.
    pub link_url: Option<String>,
    /// Plain text with paragraphs, when the item is written here.
    pub body: Option<String>,
    /// The publishing unit.
    pub org_unit_id: i32,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub withdrawn: bool,
    /// The web page that shows the item (what chat replies link to).
    pub page_url: String,
}

impl NewsView {
    pub fn new(item: NewsItem, public_url: &str) -> Self {
        Self {
            page_url: page_url(public_url, &item),
            id: item.id,
            title: item.title,
            summary: item.summary,
            cover_url: item.cover_url,
            link_url: item.link_url,
            body: item.body,
            org_unit_id: item.org_unit_id,
            published_at: item.published_at,
            updated_at: item.updated_at,
            withdrawn: item.withdrawn_at.is_some(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewsPage {
    pub items: Vec<NewsView>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

impl NewsPage {
    fn new(page: Page<NewsItem>, public_url: &str) -> Self {
        let page = page.map(|item| NewsView::new(item, public_url));
        Self {
            items: page.items,
            page: page.page,
            per_page: page.per_page,
            total: page.total,
        }
    }
}

#[derive(Debug, Deserialize, ToParameters)]
#[salvo(parameters(default_parameter_in = Query))]
pub struct NewsQuery {
    /// Admins: true lists every item published in their scope (withdrawn ones too) instead of
    /// what reaches them.
    pub managed: Option<bool>,
    /// From 1 (at most 10000).
    #[salvo(parameter(value_type = Option<u64>))]
    pub page: Option<String>,
    /// 1 to 100 (default 20).
    #[salvo(parameter(value_type = Option<u64>))]
    pub per_page: Option<String>,
}

/// Items reaching the caller (their unit's and those above), newest first.
#[endpoint(tags("news"))]
pub async fn list(query: NewsQuery, depot: &mut Depot) -> ApiResult<Json<NewsPage>> {
    let state = AppState::from_depot(depot)?;
    let page = PageRequest::parse(query.page.as_deref(), query.per_page.as_deref())?;
    let actor = actor(depot)?;
    let items = if query.managed.unwrap_or(false) {
        service::managed(&state.services, actor, page).await?
    } else {
        service::feed(&state.services, actor, page).await?
    };
    Ok(Json(NewsPage::new(
        items,
        &state.settings.server.public_url,
    )))
}

#[endpoint(tags("news"))]
pub async fn get(id: PathParam<i32>, depot: &mut Depot) -> ApiResult<Json<NewsView>> {
    let state = AppState::from_depot(depot)?;
    let item = service::get(&state.services, actor(depot)?, id.into_inner()).await?;
    Ok(Json(NewsView::new(item, &state.settings.server.public_url)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewsRequest {
    /// 1–64 characters.
    pub title: String,
    /// Up to 120 characters; taken from the body when absent.
    pub summary: Option<String>,
    /// https image shown in chat replies and the list.
    pub cover_url: Option<String>,
    /// Either a link to the article…
    pub link_url: Option<String>,
    /// …or the text itself (up to 20 000 characters).
    pub body: Option<String>,
    /// Publish for a unit inside the admin's scope (default: their own unit).
    pub unit_id: Option<i32>,
}

impl NewsRequest {
    fn fields(&self) -> Result<NewsFields, crate::domain::Invalid> {
        NewsFields::parse(
            &self.title,
            self.summary.as_deref(),
            self.cover_url.as_deref(),
            self.link_url.as_deref(),
            self.body.as_deref(),
        )
    }
}

/// Publish an item to every account under the unit.
#[endpoint(tags("news"), status_codes(201))]
pub async fn create(
    body: JsonBody<NewsRequest>,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<Json<NewsView>> {
    let state = AppState::from_depot(depot)?;
    let request = body.into_inner();
    let fields = request.fields()?;
    let item = service::publish(
        &state.services,
        actor(depot)?,
        request.unit_id,
        fields,
        &meta(depot),
    )
    .await?;
    res.status_code(StatusCode::CREATED);
    Ok(Json(NewsView::new(item, &state.settings.server.public_url)))
}

/// Replace an item's title, summary, cover and content.
#[endpoint(tags("news"))]
pub async fn update(
    id: PathParam<i32>,
    body: JsonBody<NewsRequest>,
    depot: &mut Depot,
) -> ApiResult<Json<NewsView>> {
    let state = AppState::from_depot(depot)?;
    let fields = body.into_inner().fields()?;
    let item = service::update(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        fields,
        &meta(depot),
    )
    .await?;
    Ok(Json(NewsView::new(item, &state.settings.server.public_url)))
}

/// Withdraw an item: readers no longer see it.
#[endpoint(tags("news"), status_codes(204))]
pub async fn withdraw(id: PathParam<i32>, depot: &mut Depot, res: &mut Response) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    service::withdraw(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        &meta(depot),
    )
    .await?;
    res.status_code(StatusCode::NO_CONTENT);
    Ok(())
}
