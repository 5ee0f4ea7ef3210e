//! Nobody reads or changes anything outside their org subtree.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{each_backend, TestApp};

#[tokio::test]
async fn a_school_admin_can_read_and_change_nothing_of_another_university() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let other = format!("/api/v1/accounts/{}", w.counselor_b1_id);
        app.get(&other, &w.school_a).await.expect_error(404, "not_found");
        for action in ["disable", "enable", "reset-password"] {
            app.post(&format!("{other}/{action}"), &w.school_a, json!({}))
                .await
                .expect_error(404, "not_found");
        }
        app.patch(&other, &w.school_a, json!({ "name": "改名" })).await.expect_error(404, "not_found");
        let list = app.get("/api/v1/accounts", &w.school_a).await.expect(200);
        assert!(list["items"].as_array().unwrap().iter().all(|a| a["id"] != w.counselor_b1_id));
        app.get(&format!("/api/v1/accounts?college_id={}", w.college_b1), &w.school_a)
            .await
            .expect_error(404, "not_found");
        app.get(&format!("/api/v1/org/units/{}", w.uni_b), &w.school_a).await.expect_error(404, "not_found");
        app.get(&format!("/api/v1/org/units/{}/majors", w.college_b1), &w.school_a)
            .await
            .expect_error(404, "not_found");
        app.post(&format!("/api/v1/org/units/{}/majors", w.college_b1), &w.school_a, json!({ "education_level": "bachelor", "name": "入侵" }))
            .await
            .expect_error(404, "not_found");
        app.post("/api/v1/org/units", &w.school_a, json!({ "kind": "college", "name": "外校学院", "code": "x1", "parent_id": w.uni_b }))
            .await
            .expect_error(404, "not_found");
        let units = app.get("/api/v1/org/units?per_page=100", &w.school_a).await.expect(200);
        let ids: Vec<i64> = units["items"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect();
        assert!(ids.contains(&w.uni_a) && ids.contains(&w.college_a1));
        assert!(!ids.contains(&w.uni_b) && !ids.contains(&w.college_b1) && !ids.contains(&w.province_id));
        // Creating a counselor in the other university's college is refused and writes nothing.
        let before = app.count("accounts").await;
        app.post("/api/v1/accounts", &w.school_a, json!({ "role": "counselor", "org_unit_id": w.college_b1, "name": "越权",
                                                           "phone": "13600000009", "education_levels": ["bachelor"],
                                                           "major_ids": [w.major_b1_bachelor] }))
            .await
            .expect_error(422, "invalid_input");
        assert_eq!(app.count("accounts").await, before);
        // The other counselor is untouched.
        app.get("/api/v1/me", &w.counselor_b1).await.expect(200);
    })
    .await;
}

#[tokio::test]
async fn a_college_admin_sees_nothing_outside_the_college() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let colleague = app
            .post("/api/v1/accounts", &w.school_a, json!({ "role": "counselor", "org_unit_id": w.college_a2, "name": "外院辅导员",
                                                            "phone": "13600000010", "education_levels": ["bachelor"],
                                                            "major_ids": [w.major_a2_bachelor] }))
            .await
            .expect(201);
        let colleague = colleague["id"].as_i64().unwrap();
        app.get(&format!("/api/v1/accounts/{colleague}"), &w.college_admin_a1).await.expect_error(404, "not_found");
        app.post(&format!("/api/v1/accounts/{colleague}/disable"), &w.college_admin_a1, json!({}))
            .await
            .expect_error(404, "not_found");
        let list = app.get("/api/v1/accounts", &w.college_admin_a1).await.expect(200);
        assert_eq!(list["total"], 1, "only the counselor of A1");
        assert_eq!(list["items"][0]["id"], w.counselor_a1_id);
        app.get(&format!("/api/v1/org/units/{}", w.uni_a), &w.college_admin_a1).await.expect_error(404, "not_found");
        app.get(&format!("/api/v1/org/units/{}/majors", w.college_a2), &w.college_admin_a1)
            .await
            .expect_error(404, "not_found");
        let majors = app.get(&format!("/api/v1/org/units/{}/majors", w.college_a1), &w.college_admin_a1).await.expect(200);
        assert_eq!(majors.as_array().unwrap().len(), 2);
        // The college admin can't touch the school admin above them either.
        let audit = app.get("/api/v1/audit?per_page=100", &w.college_admin_a1).await.expect(200);
        assert!(audit["items"].as_array().unwrap().iter().all(|e| e["target_id"] != json!(colleague.to_string())));
    })
    .await;
}

#[tokio::test]
async fn a_counselor_sees_only_their_own_profile() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let me = app.get("/api/v1/me", &w.counselor_a1).await.expect(200);
        assert_eq!(me["id"], w.counselor_a1_id);
        assert_eq!(me["phone"], "13900000005");
        for path in [
            "/api/v1/accounts".to_string(),
            format!("/api/v1/accounts/{}", w.counselor_b1_id),
            "/api/v1/org/units".to_string(),
            format!("/api/v1/org/units/{}/majors", w.college_a1),
            "/api/v1/audit".to_string(),
        ] {
            let reply = app.get(&path, &w.counselor_a1).await;
            assert!(
                matches!(reply.status.as_u16(), 403 | 404),
                "{path}: {:?}",
                reply.body
            );
        }
        // Admin areas refuse a counselor before looking anything up.
        app.get(
            &format!("/api/v1/accounts/{}", w.counselor_a1_id + 100),
            &w.counselor_a1,
        )
        .await
        .expect_error(403, "forbidden");
        let reply = app
            .request(
                Method::PATCH,
                &format!("/api/v1/accounts/{}", w.counselor_b1_id),
                Some(&w.counselor_a1),
                Some(json!({ "name": "x" })),
            )
            .await;
        reply.expect_error(403, "forbidden");
    })
    .await;
}

#[tokio::test]
async fn a_ministry_admin_reads_everything_but_manages_only_province_admins() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let counselor = format!("/api/v1/accounts/{}", w.counselor_b1_id);
        app.get(&counselor, &w.ministry).await.expect(200);
        app.post(&format!("{counselor}/disable"), &w.ministry, json!({}))
            .await
            .expect_error(403, "forbidden");
        let all = app
            .get("/api/v1/accounts?per_page=100", &w.ministry)
            .await
            .expect(200);
        assert_eq!(all["total"], 6);
        // Nobody sees peers or superiors: the province admin does not see the ministry admin.
        let province_view = app
            .get("/api/v1/accounts?per_page=100", &w.province)
            .await
            .expect(200);
        assert!(province_view["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["role"] != "ministry_admin" && a["role"] != "province_admin"));
    })
    .await;
}
