//! One account per phone number, in the single create and edit as in the bulk import; and
//! credentials SMS tied to the account they were written for, not to the number.

use std::sync::Arc;

use fudao::db::entities::{accounts, sms_outbox};
use fudao::sms::worker::SmsWorker;
use migrations::{Migrator, MigratorTrait};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};
use serde_json::{json, Value};

use crate::helpers::{each_backend, TestApp};

fn counselor(unit: i64, major: i64, phone: &str) -> Value {
    json!({ "role": "counselor", "org_unit_id": unit, "name": "新老师", "phone": phone,
            "education_levels": ["bachelor"], "major_ids": [major] })
}

/// Run one round of the outbox worker (the test apps leave SMS queued) with the log provider.
async fn deliver_outbox(app: &TestApp) {
    let services = fudao::app::services(&app.settings).await.expect("services");
    let worker = SmsWorker::new(
        services,
        Arc::new(fudao::sms::log::LogSms),
        app.settings.sms.clone(),
    );
    worker.round().await.expect("a worker round");
}

async fn messages_of(app: &TestApp, account: i64) -> Vec<sms_outbox::Model> {
    sms_outbox::Entity::find()
        .filter(sms_outbox::Column::AccountId.eq(account as i32))
        .order_by_asc(sms_outbox::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_phone_another_account_has_is_refused_in_create_and_edit() {
    each_backend(|app| async move {
        let w = app.world().await;
        let accounts = app.count("accounts").await;
        let sms = app.count("sms_outbox").await;
        // 13900000006 is the other university's counselor: refused, the owner not named.
        let refused = app
            .post(
                "/api/v1/accounts",
                &w.school_a,
                json!({ "role": "counselor", "org_unit_id": w.college_a1, "name": "新老师",
                        "phone": "13900000006", "username": "new_teacher",
                        "education_levels": ["bachelor"], "major_ids": [w.major_a1_bachelor] }),
            )
            .await;
        refused.expect_error(409, "phone_taken");
        assert_eq!(refused.body["message"], "手机号已被其他账号使用");
        // Inside the admin's scope the owner is named, as the bulk import does.
        let named = app
            .post(
                "/api/v1/accounts",
                &w.school_a,
                json!({ "role": "counselor", "org_unit_id": w.college_a1, "name": "新老师",
                        "phone": "13900000005", "username": "new_teacher",
                        "education_levels": ["bachelor"], "major_ids": [w.major_a1_bachelor] }),
            )
            .await;
        named.expect_error(409, "phone_taken");
        assert_eq!(named.body["message"], "手机号已被账号“13900000005”使用");
        assert_eq!(app.count("accounts").await, accounts, "{}", app.backend);
        assert_eq!(app.count("sms_outbox").await, sms, "{}", app.backend);

        let path = format!("/api/v1/accounts/{}", w.counselor_a1_id);
        app.patch(&path, &w.school_a, json!({ "phone": "13900000006" }))
            .await
            .expect_error(409, "phone_taken");
        // Its own number again is no clash.
        app.patch(&path, &w.school_a, json!({ "phone": "13900000005" }))
            .await
            .expect(200);
        let account = app.get(&path, &w.school_a).await.expect(200);
        assert_eq!(account["phone"], "13900000005");
    })
    .await;
}

#[tokio::test]
async fn two_creates_with_one_phone_at_once_make_one_account() {
    each_backend(|app| async move {
        let w = app.world().await;
        let create = |username: &'static str| {
            let mut body = counselor(w.college_a1, w.major_a1_bachelor, "13900000077");
            body["username"] = json!(username);
            let (app, token) = (&app, w.school_a.clone());
            async move { app.post("/api/v1/accounts", &token, body).await }
        };
        let (one, two) = tokio::join!(create("racer_one"), create("racer_two"));
        let mut statuses = vec![one.status.as_u16(), two.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, vec![201, 409], "{}: {one:?} {two:?}", app.backend);
        for reply in [one, two] {
            if reply.status == 409 {
                reply.expect_error(409, "phone_taken");
            }
        }
        let holders = app
            .db
            .query_one(Statement::from_string(
                app.db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM accounts WHERE phone = '13900000077'",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        assert_eq!(holders, 1, "{}", app.backend);
    })
    .await;
}

#[tokio::test]
async fn credentials_sms_belong_to_their_account_not_to_the_number() {
    each_backend(|app| async move {
        let w = app.world().await;
        // Everything the world queued goes out.
        deliver_outbox(&app).await;
        let other = w.counselor_b1_id;
        // University B resets its counselor's password (queued to 13900000006), then gives
        // them a new number; university A's counselor takes 13900000006 over.
        app.post(
            &format!("/api/v1/accounts/{other}/reset-password"),
            &w.school_b,
            json!({}),
        )
        .await
        .expect(200);
        app.patch(
            &format!("/api/v1/accounts/{other}"),
            &w.school_b,
            json!({ "phone": "13900000016" }),
        )
        .await
        .expect(200);
        let mine = format!("/api/v1/accounts/{}", w.counselor_a1_id);
        app.patch(&mine, &w.school_a, json!({ "phone": "13900000006" }))
            .await
            .expect(200);
        // A's account page shows A's own (delivered) message, not B's queued one.
        let page = app.get(&mine, &w.school_a).await.expect(200);
        assert_eq!(
            page["credentials_sms"]["status"], "logged",
            "{}: {page}",
            app.backend
        );
        let theirs = app
            .get(&format!("/api/v1/accounts/{other}"), &w.school_b)
            .await
            .expect(200);
        assert_eq!(theirs["credentials_sms"]["status"], "pending");

        // B's queued password does not go to the number's new holder, and A's newer message
        // to that number is not what stops it.
        app.post(&format!("{mine}/reset-password"), &w.school_a, json!({}))
            .await
            .expect(200);
        deliver_outbox(&app).await;
        let b = messages_of(&app, other).await;
        let statuses = |rows: &[sms_outbox::Model]| -> Vec<&'static str> {
            rows.iter().map(|r| r.status.as_str()).collect()
        };
        assert_eq!(statuses(&b), vec!["logged", "failed"], "{}", app.backend);
        assert_eq!(b[1].last_error.as_deref(), Some("账号手机号已更换"));
        assert!(!b[1].params.contains("password"));
        assert_eq!(
            statuses(&messages_of(&app, w.counselor_a1_id).await),
            vec!["logged", "logged"]
        );
        // A newer message of the same account still does.
        for _ in 0..2 {
            app.post(&format!("{mine}/reset-password"), &w.school_a, json!({}))
                .await
                .expect(200);
        }
        deliver_outbox(&app).await;
        assert_eq!(
            statuses(&messages_of(&app, w.counselor_a1_id).await),
            vec!["logged", "logged", "superseded", "logged"]
        );
    })
    .await;
}

/// Insert an account row straight into the database, as data older than the unique index: a
/// copy of the account with that phone, in the columns that schema had.
async fn insert_raw_account(app: &TestApp, username: &str, phone: &str) -> i32 {
    let columns = "password_hash, role, org_unit_id, org_path, phone, must_change_password, \
                   disabled, failed_logins, locked_until, created_at, updated_at";
    app.execute(&format!(
        "INSERT INTO accounts (username, name, {columns}) \
         SELECT '{username}', '旧数据', {columns} FROM accounts WHERE phone = '{phone}'"
    ))
    .await;
    let (id,): (i32,) = accounts::Entity::find()
        .select_only()
        .column(accounts::Column::Id)
        .filter(accounts::Column::Username.eq(username))
        .into_tuple()
        .one(&app.db)
        .await
        .unwrap()
        .expect("the copy");
    id
}

#[tokio::test]
async fn the_phone_migration_stops_on_shared_numbers_and_ties_old_sms_to_accounts() {
    each_backend(|app| async move {
        let w = app.world().await;
        let backend = app.db.get_database_backend();
        // Back to the schema before one phone per account, undoing the migrations after it.
        let since = Migrator::migrations()
            .iter()
            .rev()
            .position(|m| m.name() == "m20261201_000010_account_phones")
            .expect("the phone migration");
        Migrator::down(&app.db, Some(since as u32 + 1))
            .await
            .expect("down");
        let twin = insert_raw_account(&app, "twin", "13900000005").await;
        // A message the log provider handled before passwords were erased, and one queued.
        use fudao::domain::outbox::SmsStatus;
        for (status, password) in [
            (SmsStatus::Logged, "Old12345"),
            (SmsStatus::Pending, "New12345"),
        ] {
            let params =
                json!({ "name": "李思雨", "username": "13900000006", "password": password });
            let row = sms_outbox::ActiveModel {
                phone: Set("13900000006".into()),
                template: Set("password_reset".into()),
                params: Set(params.to_string()),
                status: Set(status),
                attempts: Set(1),
                created_at: Set(chrono::Utc::now()),
                ..Default::default()
            };
            // The column the migration adds is not there yet: insert without reading back.
            sms_outbox::Entity::insert(row)
                .exec_without_returning(&app.db)
                .await
                .unwrap();
        }
        let refused = Migrator::up(&app.db, None)
            .await
            .expect_err("shared numbers");
        let message = refused.to_string();
        let first = w.counselor_a1_id;
        assert!(
            message.contains(&format!("[{first}, {twin}]")),
            "{}: {message}",
            app.backend
        );
        assert!(!message.contains("13900000005"), "no phone in the message");
        // The operator gives the twin its own number; the migration then goes through.
        app.db
            .execute(Statement::from_string(
                backend,
                format!("UPDATE accounts SET phone = '13900000055' WHERE id = {twin}"),
            ))
            .await
            .unwrap();
        Migrator::up(&app.db, None).await.expect("up");
        let rows = messages_of(&app, w.counselor_b1_id).await;
        let olds: Vec<&sms_outbox::Model> = rows.iter().filter(|r| r.attempts == 1).collect();
        assert_eq!(olds.len(), 2, "{}: tied to their account", app.backend);
        let logged = olds.iter().find(|r| r.status == SmsStatus::Logged).unwrap();
        assert!(!logged.params.contains("Old12345"), "{}", logged.params);
        assert!(logged.params.contains("李思雨"));
        let pending = olds
            .iter()
            .find(|r| r.status == SmsStatus::Pending)
            .unwrap();
        assert!(pending.params.contains("New12345"), "still to be sent");
        // The index holds now.
        app.patch(
            &format!("/api/v1/accounts/{twin}"),
            &w.school_a,
            json!({ "phone": "13900000005" }),
        )
        .await
        .expect_error(409, "phone_taken");
    })
    .await;
}

#[tokio::test]
async fn a_full_phone_is_shown_on_request_audited_and_only_in_scope() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let path = format!("/api/v1/accounts/{}/phone", w.counselor_a1_id);
        let shown = app.post(&path, &w.school_a, json!({})).await;
        assert_eq!(shown.headers["cache-control"], "no-store");
        assert_eq!(shown.expect(200)["phone"], "13900000005");
        let audit = app
            .table_text("audit_log WHERE action = 'account.phone_reveal'")
            .await;
        assert!(audit.contains(&w.counselor_a1_id.to_string()), "{audit}");
        assert!(
            !audit.contains("13900000005"),
            "the audit names the account, not the number"
        );
        // Another school's admin: nothing there; a counselor: not even asked.
        app.post(&path, &w.school_b, json!({}))
            .await
            .expect_error(404, "not_found");
        app.post(&path, &w.counselor_b1, json!({}))
            .await
            .expect_error(403, "forbidden");
        assert_eq!(
            app.count("audit_log WHERE action = 'account.phone_reveal'")
                .await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn lists_mask_a_username_that_is_the_phone_number() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let list = app
            .get(
                "/api/v1/accounts?q=%E7%8E%8B%E6%99%93%E6%98%8E",
                &w.school_a,
            )
            .await
            .expect(200);
        let row = &list["items"][0];
        assert_eq!(row["phone"], "139****0005");
        assert_eq!(row["username"], "139****0005", "{row}");
        assert!(!list.to_string().contains("13900000005"));
        // The account page, for an admin who may see it, says it in full.
        let page = app
            .get(
                &format!("/api/v1/accounts/{}", w.counselor_a1_id),
                &w.school_a,
            )
            .await
            .expect(200);
        assert_eq!(page["username"], "13900000005");
    })
    .await;
}
