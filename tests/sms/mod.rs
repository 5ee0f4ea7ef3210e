//! Credentials SMS through the real providers' APIs (against local mocks that check the
//! signatures), the durable outbox and its retries.

use fudao::config::{Secret, Settings, SmsProviderKind};
use fudao::db::entities::sms_outbox;
use fudao::domain::outbox::SmsStatus;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::helpers::sms_mock::{self, SmsMock};
use crate::helpers::world::World;
use crate::helpers::{each_backend_with, Backend, TestApp};
use crate::tasks::wait_for;

fn aliyun(settings: &mut Settings, mock: &SmsMock) {
    settings.sms.enabled = true;
    settings.sms.provider = SmsProviderKind::Aliyun;
    settings.sms.poll_interval_ms = 20;
    settings.sms.retry_base_secs = 0;
    let a = &mut settings.sms.aliyun;
    a.endpoint = mock.base.clone();
    a.access_key_id = sms_mock::ALIYUN_KEY_ID.into();
    a.access_key_secret = Secret::new(sms_mock::ALIYUN_SECRET);
    a.sign_name = "辅导就业".into();
    a.templates.account_created = "SMS_1001".into();
    a.templates.password_reset = "SMS_1002".into();
}

fn tencent(settings: &mut Settings, mock: &SmsMock) {
    settings.sms.enabled = true;
    settings.sms.provider = SmsProviderKind::Tencent;
    settings.sms.poll_interval_ms = 20;
    settings.sms.retry_base_secs = 0;
    let t = &mut settings.sms.tencent;
    t.endpoint = mock.base.clone();
    t.secret_id = sms_mock::TENCENT_SECRET_ID.into();
    t.secret_key = Secret::new(sms_mock::TENCENT_SECRET_KEY);
    t.sdk_app_id = "1400006666".into();
    t.sign_name = "辅导就业".into();
    t.templates.account_created = "1110".into();
    t.templates.password_reset = "1111".into();
}

async fn outbox_row(app: &TestApp, phone: &str) -> sms_outbox::Model {
    sms_outbox::Entity::find()
        .filter(sms_outbox::Column::Phone.eq(phone))
        .one(&app.db)
        .await
        .unwrap()
        .expect("queued")
}

/// The outbox row of a phone once the worker has settled it (sent, logged or failed).
async fn settled(app: &TestApp, phone: &str) -> sms_outbox::Model {
    wait_for(|| async {
        let row = outbox_row(app, phone).await;
        (row.status != SmsStatus::Pending && row.status != SmsStatus::Sending).then_some(row)
    })
    .await
}

/// Wait until the outbox holds nothing pending: the world's own SMS are out, so scripted
/// provider answers meet the test's messages.
async fn idle(app: &TestApp) {
    wait_for(|| async {
        let busy = sms_outbox::Entity::find()
            .filter(sms_outbox::Column::Status.is_in(["pending", "sending"]))
            .one(&app.db)
            .await
            .unwrap();
        busy.is_none().then_some(())
    })
    .await
}

/// An app sending through a fresh Aliyun mock (settings changed by `tweak`), with the test
/// world loaded and its own SMS out of the way.
async fn aliyun_world(tweak: impl Fn(&mut Settings)) -> (SmsMock, TestApp, World) {
    aliyun_world_on(&Backend::Sqlite, tweak).await
}

/// `aliyun_world` on the given database.
async fn aliyun_world_on(
    backend: &Backend,
    tweak: impl Fn(&mut Settings),
) -> (SmsMock, TestApp, World) {
    let mock = sms_mock::aliyun().await;
    let app = TestApp::spawn(backend, |s| {
        aliyun(s, &mock);
        tweak(s);
    })
    .await
    .with_sms(mock.clone());
    let w = app.world().await;
    idle(&app).await;
    (mock, app, w)
}

/// Reset the password of the account found by `q`, as its admin.
async fn reset_password(app: &TestApp, token: &str, q: &str) {
    let list = app
        .get(&format!("/api/v1/accounts?q={q}"), token)
        .await
        .expect(200);
    let id = list["items"][0]["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/accounts/{id}/reset-password"),
        token,
        json!({}),
    )
    .await
    .expect(200);
}

async fn new_counselor(app: &TestApp, token: &str, college: i64, major: i64, phone: &str) {
    app.post(
        "/api/v1/accounts",
        token,
        json!({ "role": "counselor", "org_unit_id": college, "name": "新老师", "phone": phone,
                "education_levels": ["bachelor"], "major_ids": [major] }),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn aliyun_delivers_the_credentials_and_the_outbox_forgets_the_password() {
    let (mock, app, w) = aliyun_world(|_| {}).await;
    new_counselor(
        &app,
        &w.school_a,
        w.college_a1,
        w.major_a1_bachelor,
        "13955550001",
    )
    .await;
    let row = settled(&app, "13955550001").await;
    assert_eq!(row.status, SmsStatus::Sent, "{row:?}");
    assert_eq!(row.provider.as_deref(), Some("aliyun"));
    assert!(row.provider_ref.unwrap().ends_with("^0"));
    assert!(!row.params.contains("password"), "{}", row.params);
    let received = mock
        .received()
        .into_iter()
        .find(|r| r.phone == "13955550001")
        .expect("the mock got it");
    assert_eq!(received.template, "SMS_1001");
    assert_eq!(received.sign_name, "辅导就业");
    assert_eq!(received.params["name"], "新老师");
    let password = received.params["password"].as_str().unwrap().to_string();
    // What the SMS said logs in.
    app.activate("13955550001", &password, "Counselor2026")
        .await;
    assert_eq!(mock.bad_signatures(), 0);
}

#[tokio::test]
async fn temporary_failures_are_retried_and_refusals_are_not() {
    // Every backend: claiming is a compare-and-set that each database must honour.
    let mock = sms_mock::aliyun().await;
    let script = mock.clone();
    each_backend_with(
        |s| aliyun(s, &mock),
        |app| {
            let mock = script.clone();
            let app = app.with_sms(mock.clone());
            async move {
                let w = app.world().await;
                idle(&app).await;
                // Platform errors and flow control: tried again until accepted.
                mock.fail_next(&["isp.SYSTEM_ERROR", "isv.BUSINESS_LIMIT_CONTROL"]);
                new_counselor(
                    &app,
                    &w.school_a,
                    w.college_a1,
                    w.major_a1_bachelor,
                    "13955550002",
                )
                .await;
                let row = settled(&app, "13955550002").await;
                assert_eq!(row.status, SmsStatus::Sent);
                assert_eq!(row.attempts, 3);
                assert!(row.last_error.is_none());
                // A number the provider refuses is given up at once, and the error kept (no password).
                mock.fail_next(&["isv.MOBILE_NUMBER_ILLEGAL"]);
                new_counselor(
                    &app,
                    &w.school_a,
                    w.college_a1,
                    w.major_a1_bachelor,
                    "13955550003",
                )
                .await;
                let row = settled(&app, "13955550003").await;
                assert_eq!(row.status, SmsStatus::Failed);
                assert_eq!(row.attempts, 1);
                let error = row.last_error.unwrap();
                assert!(error.contains("isv.MOBILE_NUMBER_ILLEGAL"), "{error}");
                assert!(
                    !row.params.contains("password"),
                    "given up: the password goes, a reset sends a new one"
                );
                // The admin sees it on the account; resetting the password sends again.
                let list = app
                    .get("/api/v1/accounts?q=13955550003", &w.school_a)
                    .await
                    .expect(200);
                let id = list["items"][0]["id"].as_i64().unwrap();
                let detail = app
                    .get(&format!("/api/v1/accounts/{id}"), &w.school_a)
                    .await
                    .expect(200);
                assert_eq!(detail["credentials_sms"]["status"], "failed");
                assert!(detail["credentials_sms"]["last_error"]
                    .as_str()
                    .unwrap()
                    .contains("MOBILE_NUMBER_ILLEGAL"));
                let sent = app
                    .get("/api/v1/accounts?q=13955550002", &w.school_a)
                    .await
                    .expect(200);
                assert_eq!(sent["items"][0]["credentials_sms"]["status"], "sent");
            }
        },
    )
    .await;
}

#[tokio::test]
async fn retries_stop_after_the_configured_attempts() {
    let (mock, app, w) = aliyun_world(|s| s.sms.max_attempts = 2).await;
    mock.fail_next(&["isp.SYSTEM_ERROR", "isp.SYSTEM_ERROR", "isp.SYSTEM_ERROR"]);
    new_counselor(
        &app,
        &w.school_a,
        w.college_a1,
        w.major_a1_bachelor,
        "13955550004",
    )
    .await;
    let row = settled(&app, "13955550004").await;
    assert_eq!(row.status, SmsStatus::Failed);
    assert_eq!(row.attempts, 2);
}

#[tokio::test]
async fn a_wrong_secret_fails_the_signature_check() {
    let mock = sms_mock::aliyun().await;
    let app = TestApp::spawn(&Backend::Sqlite, |s| {
        aliyun(s, &mock);
        s.sms.aliyun.access_key_secret = Secret::new("notTheSecret");
    })
    .await;
    // The first admin's password comes from the console, not by SMS.
    let ministry = app.ministry_token().await;
    let root = app.root_unit_id(&ministry).await;
    let province = app.unit(&ministry, "province", "江苏省", "32", root).await;
    app.post(
        "/api/v1/accounts",
        &ministry,
        json!({ "role": "province_admin", "org_unit_id": province, "name": "省中心", "phone": "13955550005" }),
    )
    .await
    .expect(201);
    let row = settled(&app, "13955550005").await;
    assert_eq!(row.status, SmsStatus::Failed);
    let error = row.last_error.unwrap();
    assert!(error.contains("SignatureDoesNotMatch"), "{error}");
    // The mock, like Aliyun, echoes its string to sign, the password in it: none of it is
    // kept, and a message given up keeps no password either.
    assert!(!error.contains("TemplateParam"), "{error}");
    assert!(!row.params.contains("password"), "{}", row.params);
    assert!(mock.bad_signatures() >= 1);
    assert!(mock.received().is_empty());
}

#[tokio::test]
async fn tencent_delivers_a_whole_college_import_one_sms_each() {
    let mock = sms_mock::tencent().await;
    let app = TestApp::spawn(&Backend::Sqlite, |s| tencent(s, &mock))
        .await
        .with_sms(mock.clone());
    let w = app.world().await;
    idle(&app).await;
    // A per-number rate limit first: retried.
    mock.fail_next(&["LimitExceeded.PhoneNumberThirtySecondLimit"]);
    let sheet = "姓名,手机号,院系,学历层次,负责专业\n\
                 钱一,13966660001,计算机学院,本科,软件工程\n\
                 钱二,13966660002,计算机学院,硕士研究生,计算机科学与技术\n";
    let report = app
        .upload_body(
            "/api/v1/accounts/imports?filename=cs.csv",
            &w.school_a,
            sheet.as_bytes().to_vec(),
        )
        .await
        .expect(200);
    assert_eq!(report["created"], 2);
    for phone in ["13966660001", "13966660002"] {
        let row = settled(&app, phone).await;
        assert_eq!(row.status, SmsStatus::Sent, "{row:?}");
        assert_eq!(row.provider.as_deref(), Some("tencent"));
        assert!(row.provider_ref.unwrap().starts_with("5000:"));
    }
    let received = mock.received();
    let to_first: Vec<_> = received
        .iter()
        .filter(|r| r.phone == "+8613966660001")
        .collect();
    assert_eq!(to_first.len(), 1, "one SMS per new account");
    assert_eq!(to_first[0].template, "1110");
    assert_eq!(to_first[0].params[0], "钱一");
    assert_eq!(to_first[0].params[1], "13966660001");
    let password = to_first[0].params[2].as_str().unwrap().to_string();
    app.activate("13966660001", &password, "Counselor2026")
        .await;
    assert_eq!(mock.bad_signatures(), 0);

    // A password reset goes out with its own template.
    reset_password(&app, &w.school_a, "钱二").await;
    wait_for(|| async {
        mock.received()
            .iter()
            .any(|r| r.template == "1111")
            .then_some(())
    })
    .await;
}

#[tokio::test]
async fn the_log_provider_delivers_nothing_and_erases_the_password() {
    // The app's own worker stays off: the test world reads its accounts' passwords from the
    // outbox, which a running log worker would erase first. The worker here does one round.
    let app = TestApp::spawn(&Backend::Sqlite, |_| {}).await;
    let w = app.world().await;
    new_counselor(
        &app,
        &w.school_a,
        w.college_a1,
        w.major_a1_bachelor,
        "13955550006",
    )
    .await;
    log_until_idle(&app).await;
    let row = settled(&app, "13955550006").await;
    assert_eq!(row.status, SmsStatus::Logged);
    assert_eq!(row.provider.as_deref(), Some("log"));
    let params: serde_json::Value = serde_json::from_str(&row.params).unwrap();
    assert_eq!(params.get("password"), None, "handled: no password stays");
    assert_eq!(params["username"], "13955550006");
    // The account page says it went nowhere.
    let list = app
        .get("/api/v1/accounts?q=13955550006", &w.school_a)
        .await
        .expect(200);
    assert_eq!(list["items"][0]["credentials_sms"]["status"], "logged");
}

#[tokio::test]
async fn a_reset_before_the_first_sms_went_out_sends_only_the_new_password() {
    let (mock, app, w) = aliyun_world(|s| s.sms.retry_base_secs = 1).await;
    // The first message meets a provider error and waits for its retry…
    mock.fail_next(&["isp.SYSTEM_ERROR"]);
    new_counselor(
        &app,
        &w.school_a,
        w.college_a1,
        w.major_a1_bachelor,
        "13955550007",
    )
    .await;
    // …while the admin resets the password.
    reset_password(&app, &w.school_a, "13955550007").await;
    idle(&app).await;
    let rows: Vec<sms_outbox::Model> = sms_outbox::Entity::find()
        .filter(sms_outbox::Column::Phone.eq("13955550007"))
        .all(&app.db)
        .await
        .unwrap();
    let statuses: Vec<&str> = rows.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, vec!["superseded", "sent"]);
    assert!(!rows[0].params.contains("password"));
    let templates: Vec<String> = mock
        .received()
        .into_iter()
        .filter(|r| r.phone == "13955550007")
        .map(|r| r.template)
        .collect();
    assert_eq!(
        templates,
        vec!["SMS_1002"],
        "only the reset's password went out"
    );
}

#[tokio::test]
async fn queued_and_claimed_messages_survive_the_outbox_migration() {
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::sea_query::Expr;
    crate::helpers::each_backend(|app: TestApp| async move {
        let _world = app.world().await;
        // One message claimed before the migration by a process that died since.
        let first = sms_outbox::Entity::find()
            .filter(sms_outbox::Column::Status.eq(SmsStatus::Pending.as_str()))
            .one(&app.db)
            .await
            .unwrap()
            .expect("the world queued credentials");
        // Back to the schema before the outbox migration, undoing the ones after it too.
        let since = Migrator::migrations()
            .iter()
            .rev()
            .position(|m| m.name() == "m20261202_000011_outbox")
            .expect("the outbox migration");
        Migrator::down(&app.db, Some(since as u32 + 1))
            .await
            .expect("down");
        sms_outbox::Entity::update_many()
            .col_expr(sms_outbox::Column::Status, Expr::value("sending"))
            .col_expr(
                sms_outbox::Column::LeaseUntil,
                Expr::value(chrono::Utc::now() - chrono::TimeDelta::minutes(1)),
            )
            .filter(sms_outbox::Column::Id.eq(first.id))
            .exec(&app.db)
            .await
            .unwrap();
        let waiting = app
            .count("sms_outbox WHERE status IN ('pending', 'sending')")
            .await;
        Migrator::up(&app.db, None).await.expect("up");
        assert_eq!(
            app.count("sms_outbox WHERE status IN ('pending', 'sending')")
                .await,
            waiting,
            "{}",
            app.backend
        );
        log_until_idle(&app).await;
        assert_eq!(
            app.count("sms_outbox WHERE status IN ('pending', 'sending')")
                .await,
            0
        );
        let handled = outbox_row_by_id(&app, first.id).await;
        let ends = [SmsStatus::Logged, SmsStatus::Superseded];
        assert!(ends.contains(&handled.status), "{handled:?}");
    })
    .await;
}

/// Rounds of an SMS worker with the log provider until nothing is left to handle.
async fn log_until_idle(app: &TestApp) {
    let services = fudao::app::services(&app.settings).await.expect("services");
    let worker = fudao::sms::worker::SmsWorker::new(
        &services,
        std::sync::Arc::new(fudao::sms::log::LogSms),
        app.settings.sms.clone(),
    );
    while worker.round().await.expect("round") != Default::default() {}
}

async fn outbox_row_by_id(app: &TestApp, id: i32) -> sms_outbox::Model {
    sms_outbox::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the row")
}

fn with_optional_templates(settings: &mut Settings) {
    settings.sms.aliyun.templates.reset_code = "SMS_1003".into();
    settings.sms.aliyun.templates.bind_steps = "SMS_1004".into();
}

/// The newest outbox row of a template for a phone, once the worker has handled it.
async fn settled_of(app: &TestApp, phone: &str, template: &str) -> sms_outbox::Model {
    wait_for(|| async {
        let row = sms_outbox::Entity::find()
            .filter(sms_outbox::Column::Phone.eq(phone))
            .filter(sms_outbox::Column::Template.eq(template))
            .order_by_desc(sms_outbox::Column::Id)
            .one(&app.db)
            .await
            .unwrap()?;
        (row.status != SmsStatus::Pending && row.status != SmsStatus::Sending).then_some(row)
    })
    .await
}

#[tokio::test]
async fn a_forgotten_password_code_goes_by_sms_at_most_three_times_an_hour() {
    // Every backend: the per-phone and per-day limits are counted in the database.
    for backend in crate::helpers::backends() {
        let (mock, app, w) = aliyun_world_on(&backend, with_optional_templates).await;
        let options = app.get("/api/v1/auth/password-reset", "").await.expect(200);
        assert_eq!(options["sms"], true);
        let me = app.get("/api/v1/me", &w.counselor_a1).await.expect(200);
        let username = me["username"].as_str().unwrap().to_string();
        let phone = me["phone"].as_str().unwrap().to_string();
        let ask = |name: String| {
            let app = &app;
            async move {
                app.post_anonymous(
                    "/api/v1/auth/password-reset/sms",
                    json!({ "username": name }),
                )
                .await
            }
        };
        ask(username.clone()).await.expect(202);
        let row = settled_of(&app, &phone, "reset_code").await;
        assert_eq!(row.status, SmsStatus::Sent, "{row:?}");
        assert!(
            !row.params.contains("code"),
            "erased once sent: {}",
            row.params
        );
        let received = mock
            .received()
            .into_iter()
            .rev()
            .find(|r| r.template == "SMS_1003")
            .expect("the code SMS");
        assert_eq!(received.phone, phone);
        let code = received.params["code"].as_str().unwrap().to_string();
        assert_eq!(code.len(), 6);
        app.post_anonymous(
            "/api/v1/auth/password-reset",
            json!({ "username": username, "code": code, "new_password": "BySms2026x" }),
        )
        .await
        .expect(204);
        app.login(&username, "BySms2026x").await.expect(200);

        // The same answer, and no SMS, for an unknown username; a second ask within a minute
        // keeps the code on its way.
        ask("nobody_at_all".into()).await.expect(202);
        ask(username.clone()).await.expect(202);
        ask(username.clone()).await.expect(202);
        assert_eq!(
            app.count("sms_outbox WHERE template = 'reset_code'").await,
            2
        );
        // At most three an hour to one phone.
        app.execute("DELETE FROM password_reset_codes").await;
        ask(username.clone()).await.expect(202);
        app.execute("DELETE FROM password_reset_codes").await;
        ask(username.clone())
            .await
            .expect_error(429, "too_many_requests");
        assert_eq!(
            app.count("sms_outbox WHERE template = 'reset_code'").await,
            3
        );
        assert_eq!(mock.bad_signatures(), 0);
    }
}

#[tokio::test]
async fn admins_text_the_binding_steps_once_a_day_to_counselors_not_bound() {
    // Every backend: the per-phone and per-day limits are counted in the database.
    for backend in crate::helpers::backends() {
        let (mock, app, w) = aliyun_world_on(&backend, with_optional_templates).await;
        app.bind(&w.counselor_a1, "o_bound").await;
        new_counselor(
            &app,
            &w.school_a,
            w.college_a1,
            w.major_a1_bachelor,
            "13955550077",
        )
        .await;
        idle(&app).await;
        let list = app
            .get("/api/v1/accounts?q=13955550077", &w.school_a)
            .await
            .expect(200);
        let fresh = list["items"][0]["id"].as_i64().unwrap();
        let ids = json!({ "account_ids": [w.counselor_a1_id, fresh] });
        let caps = |token: String| {
            let app = &app;
            async move {
                app.get("/api/v1/me", &token).await.expect(200)["capabilities"]["bind_sms"].clone()
            }
        };
        assert_eq!(caps(w.school_a.clone()).await, true);
        assert_eq!(caps(w.counselor_a1.clone()).await, false);

        app.post("/api/v1/wechat/bind-sms", &w.counselor_a1, ids.clone())
            .await
            .expect_error(403, "forbidden");
        // Someone outside the admin's scope: nothing is queued for anyone.
        app.post(
            "/api/v1/wechat/bind-sms",
            &w.school_a,
            json!({ "account_ids": [fresh, w.counselor_b1_id] }),
        )
        .await
        .expect_error(404, "not_found");
        app.post(
            "/api/v1/wechat/bind-sms",
            &w.school_a,
            json!({ "account_ids": [] }),
        )
        .await
        .expect_error(422, "invalid_input");
        let first = app
            .post("/api/v1/wechat/bind-sms", &w.school_a, ids.clone())
            .await
            .expect(200);
        assert_eq!(first["queued"], 1);
        assert_eq!(first["already_bound"], 1);
        let again = app
            .post("/api/v1/wechat/bind-sms", &w.school_a, ids)
            .await
            .expect(200);
        assert_eq!(again["queued"], 0);
        assert_eq!(again["sent_today"], 1);
        let row = settled_of(&app, "13955550077", "bind_steps").await;
        assert_eq!(row.status, SmsStatus::Sent);
        let texts: Vec<_> = mock
            .received()
            .into_iter()
            .filter(|r| r.template == "SMS_1004")
            .collect();
        assert_eq!(texts.len(), 1);
        assert_eq!(texts[0].phone, "13955550077");
        assert_eq!(texts[0].params["name"], "新老师");
        // The account page still shows its credentials SMS, not the reminder.
        let page = app
            .get(&format!("/api/v1/accounts/{fresh}"), &w.school_a)
            .await
            .expect(200);
        assert_eq!(page["credentials_sms"]["status"], "sent");
        assert_eq!(
            app.count("audit_log WHERE action = 'wechat.bind_sms'")
                .await,
            2
        );
    }
}

#[tokio::test]
async fn without_the_optional_templates_neither_message_is_offered() {
    let (_mock, app, w) = aliyun_world(|_| {}).await;
    let options = app.get("/api/v1/auth/password-reset", "").await.expect(200);
    assert_eq!(options["sms"], false);
    let me = app.get("/api/v1/me", &w.school_a).await.expect(200);
    assert_eq!(me["capabilities"]["bind_sms"], false);
    app.post_anonymous(
        "/api/v1/auth/password-reset/sms",
        json!({ "username": "x" }),
    )
    .await
    .expect_error(422, "invalid_input");
    app.post(
        "/api/v1/wechat/bind-sms",
        &w.school_a,
        json!({ "account_ids": [w.counselor_a1_id] }),
    )
    .await
    .expect_error(422, "invalid_input");
    assert_eq!(
        app.count("sms_outbox WHERE template IN ('reset_code', 'bind_steps')")
            .await,
        0
    );
}
