//! Progress for admins: totals, breakdowns, who is not done, and the workbook.

use calamine::{Data, Reader, Xlsx};
use serde_json::json;

use super::task;
use crate::helpers::each_backend_with;

#[tokio::test]
async fn progress_breaks_down_by_college_and_level_lists_the_pending_and_exports() {
    each_backend_with(
        |s| s.push.enabled = false,
        |app| async move {
            let w = app.world().await;
            let crew = app.crew(&w).await;
            app.follow_and_bind(&w.counselor_a1, "o_a1").await;
            let (id, _) = app.publish(&w.school_a, task("学校通知", json!({}))).await;
            app.get(&format!("/api/v1/my/tasks/{id}"), &crew.a2)
                .await
                .expect(200);
            app.complete(&w.counselor_a1, id).await;

            let p = app.progress(&w.school_a, id).await;
            assert_eq!(p["assigned"], 3);
            assert_eq!(p["viewed"], 2);
            assert_eq!(p["completed"], 1);
            assert_eq!(p["done"], 1);
            assert_eq!(p["pending"], 2);
            assert_eq!(p["not_bound"], 2);
            assert_eq!(p["done_percent"], 33.3);
            let colleges = p["by_college"].as_array().unwrap();
            assert_eq!(colleges.len(), 2);
            let a1 = colleges.iter().find(|c| c["name"] == "计算机学院").unwrap();
            assert_eq!(
                (a1["assigned"].as_i64(), a1["done"].as_i64()),
                (Some(2), Some(1))
            );
            let levels = p["by_education_level"].as_array().unwrap();
            let bachelor = levels.iter().find(|l| l["key"] == "bachelor").unwrap();
            assert_eq!(bachelor["name"], "本科");
            assert_eq!(bachelor["assigned"], 2);
            assert_eq!(
                levels.iter().find(|l| l["key"] == "master").unwrap()["assigned"],
                1
            );
            assert_eq!(p["notices"]["queued"], 1);
            // Binding after the task went out counts at once.
            app.follow_and_bind(&crew.a2, "o_a2").await;
            assert_eq!(app.progress(&w.school_a, id).await["not_bound"], 1);

            let pending = app
                .get(
                    &format!("/api/v1/tasks/{id}/progress/pending?per_page=1"),
                    &w.school_a,
                )
                .await
                .expect(200);
            assert_eq!(pending["total"], 2);
            assert_eq!(pending["items"].as_array().unwrap().len(), 1);
            let all = app
                .get(&format!("/api/v1/tasks/{id}/progress/pending"), &w.school_a)
                .await
                .expect(200);
            for row in all["items"].as_array().unwrap() {
                assert!(row["phone"].as_str().unwrap().contains("****"));
                if row["name"] == "钱外" {
                    assert_eq!(
                        (row["bound"].as_bool(), row["following"].as_bool()),
                        (Some(true), Some(true))
                    );
                } else {
                    assert_eq!(row["bound"], false);
                    assert!(row["following"].is_null());
                }
            }
            // Outside the publisher's subtree there is nothing to see.
            app.get(&format!("/api/v1/tasks/{id}/progress"), &w.school_b)
                .await
                .expect_error(404, "not_found");
            app.get(&format!("/api/v1/tasks/{id}/progress"), &w.counselor_a1)
                .await
                .expect_error(403, "forbidden");

            let response = app
                .client
                .get(format!("{}/api/v1/tasks/{id}/progress/export", app.base))
                .bearer_auth(&w.school_a)
                .send()
                .await
                .expect("export");
            assert_eq!(response.status(), 200);
            assert!(response.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("spreadsheetml"));
            let bytes = response.bytes().await.expect("body").to_vec();
            let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
            let summary = book.worksheet_range("汇总").expect("summary sheet");
            assert_eq!(
                summary.get_value((0, 1)),
                Some(&Data::String("学校通知".into()))
            );
            assert_eq!(summary.get_value((3, 1)), Some(&Data::Float(3.0)));
            let detail = book.worksheet_range("明细").expect("detail sheet");
            assert_eq!(detail.height(), 4);
            let names: Vec<String> = (1..4)
                .map(|r| detail.get_value((r, 0)).unwrap().to_string())
                .collect();
            assert!(names.contains(&"王晓明".to_string()));
            let a1_row = (1..4)
                .find(|r| detail.get_value((*r, 0)) == Some(&Data::String("王晓明".into())))
                .unwrap();
            assert_eq!(
                detail.get_value((a1_row, 2)),
                Some(&Data::String("本科".into()))
            );
            assert_eq!(
                detail.get_value((a1_row, 4)),
                Some(&Data::String("是".into()))
            );
            assert!(!detail
                .get_value((a1_row, 9))
                .unwrap()
                .to_string()
                .is_empty());
        },
    )
    .await;
}

#[tokio::test]
async fn the_chase_list_filters_by_college_level_binding_and_reading_and_exports_what_it_shows() {
    each_backend_with(
        |s| s.push.enabled = false,
        |app| async move {
            let w = app.world().await;
            let crew = app.crew(&w).await;
            let (id, _) = app.publish(&w.school_a, task("学校通知", json!({}))).await;
            // 钱外 (college A2, bachelor) opens it and binds; 赵研 (A1, master) does nothing;
            // 王晓明 finishes.
            app.get(&format!("/api/v1/my/tasks/{id}"), &crew.a2)
                .await
                .expect(200);
            app.follow_and_bind(&crew.a2, "o_a2").await;
            app.complete(&w.counselor_a1, id).await;

            let names = |query: String| {
                let app = &app;
                let token = w.school_a.clone();
                async move {
                    let page = app
                        .get(
                            &format!("/api/v1/tasks/{id}/progress/pending?{query}"),
                            &token,
                        )
                        .await
                        .expect(200);
                    let mut names: Vec<String> = page["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| r["name"].as_str().unwrap().to_string())
                        .collect();
                    names.sort();
                    assert_eq!(page["total"].as_u64(), Some(names.len() as u64), "{query}");
                    names
                }
            };
            let one = |name: &str| vec![name.to_string()];
            assert_eq!(names(String::new()).await.len(), 2);
            let college = format!("college_id={}", w.college_a2);
            assert_eq!(names(college).await, one("钱外"));
            for (query, who) in [
                ("education_level=master", "赵研"),
                ("bound=false", "赵研"),
                ("bound=true", "钱外"),
                ("viewed=false", "赵研"),
                ("viewed=true&bound=true", "钱外"),
                ("q=%E9%92%B1", "钱外"),
                ("q=0000012", "钱外"),
            ] {
                assert_eq!(names(query.to_string()).await, one(who), "{query}");
            }

            // Each row says the counselor's levels.
            let page = app
                .get(
                    &format!("/api/v1/tasks/{id}/progress/pending?education_level=master"),
                    &w.school_a,
                )
                .await
                .expect(200);
            assert_eq!(page["items"][0]["education_levels"], json!(["master"]));
            app.get(
                &format!("/api/v1/tasks/{id}/progress/pending?education_level=phd"),
                &w.school_a,
            )
            .await
            .expect_error(422, "invalid_input");

            // The export holds exactly the filtered list, phones masked.
            let response = app
                .client
                .get(format!(
                    "{}/api/v1/tasks/{id}/progress/pending/export?bound=false",
                    app.base
                ))
                .bearer_auth(&w.school_a)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            let bytes = response.bytes().await.unwrap().to_vec();
            let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
            let sheet = book.worksheet_range("未完成").unwrap();
            let rows: Vec<Vec<String>> = sheet
                .rows()
                .map(|r| {
                    r.iter()
                        .map(|c| match c {
                            Data::String(s) => s.clone(),
                            _ => String::new(),
                        })
                        .collect()
                })
                .collect();
            assert_eq!(rows[0][..4], ["姓名", "院系", "学历层次", "手机号"]);
            assert_eq!(rows[1][0], "赵研");
            assert_eq!(rows[1][2], "硕士研究生");
            assert_eq!(rows[1][3], "139****0011");
            assert!(rows[2].iter().all(String::is_empty), "one person: {rows:?}");

            // Outside the scope: nothing; a counselor: not even asked.
            app.get(
                &format!("/api/v1/tasks/{id}/progress/pending/export"),
                &w.school_b,
            )
            .await
            .expect_error(404, "not_found");
            app.get(
                &format!("/api/v1/tasks/{id}/progress/pending/export"),
                &w.counselor_a1,
            )
            .await
            .expect_error(403, "forbidden");
        },
    )
    .await;
}
