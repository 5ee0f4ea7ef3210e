use serde_json::json;

use crate::helpers::{each_backend, each_backend_with, TestApp};

#[tokio::test]
async fn each_role_creates_exactly_the_roles_the_product_table_allows() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let cases = [
            // (creator, role, unit, allowed)
            (&w.ministry, "province_admin", w.province_id, true),
            (&w.ministry, "school_admin", w.uni_a, false),
            (&w.ministry, "counselor", w.college_a1, false),
            (&w.province, "school_admin", w.uni_a, true),
            (&w.province, "college_admin", w.college_a1, false),
            (&w.province, "province_admin", w.province_id, false),
            (&w.school_a, "college_admin", w.college_a2, true),
            (&w.school_a, "counselor", w.college_a2, true),
            (&w.school_a, "school_admin", w.uni_a, false),
            (&w.college_admin_a1, "counselor", w.college_a1, true),
            (&w.college_admin_a1, "college_admin", w.college_a1, false),
            (&w.counselor_a1, "counselor", w.college_a1, false),
        ];
        for (n, (token, role, unit, allowed)) in cases.into_iter().enumerate() {
            let phone = format!("1370000{:04}", n);
            let mut body =
                json!({ "role": role, "org_unit_id": unit, "name": "测试用户", "phone": phone });
            if role == "counselor" {
                let major = if unit == w.college_a1 {
                    w.major_a1_bachelor
                } else {
                    w.major_a2_bachelor
                };
                body["education_levels"] = json!(["bachelor"]);
                body["major_ids"] = json!([major]);
            }
            let before = app.count("accounts").await;
            let reply = app.post("/api/v1/accounts", token, body).await;
            if allowed {
                assert_eq!(
                    reply.status.as_u16(),
                    201,
                    "case {n} {role} on {}: {:?}",
                    app.backend,
                    reply.body
                );
                assert_eq!(app.count("accounts").await, before + 1);
                let (template, username, password) = app.last_sms(&phone).await;
                assert_eq!(template, "account_created");
                assert_eq!(username, phone, "username defaults to the phone");
                assert!(password.len() >= 12);
            } else {
                assert_eq!(
                    reply.status.as_u16(),
                    403,
                    "case {n} {role} on {}: {:?}",
                    app.backend,
                    reply.body
                );
                assert_eq!(reply.code(), "forbidden");
                assert_eq!(
                    app.count("accounts").await,
                    before,
                    "case {n} wrote nothing"
                );
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_counselor_carries_levels_and_majors_from_the_catalog() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let created = app
            .post(
                "/api/v1/accounts",
                &w.school_a,
                json!({ "role": "counselor", "org_unit_id": w.college_a1, "name": " 张三 ", "phone": "+86 138-1234-1234",
                        "username": "ZhangSan", "education_levels": ["本科", "master"],
                        "major_ids": [w.major_a1_bachelor, w.major_a1_master] }),
            )
            .await
            .expect(201);
        assert_eq!(created["username"], "zhangsan");
        assert_eq!(created["name"], "张三");
        assert_eq!(created["phone"], "13812341234");
        assert_eq!(created["education_levels"], json!(["bachelor", "master"]));
        assert_eq!(created["majors"].as_array().unwrap().len(), 2);
        assert_eq!(created["must_change_password"], true);
        assert_eq!(created["org_unit"]["id"], w.college_a1);
        let (_, username, _) = app.last_sms("13812341234").await;
        assert_eq!(username, "zhangsan");
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_refused_with_a_clear_code_and_nothing_is_written() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let good = json!({ "role": "counselor", "org_unit_id": w.college_a1, "name": "赵六", "phone": "13600000000",
                           "education_levels": ["bachelor"], "major_ids": [w.major_a1_bachelor] });
        let with = |key: &str, value: serde_json::Value| {
            let mut body = good.clone();
            body[key] = value;
            body
        };
        let accounts = app.count("accounts").await;
        let outbox = app.count("sms_outbox").await;
        let audit = app.count("audit_log").await;
        let cases = [
            (with("phone", json!("12345")), 422, "invalid_input", Some("phone")),
            (with("phone", json!("23800000000")), 422, "invalid_input", Some("phone")),
            (with("org_unit_id", json!(999_999)), 422, "invalid_input", Some("org_unit_id")),
            // A university is not a college.
            (with("org_unit_id", json!(w.uni_a)), 422, "invalid_input", Some("org_unit_id")),
            // A major of another college of the same school.
            (with("major_ids", json!([w.major_a2_bachelor])), 422, "invalid_input", Some("major_ids")),
            // A master's major for a counselor responsible for bachelors only.
            (with("major_ids", json!([w.major_a1_master])), 422, "invalid_input", Some("major_ids")),
            (with("major_ids", json!([])), 422, "invalid_input", Some("major_ids")),
            (with("education_levels", json!(["小学"])), 422, "invalid_input", Some("education_levels")),
            (with("education_levels", json!([])), 422, "invalid_input", Some("education_levels")),
            (with("name", json!("  ")), 422, "invalid_input", Some("name")),
            (with("role", json!("superuser")), 422, "invalid_input", Some("role")),
            (with("username", json!("a b")), 422, "invalid_input", Some("username")),
            // The world's counselor already uses this username (their phone).
            (with("phone", json!("13900000005")), 409, "username_taken", None),
            (with("username", json!("admin")), 409, "username_taken", None),
            // A value of the wrong type is named, in Chinese.
            (with("org_unit_id", json!("not a number")), 422, "invalid_input", Some("org_unit_id")),
        ];
        for (n, (body, status, code, field)) in cases.into_iter().enumerate() {
            let reply = app.post("/api/v1/accounts", &w.school_a, body).await;
            assert_eq!(reply.status.as_u16(), status, "case {n} on {}: {:?}", app.backend, reply.body);
            reply.expect_error(status, code);
            if let Some(field) = field {
                assert_eq!(reply.body["field"], field, "case {n}");
            }
        }
        assert_eq!(app.count("accounts").await, accounts);
        assert_eq!(app.count("sms_outbox").await, outbox);
        assert_eq!(app.count("audit_log").await, audit);
    })
    .await;
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_anything_happens() {
    each_backend_with(
        |settings| settings.server.body_limit_kib = 4,
        |app: TestApp| async move {
            let w = app.world().await;
            let accounts = app.count("accounts").await;
            let body = json!({ "role": "counselor", "org_unit_id": w.college_a1, "name": "x".repeat(8 * 1024),
                               "phone": "13600000001", "education_levels": ["bachelor"], "major_ids": [w.major_a1_bachelor] });
            let reply = app.post("/api/v1/accounts", &w.school_a, body).await;
            reply.expect_error(413, "payload_too_large");
            assert_eq!(app.count("accounts").await, accounts);
        },
    )
    .await;
}

#[tokio::test]
async fn lists_are_paginated_filtered_and_mask_phones() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        for n in 0..5 {
            app.post(
                "/api/v1/accounts",
                &w.school_a,
                json!({ "role": "counselor", "org_unit_id": w.college_a2, "name": format!("外语辅导员{n}"),
                        "phone": format!("1350000000{n}"), "education_levels": ["bachelor"], "major_ids": [w.major_a2_bachelor] }),
            )
            .await
            .expect(201);
        }
        let all = app.get("/api/v1/accounts?per_page=3", &w.school_a).await.expect(200);
        // College admin A1, counselor A1 and five in A2.
        assert_eq!(all["total"], 7, "{}", app.backend);
        assert_eq!(all["items"].as_array().unwrap().len(), 3);
        let page3 = app.get("/api/v1/accounts?per_page=3&page=3", &w.school_a).await.expect(200);
        assert_eq!(page3["items"].as_array().unwrap().len(), 1);
        for item in all["items"].as_array().unwrap() {
            let phone = item["phone"].as_str().unwrap();
            assert!(phone.contains("****"), "masked: {phone}");
        }

        let a2 = app.get(&format!("/api/v1/accounts?college_id={}", w.college_a2), &w.school_a).await.expect(200);
        assert_eq!(a2["total"], 5);
        let admins = app.get("/api/v1/accounts?role=college_admin", &w.school_a).await.expect(200);
        assert_eq!(admins["total"], 1);
        let search = app.get("/api/v1/accounts?q=%E5%A4%96%E8%AF%AD%E8%BE%85%E5%AF%BC%E5%91%983", &w.school_a).await.expect(200);
        assert_eq!(search["total"], 1);
        assert_eq!(search["items"][0]["name"], "外语辅导员3");
        let by_phone = app.get("/api/v1/accounts?q=13500000004", &w.school_a).await.expect(200);
        assert_eq!(by_phone["total"], 1);
        let masters = app.get("/api/v1/accounts?education_level=master", &w.school_a).await.expect(200);
        assert_eq!(masters["total"], 0);
        let bachelors = app.get("/api/v1/accounts?education_level=bachelor", &w.school_a).await.expect(200);
        assert_eq!(bachelors["total"], 6);
        app.get("/api/v1/accounts?education_level=primary", &w.school_a)
            .await
            .expect_error(422, "invalid_input");
    })
    .await;
}

#[tokio::test]
async fn edit_disable_enable_and_reset_password() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let path = format!("/api/v1/accounts/{}", w.counselor_a1_id);
        let edited = app
            .patch(&path, &w.school_a, json!({ "name": "王小明", "phone": "13711112222",
                                                "education_levels": ["bachelor", "master"],
                                                "major_ids": [w.major_a1_bachelor, w.major_a1_master] }))
            .await
            .expect(200);
        assert_eq!(edited["name"], "王小明");
        assert_eq!(edited["phone"], "13711112222");
        assert_eq!(edited["majors"].as_array().unwrap().len(), 2);

        // Moving to another college needs majors of that college.
        app.patch(&path, &w.school_a, json!({ "org_unit_id": w.college_a2 }))
            .await
            .expect_error(422, "invalid_input");
        let moved = app
            .patch(&path, &w.school_a, json!({ "org_unit_id": w.college_a2, "education_levels": ["bachelor"],
                                                "major_ids": [w.major_a2_bachelor] }))
            .await
            .expect(200);
        assert_eq!(moved["org_unit"]["id"], w.college_a2);

        // Disabling ends the counselor's session at once and blocks login.
        app.get("/api/v1/me", &w.counselor_a1).await.expect(200);
        let disabled = app.post(&format!("{path}/disable"), &w.school_a, json!({})).await.expect(200);
        assert_eq!(disabled["disabled"], true);
        app.get("/api/v1/me", &w.counselor_a1).await.expect_error(401, "unauthenticated");
        app.login("13900000005", crate::helpers::world::PASSWORD)
            .await
            .expect_error(403, "account_disabled");
        let disabled_list = app.get("/api/v1/accounts?disabled=true", &w.school_a).await.expect(200);
        assert_eq!(disabled_list["total"], 1);
        app.post(&format!("{path}/enable"), &w.school_a, json!({})).await.expect(200);
        app.login("13900000005", crate::helpers::world::PASSWORD).await.expect(200);

        // Reset: a new password by SMS (to the edited phone), forced change, old password gone.
        let reset = app.post(&format!("{path}/reset-password"), &w.school_a, json!({})).await.expect(200);
        assert_eq!(reset["sent_to"], "137****2222");
        assert_eq!(reset["delivery"], "sms");
        assert!(reset["one_time_password"].is_null(), "with an SMS provider nothing is shown");
        let (template, username, password) = app.last_sms("13711112222").await;
        assert_eq!(template, "password_reset");
        app.login(&username, crate::helpers::world::PASSWORD)
            .await
            .expect_error(401, "invalid_credentials");
        let login = app.login(&username, &password).await.expect(200);
        assert_eq!(login["must_change_password"], true);
    })
    .await;
}
