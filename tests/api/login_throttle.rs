//! Wrong passwords: waits per username and address, the ceiling an admin lifts, answers that do
//! not reveal accounts, the client address behind a proxy, and `/me/password` guessing.

use fudao::config::Settings;
use fudao::db::entities::{accounts, login_failures};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::helpers::world::PASSWORD;
use crate::helpers::{each_backend_with, Reply, TestApp};

/// First wait in these tests: long enough that no slow test machine sees it pass by itself.
const FIRST_WAIT: u64 = 600;

/// One proxy in front, as in production; no per-minute brake unless a test wants it.
fn behind_a_proxy(settings: &mut Settings) {
    settings.server.trusted_proxies = 1;
    settings.auth.login_attempts_per_minute = 0;
    settings.auth.login_delay_first_secs = FIRST_WAIT;
    settings.auth.login_delay_max_secs = 8 * FIRST_WAIT;
}

/// A 429 `too_many_attempts` whose Retry-After is `secs`, less what the test itself took.
#[track_caller]
fn assert_waits(reply: &Reply, secs: u64) {
    reply.expect_error(429, "too_many_attempts");
    let retry = retry_after(reply).expect("Retry-After");
    assert!(
        (secs - 60..=secs).contains(&retry),
        "Retry-After {retry}, expected about {secs}"
    );
}

fn retry_after(reply: &Reply) -> Option<u64> {
    reply
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// A login as the proxy forwards it: the client wrote `forged`, the proxy appended `address`.
async fn login_from(app: &TestApp, forged: &str, address: &str, user: &str, pw: &str) -> Reply {
    let response = app
        .client
        .post(format!("{}/api/v1/auth/login", app.base))
        .header("x-forwarded-for", format!("{forged}, {address}"))
        .json(&json!({ "username": user, "password": pw }))
        .send()
        .await
        .expect("login sent");
    Reply::of(response).await
}

/// Time passes: every wait is over.
async fn waits_pass(app: &TestApp) {
    login_failures::Entity::update_many()
        .col_expr(
            login_failures::Column::NextAttemptAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .exec(&app.db)
        .await
        .expect("waits cleared");
}

/// What a client can observe of a failed login, but for the seconds still to wait, which
/// depend on how fast the test runs.
fn observed(reply: &Reply) -> (u16, String, String, bool) {
    let message = reply.body["message"].as_str().unwrap_or("");
    (
        reply.status.as_u16(),
        reply.code().to_string(),
        message.replace(|c: char| c.is_ascii_digit(), "#"),
        reply.headers.contains_key("retry-after"),
    )
}

#[tokio::test]
async fn unknown_and_existing_usernames_get_identical_answers_through_the_whole_sequence() {
    each_backend_with(
        |settings| {
            behind_a_proxy(settings);
            settings.auth.max_failed_logins = 3;
            settings.auth.account_failure_ceiling = 6;
        },
        |app: TestApp| async move {
            let (admin, _) = app.initial_admin.clone().unwrap();
            let mut sequences = Vec::new();
            for user in [admin.as_str(), "no-such-user"] {
                let mut seen = Vec::new();
                let mut waits = Vec::new();
                for _ in 0..11 {
                    let reply = login_from(&app, "1.1.1.1", "203.0.113.5", user, "wrong-1").await;
                    if reply.status.as_u16() == 429 {
                        waits.push(retry_after(&reply).expect("Retry-After"));
                        waits_pass(&app).await;
                    }
                    seen.push(observed(&reply));
                }
                // Each wait doubles the one before.
                assert_eq!(waits.len(), 3, "{user} on {}", app.backend);
                for (wait, full) in waits
                    .iter()
                    .zip([FIRST_WAIT, 2 * FIRST_WAIT, 4 * FIRST_WAIT])
                {
                    assert!((full - 60..=full).contains(wait), "{wait} for {full}");
                }
                sequences.push(seen);
            }
            let statuses: Vec<(u16, &str)> = sequences[0]
                .iter()
                .map(|(status, code, _, _)| (*status, code.as_str()))
                .collect();
            let fail = (401, "invalid_credentials");
            let wait = (429, "too_many_attempts");
            let locked = (423, "account_locked");
            assert_eq!(
                statuses,
                vec![fail, fail, fail, wait, fail, wait, fail, wait, fail, locked, locked],
                "{}",
                app.backend
            );
            assert_eq!(
                sequences[0], sequences[1],
                "existing and unknown usernames answer alike ({})",
                app.backend
            );
        },
    )
    .await;
}

#[tokio::test]
async fn the_wait_is_per_address_so_a_stranger_does_not_lock_the_owner_out() {
    each_backend_with(behind_a_proxy, |app: TestApp| async move {
        let (admin, password) = app.initial_admin.clone().unwrap();
        for _ in 0..5 {
            login_from(&app, "9.9.9.9", "198.51.100.66", &admin, "guess-it-1")
                .await
                .expect_error(401, "invalid_credentials");
        }
        // The stranger's address now waits, even with the right password...
        let stranger = login_from(&app, "9.9.9.9", "198.51.100.66", &admin, &password).await;
        assert_waits(&stranger, FIRST_WAIT);
        // ...a forged left part does not make it another address...
        let forged = login_from(&app, "10.1.2.3", "198.51.100.66", &admin, &password).await;
        assert_waits(&forged, FIRST_WAIT);
        // ...and the owner at their own address logs in as usual.
        login_from(&app, "9.9.9.9", "192.0.2.10", &admin, &password)
            .await
            .expect(200);
        // After the wait, a correct password from the stranger's address clears its count.
        waits_pass(&app).await;
        login_from(&app, "9.9.9.9", "198.51.100.66", &admin, &password)
            .await
            .expect(200);
        login_from(&app, "9.9.9.9", "198.51.100.66", &admin, "guess-it-2")
            .await
            .expect_error(401, "invalid_credentials");
    })
    .await;
}

#[tokio::test]
async fn the_ceiling_locks_from_every_address_until_an_admin_in_scope_unlocks() {
    each_backend_with(
        |settings| {
            behind_a_proxy(settings);
            settings.auth.account_failure_ceiling = 8;
        },
        |app: TestApp| async move {
            let w = app.world().await;
            let counselor = "13900000005";
            // Eight addresses, one wrong password each: no address waits, the username locks.
            for n in 1..=8 {
                login_from(
                    &app,
                    "1.1.1.1",
                    &format!("198.51.100.{n}"),
                    counselor,
                    "nope-123",
                )
                .await
                .expect_error(401, "invalid_credentials");
            }
            login_from(&app, "1.1.1.1", "192.0.2.10", counselor, PASSWORD)
                .await
                .expect_error(423, "account_locked");
            // The account carries the lock too: silent login checks it there.
            let row = accounts::Entity::find()
                .filter(accounts::Column::Username.eq(counselor))
                .one(&app.db)
                .await
                .unwrap()
                .unwrap();
            assert!(row.locked_until.is_some());

            // What the admin sees.
            let path = format!("/api/v1/accounts/{}", w.counselor_a1_id);
            let view = app.get(&path, &w.school_a).await.expect(200);
            assert_eq!(view["locked"], true, "{}", app.backend);
            assert_eq!(view["failed_logins"], 8);
            assert!(view["locked_at"].is_string());

            // Out of scope: another university's admin cannot unlock.
            let unlock = format!("{path}/unlock");
            app.post(&unlock, &w.school_b, json!({}))
                .await
                .expect_error(404, "not_found");
            login_from(&app, "1.1.1.1", "192.0.2.10", counselor, PASSWORD)
                .await
                .expect_error(423, "account_locked");

            let unlocked = app.post(&unlock, &w.school_a, json!({})).await.expect(200);
            assert_eq!(unlocked["locked"], false);
            assert_eq!(unlocked["failed_logins"], 0);
            login_from(&app, "1.1.1.1", "192.0.2.10", counselor, PASSWORD)
                .await
                .expect(200);
            let audit = app
                .get("/api/v1/audit?action=account.unlock", &w.school_a)
                .await
                .expect(200);
            assert_eq!(audit["total"], 1);
            assert_eq!(
                audit["items"][0]["target_id"],
                w.counselor_a1_id.to_string()
            );
            assert_eq!(audit["items"][0]["detail"]["was_locked"], true);
        },
    )
    .await;
}

#[tokio::test]
async fn a_forged_left_part_of_x_forwarded_for_does_not_escape_the_per_address_limit() {
    each_backend_with(
        |settings| {
            behind_a_proxy(settings);
            settings.auth.login_attempts_per_minute = 5;
        },
        |app: TestApp| async move {
            let mut answers = Vec::new();
            for n in 0..12 {
                // A different made-up user and forged address each time, one real address.
                let forged = format!("10.{n}.{n}.1");
                let reply = login_from(
                    &app,
                    &forged,
                    "203.0.113.77",
                    &format!("user-{n}"),
                    "x1x1x1x1",
                )
                .await;
                answers.push(reply.status.as_u16());
            }
            assert_eq!(answers[..5], [401; 5], "{}", app.backend);
            assert_eq!(answers[5..], [429; 7], "{}", app.backend);
            // Another real address is not affected.
            login_from(&app, "10.0.0.1", "203.0.113.78", "user-x", "x1x1x1x1")
                .await
                .expect_error(401, "invalid_credentials");
        },
    )
    .await;
}

#[tokio::test]
async fn the_audit_log_records_the_address_the_proxy_saw() {
    each_backend_with(behind_a_proxy, |app: TestApp| async move {
        let token = app.ministry_token().await;
        let root = app.root_unit_id(&token).await;
        let response = app
            .client
            .post(format!("{}/api/v1/org/units", app.base))
            .bearer_auth(&token)
            .header("x-forwarded-for", "6.6.6.6, 203.0.113.40")
            .json(&json!({ "kind": "province", "name": "江苏省", "code": "32", "parent_id": root }))
            .send()
            .await
            .expect("sent");
        let reply = Reply::of(response).await;
        let created = reply.expect(201);
        let audit = app
            .get("/api/v1/audit?target_type=org_unit", &token)
            .await
            .expect(200);
        let id = created["id"].to_string();
        let entry = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["target_id"] == id.as_str())
            .cloned()
            .expect("audited");
        assert_eq!(entry["ip"], "203.0.113.40", "{}", app.backend);
    })
    .await;
}

#[tokio::test]
async fn without_trusted_proxies_x_forwarded_for_is_ignored() {
    each_backend_with(
        |settings| {
            assert_eq!(settings.server.trusted_proxies, 0, "the safe default");
            settings.auth.login_attempts_per_minute = 3;
        },
        |app: TestApp| async move {
            let mut answers = Vec::new();
            for n in 0..5 {
                // Even the rightmost entry is the client's own writing here.
                let reply =
                    login_from(&app, "10.0.0.1", &format!("203.0.113.{n}"), "ghost", "pw-1").await;
                answers.push(reply.status.as_u16());
            }
            assert_eq!(answers, [401, 401, 401, 429, 429], "{}", app.backend);
        },
    )
    .await;
}

async fn change_password_from(app: &TestApp, token: &str, address: &str, old: &str) -> Reply {
    let response = app
        .client
        .post(format!("{}/api/v1/me/password", app.base))
        .bearer_auth(token)
        .header("x-forwarded-for", address)
        .json(&json!({ "old_password": old, "new_password": "Another2026" }))
        .send()
        .await
        .expect("sent");
    Reply::of(response).await
}

#[tokio::test]
async fn guessing_the_old_password_with_a_stolen_session_ends_the_session() {
    each_backend_with(behind_a_proxy, |app: TestApp| async move {
        let (admin, _) = app.initial_admin.clone().unwrap();
        let token = app.ministry_token().await;
        for _ in 0..4 {
            change_password_from(&app, &token, "203.0.113.99", "guess-0000")
                .await
                .expect_error(422, "wrong_old_password");
        }
        // The fifth wrong guess ends the session that made it.
        change_password_from(&app, &token, "203.0.113.99", "guess-0000")
            .await
            .expect_error(401, "unauthenticated");
        app.get("/api/v1/me", &token)
            .await
            .expect_error(401, "unauthenticated");
        // The guesses counted as failed logins of the account from that address...
        let waiting = login_from(&app, "1.1.1.1", "203.0.113.99", &admin, "Ministry2026").await;
        assert_waits(&waiting, FIRST_WAIT);
        let row = accounts::Entity::find_by_id(1)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.failed_logins, 5, "{}", app.backend);
        // ...while the owner elsewhere logs in with the unchanged password.
        login_from(&app, "1.1.1.1", "192.0.2.10", &admin, "Ministry2026")
            .await
            .expect(200);
    })
    .await;
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_gets_only_the_free_attempts() {
    each_backend_with(
        |settings| {
            behind_a_proxy(settings);
            settings.auth.max_failed_logins = 5;
        },
        |app: TestApp| async move {
            app.world().await;
            // Twenty guesses sent at once from one address: each takes its turn under the
            // counters' lock, so the wait the fifth sets stops the other fifteen unheard.
            let guesses = (0..20)
                .map(|_| login_from(&app, "1.1.1.1", "198.51.100.7", "13900000005", "nope-123"));
            let replies = futures_util::future::join_all(guesses).await;
            let heard = replies.iter().filter(|r| r.status == 401).count();
            assert_eq!(heard, 5, "{}", app.backend);
            for reply in replies.iter().filter(|r| r.status != 401) {
                reply.expect_error(429, "too_many_attempts");
            }
        },
    )
    .await;
}

#[tokio::test]
async fn guesses_at_a_username_before_its_account_exists_do_not_lock_the_new_account() {
    each_backend_with(
        |settings| {
            behind_a_proxy(settings);
            settings.auth.account_failure_ceiling = 8;
        },
        |app: TestApp| async move {
            let w = app.world().await;
            for n in 1..=8 {
                login_from(
                    &app,
                    "1.1.1.1",
                    &format!("198.51.100.{n}"),
                    "new_teacher",
                    "x1",
                )
                .await
                .expect_error(401, "invalid_credentials");
            }
            login_from(&app, "1.1.1.1", "192.0.2.10", "new_teacher", "x1")
                .await
                .expect_error(423, "account_locked");
            app.post(
                "/api/v1/accounts",
                &w.school_a,
                json!({ "role": "counselor", "org_unit_id": w.college_a1, "name": "新老师",
                        "phone": "13900000099", "username": "new_teacher",
                        "education_levels": ["bachelor"], "major_ids": [w.major_a1_bachelor] }),
            )
            .await
            .expect(201);
            let (_, username, password) = app.last_sms("13900000099").await;
            assert_eq!(username, "new_teacher");
            login_from(&app, "1.1.1.1", "192.0.2.10", &username, &password)
                .await
                .expect(200);
        },
    )
    .await;
}
