//! Without an SMS contract (`sms.provider = "log"`), initial passwords reach the admin once:
//! in the answer to a single create or reset, or as a bulk import's XLSX fetched once within
//! ten minutes. No password is kept in plain text anywhere.

use calamine::{Data, Reader, Xlsx};
use fudao::config::{Settings, SmsProviderKind};
use serde_json::{json, Value};

use crate::helpers::{each_backend_with, TestApp};

fn without_sms(settings: &mut Settings) {
    settings.sms.provider = SmsProviderKind::Log;
}

async fn nowhere_stored(app: &TestApp, password: &str) {
    for table in [
        "accounts",
        "audit_log",
        "sms_outbox",
        "credential_handovers",
    ] {
        assert!(
            !app.table_text(table).await.contains(password),
            "{table} holds the password ({})",
            app.backend
        );
    }
}

#[tokio::test]
async fn a_single_create_and_a_reset_show_the_password_once_and_store_it_nowhere() {
    each_backend_with(without_sms, |app| async move {
        let w = app.world().await;
        // The pages word their confirmations by this before anything is created.
        let me = app.get("/api/v1/me", &w.school_a).await.expect(200);
        assert_eq!(me["capabilities"]["credentials_delivery"], "show_once");
        let created = app
            .post(
                "/api/v1/accounts",
                &w.school_a,
                json!({ "role": "counselor", "org_unit_id": w.college_a1, "name": "林晓",
                        "phone": "13966660001", "education_levels": ["bachelor"],
                        "major_ids": [w.major_a1_bachelor] }),
            )
            .await
            .expect(201);
        assert_eq!(created["credentials"]["delivery"], "show_once");
        assert!(created["credentials"]["sent_to"].is_null());
        let first = created["credentials"]["one_time_password"]
            .as_str()
            .expect("the password is in the answer")
            .to_string();
        assert_eq!(created["username"], "13966660001");
        assert_eq!(app.count("sms_outbox").await, 0, "no SMS waits for nobody");
        nowhere_stored(&app, &first).await;
        // Shown nowhere else: not in the account as read later.
        let id = created["id"].as_i64().unwrap();
        let page = app
            .get(&format!("/api/v1/accounts/{id}"), &w.school_a)
            .await
            .expect(200);
        assert!(!page.to_string().contains(&first));
        let login = app.login("13966660001", &first).await.expect(200);
        assert_eq!(login["must_change_password"], true);

        let reset = app
            .post(
                &format!("/api/v1/accounts/{id}/reset-password"),
                &w.school_a,
                json!({}),
            )
            .await
            .expect(200);
        assert_eq!(reset["delivery"], "show_once");
        let second = reset["one_time_password"].as_str().unwrap().to_string();
        assert_ne!(first, second);
        nowhere_stored(&app, &second).await;
        app.login("13966660001", &first)
            .await
            .expect_error(401, "invalid_credentials");
        app.login("13966660001", &second).await.expect(200);
        // The audit says how the password travelled, never the password.
        let audit = app.table_text("audit_log").await;
        assert!(audit.contains("shown_once"), "{audit}");
    })
    .await;
}

async fn fetch(app: &TestApp, url: &str, token: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{url}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .expect("download")
}

fn sheet(rows: &[&str]) -> Vec<u8> {
    let mut text = String::from("姓名,手机号,角色,院系,学历层次,负责专业,用户名");
    for row in rows {
        text.push('\n');
        text.push_str(row);
    }
    text.into_bytes()
}

fn stored_files(dir: &str) -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(dir).join("credentials");
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| std::fs::read(e.path()).unwrap())
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[tokio::test]
async fn a_bulk_import_leaves_one_encrypted_file_for_its_admin_to_fetch_once() {
    each_backend_with(without_sms, |app| async move {
        let w = app.world().await;
        let rows = sheet(&[
            "周一,13911110001,辅导员,计算机学院,本科,软件工程,",
            "周二,13911110002,辅导员,计算机学院,本科,软件工程,zhou2",
        ]);
        let dry = app
            .upload_body(
                "/api/v1/accounts/imports?dry_run=true&filename=a.csv",
                &w.school_a,
                rows.clone(),
            )
            .await
            .expect(200);
        assert!(dry["credentials_download"].is_null());
        let report = app
            .upload_body("/api/v1/accounts/imports?filename=a.csv", &w.school_a, rows)
            .await
            .expect(200);
        assert_eq!(report["created"], 2);
        let download = &report["credentials_download"];
        assert_eq!(download["accounts"], 2);
        let url = download["url"].as_str().expect("a download").to_string();
        assert_eq!(app.count("sms_outbox").await, 0);
        // The stored file is sealed: no name, username or password in it.
        let files = stored_files(&app.settings.storage.dir);
        assert_eq!(files.len(), 1);
        assert!(!String::from_utf8_lossy(&files[0]).contains("zhou2"));

        // Another admin (even one who sees those accounts) cannot take it.
        for other in [&w.ministry, &w.college_admin_a1] {
            let refused = fetch(&app, &url, other).await;
            assert_eq!(refused.status(), 409);
            let body: Value = refused.json().await.unwrap();
            assert_eq!(body["code"], "credentials_gone");
        }
        let response = fetch(&app, &url, &w.school_a).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "no-store");
        let bytes = response.bytes().await.unwrap().to_vec();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
        let sheet = book.worksheet_range("初始密码").expect("the sheet");
        let header: Vec<String> = (0..7)
            .map(|c| sheet.get_value((0, c)).unwrap().to_string())
            .collect();
        assert_eq!(
            header,
            [
                "行号",
                "姓名",
                "用户名",
                "角色",
                "院系",
                "手机号",
                "初始密码"
            ]
        );
        for (at, username) in [(1u32, "13911110001"), (2, "zhou2")] {
            assert_eq!(
                sheet.get_value((at, 2)),
                Some(&Data::String(username.into()))
            );
            assert_eq!(sheet.get_value((at, 5)).unwrap().to_string().len(), 11);
            let password = sheet.get_value((at, 6)).unwrap().to_string();
            let login = app.login(username, &password).await.expect(200);
            assert_eq!(login["must_change_password"], true);
            nowhere_stored(&app, &password).await;
        }
        // Once: the second fetch finds nothing, and the file is erased.
        let again = fetch(&app, &url, &w.school_a).await;
        assert_eq!(again.status(), 409);
        assert!(stored_files(&app.settings.storage.dir).is_empty());
        assert_eq!(app.count("credential_handovers").await, 0);
        let audit = app.table_text("audit_log").await;
        assert!(audit.contains("account.credentials_download"));
    })
    .await;
}

#[tokio::test]
async fn a_credentials_file_expires_after_ten_minutes_and_hostile_tokens_find_nothing() {
    each_backend_with(without_sms, |app| async move {
        let w = app.world().await;
        for token in ["abc", &"f".repeat(64), &"z".repeat(64), &"0".repeat(5000)] {
            let refused = fetch(
                &app,
                &format!("/api/v1/accounts/credentials/{token}"),
                &w.school_a,
            )
            .await;
            assert_eq!(refused.status(), 409, "{token}");
        }
        let report = app
            .upload_body(
                "/api/v1/accounts/imports?filename=a.csv",
                &w.school_a,
                sheet(&["周一,13911110001,辅导员,计算机学院,本科,软件工程,"]),
            )
            .await
            .expect(200);
        let url = report["credentials_download"]["url"]
            .as_str()
            .unwrap()
            .to_string();
        // Eleven minutes later, as the server's clock sees it.
        app.execute("UPDATE credential_handovers SET expires_at = created_at")
            .await;
        let late = fetch(&app, &url, &w.school_a).await;
        assert_eq!(late.status(), 409);
        // Files whose import failed after writing them have no row: an old one is swept, a
        // young one may belong to an import still committing and stays.
        let folder = std::path::Path::new(&app.settings.storage.dir).join("credentials");
        std::fs::write(folder.join("0abandoned"), b"sealed").unwrap();
        std::fs::write(folder.join("0committing"), b"sealed").unwrap();
        std::fs::File::options()
            .write(true)
            .open(folder.join("0abandoned"))
            .unwrap()
            .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
            .unwrap();
        // The next import clears what expired, file and row.
        app.upload_body(
            "/api/v1/accounts/imports?filename=b.csv",
            &w.school_a,
            sheet(&["周二,13911110002,辅导员,计算机学院,本科,软件工程,"]),
        )
        .await
        .expect(200);
        assert_eq!(app.count("credential_handovers").await, 1);
        assert_eq!(stored_files(&app.settings.storage.dir).len(), 2);
        assert!(!folder.join("0abandoned").exists());
        assert!(folder.join("0committing").exists());
    })
    .await;
}

#[tokio::test]
async fn with_an_sms_provider_nothing_is_shown() {
    crate::helpers::each_backend(|app| async move {
        let w = app.world().await;
        let created = app
            .post(
                "/api/v1/accounts",
                &w.school_a,
                json!({ "role": "counselor", "org_unit_id": w.college_a1, "name": "林晓",
                        "phone": "13966660001", "education_levels": ["bachelor"],
                        "major_ids": [w.major_a1_bachelor] }),
            )
            .await
            .expect(201);
        assert_eq!(created["credentials"]["delivery"], "sms");
        assert_eq!(created["credentials"]["sent_to"], "139****0001");
        assert!(created["credentials"]["one_time_password"].is_null());
        let report = app
            .upload_body(
                "/api/v1/accounts/imports?filename=a.csv",
                &w.school_a,
                sheet(&["周二,13911110002,辅导员,计算机学院,本科,软件工程,"]),
            )
            .await
            .expect(200);
        assert!(report["credentials_download"].is_null());
        assert_eq!(app.count("credential_handovers").await, 0);
    })
    .await;
}
