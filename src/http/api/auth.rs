//! Login, logout, the caller's own profile and password change.

use chrono::{DateTime, Utc};
use salvo::oapi::extract::{JsonBody, PathParam};
use salvo::oapi::ToSchema;
use salvo::prelude::*;
use serde::{Deserialize, Serialize};

use super::capabilities::{CapabilitiesView, MeView};
use super::views::AccountView;
use crate::domain::cohort::Cohort;
use crate::domain::outbox::SmsTemplate;
use crate::error::AppError;
use crate::http::auth::{actor, meta, BearerToken};
use crate::http::error::ApiResult;
use crate::http::request_meta::request_meta;
use crate::http::state::AppState;
use crate::service::identity::password_reset::{self, CodeReset};
use crate::service::{
    accounts, identity::auth, identity::login_throttle, identity::mini_link, identity::mini_login,
};

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// Optional `wx.login` code from the mini program: remembered so later logins are silent.
    pub code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    /// When true, every endpoint but /me, /me/password and logout answers `password_change_required`.
    pub must_change_password: bool,
}

/// Log in with username and password.
#[endpoint(tags("auth"))]
pub async fn login(
    body: JsonBody<LoginRequest>,
    req: &mut Request,
    depot: &mut Depot,
) -> ApiResult<Json<TokenResponse>> {
    let state = AppState::from_depot(depot)?;
    let meta = request_meta(req, state.settings.server.forwarded_hops());
    let outcome = auth::login(
        &state.services,
        &body.username,
        &body.password,
        meta.ip.as_deref(),
    )
    .await?;
    mini_login::remember_after_password(
        &state.services,
        state.mini_login.as_ref(),
        outcome.account.id,
        body.code.as_deref(),
    )
    .await;
    Ok(Json(TokenResponse {
        token: outcome.token.token,
        expires_at: outcome.token.expires_at,
        must_change_password: outcome.account.must_change_password,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordResetRequest {
    pub username: String,
    /// The 6-digit code the official account sent in answer to `重置密码`.
    pub code: String,
    /// 8–64 characters with letters and digits.
    pub new_password: String,
}

/// Set a forgotten password with a code from the official account (`重置密码`, ten minutes,
/// five tries). Every session of the account ends; log in with the new password afterwards.
#[endpoint(tags("auth"), status_codes(204))]
pub async fn reset_password_with_code(
    body: JsonBody<PasswordResetRequest>,
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    let meta = request_meta(req, state.settings.server.forwarded_hops());
    password_reset::reset_with_code(
        &state.services,
        CodeReset {
            username: &body.username,
            code: &body.code,
            new_password: &body.new_password,
        },
        &meta,
    )
    .await?;
    res.status_code(StatusCode::NO_CONTENT);
    Ok(())
}

/// How a forgotten password can get its code.
#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordResetOptions {
    /// `重置密码` in the official account: always, for accounts with a bound WeChat.
    pub chat: bool,
    /// A code by SMS to the account's phone (an SMS provider with a `reset_code` template).
    pub sms: bool,
}

/// Which ways to a reset code this server offers (the login page's 忘记密码 asks first).
#[endpoint(tags("auth"))]
pub async fn password_reset_options(depot: &mut Depot) -> ApiResult<Json<PasswordResetOptions>> {
    let state = AppState::from_depot(depot)?;
    Ok(Json(PasswordResetOptions {
        chat: true,
        sms: state.services.notifier.sends(SmsTemplate::ResetCode),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetCodeRequest {
    pub username: String,
}

/// Send a reset code by SMS to the account's phone. The answer is the same whether or not the
/// account exists or has a phone; at most three codes an hour per phone.
#[endpoint(tags("auth"), status_codes(202))]
pub async fn send_reset_code_by_sms(
    body: JsonBody<ResetCodeRequest>,
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    let meta = request_meta(req, state.settings.server.forwarded_hops());
    password_reset::send_code_by_sms(&state.services, &body.username, &meta).await?;
    res.status_code(StatusCode::ACCEPTED);
    Ok(())
}

/// End the current session.
#[endpoint(tags("auth"), status_codes(204))]
pub async fn logout(depot: &mut Depot, res: &mut Response) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    if let Ok(BearerToken(token)) = depot.get_typed::<BearerToken>() {
        auth::logout(&state.services, token).await?;
    }
    res.status_code(StatusCode::NO_CONTENT);
    Ok(())
}

/// The caller's own profile, with what their role may do.
#[endpoint(tags("me"))]
pub async fn me(depot: &mut Depot) -> ApiResult<Json<MeView>> {
    let state = AppState::from_depot(depot)?;
    let detail = accounts::me(&state.services, actor(depot)?).await?;
    Ok(Json(MeView {
        capabilities: CapabilitiesView::of(
            detail.role,
            state.services.notifier.as_ref(),
            Cohort::current(state.services.clock.now()),
        ),
        account: AccountView::new(&detail, true),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub old_password: String,
    /// 8–64 characters with letters and digits.
    pub new_password: String,
    /// Optional `wx.login` code: the mini program that changed the password keeps its silent
    /// login (every other WeChat loses it).
    pub code: Option<String>,
}

/// Change one's own password. Ends every session and silent login (but for the mini program
/// that sends a `wx.login` code with the change), and returns a new token for this device. Wrong old passwords count like failed logins; at the
/// limit this session ends (401).
#[endpoint(tags("me"))]
pub async fn change_password(
    body: JsonBody<ChangePasswordRequest>,
    depot: &mut Depot,
) -> ApiResult<Json<TokenResponse>> {
    let state = AppState::from_depot(depot)?;
    let body = body.into_inner();
    let BearerToken(token) = depot
        .get_typed::<BearerToken>()
        .map_err(|_| AppError::Unauthenticated)?;
    let meta = meta(depot);
    let change = auth::PasswordChange {
        actor: actor(depot)?,
        token,
        client_ip: meta.ip.as_deref(),
    };
    let token = auth::change_password(
        &state.services,
        change,
        &body.old_password,
        &body.new_password,
    )
    .await?;
    mini_login::remember_after_password(
        &state.services,
        state.mini_login.as_ref(),
        change.actor.account_id,
        body.code.as_deref(),
    )
    .await;
    Ok(Json(TokenResponse {
        token: token.token,
        expires_at: token.expires_at,
        must_change_password: false,
    }))
}

/// End silent login from the mini program for one's own account (a shared or lost phone): the
/// next mini-program login needs the password.
#[endpoint(tags("me"), status_codes(204))]
pub async fn unlink_mini(depot: &mut Depot, res: &mut Response) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    mini_link::unlink_own(&state.services, actor(depot)?, &meta(depot)).await?;
    res.status_code(StatusCode::NO_CONTENT);
    Ok(())
}

/// Lift an account's lock after too many wrong passwords, and its waits (audited).
#[endpoint(tags("accounts"))]
pub async fn unlock(id: PathParam<i32>, depot: &mut Depot) -> ApiResult<Json<AccountView>> {
    let state = AppState::from_depot(depot)?;
    let detail = login_throttle::unlock_account(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        &meta(depot),
    )
    .await?;
    Ok(Json(AccountView::new(&detail, true)))
}
