use serde_json::json;

use crate::helpers::{each_backend, TestApp};

#[tokio::test]
async fn units_are_created_level_by_level_with_valid_codes() {
    each_backend(|app: TestApp| async move {
        let token = app.ministry_token().await;
        let root = app.root_unit_id(&token).await;
        let province = app.unit(&token, "province", "浙江省", "33", root).await;
        let school = app.unit(&token, "university", "钱塘示范大学", "19903", province).await;
        let college = app.unit(&token, "college", "理学院", "sci", school).await;
        let cases = [
            (json!({ "kind": "university", "name": "跳级大学", "code": "19904", "parent_id": root }), 422, "invalid_input"),
            (json!({ "kind": "college", "name": "子学院", "code": "x", "parent_id": college }), 422, "invalid_input"),
            (json!({ "kind": "university", "name": "短码大学", "code": "123", "parent_id": province }), 422, "invalid_input"),
            (json!({ "kind": "province", "name": "长码省", "code": "330000", "parent_id": root }), 422, "invalid_input"),
            (json!({ "kind": "ministry", "name": "又一个部", "code": "X", "parent_id": root }), 422, "invalid_input"),
            (json!({ "kind": "university", "name": "重码大学", "code": "19903", "parent_id": province }), 409, "org_unit_exists"),
            (json!({ "kind": "college", "name": "理学院", "code": "sci2", "parent_id": school }), 409, "org_unit_exists"),
            (json!({ "kind": "college", "name": "无主学院", "code": "n1", "parent_id": 987_654 }), 404, "not_found"),
        ];
        let before = app.count("org_units").await;
        for (n, (body, status, code)) in cases.into_iter().enumerate() {
            let reply = app.post("/api/v1/org/units", &token, body).await;
            assert_eq!(reply.status.as_u16(), status, "case {n} on {}: {:?}", app.backend, reply.body);
            reply.expect_error(status, code);
        }
        assert_eq!(app.count("org_units").await, before);

        let listed = app.get(&format!("/api/v1/org/units?parent_id={province}"), &token).await.expect(200);
        assert_eq!(listed["total"], 1);
        assert_eq!(listed["items"][0]["code"], "19903");
        let colleges = app.get("/api/v1/org/units?kind=college", &token).await.expect(200);
        assert_eq!(colleges["total"], 1);
        let by_code = app.get("/api/v1/org/units?q=19903", &token).await.expect(200);
        assert_eq!(by_code["items"][0]["name"], "钱塘示范大学");
    })
    .await;
}

#[tokio::test]
async fn the_majors_catalog_is_per_college_and_level() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        app.major(
            &w.college_admin_a1,
            w.college_a1,
            "doctor",
            "计算机科学与技术",
        )
        .await;
        app.post(
            &format!("/api/v1/org/units/{}/majors", w.college_a1),
            &w.college_admin_a1,
            json!({ "education_level": "bachelor", "name": "软件工程" }),
        )
        .await
        .expect_error(409, "major_exists");
        app.post(
            &format!("/api/v1/org/units/{}/majors", w.college_a1),
            &w.college_admin_a1,
            json!({ "education_level": "kindergarten", "name": "游戏" }),
        )
        .await
        .expect_error(422, "invalid_input");
        app.post(
            &format!("/api/v1/org/units/{}/majors", w.uni_a),
            &w.school_a,
            json!({ "education_level": "bachelor", "name": "校级专业" }),
        )
        .await
        .expect_error(422, "invalid_input");
        let all = app
            .get(
                &format!("/api/v1/org/units/{}/majors", w.college_a1),
                &w.school_a,
            )
            .await
            .expect(200);
        assert_eq!(all.as_array().unwrap().len(), 3, "{}", app.backend);
        let doctors = app
            .get(
                &format!(
                    "/api/v1/org/units/{}/majors?education_level=doctor",
                    w.college_a1
                ),
                &w.school_a,
            )
            .await
            .expect(200);
        assert_eq!(doctors.as_array().unwrap().len(), 1);
        assert_eq!(doctors[0]["name"], "计算机科学与技术");
    })
    .await;
}

#[tokio::test]
async fn a_school_renames_its_colleges_and_deletes_only_an_unused_one() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let path = format!("/api/v1/org/units/{}", w.college_a2);
        // To the name the employment data uses.
        let renamed = app
            .patch(&path, &w.school_a, json!({ "name": " 外国语言文学学院 " }))
            .await
            .expect(200);
        assert_eq!(renamed["name"], "外国语言文学学院");
        let shown = app.get(&path, &w.school_a).await.expect(200);
        assert_eq!(shown["name"], "外国语言文学学院");
        assert_eq!(
            app.count("audit_log WHERE action = 'org_unit.rename'")
                .await,
            1
        );
        // A sibling's name, nonsense, another school, the college itself, a counselor.
        app.patch(&path, &w.school_a, json!({ "name": "计算机学院" }))
            .await
            .expect_error(409, "org_unit_exists");
        app.patch(&path, &w.school_a, json!({ "name": "  " }))
            .await
            .expect_error(422, "invalid_input");
        app.patch(&path, &w.school_b, json!({ "name": "乙" }))
            .await
            .expect_error(404, "not_found");
        app.patch(
            &format!("/api/v1/org/units/{}", w.college_a1),
            &w.college_admin_a1,
            json!({ "name": "自改名" }),
        )
        .await
        .expect_error(403, "forbidden");
        app.patch(&path, &w.counselor_a1, json!({ "name": "x" }))
            .await
            .expect_error(403, "forbidden");
        // Only colleges are renamed here.
        app.patch(
            &format!("/api/v1/org/units/{}", w.uni_a),
            &w.province,
            json!({ "name": "改校名" }),
        )
        .await
        .expect_error(422, "invalid_input");

        // A college with counselors stays, and says why.
        let refused = app
            .request(
                reqwest::Method::DELETE,
                &format!("/api/v1/org/units/{}", w.college_a1),
                Some(&w.school_a),
                None,
            )
            .await;
        refused.expect_error(409, "org_unit_in_use");
        assert!(
            refused.body["message"].as_str().unwrap().contains("账号"),
            "{}",
            refused.body
        );
        // A college created by mistake goes, with its majors.
        let typo = app
            .unit(&w.school_a, "college", "计算计学院", "cs2", w.uni_a)
            .await;
        app.major(&w.school_a, typo, "bachelor", "软件工程").await;
        let majors_before = app.count("majors").await;
        let gone = app
            .request(
                reqwest::Method::DELETE,
                &format!("/api/v1/org/units/{typo}"),
                Some(&w.school_a),
                None,
            )
            .await;
        assert_eq!(gone.status.as_u16(), 204, "{}", gone.body);
        assert_eq!(app.count("majors").await, majors_before - 1);
        app.get(&format!("/api/v1/org/units/{typo}"), &w.school_a)
            .await
            .expect_error(404, "not_found");
        assert_eq!(
            app.count("audit_log WHERE action = 'org_unit.delete'")
                .await,
            1
        );
    })
    .await;
}
