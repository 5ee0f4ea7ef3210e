//! Health, OpenAPI, request ids and the error format of framework-level failures.

use reqwest::Method;

use crate::helpers::{each_backend, TestApp};

#[tokio::test]
async fn health_readiness_and_docs() {
    each_backend(|app: TestApp| async move {
        let health = app
            .request(Method::GET, "/healthz", None, None)
            .await
            .expect(200);
        assert_eq!(health["status"], "ok");
        let ready = app
            .request(Method::GET, "/readyz", None, None)
            .await
            .expect(200);
        assert_eq!(ready["status"], "ready");
        let spec = app
            .request(Method::GET, "/api/openapi.json", None, None)
            .await
            .expect(200);
        let paths = spec["paths"].as_object().expect("paths");
        for path in [
            "/api/v1/auth/login",
            "/api/v1/accounts",
            "/api/v1/accounts/{id}",
            "/api/v1/org/units",
            "/api/v1/audit",
            "/api/v1/me/password",
        ] {
            assert!(paths.contains_key(path), "{path} documented");
        }
        assert!(
            spec["components"]["schemas"]
                .get("fudao.http.error.ErrorBody")
                .is_some()
                || spec.to_string().contains("ErrorBody")
        );
        let docs = app
            .client
            .get(format!("{}/api/docs", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(docs.status().as_u16(), 200);
        assert!(docs.text().await.unwrap().contains("/api/openapi.json"));
    })
    .await;
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    // Only PostgreSQL lets a test pull the database from under a running app.
    for backend in crate::helpers::backends() {
        let crate::helpers::Backend::Postgres(admin_url) = &backend else {
            continue;
        };
        let app = TestApp::spawn(&backend, |_| {}).await;
        app.request(Method::GET, "/readyz", None, None)
            .await
            .expect(200);
        let name = app.database_name();
        let admin = sea_orm::Database::connect(admin_url.as_str())
            .await
            .unwrap();
        use sea_orm::ConnectionTrait;
        admin
            .execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
            .await
            .unwrap();
        let reply = app.request(Method::GET, "/readyz", None, None).await;
        reply.expect_error(503, "database_unavailable");
        // Liveness does not depend on the database.
        app.request(Method::GET, "/healthz", None, None)
            .await
            .expect(200);
    }
}

#[tokio::test]
async fn unknown_routes_and_bad_json_answer_in_the_json_error_format() {
    each_backend(|app: TestApp| async move {
        let missing = app
            .request(Method::GET, "/api/v1/nothing-here", None, None)
            .await;
        missing.expect_error(404, "not_found");
        let response = app
            .client
            .post(format!("{}/api/v1/auth/login", app.base))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "bad_request");
        let reply = app.request(Method::GET, "/healthz", None, None).await;
        assert!(
            reply.headers.contains_key("x-request-id"),
            "request id header"
        );
    })
    .await;
}

#[tokio::test]
async fn a_body_that_does_not_fit_names_the_field_in_chinese() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let before = app.count("tasks").await;
        let missing = app
            .post(
                "/api/v1/tasks",
                &w.school_a,
                serde_json::json!({ "kind": "policy", "title": "缺正文" }),
            )
            .await;
        missing.expect_error(422, "invalid_input");
        assert_eq!(missing.body["field"], "content");
        assert_eq!(missing.body["message"], "缺少字段 content（内容）");
        let wrong = app
            .post(
                "/api/v1/tasks",
                &w.school_a,
                serde_json::json!({ "kind": "policy", "title": "t", "content": "c",
                                    "target": { "cohort": "二〇二七" } }),
            )
            .await;
        wrong.expect_error(422, "invalid_input");
        assert_eq!(wrong.body["field"], "cohort");
        assert_eq!(wrong.body["message"], "字段 cohort（届别） 类型不对");
        assert_eq!(app.count("tasks").await, before);
    })
    .await;
}

#[tokio::test]
async fn whether_one_may_ask_is_answered_before_what_was_asked() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        // The ministry creates province admins only: a counselor without majors is refused as
        // forbidden, not told to pick a major.
        app.post(
            "/api/v1/accounts",
            &w.ministry,
            serde_json::json!({ "role": "counselor", "org_unit_id": w.college_a1, "name": "某",
                                "phone": "13900000077" }),
        )
        .await
        .expect_error(403, "forbidden");
        // Admin areas refuse a counselor whatever the body holds, even none at all.
        for (path, body) in [
            ("/api/v1/tasks", serde_json::json!({})),
            ("/api/v1/news", serde_json::json!({ "title": 5 })),
            ("/api/v1/accounts/turnover", serde_json::json!({})),
            ("/api/v1/org/units", serde_json::json!(null)),
        ] {
            app.post(path, &w.counselor_a1, body)
                .await
                .expect_error(403, "forbidden");
        }
        // And a counselor's own area refuses an admin.
        app.get("/api/v1/my/tasks?page=0", &w.school_a)
            .await
            .expect_error(403, "forbidden");
        // Reading news stays open to everyone.
        app.get("/api/v1/news", &w.counselor_a1).await.expect(200);
    })
    .await;
}

/// Settings for a start that fails before serving: a fresh SQLite file, files in a temp dir.
fn offline_settings(dir: &tempfile::TempDir) -> fudao::config::Settings {
    let mut settings = fudao::config::Settings::defaults().expect("defaults");
    settings.database.url = fudao::config::Secret::new(format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("fudao.db").display()
    ));
    settings.storage.dir = dir.path().join("files").display().to_string();
    settings.sms.enabled = false;
    settings
}

#[tokio::test]
async fn a_taken_port_is_reported_as_what_it_is() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dir = tempfile::tempdir().expect("dir");
    let mut settings = offline_settings(&dir);
    settings.server.addr = taken.local_addr().expect("addr");
    let cli = fudao::cli::Cli {
        config: None,
        command: Some(fudao::cli::Command::Serve),
    };
    let error = fudao::cli::run(cli, settings)
        .await
        .expect_err("the port is taken");
    let text = error.to_string();
    assert!(text.contains("cannot listen on 127.0.0.1:"), "{text}");
    assert!(
        text.to_lowercase().contains("address already in use"),
        "{text}"
    );
    assert!(!text.contains("服务内部错误"), "{text}");
}

#[tokio::test]
async fn a_database_that_cannot_be_opened_is_named() {
    let dir = tempfile::tempdir().expect("dir");
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"a file").expect("file");
    let mut settings = offline_settings(&dir);
    let url = format!("sqlite://{}/fudao.db?mode=rwc", blocker.display());
    settings.database.url = fudao::config::Secret::new(url.clone());
    let cli = fudao::cli::Cli {
        config: None,
        command: Some(fudao::cli::Command::Migrate {
            action: fudao::cli::MigrateAction::Status,
        }),
    };
    let error = fudao::cli::run(cli, settings)
        .await
        .expect_err("the database folder is a file");
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("cannot open database {url}: ")),
        "{text}"
    );
    assert!(!text.contains("服务暂时不可用"), "{text}");
}

#[tokio::test]
async fn unique_violations_and_retryable_errors_are_told_by_their_code() {
    use sea_orm::{ConnectionTrait, Database, TransactionTrait};

    each_backend(|app: TestApp| async move {
        let db = &app.db;
        db.execute_unprepared("CREATE TABLE probe (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)")
            .await
            .expect("create");
        db.execute_unprepared("INSERT INTO probe (id, v) VALUES (1, 0), (2, 0)")
            .await
            .expect("insert");
        let duplicate = db
            .execute_unprepared("INSERT INTO probe (id, v) VALUES (1, 0)")
            .await
            .expect_err("duplicate key");
        assert!(fudao::db::is_unique_violation(&duplicate), "{duplicate}");
        assert!(!fudao::db::is_retryable(&duplicate), "{duplicate}");
        let missing = db
            .execute_unprepared("UPDATE no_such_table SET v = 1")
            .await
            .expect_err("no such table");
        assert!(!fudao::db::is_unique_violation(&missing), "{missing}");
        assert!(!fudao::db::is_retryable(&missing), "{missing}");

        // Two transactions that lock the rows in opposite order: the database aborts one of
        // them (PostgreSQL 40P01, MySQL 1213/40001) or, on SQLite, refuses the second writer.
        let first = Database::connect(&app.url).await.expect("connect");
        // One connection, so the pragma below holds for the statement after it.
        let mut one = sea_orm::ConnectOptions::new(app.url.clone());
        one.max_connections(1).sqlx_logging(false);
        let second = Database::connect(one).await.expect("connect");
        if app.backend == "sqlite" {
            second
                .execute_unprepared("PRAGMA busy_timeout = 0")
                .await
                .expect("pragma");
            let writing = first.begin().await.expect("begin");
            writing
                .execute_unprepared("UPDATE probe SET v = 1 WHERE id = 1")
                .await
                .expect("first writer");
            let busy = second
                .execute_unprepared("UPDATE probe SET v = 2 WHERE id = 2")
                .await
                .expect_err("the database is locked");
            assert!(fudao::db::is_retryable(&busy), "{busy}");
            assert!(!fudao::db::is_unique_violation(&busy), "{busy}");
            writing.rollback().await.expect("rollback");
            return;
        }
        let a = first.begin().await.expect("begin");
        let b = second.begin().await.expect("begin");
        a.execute_unprepared("UPDATE probe SET v = 1 WHERE id = 1")
            .await
            .expect("a locks 1");
        b.execute_unprepared("UPDATE probe SET v = 2 WHERE id = 2")
            .await
            .expect("b locks 2");
        let waiting = tokio::spawn(async move {
            let result = a
                .execute_unprepared("UPDATE probe SET v = 1 WHERE id = 2")
                .await;
            (a, result)
        });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let closing = b
            .execute_unprepared("UPDATE probe SET v = 2 WHERE id = 1")
            .await;
        let (a, waited) = waiting.await.expect("join");
        let aborted: Vec<_> = [waited, closing]
            .into_iter()
            .filter_map(Result::err)
            .collect();
        assert_eq!(aborted.len(), 1, "one of the two is the deadlock victim");
        assert!(fudao::db::is_retryable(&aborted[0]), "{}", aborted[0]);
        let _ = a.rollback().await;
        let _ = b.rollback().await;
    })
    .await;
}

/// The schema of a request body type, found by the end of its component name.
fn component<'a>(spec: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    spec["components"]["schemas"]
        .as_object()
        .expect("schemas")
        .iter()
        .find(|(key, _)| key.rsplit('.').next() == Some(name))
        .map(|(_, schema)| schema)
        .unwrap_or_else(|| panic!("{name} in the components"))
}

/// The allowed values of a schema, also when a description wraps it in `allOf`.
fn enum_values(schema: &serde_json::Value) -> Vec<String> {
    fn find(schema: &serde_json::Value) -> Option<&Vec<serde_json::Value>> {
        if let Some(values) = schema["enum"].as_array() {
            return Some(values);
        }
        ["allOf", "oneOf", "anyOf"]
            .iter()
            .filter_map(|key| schema[*key].as_array())
            .flatten()
            .find_map(find)
    }
    find(schema)
        .unwrap_or_else(|| panic!("an enum: {schema}"))
        .iter()
        .map(|v| v.as_str().expect("string value").to_string())
        .collect()
}

#[tokio::test]
async fn fields_that_are_enums_are_enums_in_the_openapi_document() {
    each_backend(|app: TestApp| async move {
        let spec = app
            .request(Method::GET, "/api/openapi.json", None, None)
            .await
            .expect(200);
        let role = &component(&spec, "CreateAccountRequest")["properties"]["role"];
        assert_eq!(
            enum_values(role),
            [
                "ministry_admin",
                "province_admin",
                "school_admin",
                "college_admin",
                "counselor"
            ]
        );
        let kind = &component(&spec, "TaskRequest")["properties"]["kind"];
        assert_eq!(
            enum_values(kind),
            ["policy", "job_fair", "live_course", "job_posting", "other"]
        );
        let levels = &component(&spec, "CreateAccountRequest")["properties"]["education_levels"];
        assert_eq!(
            enum_values(&levels["items"]),
            ["associate", "bachelor", "master", "doctor"]
        );
        let unit_kind = &component(&spec, "CreateUnitRequest")["properties"]["kind"];
        assert!(enum_values(unit_kind).contains(&"college".to_string()));
        // Responses name them as enums too.
        for (view, field, expected) in [
            ("TaskView", "kind", "job_fair"),
            ("TaskView", "status", "withdrawn"),
            ("MyTaskView", "kind", "live_course"),
            ("ProgressView", "status", "published"),
            ("AccountView", "role", "counselor"),
            ("UnitView", "kind", "college"),
            ("CredentialsSmsView", "status", "superseded"),
        ] {
            let values = enum_values(&component(&spec, view)["properties"][field]);
            assert!(
                values.contains(&expected.to_string()),
                "{view}.{field}: {values:?}"
            );
        }
        // Query parameters too: the task list filters by status and kind.
        let parameters = spec["paths"]["/api/v1/tasks"]["get"]["parameters"]
            .as_array()
            .expect("task list parameters");
        for (name, expected) in [("status", "withdrawn"), ("kind", "job_fair")] {
            let parameter = parameters
                .iter()
                .find(|p| p["name"] == name)
                .unwrap_or_else(|| panic!("{name} parameter"));
            let schema = &parameter["schema"];
            // An optional parameter may wrap its enum in `oneOf` with null.
            let found = schema.to_string().contains(&format!("\"{expected}\""))
                && schema.to_string().contains("\"enum\"");
            assert!(found, "{name}: {schema}");
        }
    })
    .await;
}
