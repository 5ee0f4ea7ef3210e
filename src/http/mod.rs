//! salvo wiring: routes, hoops, OpenAPI. Nothing else in the crate imports `http`.

pub mod api;
pub mod auth;
pub mod body_errors;
pub mod error;
pub mod news_pages;
pub mod private;
pub mod request_log;
pub mod request_meta;
pub mod state;
pub mod template_file;
pub mod upload;
pub mod wechat_callback;
pub mod xlsx_reply;

use std::time::Duration;

use salvo::affix_state;
use salvo::catch_panic::CatchPanic;
use salvo::catcher::Catcher;
use salvo::oapi::security::{Http, HttpAuthScheme, SecurityScheme};
use salvo::oapi::{OpenApi, SecurityRequirement};
use salvo::prelude::*;
use salvo::request_id::RequestId;
use salvo::size_limiter::max_size;
use salvo::timeout::Timeout;
use salvo_oapi::scalar::Scalar;

use api::{accounts, audit, employment, health, my_tasks, org, tasks};
use state::AppState;

/// The whole HTTP service: routes, shared state and the JSON error catcher.
pub fn service(state: AppState, gateway: std::sync::Arc<wechat_callback::Gateway>) -> Service {
    let timeout = Duration::from_secs(state.settings.server.request_timeout_secs);
    let body_limit = state.settings.server.body_limit_kib.saturating_mul(1024);

    let routes = Router::new()
        .push(upload_routes())
        .push(news_pages())
        .push(Router::with_path("healthz").get(health::healthz))
        .push(Router::with_path("readyz").get(health::readyz))
        .push(json_api(body_limit));
    // The callback is WeChat's, not part of the documented JSON API.
    let callback = Router::with_path(
        state
            .settings
            .wechat
            .callback_path
            .trim_start_matches('/')
            .to_string(),
    )
    .hoop(affix_state::inject(gateway))
    .get(wechat_callback::verify_url)
    .post(wechat_callback::receive);

    let doc = OpenApi::new("Fudao API", env!("CARGO_PKG_VERSION"))
        .add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        )
        .security([SecurityRequirement::new("bearer", Vec::<String>::new())])
        .merge_router(&routes);

    let router = Router::new()
        .hoop(CatchPanic::new())
        .hoop(RequestId::new())
        .hoop(request_log::RequestLog)
        .hoop(Timeout::new(timeout))
        .hoop(affix_state::inject(state))
        .push(routes)
        .push(callback)
        .push(doc.into_router("/api/openapi.json"))
        .push(
            Scalar::new("/api/openapi.json")
                .title("Fudao API")
                .into_router("/api/docs"),
        );

    Service::new(router).catcher(Catcher::new(error::JsonErrors))
}

/// `/api/v1` but the uploads: JSON bodies up to `server.body_limit_kib` (larger ones get 413
/// before they are read; a chunked body is cut off at the limit while being read).
fn json_api(body_limit: u64) -> Router {
    let protected = Router::new()
        .hoop(auth::require_session)
        .push(Router::with_path("auth/logout").post(api::auth::logout))
        .push(me_routes())
        .push(
            // Until the initial password is changed, only /me, the password and logout answer.
            Router::new()
                .hoop(auth::require_password_changed)
                .push(Router::with_path("me/bind-code").post(api::wechat::bind_code))
                .push(news_routes())
                .push(shared_task_routes())
                .push(counselor_routes().hoop(auth::require_counselor))
                .push(
                    Router::new()
                        .hoop(auth::require_admin)
                        .push(org_routes())
                        .push(account_routes())
                        .push(Router::with_path("audit").get(audit::list))
                        .push(employment_routes())
                        .push(task_routes())
                        .push(wechat_routes()),
                ),
        );
    Router::with_path("api/v1")
        .hoop(max_size(body_limit))
        .push(Router::with_path("auth/login").post(api::auth::login))
        .push(
            Router::with_path("auth/password-reset")
                .get(api::auth::password_reset_options)
                .post(api::auth::reset_password_with_code)
                .push(Router::with_path("sms").post(api::auth::send_reset_code_by_sms)),
        )
        .push(Router::with_path("auth/wx-login").post(api::wechat::wx_login))
        .push(
            Router::with_path("share/{token}")
                .get(my_tasks::share_view)
                .push(
                    Router::with_path("attachments/{attachment_id}")
                        .get(api::attachments::shared_download),
                ),
        )
        .push(protected)
}

fn me_routes() -> Router {
    Router::with_path("me")
        .get(api::auth::me)
        .push(Router::with_path("password").post(api::auth::change_password))
        .push(Router::with_path("mini-link").delete(api::auth::unlink_mini))
}

fn org_routes() -> Router {
    Router::with_path("org/units")
        .get(org::list_units)
        .post(org::create_unit)
        .push(
            Router::with_path("{id}")
                .get(org::get_unit)
                .patch(org::rename_unit)
                .delete(org::delete_unit)
                .push(
                    Router::with_path("majors")
                        .get(org::list_majors)
                        .post(org::add_major)
                        .push(
                            Router::with_path("{major_id}")
                                .patch(org::rename_major)
                                .push(Router::with_path("merge").post(org::merge_major)),
                        ),
                ),
        )
}

fn account_routes() -> Router {
    Router::with_path("accounts")
        .get(accounts::list)
        .post(accounts::create)
        .push(Router::with_path("export").get(accounts::export))
        .push(Router::with_path("import-template").get(api::account_import::template))
        .push(Router::with_path("credentials/{token}").get(api::account_import::credentials))
        .push(
            Router::with_path("turnover")
                .post(accounts::turnover)
                .push(Router::with_path("{id}/undo").post(accounts::undo_turnover)),
        )
        .push(
            Router::with_path("{id}")
                .get(accounts::get)
                .patch(accounts::update)
                .push(Router::with_path("disable").post(accounts::disable))
                .push(Router::with_path("enable").post(accounts::enable))
                .push(Router::with_path("reset-password").post(accounts::reset_password))
                .push(Router::with_path("phone").post(accounts::reveal_phone))
                .push(Router::with_path("unlock").post(api::auth::unlock)),
        )
}

/// An admin's employment views: the import template, statistics of a scope, diagnostics.
fn employment_routes() -> Router {
    Router::with_path("employment")
        .push(Router::with_path("template").get(employment::template))
        .push(
            Router::with_path("stats")
                .get(api::employment_stats::scope)
                .push(Router::with_path("export").get(api::employment_stats::export)),
        )
        .push(Router::with_path("diagnostics").get(employment::diagnostics))
}

/// Tasks as their publisher manages them.
fn task_routes() -> Router {
    Router::with_path("tasks")
        .get(tasks::list)
        .post(tasks::create)
        .push(Router::with_path("preview").post(tasks::preview))
        .push(
            Router::with_path("{id}")
                .get(tasks::get)
                .patch(tasks::update)
                .delete(tasks::delete)
                .push(Router::with_path("publish").post(tasks::publish))
                .push(Router::with_path("withdraw").post(tasks::withdraw))
                .push(Router::with_path("remind").post(tasks::remind))
                .push(
                    Router::with_path("attachments/{attachment_id}")
                        .delete(api::attachments::remove),
                )
                .push(
                    Router::with_path("progress")
                        .get(tasks::progress_of)
                        .push(
                            Router::with_path("pending")
                                .get(tasks::pending)
                                .push(Router::with_path("export").get(tasks::pending_export)),
                        )
                        .push(Router::with_path("export").get(tasks::export)),
                ),
        )
}

/// A task's attachments: read by the admins covering the task and the counselors it reached.
fn shared_task_routes() -> Router {
    Router::with_path("tasks/{id}/attachments")
        .get(api::attachments::list)
        .push(Router::with_path("{attachment_id}").get(api::attachments::download))
}

/// News: everyone reads, admins write.
fn news_routes() -> Router {
    let write = || Router::new().hoop(auth::require_admin);
    Router::with_path("news")
        .get(api::news::list)
        .push(write().post(api::news::create))
        .push(
            Router::with_path("{id}")
                .get(api::news::get)
                .push(write().put(api::news::update).delete(api::news::withdraw)),
        )
}

/// What a counselor works on: their tasks and their graduates' figures.
fn counselor_routes() -> Router {
    Router::with_path("my")
        .push(
            Router::with_path("tasks").get(my_tasks::list).push(
                Router::with_path("{id}")
                    .get(my_tasks::get)
                    .push(Router::with_path("complete").post(my_tasks::complete))
                    .push(Router::with_path("sign-in").post(my_tasks::sign_in)),
            ),
        )
        .push(Router::with_path("employment-stats").get(api::employment_stats::mine))
}

/// Who follows the official account, as an admin sees it.
fn wechat_routes() -> Router {
    Router::with_path("wechat")
        .push(
            Router::with_path("follow-status")
                .get(api::wechat::follow_status)
                .push(Router::with_path("counselors").get(api::wechat::follow_status_list)),
        )
        .push(Router::with_path("bind-sms").post(api::wechat::bind_sms))
}

/// Uploads carry their own size limit (`server.upload_limit_mib`), not the JSON body limit.
fn upload_routes() -> Router {
    let admin = || {
        Router::new()
            .hoop(auth::require_session)
            .hoop(auth::require_password_changed)
            .hoop(auth::require_admin)
    };
    Router::new()
        .push(
            admin().push(
                Router::with_path("api/v1/employment/imports")
                    .get(employment::history)
                    .post(employment::import)
                    .push(Router::with_path("{id}").get(employment::run_status)),
            ),
        )
        .push(
            admin().push(
                Router::with_path("api/v1/accounts/imports").post(api::account_import::import),
            ),
        )
        .push(admin().push(
            Router::with_path("api/v1/tasks/{id}/attachments").post(api::attachments::upload),
        ))
}

/// The server-rendered pages chat replies link to.
fn news_pages() -> Router {
    Router::with_path("news")
        .get(news_pages::news_list)
        .push(Router::with_path("{id}").get(news_pages::news_item))
}
