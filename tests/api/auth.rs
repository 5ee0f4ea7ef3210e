use reqwest::Method;
use serde_json::json;

use crate::helpers::{each_backend, each_backend_with, TestApp};

#[tokio::test]
async fn first_start_creates_a_ministry_admin_who_must_change_the_password() {
    each_backend(|app: TestApp| async move {
        let (username, password) = app.initial_admin.clone().expect("first admin");
        assert_eq!(username, "admin");
        assert!(password.len() >= 12);
        let login = app.login(&username, &password).await.expect(200);
        assert_eq!(login["must_change_password"], true, "{}", app.backend);
        let token = login["token"].as_str().unwrap().to_string();

        // Until the password is changed every other endpoint refuses with a specific code.
        app.get("/api/v1/accounts", &token)
            .await
            .expect_error(403, "password_change_required");
        app.get("/api/v1/org/units", &token)
            .await
            .expect_error(403, "password_change_required");
        app.get("/api/v1/audit", &token)
            .await
            .expect_error(403, "password_change_required");
        // ...but the profile answers and says so.
        let me = app.get("/api/v1/me", &token).await.expect(200);
        assert_eq!(me["role"], "ministry_admin");
        assert_eq!(me["must_change_password"], true);

        let weak = app
            .post(
                "/api/v1/me/password",
                &token,
                json!({ "old_password": password, "new_password": "short" }),
            )
            .await;
        weak.expect_error(422, "invalid_input");
        let wrong = app
            .post(
                "/api/v1/me/password",
                &token,
                json!({ "old_password": "nope", "new_password": "Better2026" }),
            )
            .await;
        wrong.expect_error(422, "wrong_old_password");

        let changed = app
            .post(
                "/api/v1/me/password",
                &token,
                json!({ "old_password": password, "new_password": "Better2026" }),
            )
            .await
            .expect(200);
        let new_token = changed["token"].as_str().unwrap();
        // The old token ended with the change; the new one works everywhere.
        app.get("/api/v1/me", &token)
            .await
            .expect_error(401, "unauthenticated");
        app.get("/api/v1/accounts", new_token).await.expect(200);
        app.login(&username, &password)
            .await
            .expect_error(401, "invalid_credentials");
        let again = app.login(&username, "Better2026").await.expect(200);
        assert_eq!(again["must_change_password"], false);

        // A restart on the same database does not create a second admin.
        assert_eq!(app.count("accounts").await, 1);
    })
    .await;
}

#[tokio::test]
async fn after_five_wrong_passwords_the_next_attempt_must_wait() {
    // Long enough that a slow machine does not see the wait pass by itself.
    each_backend_with(
        |settings| settings.auth.login_delay_first_secs = 600,
        |app: TestApp| async move {
            let (username, password) = app.initial_admin.clone().unwrap();
            for attempt in 1..=5 {
                let reply = app.login(&username, "wrong-password-1").await;
                assert_eq!(
                    reply.code(),
                    "invalid_credentials",
                    "attempt {attempt} on {}",
                    app.backend
                );
            }
            // Even the right password waits; the answer says how long.
            let early = app.login(&username, &password).await;
            early.expect_error(429, "too_many_attempts");
            let retry: u64 = early.headers["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((540..=600).contains(&retry), "Retry-After {retry}");
            let message = early.body["message"].as_str().unwrap();
            assert!(message.contains(&format!("{retry} 秒")), "{message}");
            let row = fudao::db::entities::login_failures::Entity::find_by_id((
                username.clone(),
                "127.0.0.1".to_string(),
            ))
            .one(&app.db)
            .await
            .unwrap()
            .expect("counted per address");
            assert_eq!(row.failures, 5);
            // The account is not locked: only that address waits.
            let account = fudao::db::entities::accounts::Entity::find_by_id(1)
                .one(&app.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(account.locked_until, None);
            assert_eq!(account.failed_logins, 5);
        },
    )
    .await;
}

use sea_orm::EntityTrait;

#[tokio::test]
async fn the_free_attempts_come_from_config_and_a_success_resets_the_count() {
    each_backend_with(
        |settings| {
            settings.auth.max_failed_logins = 3;
            settings.auth.login_delay_first_secs = 600;
        },
        |app: TestApp| async move {
            let (username, password) = app.initial_admin.clone().unwrap();
            app.login(&username, "bad-1")
                .await
                .expect_error(401, "invalid_credentials");
            app.login(&username, "bad-2")
                .await
                .expect_error(401, "invalid_credentials");
            // A success in between starts the count again.
            app.login(&username, &password).await.expect(200);
            app.login(&username, "bad-3")
                .await
                .expect_error(401, "invalid_credentials");
            app.login(&username, "bad-4")
                .await
                .expect_error(401, "invalid_credentials");
            app.login(&username, "bad-5")
                .await
                .expect_error(401, "invalid_credentials");
            app.login(&username, "bad-6")
                .await
                .expect_error(429, "too_many_attempts");
        },
    )
    .await;
}

#[tokio::test]
async fn unknown_users_and_bad_tokens_get_the_same_answers_as_wrong_passwords() {
    each_backend(|app: TestApp| async move {
        app.login("nobody", "whatever1")
            .await
            .expect_error(401, "invalid_credentials");
        app.login("", "")
            .await
            .expect_error(401, "invalid_credentials");
        app.get("/api/v1/me", "not-a-token")
            .await
            .expect_error(401, "unauthenticated");
        let no_header = app.request(Method::GET, "/api/v1/me", None, None).await;
        no_header.expect_error(401, "unauthenticated");
    })
    .await;
}

#[tokio::test]
async fn logout_revokes_the_token() {
    each_backend(|app: TestApp| async move {
        let token = app.ministry_token().await;
        app.get("/api/v1/me", &token).await.expect(200);
        let reply = app
            .request(Method::POST, "/api/v1/auth/logout", Some(&token), None)
            .await;
        assert_eq!(reply.status.as_u16(), 204);
        app.get("/api/v1/me", &token)
            .await
            .expect_error(401, "unauthenticated");
        let stored = fudao::db::entities::sessions::Entity::find()
            .all(&app.db)
            .await
            .unwrap();
        // Tokens are stored hashed, never in plain.
        assert!(stored
            .iter()
            .all(|s| s.token_hash.len() == 64 && s.token_hash != token));
    })
    .await;
}

#[tokio::test]
async fn sessions_expire() {
    each_backend_with(
        |settings| settings.auth.session_cache_secs = 0,
        |app: TestApp| async move {
            let token = app.ministry_token().await;
            // Move every session's expiry into the past, as time would.
            use sea_orm::ConnectionTrait;
            let past = "2000-01-01 00:00:00";
            let sql = match app.backend {
                "sqlite" => format!("UPDATE sessions SET expires_at = '{past}+00:00'"),
                _ => format!("UPDATE sessions SET expires_at = '{past}'"),
            };
            app.db.execute_unprepared(&sql).await.unwrap();
            app.get("/api/v1/me", &token)
                .await
                .expect_error(401, "unauthenticated");
        },
    )
    .await;
}

#[tokio::test]
async fn one_address_gets_a_limited_number_of_login_attempts_per_minute() {
    each_backend_with(
        |settings| settings.auth.login_attempts_per_minute = 3,
        |app: TestApp| async move {
            let (username, password) = app.initial_admin.clone().unwrap();
            app.login("someone", "guess-1")
                .await
                .expect_error(401, "invalid_credentials");
            app.login("another", "guess-2")
                .await
                .expect_error(401, "invalid_credentials");
            app.login(&username, &password).await.expect(200);
            // The fourth attempt in the minute is refused, even with the right password.
            app.login(&username, &password)
                .await
                .expect_error(429, "too_many_requests");
        },
    )
    .await;
}
