//! A counselor reads, completes and signs in, through the API and through the chat.

use chrono::{TimeDelta, Utc};
use serde_json::json;

use super::task;
use crate::helpers::each_backend_with;
use crate::helpers::wechat::{event, text};

fn no_push(settings: &mut fudao::config::Settings) {
    settings.push.enabled = false;
}

#[tokio::test]
async fn a_counselor_reads_completes_and_signs_in_inside_the_window() {
    each_backend_with(no_push, |app| async move {
        let w = app.world().await;
        let now = Utc::now();
        let (policy, _) = app.publish(&w.school_a, task("政策学习", json!({}))).await;
        let (live, _) = app
            .publish(
                &w.school_a,
                task(
                    "直播课：简历写作",
                    json!({ "kind": "live_course", "deadline": null,
                            "starts_at": (now + TimeDelta::minutes(10)).to_rfc3339(),
                            "ends_at": (now + TimeDelta::hours(1)).to_rfc3339() }),
                ),
            )
            .await;
        let (later, _) = app
            .publish(
                &w.school_a,
                task(
                    "直播课：面试技巧",
                    json!({ "kind": "live_course",
                            "starts_at": (now + TimeDelta::days(2)).to_rfc3339(),
                            "ends_at": (now + TimeDelta::days(2) + TimeDelta::hours(1)).to_rfc3339() }),
                ),
            )
            .await;

        let list = app.get("/api/v1/my/tasks", &w.counselor_a1).await.expect(200);
        assert_eq!(list["total"], 3);
        let live_item = list["items"].as_array().unwrap().iter().find(|t| t["id"] == live).unwrap();
        assert_eq!(live_item["sign_in"]["state"], "open");
        assert!(live_item["viewed_at"].is_null());

        // Reading records the first view only.
        let first = app.get(&format!("/api/v1/my/tasks/{policy}"), &w.counselor_a1).await.expect(200);
        let viewed = first["viewed_at"].clone();
        assert!(viewed.is_string());
        let again = app.get(&format!("/api/v1/my/tasks/{policy}"), &w.counselor_a1).await.expect(200);
        assert_eq!(again["viewed_at"], viewed);
        assert!(first["content"].as_str().unwrap().contains("\n\n"));

        // Completing is idempotent.
        let done = app.complete(&w.counselor_a1, policy).await;
        assert_eq!(done["done"], true);
        let done_at = done["done_at"].clone();
        let twice = app.complete(&w.counselor_a1, policy).await;
        assert_eq!(twice["done_at"], done_at);

        // A live course is done when completed and signed in, in either order.
        app.post(&format!("/api/v1/my/tasks/{policy}/sign-in"), &w.counselor_a1, json!({}))
            .await
            .expect_error(409, "not_a_live_course");
        let completed = app.complete(&w.counselor_a1, live).await;
        assert_eq!(completed["done"], false);
        let signed = app.post(&format!("/api/v1/my/tasks/{live}/sign-in"), &w.counselor_a1, json!({})).await.expect(200);
        assert_eq!(signed["done"], true);
        app.post(&format!("/api/v1/my/tasks/{later}/sign-in"), &w.counselor_a1, json!({}))
            .await
            .expect_error(409, "sign_in_not_open");

        let pending = app.my_pending(&w.counselor_a1).await;
        assert_eq!(pending, vec![later]);
        let done_list = app.get("/api/v1/my/tasks?status=done", &w.counselor_a1).await.expect(200);
        assert_eq!(done_list["total"], 2);
        let by_kind = app.get("/api/v1/my/tasks?status=all&kind=live_course", &w.counselor_a1).await.expect(200);
        assert_eq!(by_kind["total"], 2);
        app.get("/api/v1/my/tasks?status=later", &w.counselor_a1).await.expect_error(422, "invalid_input");

        // Someone else's task does not exist for this counselor; admins have no "my tasks".
        app.post(&format!("/api/v1/my/tasks/{policy}/complete"), &w.counselor_b1, json!({}))
            .await
            .expect_error(404, "not_found");
        app.get("/api/v1/my/tasks", &w.school_a).await.expect_error(403, "forbidden");
        let progress = app.progress(&w.school_a, live).await;
        assert_eq!(progress["signed_in"], 1);
        assert_eq!(progress["done"], 1);
    })
    .await;
}

#[tokio::test]
async fn a_live_course_that_ended_refuses_sign_in() {
    each_backend_with(no_push, |app| async move {
        let w = app.world().await;
        let now = Utc::now();
        let id = app
            .draft(
                &w.college_admin_a1,
                task(
                    "已结束的直播",
                    json!({ "kind": "live_course",
                            "starts_at": (now + TimeDelta::seconds(2)).to_rfc3339(),
                            "ends_at": (now + TimeDelta::seconds(3)).to_rfc3339(),
                            "deadline": (now + TimeDelta::days(1)).to_rfc3339() }),
                ),
            )
            .await;
        app.post(
            &format!("/api/v1/tasks/{id}/publish"),
            &w.college_admin_a1,
            json!({}),
        )
        .await
        .expect(200);
        tokio::time::sleep(std::time::Duration::from_millis(3_300)).await;
        app.post(
            &format!("/api/v1/my/tasks/{id}/sign-in"),
            &w.counselor_a1,
            json!({}),
        )
        .await
        .expect_error(409, "sign_in_closed");
    })
    .await;
}

#[tokio::test]
async fn chat_commands_list_complete_and_sign_in() {
    each_backend_with(no_push, |app| async move {
        let w = app.world().await;
        let now = Utc::now();
        let (policy, _) = app
            .publish(&w.school_a, task("就业政策宣讲", json!({})))
            .await;
        let (live, _) = app
            .publish(
                &w.school_a,
                task(
                    "直播课：求职礼仪",
                    json!({ "kind": "live_course",
                            "starts_at": now.to_rfc3339(),
                            "ends_at": (now + TimeDelta::hours(1)).to_rfc3339() }),
                ),
            )
            .await;
        // Not bound yet: binding instructions.
        let reply = app.send("o_chat", &text("任务")).await;
        assert!(reply.content().contains("绑定"), "{}", reply.content());
        app.follow_and_bind(&w.counselor_a1, "o_chat").await;

        let reply = app.send("o_chat", &text("任务")).await;
        let listed = reply.content();
        assert!(listed.contains("您有 2 项待办任务"), "{listed}");
        assert!(
            listed.contains(&format!("【{policy}】就业政策宣讲")),
            "{listed}"
        );
        assert!(
            listed.contains(&format!("【{live}】直播课：求职礼仪")),
            "{listed}"
        );
        assert!(listed.contains("待签到"), "{listed}");
        let menu = app
            .send("o_chat", &event("CLICK", Some("FUDAO_TASKS")))
            .await;
        assert!(menu.content().contains("您有 2 项待办任务"));

        let reply = app.send("o_chat", &text(&format!("完成 {policy}"))).await;
        assert!(
            reply.content().starts_with("已完成：就业政策宣讲"),
            "{}",
            reply.content()
        );
        let reply = app.send("o_chat", &text(&format!("完成 {policy}"))).await;
        assert!(
            reply.content().contains("此前已完成"),
            "{}",
            reply.content()
        );
        let reply = app.send("o_chat", &text(&format!("签到 {policy}"))).await;
        assert!(
            reply.content().contains("只有直播课需要签到"),
            "{}",
            reply.content()
        );
        let reply = app.send("o_chat", &text(&format!("签到{live}"))).await;
        assert!(reply.content().contains("签到成功"), "{}", reply.content());
        assert!(
            reply.content().contains(&format!("完成 {live}")),
            "{}",
            reply.content()
        );
        let reply = app.send("o_chat", &text("完成 abc")).await;
        assert!(
            reply.content().contains("例如：完成 12"),
            "{}",
            reply.content()
        );
        let reply = app.send("o_chat", &text("完成 999999")).await;
        assert!(
            reply.content().contains("没有找到编号为 999999"),
            "{}",
            reply.content()
        );

        // The chat and the API are the same state.
        assert_eq!(app.my_pending(&w.counselor_a1).await, vec![live]);
        let detail = app
            .get(&format!("/api/v1/my/tasks/{live}"), &w.counselor_a1)
            .await
            .expect(200);
        assert!(detail["signed_in_at"].is_string());
        assert_eq!(detail["done"], false);
    })
    .await;
}
