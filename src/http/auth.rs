//! Hoops: bearer token → session in the depot; the forced-password-change gate.

use salvo::http::header::AUTHORIZATION;
use salvo::prelude::*;

use super::error::ApiError;
use super::request_meta::request_meta;
use super::state::AppState;
use crate::domain::scope::Actor;
use crate::error::AppError;
use crate::service::identity::auth::{self, Session};
use crate::service::RequestMeta;

/// The bearer token of the current request, kept for logout.
#[derive(Clone)]
pub struct BearerToken(pub String);

fn bearer(req: &Request) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= 128)
        .then(|| token.to_string())
}

/// Requires a valid session; puts `Session`, `BearerToken` and `RequestMeta` in the depot.
#[handler]
pub async fn require_session(
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
    ctrl: &mut FlowCtrl,
) {
    let result = async {
        let state = AppState::from_depot(depot)?.clone();
        let token = bearer(req).ok_or(AppError::Unauthenticated)?;
        let session = auth::authenticate(&state.services, &token).await?;
        let meta = request_meta(req, state.settings.server.forwarded_hops());
        Ok::<_, AppError>((session, token, meta))
    }
    .await;
    match result {
        Ok((session, token, meta)) => {
            depot.insert_typed(session);
            depot.insert_typed(BearerToken(token));
            depot.insert_typed(meta);
        }
        Err(error) => {
            ApiError(error).render_into(res);
            ctrl.skip_rest();
        }
    }
}

/// Until the initial password is changed, only /me, password change and logout answer.
#[handler]
pub async fn require_password_changed(depot: &mut Depot, res: &mut Response, ctrl: &mut FlowCtrl) {
    let must_change = depot
        .get_typed::<Session>()
        .map(|session| session.must_change_password)
        .unwrap_or(true);
    if must_change {
        ApiError(AppError::PasswordChangeRequired).render_into(res);
        ctrl.skip_rest();
    }
}

/// Admin areas answer 403 to anyone else before a body is read or a field is checked: whether
/// the caller may ask comes before what they asked.
#[handler]
pub async fn require_admin(depot: &mut Depot, res: &mut Response, ctrl: &mut FlowCtrl) {
    if !actor(depot).is_ok_and(|actor| actor.is_admin()) {
        ApiError(AppError::Forbidden).render_into(res);
        ctrl.skip_rest();
    }
}

/// A counselor's own areas (`/my/...`), the same way.
#[handler]
pub async fn require_counselor(depot: &mut Depot, res: &mut Response, ctrl: &mut FlowCtrl) {
    if !actor(depot).is_ok_and(|actor| actor.role == crate::domain::role::Role::Counselor) {
        ApiError(AppError::Forbidden).render_into(res);
        ctrl.skip_rest();
    }
}

/// The session the auth hoop stored.
pub fn session(depot: &Depot) -> Result<&Session, ApiError> {
    depot
        .get_typed::<Session>()
        .map_err(|_| ApiError(AppError::Unauthenticated))
}

pub fn actor(depot: &Depot) -> Result<&Actor, ApiError> {
    session(depot).map(|s| &s.actor)
}

pub fn meta(depot: &Depot) -> RequestMeta {
    depot
        .get_typed::<RequestMeta>()
        .cloned()
        .unwrap_or_default()
}
