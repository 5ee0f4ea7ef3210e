//! TEMPLATESENDJOBFINISH: WeChat's report of whether a template message reached the user.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::bot::context::BotCtx;
use crate::bot::router::Captures;
use crate::error::AppResult;
use crate::service::tasks::notices;
use crate::wechat::message::{Delivery, Event, Kind};
use crate::wechat::reply::Reply;

pub async fn template_finished(ctx: Arc<BotCtx>, _: Captures) -> AppResult<Option<Reply>> {
    let Kind::Event(Event::TemplateSendJobFinish { msg_id, status }) = &ctx.incoming.kind else {
        return Ok(None);
    };
    let delivery = match status {
        Delivery::Delivered => "delivered".to_string(),
        Delivery::UserBlock => "failed_user_block".to_string(),
        Delivery::SystemFailed => "failed_system".to_string(),
        Delivery::Other(raw) if raw.is_empty() => "failed_unknown".to_string(),
        Delivery::Other(raw) => raw.clone(),
    };
    let at = DateTime::<Utc>::from_timestamp(ctx.incoming.create_time as i64, 0)
        .unwrap_or_else(Utc::now);
    let known = notices::record_delivery(ctx.services(), *msg_id, &delivery, at).await?;
    if !known {
        tracing::debug!(
            msg_id,
            "delivery report for a message this system did not send"
        );
    }
    Ok(None)
}
