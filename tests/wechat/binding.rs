//! Binding an official-account OpenID to an account: codes, conflicts, rebinding, unbinding.

use serde_json::json;

use crate::helpers::wechat::text;
use crate::helpers::{each_backend, each_backend_with, TestApp};

#[tokio::test]
async fn a_counselor_binds_with_a_code_and_unbinds() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let code = app
            .post("/api/v1/me/bind-code", &w.counselor_a1, json!({}))
            .await
            .expect(200);
        let digits = code["code"].as_str().unwrap();
        assert_eq!(digits.len(), 6);
        assert_eq!(code["message"], format!("绑定 {digits}"));
        let me = app.get("/api/v1/me", &w.counselor_a1).await.expect(200);
        assert_eq!(me["wechat"]["bound"], false);

        let reply = app.send("o_wang", &text(&format!("绑定 {digits}"))).await;
        assert!(
            reply.content().contains("绑定成功"),
            "{} on {}",
            reply.content(),
            app.backend
        );
        assert!(reply.content().contains("王晓明"));
        let me = app.get("/api/v1/me", &w.counselor_a1).await.expect(200);
        assert_eq!(me["wechat"]["bound"], true);
        // The code is used up.
        let again = app.send("o_other", &text(&format!("绑定 {digits}"))).await;
        assert!(
            again.content().contains("无效或已过期"),
            "{}",
            again.content()
        );

        // Bound users get help with their name for unknown text.
        let help = app.send("o_wang", &text("你好")).await;
        assert!(
            help.content().contains("王晓明老师您好"),
            "{}",
            help.content()
        );
        assert!(help.content().contains("解绑"));

        let unbound = app.send("o_wang", &text("解绑")).await;
        assert!(
            unbound.content().contains("已解除"),
            "{}",
            unbound.content()
        );
        let me = app.get("/api/v1/me", &w.counselor_a1).await.expect(200);
        assert_eq!(me["wechat"]["bound"], false);
        let twice = app.send("o_wang", &text("解绑")).await;
        assert!(twice.content().contains("尚未绑定"));

        let audit = app
            .get(
                "/api/v1/audit?target_type=account&per_page=100",
                &w.school_a,
            )
            .await
            .expect(200);
        let actions: Vec<&str> = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert!(
            actions.contains(&"wechat.bind") && actions.contains(&"wechat.unbind"),
            "{actions:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn one_openid_binds_one_account_and_rebinding_is_audited() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        assert!(app
            .bind(&w.counselor_a1, "o_shared")
            .await
            .content()
            .contains("绑定成功"));
        // Another account's code from the same WeChat: refused, the first binding stays.
        let taken = app.bind(&w.counselor_b1, "o_shared").await;
        assert!(
            taken.content().contains("已绑定其他账号"),
            "{}",
            taken.content()
        );
        assert!(
            taken.content().contains("王**"),
            "masked name: {}",
            taken.content()
        );
        let b1 = app.get("/api/v1/me", &w.counselor_b1).await.expect(200);
        assert_eq!(b1["wechat"]["bound"], false);
        // The same pair again changes nothing.
        let same = app.bind(&w.counselor_a1, "o_shared").await;
        assert!(
            same.content().contains("无需重复绑定"),
            "{}",
            same.content()
        );

        // The account moves to a new WeChat: rebinding, audited, the old OpenID released.
        let moved = app.bind(&w.counselor_a1, "o_new_phone").await;
        assert!(moved.content().contains("绑定成功"));
        let released = app.send("o_shared", &text("帮助")).await;
        assert!(
            released.content().contains("绑定码"),
            "old openid is unbound: {}",
            released.content()
        );
        let audit = app
            .get("/api/v1/audit?action=wechat.rebind", &w.school_a)
            .await
            .expect(200);
        assert_eq!(audit["total"], 1, "{}", app.backend);
        // Short test OpenIDs are starred whole; tests/api/audit.rs shows a real-length one.
        assert_eq!(audit["items"][0]["detail"]["previous_openid"], "********");
        // Now B1 can take the released OpenID.
        assert!(app
            .bind(&w.counselor_b1, "o_shared")
            .await
            .content()
            .contains("绑定成功"));
    })
    .await;
}

#[tokio::test]
async fn bad_codes_are_explained_and_guessing_is_stopped() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let format = app.send("o_guess", &text("绑定 12")).await;
        assert!(format.content().contains("6 位"), "{}", format.content());
        for n in 0..5 {
            let reply = app.send("o_guess", &text(&format!("绑定 00000{n}"))).await;
            assert!(
                reply.content().contains("无效或已过期"),
                "attempt {n}: {}",
                reply.content()
            );
        }
        // Even a valid code is refused now for this OpenID.
        let code = app
            .post("/api/v1/me/bind-code", &w.counselor_a1, json!({}))
            .await
            .expect(200);
        let blocked = app
            .send("o_guess", &text(code["message"].as_str().unwrap()))
            .await;
        assert!(
            blocked.content().contains("次数过多"),
            "{}",
            blocked.content()
        );
        // ...but not for another OpenID.
        let ok = app
            .send("o_honest", &text(code["message"].as_str().unwrap()))
            .await;
        assert!(ok.content().contains("绑定成功"), "{}", ok.content());
    })
    .await;
}

#[tokio::test]
async fn an_expired_code_does_not_bind_and_a_new_code_replaces_the_old() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let first = app.post("/api/v1/me/bind-code", &w.counselor_a1, json!({})).await.expect(200);
        let second = app.post("/api/v1/me/bind-code", &w.counselor_a1, json!({})).await.expect(200);
        if first["code"] != second["code"] {
            let old = app.send("o_a", &text(first["message"].as_str().unwrap())).await;
            assert!(old.content().contains("无效或已过期"), "{}", old.content());
        }
        use sea_orm::ConnectionTrait;
        let sql = match app.backend {
            "sqlite" => "UPDATE bind_codes SET expires_at = '2000-01-01 00:00:00+00:00'",
            _ => "UPDATE bind_codes SET expires_at = '2000-01-01 00:00:00'",
        };
        app.db.execute_unprepared(sql).await.unwrap();
        let expired = app.send("o_a", &text(second["message"].as_str().unwrap())).await;
        assert!(expired.content().contains("无效或已过期"), "{}", expired.content());
        // A bind code needs a changed password like every other endpoint.
        let fresh = app.post("/api/v1/accounts", &w.school_a, json!({ "role": "counselor", "org_unit_id": w.college_a1, "name": "新人",
            "phone": "13600001111", "education_levels": ["bachelor"], "major_ids": [w.major_a1_bachelor] })).await.expect(201);
        let _ = fresh;
        let (_, username, password) = app.last_sms("13600001111").await;
        let token = app.login(&username, &password).await.expect(200)["token"].as_str().unwrap().to_string();
        app.post("/api/v1/me/bind-code", &token, json!({})).await.expect_error(403, "password_change_required");
    })
    .await;
}

/// Six-digit values that are not `code`.
fn wrong_guesses(code: &str, n: usize) -> Vec<String> {
    let code: u32 = code.parse().unwrap();
    (1..=n as u32)
        .map(|k| format!("{:06}", (code + k * 7_919) % 1_000_000))
        .collect()
}

#[tokio::test]
async fn guesses_spread_over_many_openids_withdraw_the_pending_code() {
    each_backend_with(
        |s| {
            s.wechat.bind_code_max_failures = 10;
            s.wechat.bind_failures_per_hour = 1_000;
        },
        |app: TestApp| async move {
            let w = app.world().await;
            let issued = app
                .post("/api/v1/me/bind-code", &w.counselor_a1, json!({}))
                .await
                .expect(200);
            let code = issued["code"].as_str().unwrap().to_string();
            // Each forged OpenID stays far below its own limit of 5.
            for (n, guess) in wrong_guesses(&code, 10).iter().enumerate() {
                let reply = app
                    .send(&format!("o_forged_{n}"), &text(&format!("绑定 {guess}")))
                    .await;
                assert!(
                    reply.content().contains("无效或已过期"),
                    "{}",
                    reply.content()
                );
            }
            // The eleventh guess is right, and too late: the code was withdrawn.
            let lucky = app
                .send("o_forged_lucky", &text(&format!("绑定 {code}")))
                .await;
            assert!(
                lucky.content().contains("无效或已过期"),
                "{} on {}",
                lucky.content(),
                app.backend
            );
            let me = app.get("/api/v1/me", &w.counselor_a1).await.expect(200);
            assert_eq!(me["wechat"]["bound"], false);
            // The counselor gets a new code and binds with it.
            let mine = app.bind(&w.counselor_a1, "o_wang").await;
            assert!(mine.content().contains("绑定成功"), "{}", mine.content());
        },
    )
    .await;
}

#[tokio::test]
async fn a_ceiling_on_wrong_codes_across_all_openids_pauses_binding() {
    each_backend_with(
        |s| {
            s.wechat.bind_failures_per_hour = 8;
            s.wechat.bind_code_max_failures = 1_000;
        },
        |app: TestApp| async move {
            let w = app.world().await;
            let issued = app
                .post("/api/v1/me/bind-code", &w.counselor_a1, json!({}))
                .await
                .expect(200);
            let code = issued["code"].as_str().unwrap().to_string();
            for (n, guess) in wrong_guesses(&code, 8).iter().enumerate() {
                app.send(&format!("o_spread_{n}"), &text(&format!("绑定 {guess}")))
                    .await;
            }
            assert_eq!(app.count("bind_failures").await, 8);
            // Now even the right code from a new OpenID is refused, and nothing is bound.
            let lucky = app
                .send("o_spread_lucky", &text(&format!("绑定 {code}")))
                .await;
            assert!(
                lucky.content().contains("绑定已暂停"),
                "{} on {}",
                lucky.content(),
                app.backend
            );
            let me = app.get("/api/v1/me", &w.counselor_a1).await.expect(200);
            assert_eq!(me["wechat"]["bound"], false);
            // Refusals while paused are not failures: the count does not grow.
            assert_eq!(app.count("bind_failures").await, 8);
        },
    )
    .await;
}

#[tokio::test]
async fn wrong_codes_counted_by_another_instance_count_here() {
    each_backend(|app: TestApp| async move {
        use fudao::db::entities::bind_failures;
        use sea_orm::{ActiveModelTrait, Set};
        let w = app.world().await;
        // Another instance on the same database recorded five wrong codes from this OpenID.
        for _ in 0..5 {
            bind_failures::ActiveModel {
                openid: Set("o_elsewhere".into()),
                failed_at: Set(chrono::Utc::now()),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
        }
        let code = app
            .post("/api/v1/me/bind-code", &w.counselor_a1, json!({}))
            .await
            .expect(200);
        let blocked = app
            .send("o_elsewhere", &text(code["message"].as_str().unwrap()))
            .await;
        assert!(
            blocked.content().contains("次数过多"),
            "{} on {}",
            blocked.content(),
            app.backend
        );
        // Failures older than an hour no longer count.
        use sea_orm::ConnectionTrait;
        let sql = match app.backend {
            "sqlite" => "UPDATE bind_failures SET failed_at = '2000-01-01 00:00:00+00:00'",
            _ => "UPDATE bind_failures SET failed_at = '2000-01-01 00:00:00'",
        };
        app.db.execute_unprepared(sql).await.unwrap();
        let bound = app
            .send("o_elsewhere", &text(code["message"].as_str().unwrap()))
            .await;
        assert!(bound.content().contains("绑定成功"), "{}", bound.content());
    })
    .await;
}
