//! Events that need no reply: acknowledged with `success`.

use std::sync::Arc;

use crate::bot::context::BotCtx;
use crate::bot::router::Captures;
use crate::error::AppResult;
use crate::wechat::reply::Reply;

pub async fn acknowledge(_: Arc<BotCtx>, _: Captures) -> AppResult<Option<Reply>> {
    Ok(None)
}
