//! Forgotten passwords: `重置密码` in the official account's chat gives a bound account a
//! 6-digit code (ten minutes, five tries, audited) that sets a new password through
//! `POST /auth/password-reset`, the mini program's 忘记密码.

use serde_json::{json, Value};

use crate::helpers::wechat::text;
use crate::helpers::world::PASSWORD;
use crate::helpers::{each_backend, Reply, TestApp};

fn code_in(reply: &str) -> String {
    let at = reply.find("验证码：").expect("a code in the reply") + "验证码：".len();
    reply[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

async fn reset(app: &TestApp, username: &str, code: &str, new_password: &str) -> Reply {
    app.post_anonymous(
        "/api/v1/auth/password-reset",
        json!({ "username": username, "code": code, "new_password": new_password }),
    )
    .await
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = app
        .db
        .query_one(Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}'"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn a_bound_counselor_resets_a_forgotten_password_with_a_code_from_the_chat() {
    each_backend(|app| async move {
        let w = app.world().await;
        app.bind(&w.counselor_a1, "o_forgot").await;
        let me: Value = app.get("/api/v1/me", &w.counselor_a1).await.expect(200);
        let username = me["username"].as_str().unwrap().to_string();

        let reply = app.send("o_forgot", &text("重置密码")).await;
        let content = reply.content();
        assert!(content.contains("10 分钟内有效"), "{content}");
        assert!(content.contains("data-miniprogram-path=\"pages/login/index?reset=1\""));
        let code = code_in(&content);
        assert_eq!(code.len(), 6, "{content}");
        assert_eq!(audited(&app, "account.reset_code").await, 1);
        // The code is kept as a hash only.
        assert_eq!(app.count("password_reset_codes").await, 1);
        let stored = app.table_text("password_reset_codes").await;
        assert!(!stored.contains(&code));

        // Asking again at once does not churn codes: the first still works.
        let again = app.send("o_forgot", &text("重置密码")).await;
        assert!(again.content().contains("仍然有效"), "{}", again.content());

        // A weak password is refused before the code is looked at: no try is spent.
        reset(&app, &username, &code, "short")
            .await
            .expect_error(422, "invalid_input");
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let refused = reset(&app, &username, wrong, "Forgot2026x").await;
        refused.expect_error(422, "invalid_input");
        assert_eq!(refused.body["field"], "code");
        assert!(refused.body["message"]
            .as_str()
            .unwrap()
            .contains("还可尝试 4 次"));

        reset(&app, &username, &code, "Forgot2026x")
            .await
            .expect(204);
        // Old sessions end; the old password no longer works, the new one does, no forced change.
        app.get("/api/v1/me", &w.counselor_a1)
            .await
            .expect_error(401, "unauthenticated");
        app.login(&username, PASSWORD)
            .await
            .expect_error(401, "invalid_credentials");
        let login = app.login(&username, "Forgot2026x").await.expect(200);
        assert_eq!(login["must_change_password"], false);
        // Spent: the same code cannot be used twice.
        reset(&app, &username, &code, "Another2026x")
            .await
            .expect_error(422, "invalid_input");
        assert_eq!(audited(&app, "account.reset_by_code").await, 1);
        assert_eq!(app.count("password_reset_codes").await, 0);
    })
    .await;
}

#[tokio::test]
async fn codes_expire_allow_five_tries_and_need_a_bound_wechat() {
    each_backend(|app| async move {
        let w = app.world().await;
        // Not bound: the chat explains binding, no code is made.
        let stranger = app.send("o_nobody", &text("重置密码")).await;
        assert!(
            stranger.content().contains("还没有绑定"),
            "{}",
            stranger.content()
        );
        assert_eq!(app.count("password_reset_codes").await, 0);

        app.bind(&w.counselor_a1, "o_tries").await;
        let me: Value = app.get("/api/v1/me", &w.counselor_a1).await.expect(200);
        let username = me["username"].as_str().unwrap().to_string();
        let code = code_in(&app.send("o_tries", &text("重置密码")).await.content());
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for left in (0..5).rev() {
            let refused = reset(&app, &username, wrong, "Forgot2026x").await;
            refused.expect_error(422, "invalid_input");
            let message = refused.body["message"].as_str().unwrap().to_string();
            if left > 0 {
                assert!(
                    message.contains(&format!("还可尝试 {left} 次")),
                    "{message}"
                );
            } else {
                assert!(message.contains("次数过多"), "{message}");
            }
        }
        // Five wrong tries spend the code: the right one is refused now.
        reset(&app, &username, &code, "Forgot2026x")
            .await
            .expect_error(422, "invalid_input");
        app.login(&username, PASSWORD).await.expect(200);

        // A spent code can be replaced at once; an expired one is refused.
        let fresh = code_in(&app.send("o_tries", &text("重置密码")).await.content());
        app.execute("UPDATE password_reset_codes SET expires_at = created_at")
            .await;
        let late = reset(&app, &username, &fresh, "Forgot2026x").await;
        late.expect_error(422, "invalid_input");
        assert!(late.body["message"].as_str().unwrap().contains("已过期"));

        // Hostile input is refused before any lookup.
        for (user, code) in [
            ("", "123456"),
            (&"u".repeat(5000) as &str, "123456"),
            ("x", "12345"),
            ("x", "12345a"),
            ("x", &"1".repeat(5000)),
        ] {
            reset(&app, user, code, "Forgot2026x")
                .await
                .expect_error(422, "invalid_input");
        }
        // An unknown username answers like an unusable code.
        let unknown = reset(&app, "nobody_here", "123456", "Forgot2026x").await;
        assert_eq!(unknown.body["message"], late.body["message"]);
    })
    .await;
}
