//! WeChat-facing API: the bind code, silent login by `wx.login` code, and the follow-and-bind
//! status of counselors for admins.

use chrono::{DateTime, Utc};
use salvo::oapi::extract::JsonBody;
use salvo::oapi::{ToParameters, ToSchema};
use salvo::prelude::*;
use serde::{Deserialize, Serialize};

use super::auth::TokenResponse;
use crate::domain::page::PageRequest;
use crate::domain::phone::mask;
use crate::domain::Invalid;
use crate::http::auth::{actor, meta};
use crate::http::error::ApiResult;
use crate::http::request_meta::request_meta;
use crate::http::state::AppState;
use crate::service::identity::followers::{self, CounselorStatus, StatusFilter};
use crate::service::identity::{binding, mini_login};

#[derive(Debug, Serialize, ToSchema)]
pub struct BindCodeResponse {
    /// Six digits, valid 10 minutes.
    pub code: String,
    pub expires_at: DateTime<Utc>,
    /// The exact text to send to the official account.
    pub message: String,
}

/// A one-time code that binds the official-account WeChat sending `绑定 <code>` to the caller.
#[endpoint(tags("wechat"))]
pub async fn bind_code(depot: &mut Depot) -> ApiResult<Json<BindCodeResponse>> {
    let state = AppState::from_depot(depot)?;
    let issued = binding::issue_code(&state.services, actor(depot)?).await?;
    Ok(Json(BindCodeResponse {
        message: format!("绑定 {}", issued.code.as_str()),
        code: issued.code.as_str().to_string(),
        expires_at: issued.expires_at,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WxLoginRequest {
    /// The code from `wx.login` in the mini program.
    pub code: String,
}

/// Log in silently with a `wx.login` code once this WeChat has logged in with a password.
#[endpoint(tags("auth"))]
pub async fn wx_login(
    body: JsonBody<WxLoginRequest>,
    req: &mut Request,
    depot: &mut Depot,
) -> ApiResult<Json<TokenResponse>> {
    let state = AppState::from_depot(depot)?;
    let meta = request_meta(req, state.settings.server.forwarded_hops());
    let outcome = mini_login::login(
        &state.services,
        state.mini_login.as_ref(),
        &body.code,
        meta.ip.as_deref(),
    )
    .await?;
    Ok(Json(TokenResponse {
        token: outcome.token.token,
        expires_at: outcome.token.expires_at,
        must_change_password: outcome.account.must_change_password,
    }))
}

#[derive(Debug, Deserialize, ToParameters)]
#[salvo(parameters(default_parameter_in = Query))]
pub struct StatusQuery {
    /// A unit inside the caller's scope (default: the caller's own unit).
    pub org_unit_id: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FollowStatus {
    /// Enabled counselors in scope.
    pub counselors: u64,
    /// Counselors whose official-account WeChat is bound.
    pub bound: u64,
    /// Bound counselors who follow the official account (they receive template messages).
    pub following: u64,
    pub not_bound: u64,
    /// Bound counselors who unfollowed: they receive nothing until they follow again.
    pub unfollowed: u64,
}

/// Follow-and-bind counts for the caller's scope or a unit inside it.
#[endpoint(tags("wechat"))]
pub async fn follow_status(query: StatusQuery, depot: &mut Depot) -> ApiResult<Json<FollowStatus>> {
    let state = AppState::from_depot(depot)?;
    let counts =
        followers::status_counts(&state.services, actor(depot)?, query.org_unit_id).await?;
    Ok(Json(FollowStatus {
        counselors: counts.counselors,
        bound: counts.bound,
        following: counts.following,
        not_bound: counts.not_bound,
        unfollowed: counts.unfollowed,
    }))
}

#[derive(Debug, Deserialize, ToParameters)]
#[salvo(parameters(default_parameter_in = Query))]
pub struct StatusListQuery {
    pub org_unit_id: Option<i32>,
    /// not_bound | unfollowed | following | all (default not_bound)
    pub state: Option<String>,
    /// From 1 (at most 10000).
    #[salvo(parameter(value_type = Option<u64>))]
    pub page: Option<String>,
    /// 1 to 100 (default 20).
    #[salvo(parameter(value_type = Option<u64>))]
    pub per_page: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CounselorStatusView {
    pub id: i32,
    pub name: String,
    /// Masked.
    pub phone: Option<String>,
    pub college_id: i32,
    pub college: String,
    pub bound: bool,
    /// Known only for bound counselors.
    pub following: Option<bool>,
    pub bound_at: Option<DateTime<Utc>>,
}

impl CounselorStatusView {
    fn new(row: CounselorStatus) -> Self {
        let bound = row.oa_openid.is_some();
        Self {
            id: row.id,
            name: row.name,
            phone: row.phone.as_deref().map(mask),
            college_id: row.org_unit_id,
            college: row.college,
            bound,
            following: if bound {
                Some(row.following.unwrap_or(false))
            } else {
                None
            },
            bound_at: row.bound_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CounselorStatusPage {
    pub items: Vec<CounselorStatusView>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// Counselors in scope by follow-and-bind state, to chase those who cannot receive notices.
#[endpoint(tags("wechat"))]
pub async fn follow_status_list(
    query: StatusListQuery,
    depot: &mut Depot,
) -> ApiResult<Json<CounselorStatusPage>> {
    let state = AppState::from_depot(depot)?;
    let filter = match query.state.as_deref().unwrap_or("not_bound") {
        "not_bound" => StatusFilter::NotBound,
        "unfollowed" => StatusFilter::Unfollowed,
        "following" => StatusFilter::Following,
        "all" => StatusFilter::All,
        _ => {
            return Err(Invalid::new(
                "state",
                "state 应为 not_bound、unfollowed、following 或 all",
            )
            .into())
        }
    };
    let page = followers::status_list(
        &state.services,
        actor(depot)?,
        query.org_unit_id,
        filter,
        PageRequest::parse(query.page.as_deref(), query.per_page.as_deref())?,
    )
    .await?;
    let page = page.map(CounselorStatusView::new);
    Ok(Json(CounselorStatusPage {
        items: page.items,
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BindStepsRequest {
    /// Counselors in the caller's scope (at most 500), e.g. a page of the not-bound list.
    pub account_ids: Vec<i32>,
}

/// What a request to text the binding steps did, per counselor named.
#[derive(Debug, Serialize, ToSchema)]
pub struct BindStepsView {
    /// SMS queued.
    pub queued: u64,
    /// Bound already: no SMS.
    pub already_bound: u64,
    /// Texted within the last 24 hours: no second SMS.
    pub sent_today: u64,
    /// No mobile number on the account.
    pub no_phone: u64,
}

/// Text the binding steps to counselors who have not bound WeChat: at most one SMS a day each,
/// through the SMS outbox (needs an SMS provider with the `bind_steps` template).
#[endpoint(tags("wechat"))]
pub async fn bind_sms(
    body: JsonBody<BindStepsRequest>,
    depot: &mut Depot,
) -> ApiResult<Json<BindStepsView>> {
    let state = AppState::from_depot(depot)?;
    let outcome = crate::service::identity::bind_steps::send(
        &state.services,
        actor(depot)?,
        &body.account_ids,
        &meta(depot),
    )
    .await?;
    Ok(Json(BindStepsView {
        queued: outcome.queued,
        already_bound: outcome.already_bound,
        sent_today: outcome.sent_today,
        no_phone: outcome.no_phone,
    }))
}
