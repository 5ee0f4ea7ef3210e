//! Silent login with a `wx.login` code.

use fudao::wechat::mock::{Injection, MockCode};
use serde_json::json;

use crate::helpers::{world::PASSWORD, Backend, TestApp};

#[tokio::test]
async fn after_a_password_login_with_a_code_later_logins_are_silent() {
    let app = TestApp::spawn(&Backend::Sqlite, |_| {}).await;
    let w = app.world().await;
    app.mock.state.add_code(MockCode {
        code: "first".into(),
        openid: "mp_1".into(),
        unionid: None,
    });
    app.mock.state.add_code(MockCode {
        code: "second".into(),
        openid: "mp_1".into(),
        unionid: None,
    });
    app.mock.state.add_code(MockCode {
        code: "stranger".into(),
        openid: "mp_2".into(),
        unionid: None,
    });

    // Before any password login from this WeChat: not linked.
    let reply = app
        .request(
            reqwest::Method::POST,
            "/api/v1/auth/wx-login",
            None,
            Some(json!({ "code": "stranger" })),
        )
        .await;
    reply.expect_error(404, "wechat_not_linked");

    app.request(
        reqwest::Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({ "username": "13900000005", "password": PASSWORD, "code": "first" })),
    )
    .await
    .expect(200);
    let silent = app
        .request(
            reqwest::Method::POST,
            "/api/v1/auth/wx-login",
            None,
            Some(json!({ "code": "second" })),
        )
        .await
        .expect(200);
    let token = silent["token"].as_str().unwrap();
    let me = app.get("/api/v1/me", token).await.expect(200);
    assert_eq!(me["username"], "13900000005");
    // The session key never reaches the client.
    assert!(!silent.to_string().contains("session"));

    // A used or invalid code is a clear 422; WeChat being down is a 503.
    let used = app
        .request(
            reqwest::Method::POST,
            "/api/v1/auth/wx-login",
            None,
            Some(json!({ "code": "second" })),
        )
        .await;
    used.expect_error(422, "invalid_input");
    app.mock.state.inject(Injection {
        path: "/sns/jscode2session".into(),
        errcode: -1,
        times: 1,
        delay_ms: 0,
    });
    app.mock.state.add_code(MockCode {
        code: "third".into(),
        openid: "mp_1".into(),
        unionid: None,
    });
    let busy = app
        .request(
            reqwest::Method::POST,
            "/api/v1/auth/wx-login",
            None,
            Some(json!({ "code": "third" })),
        )
        .await;
    busy.expect_error(503, "wechat_unavailable");

    // Disabling the account stops silent login too.
    app.post(
        &format!("/api/v1/accounts/{}/disable", w.counselor_a1_id),
        &w.school_a,
        json!({}),
    )
    .await
    .expect(200);
    app.mock.state.add_code(MockCode {
        code: "fourth".into(),
        openid: "mp_1".into(),
        unionid: None,
    });
    let disabled = app
        .request(
            reqwest::Method::POST,
            "/api/v1/auth/wx-login",
            None,
            Some(json!({ "code": "fourth" })),
        )
        .await;
    disabled.expect_error(403, "account_disabled");
}

#[tokio::test]
async fn a_failed_code_exchange_does_not_fail_the_password_login() {
    let app = TestApp::spawn(&Backend::Sqlite, |_| {}).await;
    let _w = app.world().await;
    let login = app
        .request(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(
                json!({ "username": "13900000005", "password": PASSWORD, "code": "no-such-code" }),
            ),
        )
        .await
        .expect(200);
    let me = app
        .get("/api/v1/me", login["token"].as_str().unwrap())
        .await
        .expect(200);
    assert_eq!(me["wechat"]["mini_linked"], false);
}
