//! Events that need no reply: acknowledged with `success`.

use std::sync::Arc;

use crate::bot::context::BotCtx;
use crate::error::AppResult;
use crate::wechat::reply::Reply;

pub async fn acknowledge(_ctx: Arc<BotCtx>) -> AppResult<Option<Reply>> {
    Ok(None)
}
