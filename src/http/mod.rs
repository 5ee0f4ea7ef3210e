//! salvo wiring: routes, hoops, OpenAPI. Nothing else in the crate imports `http`.

pub mod api;
pub mod auth;
pub mod error;
pub mod news_pages;
pub mod request_meta;
pub mod state;
pub mod template_file;
pub mod upload;
pub mod wechat_callback;

use std::time::Duration;

use salvo::affix_state;
use salvo::catch_panic::CatchPanic;
use salvo::catcher::Catcher;
use salvo::logging::Logger;
use salvo::oapi::security::{Http, HttpAuthScheme, SecurityScheme};
use salvo::oapi::{OpenApi, SecurityRequirement};
use salvo::prelude::*;
use salvo::request_id::RequestId;
use salvo::timeout::Timeout;
use salvo_oapi::scalar::Scalar;

use api::{accounts, audit, employment, health, my_tasks, org, tasks};
use state::AppState;

/// The whole HTTP service: routes, shared state and the JSON error catcher.
pub fn service(state: AppState, gateway: std::sync::Arc<wechat_callback::Gateway>) -> Service {
    let timeout = Duration::from_secs(state.settings.server.request_timeout_secs);

    let me = Router::with_path("me")
        .get(api::auth::me)
        .push(Router::with_path("password").post(api::auth::change_password))
        .push(Router::with_path("mini-link").delete(api::auth::unlink_mini));
    let bind_code = Router::with_path("me/bind-code")
        .hoop(auth::require_password_changed)
        .post(api::wechat::bind_code);

    let admin = Router::new()
        .hoop(auth::require_password_changed)
        .push(
            Router::with_path("org/units")
                .get(org::list_units)
                .post(org::create_unit)
                .push(
                    Router::with_path("{id}").get(org::get_unit).push(
                        Router::with_path("majors")
                            .get(org::list_majors)
                            .post(org::add_major)
                            .push(
                                Router::with_path("{major_id}")
                                    .patch(org::rename_major)
                                    .push(Router::with_path("merge").post(org::merge_major)),
                            ),
                    ),
                ),
        )
        .push(
            Router::with_path("accounts")
                .get(accounts::list)
                .post(accounts::create)
                .push(Router::with_path("import-template").get(api::account_import::template))
                .push(
                    Router::with_path("{id}")
                        .get(accounts::get)
                        .patch(accounts::update)
                        .push(Router::with_path("disable").post(accounts::disable))
                        .push(Router::with_path("enable").post(accounts::enable))
                        .push(Router::with_path("reset-password").post(accounts::reset_password))
                        .push(Router::with_path("unlock").post(api::auth::unlock)),
                ),
        )
        .push(Router::with_path("audit").get(audit::list))
        .push(Router::with_path("employment/template").get(employment::template))
        .push(
            Router::with_path("employment/stats")
                .get(api::employment_stats::scope)
                .push(Router::with_path("export").get(api::employment_stats::export)),
        )
        .push(Router::with_path("employment/diagnostics").get(employment::diagnostics))
        .push(Router::with_path("my/employment-stats").get(api::employment_stats::mine))
        .push(
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
                            Router::with_path("attachments")
                                .get(api::attachments::list)
                                .push(
                                    Router::with_path("{attachment_id}")
                                        .get(api::attachments::download)
                                        .delete(api::attachments::remove),
                                ),
                        )
                        .push(
                            Router::with_path("progress")
                                .get(tasks::progress_of)
                                .push(Router::with_path("pending").get(tasks::pending))
                                .push(Router::with_path("export").get(tasks::export)),
                        ),
                ),
        )
        .push(
            Router::with_path("news")
                .get(api::news::list)
                .post(api::news::create)
                .push(
                    Router::with_path("{id}")
                        .get(api::news::get)
                        .put(api::news::update)
                        .delete(api::news::withdraw),
                ),
        )
        .push(
            Router::with_path("my/tasks").get(my_tasks::list).push(
                Router::with_path("{id}")
                    .get(my_tasks::get)
                    .push(Router::with_path("complete").post(my_tasks::complete))
                    .push(Router::with_path("sign-in").post(my_tasks::sign_in)),
            ),
        )
        .push(
            Router::with_path("wechat/follow-status")
                .get(api::wechat::follow_status)
                .push(Router::with_path("counselors").get(api::wechat::follow_status_list)),
        );

    let protected = Router::new()
        .hoop(auth::require_session)
        .push(Router::with_path("auth/logout").post(api::auth::logout))
        .push(me)
        .push(bind_code)
        .push(admin);

    let api_v1 = Router::with_path("api/v1")
        .hoop(auth::limit_body)
        .push(Router::with_path("auth/login").post(api::auth::login))
        .push(Router::with_path("auth/wx-login").post(api::wechat::wx_login))
        .push(
            Router::with_path("share/{token}")
                .get(my_tasks::share_view)
                .push(
                    Router::with_path("attachments/{attachment_id}")
                        .get(api::attachments::shared_download),
                ),
        )
        .push(protected);

    let callback_path = state
        .settings
        .wechat
        .callback_path
        .trim_start_matches('/')
        .to_string();
    // Uploads carry their own size limit (`server.upload_limit_mib`), not the JSON body limit.
    let uploads = Router::with_path("api/v1/employment/imports")
        .hoop(auth::require_session)
        .hoop(auth::require_password_changed)
        .get(employment::history)
        .post(employment::import)
        .push(Router::with_path("{id}").get(employment::run_status));

    let attachment_uploads = Router::with_path("api/v1/tasks/{id}/attachments")
        .hoop(auth::require_session)
        .hoop(auth::require_password_changed)
        .post(api::attachments::upload);

    let account_uploads = Router::with_path("api/v1/accounts/imports")
        .hoop(auth::require_session)
        .hoop(auth::require_password_changed)
        .post(api::account_import::import);

    let routes = Router::new()
        .push(uploads)
        .push(account_uploads)
        .push(attachment_uploads)
        .push(
            Router::with_path("news")
                .get(news_pages::news_list)
                .push(Router::with_path("{id}").get(news_pages::news_item)),
        )
        .push(Router::with_path("healthz").get(health::healthz))
        .push(Router::with_path("readyz").get(health::readyz))
        .push(api_v1);
    // The callback is WeChat's, not part of the documented JSON API.
    let callback = Router::with_path(callback_path)
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
        .hoop(Logger::new())
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
