use super::{cohort_2027, csv};
use crate::helpers::each_backend;
use crate::helpers::wechat::text;
use serde_json::json;

#[tokio::test]
async fn a_counselor_sees_the_figures_of_their_own_majors_and_no_student() {
    each_backend(|app| async move {
        let w = app.world().await;
        // Before any import: nothing, said plainly.
        let empty = app
            .get("/api/v1/my/employment-stats", &w.counselor_a1)
            .await
            .expect(200);
        assert!(empty["cohort"].is_null());
        app.upload(&w.school_a, cohort_2027(), false)
            .await
            .expect(200);

        let mine = app
            .get("/api/v1/my/employment-stats", &w.counselor_a1)
            .await
            .expect(200);
        assert_eq!(mine["cohort"], 2027);
        // 2027 is grouped by the 2024 code table.
        assert_eq!(mine["scheme"], 2024);
        assert_eq!(mine["unit"]["name"], "计算机学院");
        assert_eq!(mine["breakdown_kind"], "major");
        assert_eq!(mine["cohorts"], serde_json::json!([2027]));
        assert_eq!(mine["total"]["graduates"], 5);
        assert_eq!(mine["total"]["placed"], 4);
        assert_eq!(mine["total"]["rate_percent"], 80.0);
        let groups: Vec<(String, u64)> = mine["total"]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["label"].as_str().unwrap().to_string(),
                    g["count"].as_u64().unwrap(),
                )
            })
            .collect();
        assert!(groups.contains(&("单位就业".to_string(), 2)));
        assert!(groups.contains(&("待就业".to_string(), 1)));
        assert_eq!(mine["breakdown"][0]["label"], "软件工程");
        let regions: Vec<&str> = mine["by_region"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["label"].as_str().unwrap())
            .collect();
        assert_eq!(regions, vec!["上海市", "江苏省"]);
        assert_eq!(mine["by_employer_type"][0]["label"], "国有企业");
        assert_eq!(mine["by_employer_type"][1]["label"], "其他企业");
        let body = mine.to_string();
        assert!(
            !body.contains("张一") && !body.contains("2023001"),
            "no student in statistics"
        );

        // Another university's counselor sees none of it; admins use their own view.
        let other = app
            .get("/api/v1/my/employment-stats", &w.counselor_b1)
            .await
            .expect(200);
        assert!(other["cohort"].is_null());
        app.get("/api/v1/my/employment-stats", &w.school_a)
            .await
            .expect_error(403, "forbidden");
        app.get("/api/v1/employment/stats", &w.counselor_a1)
            .await
            .expect_error(403, "forbidden");

        // 进展 in the chat says the same.
        app.follow_and_bind(&w.counselor_a1, "o_a1").await;
        let reply = app.send("o_a1", &text("进展")).await;
        assert!(reply.content().contains("2027届"), "{}", reply.content());
        assert!(
            reply.content().contains("共5人，去向落实率80.0%"),
            "{}",
            reply.content()
        );
        assert!(
            reply.content().contains("pages/stats/index"),
            "{}",
            reply.content()
        );
    })
    .await;
}

#[tokio::test]
async fn admins_see_their_scope_rolled_up_by_the_level_below() {
    each_backend(|app| async move {
        let w = app.world().await;
        app.upload(&w.school_a, cohort_2027(), false)
            .await
            .expect(200);
        let school = app
            .get("/api/v1/employment/stats", &w.school_a)
            .await
            .expect(200);
        assert_eq!(school["total"]["graduates"], 8);
        assert_eq!(school["total"]["rate_percent"], 75.0);
        let colleges: Vec<(String, u64, f64)> = school["breakdown"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["label"].as_str().unwrap().to_string(),
                    c["graduates"].as_u64().unwrap(),
                    c["rate_percent"].as_f64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            colleges,
            vec![
                ("外国语学院".to_string(), 2, 50.0),
                ("计算机学院".to_string(), 6, 83.3)
            ]
        );
        assert_eq!(school["by_education_level"].as_array().unwrap().len(), 2);
        // Who the figures are about, what the breakdown lists, which cohorts have data.
        assert_eq!(school["unit"]["id"], w.uni_a);
        assert_eq!(school["unit"]["kind"], "university");
        assert_eq!(school["breakdown_kind"], "college");
        assert_eq!(school["cohorts"], serde_json::json!([2027]));
        // Industries by GB/T 4754 section: division 34 is manufacturing, 83 education.
        let industries: Vec<(String, String, u64)> = school["by_industry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["code"].as_str().unwrap().to_string(),
                    i["label"].as_str().unwrap().to_string(),
                    i["count"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            industries,
            vec![
                ("C".to_string(), "制造业".to_string(), 2),
                ("P".to_string(), "教育".to_string(), 1)
            ]
        );

        let college = app
            .get("/api/v1/employment/stats", &w.college_admin_a1)
            .await
            .expect(200);
        assert_eq!(college["total"]["graduates"], 6);
        assert_eq!(college["breakdown"].as_array().unwrap().len(), 2);

        let province = app
            .get("/api/v1/employment/stats", &w.province)
            .await
            .expect(200);
        assert_eq!(province["breakdown"][0]["label"], "江南示范大学");
        assert_eq!(province["breakdown_kind"], "university");
        assert_eq!(province["cohorts"], serde_json::json!([2027]));
        let nation = app
            .get("/api/v1/employment/stats?cohort=2027", &w.ministry)
            .await
            .expect(200);
        assert_eq!(nation["breakdown"][0]["label"], "江苏省");
        assert_eq!(nation["breakdown_kind"], "province");
        assert_eq!(nation["unit"]["kind"], "ministry");
        assert_eq!(nation["total"]["graduates"], 8);

        // The nation's figures follow every import at once.
        app.upload(
            &w.school_a,
            csv(&["2023005,张五,计算机学院,软件工程,本科,2027,10,31,34,320100"]),
            false,
        )
        .await
        .expect(200);
        let nation = app
            .get("/api/v1/employment/stats", &w.ministry)
            .await
            .expect(200);
        assert_eq!(nation["total"]["placed"], 7);
        assert_eq!(nation["total"]["graduates"], 8);

        // School B sees nothing of A, not even by asking for A's unit.
        let b = app
            .get("/api/v1/employment/stats", &w.school_b)
            .await
            .expect(200);
        assert!(b["cohort"].is_null());
        assert!(b["cohorts"].as_array().unwrap().is_empty());
        app.get(
            &format!("/api/v1/employment/stats?unit_id={}", w.uni_a),
            &w.school_b,
        )
        .await
        .expect_error(404, "not_found");
        // The same figures as a workbook.
        let bytes = app
            .bytes("/api/v1/employment/stats/export", &w.school_a)
            .await;
        use calamine::{Data, Reader};
        let mut book: calamine::Xlsx<_> =
            calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
        let summary = book.worksheet_range("汇总").expect("summary");
        assert_eq!(
            summary.get_value((1, 0)),
            Some(&Data::String("合计".into()))
        );
        assert_eq!(summary.get_value((1, 1)), Some(&Data::Float(8.0)));
        assert_eq!(
            summary.get_value((2, 0)),
            Some(&Data::String("外国语学院".into()))
        );
        assert!(book.worksheet_range("去向").is_ok());
        app.get("/api/v1/employment/stats/export", &w.counselor_a1)
            .await
            .expect_error(403, "forbidden");

        // The province drills into one university.
        let drill = app
            .get(
                &format!("/api/v1/employment/stats?unit_id={}", w.uni_a),
                &w.province,
            )
            .await
            .expect(200);
        assert_eq!(drill["breakdown"].as_array().unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn each_cohort_is_grouped_by_its_own_code_table() {
    each_backend(|app| async move {
        let w = app.world().await;
        // 12 (其他录用形式就业) is 灵活就业 under the 2021 grouping and 单位就业 from 2024 on.
        app.upload(
            &w.school_a,
            csv(&[
                "2019001,赵一,计算机学院,软件工程,本科,2023,12,,,",
                "2021001,赵二,计算机学院,软件工程,本科,2025,12,,,",
                "2022001,孙三,外国语学院,英语,本科,2026,10,,,",
            ]),
            false,
        )
        .await
        .expect(200);
        let old = app
            .get("/api/v1/employment/stats?cohort=2023", &w.school_a)
            .await
            .expect(200);
        assert_eq!(old["scheme"], 2021);
        assert_eq!(old["total"]["groups"][0]["label"], "灵活就业");
        let new = app
            .get("/api/v1/employment/stats?cohort=2025", &w.school_a)
            .await
            .expect(200);
        assert_eq!(new["scheme"], 2024);
        assert_eq!(new["total"]["groups"][0]["label"], "单位就业");
        // Without a cohort: the latest one with data in scope…
        let latest = app
            .get("/api/v1/employment/stats", &w.school_a)
            .await
            .expect(200);
        assert_eq!(latest["cohort"], 2026);
        assert_eq!(latest["cohorts"], serde_json::json!([2026, 2025, 2023]));
        // …and for a counselor, the latest with their own graduates.
        let mine = app
            .get("/api/v1/my/employment-stats", &w.counselor_a1)
            .await
            .expect(200);
        assert_eq!(mine["cohort"], 2025);
        assert_eq!(mine["total"]["graduates"], 1);
        assert_eq!(
            mine["cohorts"],
            serde_json::json!([2025, 2023]),
            "only cohorts with the counselor's own graduates"
        );
        let nation = app
            .get("/api/v1/employment/stats", &w.ministry)
            .await
            .expect(200);
        assert_eq!(nation["cohorts"], serde_json::json!([2026, 2025, 2023]));
    })
    .await;
}

#[tokio::test]
async fn statistics_open_on_the_class_served_when_it_has_data() {
    each_backend(|app| async move {
        let w = app.world().await;
        let me = app.get("/api/v1/me", &w.school_a).await.expect(200);
        let current = me["capabilities"]["current_cohort"].as_i64().unwrap();
        let (before, next) = (current - 1, current + 1);
        let row = |id: i64, cohort: i64| format!("{id},学生{id},计算机学院,软件工程,本科,{cohort},10,,,");
        let lines = [row(1, before), row(2, current), row(3, current), row(4, next)];
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        app.upload(&w.school_a, csv(&lines), false).await.expect(200);
        let (_, leaving) = app
            .account(
                &w.school_a,
                json!({ "role": "counselor", "org_unit_id": w.college_a1, "name": "往届老师", "phone": "13900000051",
                        "education_levels": ["bachelor"], "major_ids": [w.major_a1_bachelor], "cohort": before }),
            )
            .await;

        // Not the newest class with data (next year's), the class under way.
        let school = app.get("/api/v1/employment/stats", &w.school_a).await.expect(200);
        assert_eq!(school["cohort"], current);
        assert_eq!(school["cohorts"], json!([next, current, before]));
        let mine = app.get("/api/v1/my/employment-stats", &w.counselor_a1).await.expect(200);
        assert_eq!(mine["cohort"], current);
        assert_eq!(mine["total"]["graduates"], 2);
        // A counselor of the class before opens on theirs.
        let theirs = app.get("/api/v1/my/employment-stats", &leaving).await.expect(200);
        assert_eq!(theirs["cohort"], before);
        assert_eq!(theirs["total"]["graduates"], 1);
        // Asking for a class still wins.
        let asked = app
            .get(&format!("/api/v1/my/employment-stats?cohort={next}"), &leaving)
            .await
            .expect(200);
        assert_eq!(asked["cohort"], next);
    })
    .await;
}
