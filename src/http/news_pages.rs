//! The web pages chat replies link to: one news item, and the list reaching a unit. Plain
//! server-rendered HTML for WeChat's in-app browser, no script. News is public information.

use maud::{html, Markup, PreEscaped, DOCTYPE};
use salvo::oapi::extract::{PathParam, QueryParam};
use salvo::prelude::*;

use crate::domain::org::OrgPath;
use crate::domain::time;
use crate::http::error::ApiResult;
use crate::http::state::AppState;
use crate::service::news as service;

/// The pages' whole style sheet: no file to fetch in WeChat's browser.
const STYLE: &str = "body{font-family:-apple-system,'PingFang SC',sans-serif;margin:0;padding:16px;color:#222;line-height:1.7}\
h1{font-size:20px;margin:0 0 8px}.meta{color:#888;font-size:13px;margin-bottom:16px}\
img.cover{width:100%;border-radius:6px;margin-bottom:12px}p{margin:0 0 12px}\
ul{list-style:none;padding:0;margin:0}li{padding:12px 0;border-bottom:1px solid #eee}\
li a{color:#222;text-decoration:none;font-weight:600}li .summary{color:#666;font-size:14px}";

/// A page around `content`; every value spliced in by `html!` is escaped.
fn document(title: &str, content: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body { (content) }
        }
    }
    .into_string()
}

fn published_on(item: &service::NewsItem) -> String {
    time::date(item.published_at)
}

fn article(item: &service::NewsItem) -> Markup {
    let body = item.body.as_deref().unwrap_or_default();
    html! {
        h1 { (item.title) }
        div class="meta" { (published_on(item)) }
        @if let Some(cover) = &item.cover_url {
            img class="cover" src=(cover) alt="";
        }
        @for paragraph in body.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
            p { (paragraph) }
        }
    }
}

fn listing(items: &[service::NewsItem], public_url: &str) -> Markup {
    html! {
        h1 { "就业资讯" }
        ul {
            @if items.is_empty() {
                li { "暂无资讯" }
            }
            @for item in items {
                li {
                    a href=(service::page_url(public_url, item)) { (item.title) }
                    div class="meta" { (published_on(item)) }
                    div class="summary" { (item.summary) }
                }
            }
        }
    }
}

/// One written item (a linked item's page sends the reader on to its article).
#[endpoint(tags("news"))]
pub async fn news_item(id: PathParam<i32>, depot: &mut Depot, res: &mut Response) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    let item = service::public(&state.services, id.into_inner()).await?;
    if let Some(link) = &item.link_url {
        res.render(Redirect::found(link.as_str()));
        return Ok(());
    }
    res.render(Text::Html(document(&item.title, article(&item))));
    Ok(())
}

/// The latest items reaching a unit (the ministry's alone without `unit`).
#[endpoint(tags("news"))]
pub async fn news_list(
    unit: QueryParam<i32, false>,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    let path = match unit.into_inner() {
        Some(unit_id) => service::unit_path(&state.services, unit_id).await?,
        None => OrgPath::from_db(
            crate::service::org::ensure_ministry(&state.services.db)
                .await?
                .path,
        ),
    };
    let items = service::latest_for(&state.services, &path, 50).await?;
    let public_url = &state.settings.server.public_url;
    res.render(Text::Html(document(
        "就业资讯",
        listing(&items, public_url),
    )));
    Ok(())
}
