//! `资讯` and the 就业资讯 menu: the newest items reaching the sender as a news reply.

use std::sync::Arc;

use crate::bot::context::BotCtx;
use crate::bot::router::Captures;
use crate::domain::org::OrgPath;
use crate::error::AppResult;
use crate::service::{news, org};
use crate::wechat::reply::{Article, Reply};

/// A menu click may show up to 8 articles: the newest 7 and the way to the whole list.
const MENU_ITEMS: u64 = 7;

/// Behind `PasswordSettled`: anyone may read the ministry's news, but not as an account whose
/// password was reset.
pub async fn latest(ctx: Arc<BotCtx>, _: Captures) -> AppResult<Option<Reply>> {
    // Without a bound account: what the ministry publishes reaches everyone.
    let (path, unit_id) = match &ctx.sender {
        Some(sender) => (sender.actor.org_path.clone(), sender.actor.org_unit_id),
        None => {
            let root = org::ensure_ministry(&ctx.services().db).await?;
            (OrgPath::from_db(root.path), root.id)
        }
    };
    let from_user = ctx.incoming.kind.is_user_message();
    let limit = if from_user { 1 } else { MENU_ITEMS };
    let items = news::latest_for(ctx.services(), &path, limit).await?;
    let public_url = ctx.links().public_url.trim_end_matches('/').to_string();
    let list_url = format!("{public_url}/news?unit={unit_id}");
    if items.is_empty() {
        return Ok(Some(Reply::Text("暂无就业资讯。".to_string())));
    }
    let mut articles: Vec<Article> = items
        .iter()
        .map(|item| Article {
            title: item.title.clone(),
            description: item.summary.clone(),
            pic_url: item.cover_url.clone().unwrap_or_default(),
            url: news::page_url(&public_url, item),
        })
        .collect();
    if from_user {
        // One article only in reply to a message: the newest, and where the rest are.
        if let Some(first) = articles.first_mut() {
            first.description = format!(
                "{}\n更多资讯：点击菜单“就业资讯”，或打开 {list_url}",
                first.description
            )
            .trim_start()
            .to_string();
        }
    } else {
        articles.push(Article {
            title: "查看全部就业资讯".to_string(),
            description: String::new(),
            pic_url: String::new(),
            url: list_url,
        });
    }
    Ok(Some(Reply::News(articles)))
}
