//! 换届: counselors carry the class (届) they serve; a year turnover carries chosen ones to the
//! next class, keeping login, WeChat binding and history, disables the rest, and can be undone.

use serde_json::json;

use crate::helpers::world::PASSWORD;
use crate::helpers::{each_backend, TestApp};

async fn counselor(
    app: &TestApp,
    token: &str,
    college: i64,
    major: i64,
    phone: &str,
    cohort: Option<i64>,
) -> (i64, String) {
    let mut body = json!({ "role": "counselor", "org_unit_id": college, "name": "往届老师", "phone": phone,
                           "education_levels": ["bachelor"], "major_ids": [major] });
    if let Some(cohort) = cohort {
        body["cohort"] = json!(cohort);
    }
    app.account(token, body).await
}

#[tokio::test]
async fn a_turnover_carries_chosen_counselors_disables_the_rest_and_can_be_undone() {
    each_backend(|app| async move {
        let w = app.world().await;
        let (c1, c1_token) = counselor(&app, &w.school_a, w.college_a1, w.major_a1_bachelor, "13977770001", Some(2026)).await;
        let (c2, c2_token) = counselor(&app, &w.school_a, w.college_a1, w.major_a1_bachelor, "13977770002", Some(2026)).await;
        let (c3, _) = counselor(&app, &w.school_a, w.college_a2, w.major_a2_bachelor, "13977770003", Some(2026)).await;
        // Without a class, the one under way (the world's counselors too).
        let (fresh, _) = counselor(&app, &w.school_a, w.college_a1, w.major_a1_bachelor, "13977770004", None).await;
        let page = app.get(&format!("/api/v1/accounts/{fresh}"), &w.school_a).await.expect(200);
        let current = page["cohort"].as_i64().unwrap();
        assert!(current >= 2027, "{page}");
        app.bind(&c1_token, "o_carried").await;

        let class = app.get("/api/v1/accounts?cohort=2026", &w.school_a).await.expect(200);
        assert_eq!(class["total"], 3);
        app.get("/api/v1/accounts?cohort=abc", &w.school_a)
            .await
            .expect_error(422, "invalid_input");
        // Only counselors have a class.
        app.post(
            "/api/v1/accounts",
            &w.school_a,
            json!({ "role": "college_admin", "org_unit_id": w.college_a1, "name": "管理员", "phone": "13977770009", "cohort": 2026 }),
        )
        .await
        .expect_error(422, "invalid_input");

        let body = json!({ "from": 2026, "carry": [c1], "disable_rest": true });
        app.post("/api/v1/accounts/turnover", &w.counselor_a1, body.clone())
            .await
            .expect_error(403, "forbidden");
        // Another school's admin cannot carry (or even name) these counselors.
        app.post("/api/v1/accounts/turnover", &w.school_b, body.clone())
            .await
            .expect_error(422, "invalid_input");
        let done = app.post("/api/v1/accounts/turnover", &w.school_a, body).await.expect(200);
        assert_eq!(done["to"], 2027);
        assert_eq!(done["carried"], json!([c1]));
        let mut disabled: Vec<i64> = done["disabled"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
        disabled.sort();
        assert_eq!(disabled, vec![c2, c3]);

        // Carried: same login, same binding, the next class.
        let me = app.get("/api/v1/me", &c1_token).await.expect(200);
        assert_eq!(me["cohort"], 2027);
        assert_eq!(me["wechat"]["bound"], true);
        // The rest: sessions ended, no login.
        app.get("/api/v1/me", &c2_token).await.expect_error(401, "unauthenticated");
        app.login("13977770002", PASSWORD).await.expect_error(403, "account_disabled");
        let left = app.get("/api/v1/accounts?cohort=2026&disabled=false", &w.school_a).await.expect(200);
        assert_eq!(left["total"], 0);
        // The other school's counselors and the class under way are untouched.
        let b1 = app.get("/api/v1/me", &w.counselor_b1).await.expect(200);
        assert_eq!(b1["disabled"], false);

        let id = done["id"].as_i64().unwrap();
        app.post(&format!("/api/v1/accounts/turnover/{id}/undo"), &w.school_b, json!({}))
            .await
            .expect_error(404, "not_found");
        let undone = app
            .post(&format!("/api/v1/accounts/turnover/{id}/undo"), &w.school_a, json!({}))
            .await
            .expect(200);
        assert_eq!(undone["from"], 2026);
        app.login("13977770002", PASSWORD).await.expect(200);
        let back = app.get(&format!("/api/v1/accounts/{c1}"), &w.school_a).await.expect(200);
        assert_eq!(back["cohort"], 2026);
        app.post(&format!("/api/v1/accounts/turnover/{id}/undo"), &w.school_a, json!({}))
            .await
            .expect_error(422, "invalid_input");
        assert_eq!(app.count("audit_log WHERE action = 'account.turnover'").await, 1);
        assert_eq!(app.count("audit_log WHERE action = 'account.turnover_undo'").await, 1);
    })
    .await;
}
