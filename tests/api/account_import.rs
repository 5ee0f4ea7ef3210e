//! Bulk accounts: dry run, partial commit, suggestions, scope, one SMS per new account.

use crate::helpers::{each_backend, row_errors, Reply, TestApp};

const HEADER: &str = "姓名,手机号,角色,院系,学历层次,负责专业,用户名";

fn sheet(lines: &[&str]) -> Vec<u8> {
    let mut text = String::from(HEADER);
    for line in lines {
        text.push('\n');
        text.push_str(line);
    }
    text.into_bytes()
}

async fn import(app: &TestApp, token: &str, bytes: Vec<u8>, dry_run: bool) -> Reply {
    app.upload_body(
        &format!("/api/v1/accounts/imports?dry_run={dry_run}&filename=college.csv"),
        token,
        bytes,
    )
    .await
}

/// Rows 2, 3 and 9 are valid; the others each break one rule.
fn college_sheet() -> Vec<u8> {
    sheet(&[
        "周一,13911110001,辅导员,计算机学院,本科,软件工程,",
        "周二,13911110002,辅导员,计算机学院,本科、硕士研究生,软件工程、计算机科学与技术,zhou2",
        "周三,1391111,辅导员,计算机学院,本科,软件工程,",
        "周四,13911110001,辅导员,计算机学院,本科,软件工程,",
        "周五,13900000005,辅导员,计算机学院,本科,软件工程,",
        "周六,13911110006,辅导员,计算机学院（新）,本科,软件工程,",
        "周七,13911110007,辅导员,计算机学院,本科,软件工程（嵌入式）,",
        "周八,13911110008,院系管理员,外国语学院,,,",
        "周九,13911110009,辅导员,机械学院,本科,机械工程,",
        "周十,13911110010,辅导员,外国语学院,大专生,英语,",
    ])
}

#[tokio::test]
async fn a_dry_run_lists_every_problem_with_suggestions_and_writes_nothing() {
    each_backend(|app| async move {
        let w = app.world().await;
        let (accounts, sms) = (app.count("accounts").await, app.count("sms_outbox").await);
        let report = import(&app, &w.school_a, college_sheet(), true)
            .await
            .expect(200);
        assert_eq!(report["rows"], 10);
        assert_eq!(report["committed"], false);
        assert_eq!(report["created"], 0);
        assert_eq!(
            row_errors(&report),
            vec![
                (4, "手机号".to_string()),
                (5, "手机号".into()),
                (6, "手机号".into()),
                (7, "院系".into()),
                (8, "负责专业".into()),
                (10, "院系".into()),
                (11, "学历层次".into()),
            ]
        );
        let by_row = |row: i64| {
            report["errors"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["row"] == row)
                .unwrap()
                .clone()
        };
        assert!(by_row(5)["reason"].as_str().unwrap().contains("第 2 行"));
        assert!(by_row(6)["reason"].as_str().unwrap().contains("已被账号"));
        assert_eq!(by_row(7)["suggestions"][0], "计算机学院");
        assert_eq!(by_row(8)["suggestions"][0], "软件工程");
        // Another university's college is outside the importer's scope.
        assert!(by_row(10)["reason"].as_str().unwrap().contains("不在本校"));
        let planned: Vec<(i64, String, String)> = report["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["row"].as_i64().unwrap(),
                    a["username"].as_str().unwrap().to_string(),
                    a["role"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            planned,
            vec![
                (2, "13911110001".to_string(), "counselor".to_string()),
                (3, "zhou2".into(), "counselor".into()),
                (9, "13911110008".into(), "college_admin".into()),
            ]
        );
        assert_eq!(report["accounts"][0]["phone_masked"], "139****0001");
        assert_eq!(app.count("accounts").await, accounts);
        assert_eq!(app.count("sms_outbox").await, sms);
    })
    .await;
}

#[tokio::test]
async fn a_commit_creates_the_valid_rows_and_reports_the_rest() {
    each_backend(|app| async move {
        let w = app.world().await;
        let (accounts, sms) = (app.count("accounts").await, app.count("sms_outbox").await);
        let report = import(&app, &w.school_a, college_sheet(), false)
            .await
            .expect(200);
        assert_eq!(report["committed"], true);
        assert_eq!(report["created"], 3);
        assert_eq!(report["errors"].as_array().unwrap().len(), 7);
        assert_eq!(app.count("accounts").await, accounts + 3);
        assert_eq!(
            app.count("sms_outbox").await,
            sms + 3,
            "one SMS per new account"
        );

        // The new counselor logs in with the SMS and holds the majors from the sheet.
        let (template, username, password) = app.last_sms("13911110002").await;
        assert_eq!(template, "account_created");
        assert_eq!(username, "zhou2");
        let token = app.activate("zhou2", &password, "Counselor2026").await;
        let me = app.get("/api/v1/me", &token).await.expect(200);
        let majors: Vec<&str> = me["majors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap())
            .collect();
        assert_eq!(majors, vec!["软件工程", "计算机科学与技术"]);
        assert_eq!(me["org_unit"]["name"], "计算机学院");
        let admin = app
            .get("/api/v1/accounts?q=周八", &w.school_a)
            .await
            .expect(200);
        assert_eq!(admin["items"][0]["role"], "college_admin");
        assert_eq!(admin["items"][0]["org_unit"]["name"], "外国语学院");

        // Importing the same file again creates nothing: every row is now taken.
        let again = import(&app, &w.school_a, college_sheet(), false)
            .await
            .expect(200);
        assert_eq!(again["created"], 0);
        assert_eq!(app.count("accounts").await, accounts + 3);
        let audit = app
            .get("/api/v1/audit?action=account.import", &w.school_a)
            .await
            .expect(200);
        assert_eq!(
            audit["total"], 1,
            "a run that creates nothing writes nothing"
        );
    })
    .await;
}

#[tokio::test]
async fn college_admins_import_counselors_of_their_college_only() {
    each_backend(|app| async move {
        let w = app.world().await;
        let report = import(
            &app,
            &w.college_admin_a1,
            sheet(&[
                "吴一,13922220001,辅导员,计算机学院,硕士,计算机科学与技术,",
                "吴二,13922220002,辅导员,外国语学院,本科,英语,",
                "吴三,13922220003,院系管理员,计算机学院,,,",
            ]),
            false,
        )
        .await
        .expect(200);
        assert_eq!(report["created"], 1);
        assert_eq!(
            row_errors(&report),
            vec![(3, "院系".to_string()), (4, "角色".into())]
        );
        assert!(report["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("只能导入本院系（计算机学院）"));
        for token in [&w.counselor_a1, &w.province] {
            import(&app, token, sheet(&[]), true)
                .await
                .expect_error(403, "forbidden");
        }
        // A file without the required columns says which.
        let headless = import(&app, &w.school_a, "姓名\n张三\n".as_bytes().to_vec(), true)
            .await
            .expect(200);
        let missing: Vec<&str> = headless["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["column"].as_str().unwrap())
            .collect();
        assert_eq!(missing, vec!["手机号", "院系"]);
        // The template has the columns in order.
        let bytes = app
            .bytes("/api/v1/accounts/import-template", &w.school_a)
            .await;
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
        let range = book.worksheet_range("账号").expect("sheet");
        let headers: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(headers.join(","), format!("{HEADER},届别"));
    })
    .await;
}

#[tokio::test]
async fn a_class_column_sets_each_counselors_class() {
    each_backend(|app| async move {
        let w = app.world().await;
        let text = [
            "姓名,手机号,角色,院系,学历层次,负责专业,用户名,届别",
            "周一,13911110001,辅导员,计算机学院,本科,软件工程,,2026届",
            "周二,13911110002,辅导员,计算机学院,本科,软件工程,,",
            "周三,13911110003,辅导员,计算机学院,本科,软件工程,,26",
            "周四,13911110004,院系管理员,计算机学院,,,,2026",
        ]
        .join("\n");
        let report = import(&app, &w.school_a, text.into_bytes(), false)
            .await
            .expect(200);
        assert_eq!(report["created"], 2);
        assert_eq!(
            row_errors(&report),
            vec![(4, "届别".to_string()), (5, "届别".to_string())]
        );
        let class = |phone: &'static str| {
            let app = &app;
            let token = w.school_a.clone();
            async move {
                let list = app
                    .get(&format!("/api/v1/accounts?q={phone}"), &token)
                    .await
                    .expect(200);
                list["items"][0]["cohort"].as_i64().unwrap()
            }
        };
        assert_eq!(class("13911110001").await, 2026);
        let current = fudao::domain::cohort::Cohort::current(chrono::Utc::now()).year();
        assert_eq!(class("13911110002").await, i64::from(current));
    })
    .await;
}
