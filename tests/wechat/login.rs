//! Silent login with a `wx.login` code.

use fudao::wechat::mock::{Injection, MockCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::helpers::{each_backend, world::PASSWORD, Backend, TestApp};

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
    // The link ended with the disable: the mini program needs a password login again.
    disabled.expect_error(404, "wechat_not_linked");
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

async fn login_with_code(app: &TestApp, username: &str, password: &str, code: &str) -> String {
    app.mock.state.add_code(MockCode {
        code: code.into(),
        openid: format!("mp_{username}"),
        unionid: None,
    });
    let login = app
        .request(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "username": username, "password": password, "code": code })),
        )
        .await
        .expect(200);
    login["token"].as_str().expect("token").to_string()
}

/// A silent login with a fresh code for the mini-program user of `username`.
async fn wx_login(app: &TestApp, username: &str, code: &str) -> crate::helpers::Reply {
    app.mock.state.add_code(MockCode {
        code: code.into(),
        openid: format!("mp_{username}"),
        unionid: None,
    });
    app.request(
        reqwest::Method::POST,
        "/api/v1/auth/wx-login",
        None,
        Some(json!({ "code": code })),
    )
    .await
}

#[tokio::test]
async fn a_password_change_a_reset_or_a_disable_ends_silent_login() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let a1 = "13900000005";
        let token = login_with_code(&app, a1, PASSWORD, "a1-first").await;
        let me = app.get("/api/v1/me", &token).await.expect(200);
        assert_eq!(me["wechat"]["mini_linked"], true, "{}", app.backend);
        wx_login(&app, a1, "a1-silent").await.expect(200);

        // The owner changes the password: the device that did it stays logged in, the
        // mini program must log in with the new password.
        let changed = app
            .post(
                "/api/v1/me/password",
                &token,
                json!({ "old_password": PASSWORD, "new_password": "Newer2026x" }),
            )
            .await
            .expect(200);
        let token = changed["token"].as_str().unwrap().to_string();
        wx_login(&app, a1, "a1-after-change")
            .await
            .expect_error(404, "wechat_not_linked");
        let me = app.get("/api/v1/me", &token).await.expect(200);
        assert_eq!(me["wechat"]["mini_linked"], false);

        // An admin resets the password.
        login_with_code(&app, a1, "Newer2026x", "a1-relink").await;
        wx_login(&app, a1, "a1-silent-2").await.expect(200);
        app.post(
            &format!("/api/v1/accounts/{}/reset-password", w.counselor_a1_id),
            &w.school_a,
            json!({}),
        )
        .await
        .expect(200);
        wx_login(&app, a1, "a1-after-reset")
            .await
            .expect_error(404, "wechat_not_linked");

        // An admin disables an account: enabling it again does not bring silent login back.
        let b1 = "13900000006";
        login_with_code(&app, b1, PASSWORD, "b1-first").await;
        let path = format!("/api/v1/accounts/{}", w.counselor_b1_id);
        app.post(&format!("{path}/disable"), &w.school_b, json!({}))
            .await
            .expect(200);
        app.post(&format!("{path}/enable"), &w.school_b, json!({}))
            .await
            .expect(200);
        wx_login(&app, b1, "b1-after-disable")
            .await
            .expect_error(404, "wechat_not_linked");
        let view = app.get(&path, &w.school_b).await.expect(200);
        assert_eq!(view["wechat"]["mini_linked"], false);
    })
    .await;
}

#[tokio::test]
async fn the_mini_program_that_changes_the_password_keeps_silent_login() {
    each_backend(|app: TestApp| async move {
        let _w = app.world().await;
        let a1 = "13900000005";
        let token = login_with_code(&app, a1, PASSWORD, "keep-first").await;
        app.mock.state.add_code(MockCode {
            code: "keep-change".into(),
            openid: format!("mp_{a1}"),
            unionid: None,
        });
        let changed = app
            .post(
                "/api/v1/me/password",
                &token,
                json!({ "old_password": PASSWORD, "new_password": "Newer2026x", "code": "keep-change" }),
            )
            .await
            .expect(200);
        let me = app
            .get("/api/v1/me", changed["token"].as_str().unwrap())
            .await
            .expect(200);
        assert_eq!(me["wechat"]["mini_linked"], true, "{}", app.backend);
        wx_login(&app, a1, "keep-silent").await.expect(200);
    })
    .await;
}

#[tokio::test]
async fn the_owner_can_end_silent_login() {
    each_backend(|app: TestApp| async move {
        let _w = app.world().await;
        let a1 = "13900000005";
        let token = login_with_code(&app, a1, PASSWORD, "own-first").await;
        let reply = app
            .request(
                reqwest::Method::DELETE,
                "/api/v1/me/mini-link",
                Some(&token),
                None,
            )
            .await;
        assert_eq!(reply.status.as_u16(), 204, "{:?}", reply.body);
        let me = app.get("/api/v1/me", &token).await.expect(200);
        assert_eq!(me["wechat"]["mini_linked"], false, "{}", app.backend);
        wx_login(&app, a1, "own-after")
            .await
            .expect_error(404, "wechat_not_linked");
        // The session itself goes on.
        app.get("/api/v1/my/tasks", &token).await.expect(200);
        let row = fudao::db::entities::audit_log::Entity::find()
            .filter(fudao::db::entities::audit_log::Column::Action.eq("wechat.mini_unlink"))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(row.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn made_up_codes_are_throttled_per_address_before_wechat_is_asked() {
    let app = TestApp::spawn(&Backend::Sqlite, |s| {
        s.auth.wx_login_attempts_per_minute = 10;
    })
    .await;
    let limit = app.settings.auth.wx_login_attempts_per_minute as usize;
    let mut statuses = Vec::new();
    for n in 0..45 {
        let reply = app
            .request(
                reqwest::Method::POST,
                "/api/v1/auth/wx-login",
                None,
                Some(json!({ "code": format!("bogus-{n}") })),
            )
            .await;
        statuses.push(reply.status.as_u16());
        if n == 44 {
            reply.expect_error(429, "too_many_requests");
        }
    }
    assert!(statuses[..limit].iter().all(|s| *s == 422), "{statuses:?}");
    assert!(statuses[limit..].iter().all(|s| *s == 429), "{statuses:?}");
    assert_eq!(app.mock.state.calls("/sns/jscode2session").len(), limit);
}

/// A trigger that refuses to store one UnionID, in each backend's dialect.
fn refuse_unionid_trigger(backend: &str) -> Vec<&'static str> {
    match backend {
        "postgres" => vec![
            "CREATE FUNCTION refuse_unionid() RETURNS trigger AS $$ BEGIN \
             IF NEW.unionid = 'un_refused' THEN RAISE EXCEPTION 'refused'; END IF; \
             RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_unionid BEFORE UPDATE ON account_wechat \
             FOR EACH ROW EXECUTE FUNCTION refuse_unionid()",
        ],
        "mysql" => vec![
            "CREATE TRIGGER refuse_unionid BEFORE UPDATE ON account_wechat FOR EACH ROW BEGIN \
             IF NEW.unionid = 'un_refused' THEN \
             SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused'; END IF; END",
        ],
        _ => vec![
            "CREATE TRIGGER refuse_unionid BEFORE UPDATE ON account_wechat \
             WHEN NEW.unionid = 'un_refused' BEGIN SELECT RAISE(ABORT, 'refused'); END",
        ],
    }
}

#[tokio::test]
async fn a_silent_login_that_cannot_store_the_identity_issues_no_session() {
    use fudao::db::entities::sessions;
    use sea_orm::{ConnectionTrait, PaginatorTrait};

    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        login_with_code(&app, "13900000005", PASSWORD, "tx-first").await;
        // The session row is written first, then the identity write fails: only the
        // transaction around both keeps the session from outliving the failed login.
        for statement in refuse_unionid_trigger(app.backend) {
            app.db.execute_unprepared(statement).await.expect("trigger");
        }
        let account = i32::try_from(w.counselor_a1_id).unwrap();
        let sessions_of_a1 = || {
            sessions::Entity::find()
                .filter(sessions::Column::AccountId.eq(account))
                .count(&app.db)
        };
        let before = sessions_of_a1().await.expect("count");
        app.mock.state.add_code(MockCode {
            code: "tx-silent".into(),
            openid: "mp_13900000005".into(),
            unionid: Some("un_refused".into()),
        });
        let failed = app
            .request(
                reqwest::Method::POST,
                "/api/v1/auth/wx-login",
                None,
                Some(json!({ "code": "tx-silent" })),
            )
            .await;
        failed.expect_error(503, "database_unavailable");
        assert_eq!(
            sessions_of_a1().await.expect("count"),
            before,
            "no session outlives the failed login ({})",
            app.backend
        );
    })
    .await;
}

#[tokio::test]
async fn a_campus_behind_one_address_is_not_throttled_by_the_defaults() {
    // Hundreds of counselors of one university open the mini program after a push, all from the
    // campus NAT address: neither silent nor password logins hit the per-address ceiling.
    let app = TestApp::spawn(&Backend::Sqlite, |_| {}).await;
    for n in 0..300 {
        let reply = app
            .request(
                reqwest::Method::POST,
                "/api/v1/auth/wx-login",
                None,
                Some(json!({ "code": format!("first-open-{n}") })),
            )
            .await;
        assert_ne!(reply.status.as_u16(), 429, "silent login {n} throttled");
    }
    for n in 0..60 {
        let reply = app
            .request(
                reqwest::Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({ "username": format!("1390000{n:04}"), "password": "Typo2026x" })),
            )
            .await;
        assert_eq!(reply.status.as_u16(), 401, "login {n}: {:?}", reply.body);
    }
}
