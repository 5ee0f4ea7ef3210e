use super::{cohort_2027, csv};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{each_backend, row_errors, TestApp};

#[tokio::test]
async fn a_dry_run_reports_every_row_error_and_writes_nothing() {
    each_backend(|app| async move {
        let w = app.world().await;
        let bad = csv(&[
            "2023001,张一,计算机学院,软件工程,本科,2027,10,31,34,320100",
            "2023002,,计算机学院,软件工程,小学,2027,10,,,",
            "2023003,张三,计算机学院,软件工程,本科,2027,99,,,",
            "2023001,张一,计算机学院,软件工程,本科,2027,10,,,",
            "2023004,张四,计算机学院,软件工程,本科,27,10,77,,990000",
            "2023005,张五,计算机学院,软件工程,本科,2027,10,31,98,320100",
            "2023006,张六,计算机学院,软件工程,本科,2027,10,31,I 信息传输,320100",
        ]);
        let report = app.upload(&w.school_a, bad.clone(), true).await.expect(200);
        assert_eq!(report["rows"], 7);
        assert_eq!(report["committed"], false);
        let errors = row_errors(&report);
        assert_eq!(
            errors,
            vec![
                (3, "姓名".to_string()),
                (3, "学历层次".into()),
                (4, "毕业去向代码".into()),
                (5, "学号".into()),
                (6, "届别".into()),
                (6, "单位性质代码".into()),
                (6, "就业地区代码".into()),
                (7, "单位行业代码".into()),
            ]
        );
        // Committing the same file is refused with the same report; nothing is written.
        let refused = app.upload(&w.school_a, bad, false).await;
        refused.expect_error(422, "import_has_errors");
        assert_eq!(refused.body["errors"].as_array().unwrap().len(), 8);
        assert_eq!(app.count("graduates").await, 0);
        assert_eq!(app.count("employment_imports").await, 0);
        // A file without the required columns says which.
        let headless = app
            .upload(&w.school_a, "学号,姓名\n1,张\n".as_bytes().to_vec(), true)
            .await
            .expect(200);
        assert!(headless["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("缺少"));
    })
    .await;
}

#[tokio::test]
async fn a_commit_upserts_and_reimporting_the_same_file_changes_nothing() {
    each_backend(|app| async move {
        let w = app.world().await;
        let dry = app
            .upload(&w.school_a, cohort_2027(), true)
            .await
            .expect(200);
        assert_eq!(
            (dry["inserted"].as_i64(), dry["committed"].as_bool()),
            (Some(8), Some(false))
        );
        assert_eq!(app.count("graduates").await, 0);
        let done = app
            .upload(&w.school_a, cohort_2027(), false)
            .await
            .expect(200);
        assert_eq!(done["inserted"], 8);
        assert_eq!(done["committed"], true);
        assert_eq!(app.count("graduates").await, 8);
        let again = app
            .upload(&w.school_a, cohort_2027(), false)
            .await
            .expect(200);
        assert_eq!(
            (
                again["inserted"].as_i64(),
                again["updated"].as_i64(),
                again["unchanged"].as_i64()
            ),
            (Some(0), Some(0), Some(8))
        );
        // One graduate found a job: one update, the rest unchanged.
        let changed = csv(&["2023005,张五,计算机学院,软件工程,本科,2027,10,31,34,320100"]);
        let update = app.upload(&w.school_a, changed, false).await.expect(200);
        assert_eq!(
            (update["updated"].as_i64(), update["inserted"].as_i64()),
            (Some(1), Some(0))
        );
        assert_eq!(
            app.count("graduates WHERE destination_code = '10'").await,
            2
        );
        // The same student numbers at another university are other people.
        app.upload(&w.school_b, cohort_2027(), false)
            .await
            .expect(200);
        assert_eq!(app.count("graduates").await, 16);
        let audit = app
            .get("/api/v1/audit?action=employment.import", &w.school_a)
            .await
            .expect(200);
        assert_eq!(audit["total"], 3);
    })
    .await;
}

#[tokio::test]
async fn gbk_csv_and_xlsx_read_like_utf8() {
    each_backend(|app| async move {
        let w = app.world().await;
        let text = String::from_utf8(cohort_2027())
            .unwrap()
            .replace("学历层次", "学历");
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let report = app
            .upload(&w.school_a, gbk.into_owned(), false)
            .await
            .expect(200);
        assert_eq!(report["inserted"], 8);
        assert_eq!(
            app.count("graduates WHERE name = '张一' AND college_name = '计算机学院'")
                .await,
            1
        );

        // The template, filled in Excel (numbers as numbers), for the 2028 cohort.
        let template = app
            .client
            .get(format!("{}/api/v1/employment/template", app.base))
            .bearer_auth(&w.school_a)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::Xlsx::new(std::io::Cursor::new(template.to_vec())).unwrap();
        let headers: Vec<String> = book
            .worksheet_range_at(0)
            .unwrap()
            .unwrap()
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(headers[0], "学号");
        let mut xlsx = rust_xlsxwriter::Workbook::new();
        let sheet = xlsx.add_worksheet();
        for (col, header) in headers.iter().enumerate() {
            sheet.write(0, col as u16, header.as_str()).unwrap();
        }
        // Student number, cohort and code typed as numbers, as Excel keeps them.
        sheet.write(1, 0, 2024001.0).unwrap();
        for (col, text) in [(1, "王五"), (2, "计算机学院"), (3, "软件工程"), (4, "本科")]
        {
            sheet.write(1, col, text).unwrap();
        }
        sheet.write(1, 5, 2028.0).unwrap();
        sheet.write(1, 6, 10.0).unwrap();
        let bytes = xlsx.save_to_buffer().unwrap();
        let report = app.upload(&w.school_a, bytes, false).await.expect(200);
        assert_eq!(report["inserted"], 1, "{report}");
        assert_eq!(
            app.count("graduates WHERE student_no = '2024001' AND cohort = 2028")
                .await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn only_school_and_college_admins_import_and_only_their_own() {
    each_backend(|app| async move {
        let w = app.world().await;
        for token in [&w.counselor_a1, &w.province, &w.ministry] {
            app.upload(token, cohort_2027(), true)
                .await
                .expect_error(403, "forbidden");
        }
        // The college admin of 计算机学院: the other college's rows are errors.
        let report = app
            .upload(&w.college_admin_a1, cohort_2027(), true)
            .await
            .expect(200);
        let rows: Vec<i64> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["row"].as_i64().unwrap())
            .collect();
        assert_eq!(rows, vec![8, 9]);
        let own = csv(&["2023001,张一,计算机学院,软件工程,本科,2027,10,31,34,320100"]);
        app.upload(&w.college_admin_a1, own, false)
            .await
            .expect(200);
        assert_eq!(app.count("graduates").await, 1);
    })
    .await;
}

#[tokio::test]
async fn a_college_admin_cannot_take_over_another_colleges_graduates() {
    each_backend(|app| async move {
        let w = app.world().await;
        app.upload(&w.school_a, cohort_2027(), false)
            .await
            .expect(200);
        // A counselor of 外国语学院, whose figures must not move.
        let (_, foreign_counselor) = app
            .account(
                &w.school_a,
                serde_json::json!({ "role": "counselor", "org_unit_id": w.college_a2,
                    "name": "外院老师", "phone": "13900000099",
                    "education_levels": ["bachelor"], "major_ids": [w.major_a2_bachelor] }),
            )
            .await;
        let figures = || async {
            app.get("/api/v1/my/employment-stats", &foreign_counselor)
                .await
                .expect(200)
        };
        let before = figures().await;
        assert_eq!(before["total"]["graduates"], 2);

        let own = "2023007,张七,计算机学院,软件工程,本科,2027,10,31,34,320100";
        // 2023101 is 外国语学院's 李一; the row claims them for 计算机学院.
        let taken = "2023101,冒名,计算机学院,软件工程,本科,2027,10,31,34,320100";
        // A number nobody has, under the other college: refused for the 院系.
        let elsewhere = "2029999,无名,外国语学院,英语,本科,2027,85,,,";
        let claimed = app
            .upload(&w.college_admin_a1, csv(&[own, taken]), true)
            .await
            .expect(200);
        let refused = app
            .upload(&w.college_admin_a1, csv(&[own, elsewhere]), true)
            .await
            .expect(200);
        assert_eq!(
            claimed, refused,
            "{}: an existing number elsewhere reads like any refused row",
            app.backend
        );
        assert_eq!(row_errors(&claimed), vec![(3, "院系".to_string())]);
        assert_eq!(claimed["updated"], 0);
        assert_eq!(claimed["inserted"], 1);
        assert!(!claimed.to_string().contains("外国语"), "{claimed}");

        // Committed inline and in the background: refused, nothing written.
        let committed = app
            .upload(&w.college_admin_a1, csv(&[own, taken]), false)
            .await;
        committed.expect_error(422, "import_has_errors");
        let committed = committed.body;
        assert_eq!(committed["committed"], false);
        assert_eq!(row_errors(&committed), vec![(3, "院系".to_string())]);
        let started = start(&app, &w.college_admin_a1, "report.csv", csv(&[taken])).await;
        assert_eq!(started.status(), 202);
        let started: serde_json::Value = started.json().await.unwrap();
        let run = finished_run(&app, &w.college_admin_a1, started["id"].as_i64().unwrap()).await;
        assert_eq!(row_errors(&run["report"]), vec![(2, "院系".to_string())]);
        assert_eq!(run["report"]["committed"], false);

        let graduate = fudao::db::entities::graduates::Entity::find()
            .filter(fudao::db::entities::graduates::Column::StudentNo.eq("2023101"))
            .one(&app.db)
            .await
            .unwrap()
            .expect("still there");
        assert_eq!(graduate.name, "李一");
        assert_eq!(graduate.college_name, "外国语学院");
        assert_eq!(app.count("graduates").await, 8);
        assert_eq!(figures().await, before, "{}", app.backend);

        // Their own graduates they still update.
        let renamed = csv(&["2023001,张一改,计算机学院,软件工程,本科,2027,10,31,34,320100"]);
        let updated = app
            .upload(&w.college_admin_a1, renamed, false)
            .await
            .expect(200);
        assert_eq!(updated["updated"], 1, "{}", app.backend);

        // The school admin owns the whole university and still moves graduates.
        let moved = app
            .upload(&w.school_a, csv(&[taken]), false)
            .await
            .expect(200);
        assert_eq!(moved["updated"], 1);
    })
    .await;
}

/// Start a background run.
async fn start(
    app: &crate::helpers::TestApp,
    token: &str,
    filename: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(format!(
            "{}/api/v1/employment/imports?background=true&filename={filename}",
            app.base
        ))
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

/// Poll a background run until it has finished.
async fn finished_run(app: &crate::helpers::TestApp, token: &str, id: i64) -> serde_json::Value {
    for _ in 0..600 {
        let run = app
            .get(&format!("/api/v1/employment/imports/{id}"), token)
            .await
            .expect(200);
        if run["status"] != "running" {
            return run;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("import run {id} did not finish");
}

#[tokio::test]
async fn a_large_file_runs_in_the_background_and_reports_its_progress() {
    each_backend(|app| async move {
        let w = app.world().await;
        let lines: Vec<String> = (0..5000)
            .map(|i| format!("9{i:06},学生{i},计算机学院,软件工程,本科,2027,10,31,34,320100"))
            .collect();
        let bytes = csv(&lines.iter().map(String::as_str).collect::<Vec<_>>());
        let started = start(&app, &w.school_a, "big.csv", bytes).await;
        assert_eq!(started.status(), 202);
        let started: serde_json::Value = started.json().await.unwrap();
        assert_eq!(started["filename"], "big.csv");
        assert!(started["report"].is_null());
        let id = started["id"].as_i64().unwrap();

        let run = finished_run(&app, &w.school_a, id).await;
        assert_eq!(run["status"], "done", "{run}");
        assert_eq!(run["processed"], 5000);
        assert_eq!(run["total"], 5000);
        assert_eq!(run["report"]["committed"], true);
        assert_eq!(run["report"]["inserted"], 5000);
        assert!(run["finished_at"].is_string());
        assert_eq!(app.count("graduates").await, 5000);
        let stats = app
            .get("/api/v1/employment/stats", &w.school_a)
            .await
            .expect(200);
        assert_eq!(stats["total"]["graduates"], 5000);

        // Only the university's admins see the run.
        app.get(&format!("/api/v1/employment/imports/{id}"), &w.school_b)
            .await
            .expect_error(404, "not_found");
        let history = app
            .get("/api/v1/employment/imports", &w.school_a)
            .await
            .expect(200);
        assert_eq!(history[0]["id"], id);
        assert_eq!(history[0]["report"]["committed"], true);
        assert_eq!(history[0]["report"]["inserted"], 5000);
        assert!(
            history[0]["report"]["errors"]
                .as_array()
                .unwrap()
                .is_empty(),
            "row errors are read one run at a time"
        );
        let others = app
            .get("/api/v1/employment/imports", &w.school_b)
            .await
            .expect(200);
        assert!(others.as_array().unwrap().is_empty());
        app.get("/api/v1/employment/imports", &w.counselor_a1)
            .await
            .expect_error(403, "forbidden");
    })
    .await;
}

#[tokio::test]
async fn a_background_run_with_errors_reports_them_and_writes_nothing() {
    each_backend(|app| async move {
        let w = app.world().await;
        let bad = csv(&[
            "2023001,张一,计算机学院,软件工程,本科,2027,10,31,34,320100",
            "2023002,张二,计算机学院,软件工程,本科,2027,99,,,",
        ]);
        let started = start(&app, &w.school_a, "report.csv", bad).await;
        assert_eq!(started.status(), 202);
        let started: serde_json::Value = started.json().await.unwrap();
        let run = finished_run(&app, &w.school_a, started["id"].as_i64().unwrap()).await;
        assert_eq!(run["status"], "done");
        assert_eq!(run["report"]["committed"], false);
        assert_eq!(run["report"]["errors"][0]["row"], 3);
        assert_eq!(run["report"]["errors"][0]["column"], "毕业去向代码");
        assert_eq!(app.count("graduates").await, 0);

        // A file wrong on every line keeps the first 1 000 errors and says how many there are.
        let lines: Vec<String> = (0..1200)
            .map(|i| format!("8{i:06},学生{i},计算机学院,软件工程,本科,2027,99,,,"))
            .collect();
        let started = start(
            &app,
            &w.school_a,
            "wrong.csv",
            csv(&lines.iter().map(String::as_str).collect::<Vec<_>>()),
        )
        .await;
        let started: serde_json::Value = started.json().await.unwrap();
        let run = finished_run(&app, &w.school_a, started["id"].as_i64().unwrap()).await;
        assert_eq!(
            run["report"]["errors_total"], 1200,
            "{}",
            run["report"]["errors"][0]
        );
        assert_eq!(run["report"]["errors"].as_array().unwrap().len(), 1000);

        // A file that cannot be read at all ends the run as failed, with the reason.
        let started = start(
            &app,
            &w.school_a,
            "report.csv",
            b"PK\x03\x04 not really a workbook".to_vec(),
        )
        .await;
        let started: serde_json::Value = started.json().await.unwrap();
        let run = finished_run(&app, &w.school_a, started["id"].as_i64().unwrap()).await;
        assert_eq!(run["status"], "failed", "{run}");
        assert!(!run["report"]["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .is_empty());
        // Outside the importer roles nothing starts.
        let refused = start(&app, &w.counselor_a1, "report.csv", cohort_2027()).await;
        assert_eq!(refused.status(), 403);
    })
    .await;
}

#[tokio::test]
async fn the_mini_program_uploads_the_file_as_a_form_part() {
    each_backend(|app| async move {
        let w = app.world().await;
        let form = TestApp::file_form(cohort_2027(), "2027届就业数据.csv");
        let report = app
            .upload_form("/api/v1/employment/imports", &w.school_a, form)
            .await
            .expect(200);
        assert_eq!(report["committed"], true, "{report}");
        assert_eq!(report["inserted"], 8);
        let history = app
            .get("/api/v1/employment/imports", &w.school_a)
            .await
            .expect(200);
        assert_eq!(history[0]["filename"], "2027届就业数据.csv");
        // A form without the file part says what is missing.
        let empty = reqwest::multipart::Form::new().text("note", "x");
        let missing = app
            .upload_form("/api/v1/employment/imports", &w.school_a, empty)
            .await;
        missing.expect_error(422, "invalid_input");
        let body = missing.body;
        assert_eq!(body["field"], "file");
    })
    .await;
}
