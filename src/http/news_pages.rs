//! The web pages chat replies link to: one news item, and the list reaching a unit. Plain
//! server-rendered HTML for WeChat's in-app browser, no script. News is public information.

use salvo::oapi::extract::{PathParam, QueryParam};
use salvo::prelude::*;

use crate::domain::org::OrgPath;
use crate::http::error::ApiResult;
use crate::http::state::AppState;
use crate::service::news as service;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn document(title: &str, content: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>\
         body{{font-family:-apple-system,'PingFang SC',sans-serif;margin:0;padding:16px;color:#222;line-height:1.7}}\
         h1{{font-size:20px;margin:0 0 8px}}.meta{{color:#888;font-size:13px;margin-bottom:16px}}\
         img.cover{{width:100%;border-radius:6px;margin-bottom:12px}}p{{margin:0 0 12px}}\
         ul{{list-style:none;padding:0;margin:0}}li{{padding:12px 0;border-bottom:1px solid #eee}}\
         li a{{color:#222;text-decoration:none;font-weight:600}}li .summary{{color:#666;font-size:14px}}\
         </style></head><body>{}</body></html>",
        escape(title),
        content
    )
}

fn beijing_date(item: &service::NewsItem) -> String {
    (item.published_at + chrono::Duration::hours(8))
        .format("%Y-%m-%d")
        .to_string()
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
    let mut content = format!(
        "<h1>{}</h1><div class=\"meta\">{}</div>",
        escape(&item.title),
        beijing_date(&item)
    );
    if let Some(cover) = &item.cover_url {
        content.push_str(&format!(
            "<img class=\"cover\" src=\"{}\" alt=\"\">",
            escape(cover)
        ));
    }
    for paragraph in item.body.as_deref().unwrap_or_default().split('\n') {
        let paragraph = paragraph.trim();
        if !paragraph.is_empty() {
            content.push_str(&format!("<p>{}</p>", escape(paragraph)));
        }
    }
    res.render(Text::Html(document(&item.title, &content)));
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
    let mut content = String::from("<h1>就业资讯</h1><ul>");
    if items.is_empty() {
        content.push_str("<li>暂无资讯</li>");
    }
    for item in &items {
        content.push_str(&format!(
            "<li><a href=\"{}\">{}</a><div class=\"meta\">{}</div><div class=\"summary\">{}</div></li>",
            escape(&service::page_url(public_url, item)),
            escape(&item.title),
            beijing_date(item),
            escape(&item.summary)
        ));
    }
    content.push_str("</ul>");
    res.render(Text::Html(document("就业资讯", &content)));
    Ok(())
}
