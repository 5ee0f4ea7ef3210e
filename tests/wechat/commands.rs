//! Chat commands, menu clicks, retries and the reply deadline.

use chrono::Utc;
use fudao::bot::rules::{MENU_NEWS, MENU_TASKS};
use fudao::wechat::simulate::{Mode, Outgoing};

use serde_json::json;

use crate::helpers::wechat::{event, text};
use crate::helpers::{Backend, TestApp};

#[tokio::test]
async fn help_commands_and_menu_clicks() {
    let app = TestApp::spawn(&Backend::Sqlite, |_| {}).await;
    let w = app.world().await;
    app.bind(&w.counselor_a1, "o_cmd").await;
    for input in ["帮助", "help", "HELP", "?", "？", " 帮助 "] {
        let reply = app.send("o_cmd", &text(input)).await;
        assert!(
            reply.content().contains("王晓明老师您好"),
            "{input}: {}",
            reply.content()
        );
        assert!(
            reply
                .content()
                .contains("data-miniprogram-appid=\"wx_mock_mini\""),
            "mini-program link"
        );
        assert!(reply
            .content()
            .contains("data-miniprogram-path=\"pages/tasks/index\""));
    }
    let click = app.send("o_cmd", &event("CLICK", Some("FUDAO_HELP"))).await;
    assert!(click.content().contains("王晓明老师您好"));
    let bind_click = app.send("o_cmd", &event("CLICK", Some("FUDAO_BIND"))).await;
    assert!(bind_click.content().contains("绑定 123456"));
    // Unknown input from an unbound user: binding instructions.
    let stranger = app.send("o_stranger", &text("今天有什么任务")).await;
    assert!(
        stranger.content().contains("还没有绑定"),
        "{}",
        stranger.content()
    );
    // Events that need no answer get `success`.
    // (Distinct CreateTimes: WeChat dedups events by sender + CreateTime + event.)
    let t0 = Utc::now().timestamp() as u64 - 100;
    for (n, (name, key)) in [
        ("VIEW", Some("https://example.com")),
        ("view_miniprogram", Some("pages/index/index")),
        ("SCAN", Some("1")),
        ("CLICK", Some("UNKNOWN_KEY")),
    ]
    .into_iter()
    .enumerate()
    {
        let reply = app
            .send_at(Mode::Safe, "o_cmd", &event(name, key), t0 + n as u64)
            .await;
        assert!(reply.is_success(), "{name}: {}", reply.body);
    }
    let location = "<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o_cmd]]></FromUserName><CreateTime>7</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event><Latitude>23.1</Latitude><Longitude>113.3</Longitude><Precision>119.3</Precision></xml>";
    assert!(app
        .send_xml(Mode::Safe, "o_cmd", location)
        .await
        .is_success());
    // A known event missing its fields is acknowledged, not refused (WeChat would retry).
    let bare = "<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o_cmd]]></FromUserName><CreateTime>8</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event></xml>";
    assert!(app.send_xml(Mode::Safe, "o_cmd", bare).await.is_success());
    // A message type the bot does not know is acknowledged.
    let unknown = "<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o_cmd]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[miniprogrampage]]></MsgType></xml>";
    let reply = app.send_xml(Mode::Compatible, "o_cmd", unknown).await;
    assert!(reply.is_success(), "{}", reply.body);
    // Images and voice from a bound user get the help.
    let image = "<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o_cmd]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://x]]></PicUrl><MediaId><![CDATA[m]]></MediaId><MsgId>42</MsgId></xml>";
    let reply = app.send_xml(Mode::Safe, "o_cmd", image).await;
    assert!(reply.content().contains("王晓明老师您好"), "{}", reply.body);
}

#[tokio::test]
async fn a_retried_message_gets_the_same_reply_and_does_its_work_once() {
    let app = TestApp::spawn(&Backend::Sqlite, |_| {}).await;
    let w = app.world().await;
    let code = app
        .post(
            "/api/v1/me/bind-code",
            &w.counselor_a1,
            serde_json::json!({}),
        )
        .await
        .expect(200);
    let message = text(code["message"].as_str().unwrap());
    let at = Utc::now().timestamp() as u64;
    let first = app.send_at(Mode::Safe, "o_retry", &message, at).await;
    assert!(first.content().contains("绑定成功"));
    // WeChat retries with the same MsgId: the same answer, not "already bound".
    let retry = app.send_at(Mode::Safe, "o_retry", &message, at).await;
    assert_eq!(retry.content(), first.content());
    let audit = app
        .get("/api/v1/audit?action=wechat.bind", &w.school_a)
        .await
        .expect(200);
    assert_eq!(audit["total"], 1);
    // Events dedup by sender + CreateTime + event.
    let sub = event("subscribe", None);
    let a = app.send_at(Mode::Safe, "o_evt", &sub, at).await;
    let b = app.send_at(Mode::Safe, "o_evt", &sub, at).await;
    assert_eq!(a.content(), b.content());
}

#[tokio::test]
async fn a_reply_that_misses_the_deadline_is_answered_success_and_the_work_still_finishes() {
    let app = TestApp::spawn(&Backend::Sqlite, |s| s.wechat.reply_deadline_ms = 1).await;
    let w = app.world().await;
    let code = app
        .post(
            "/api/v1/me/bind-code",
            &w.counselor_a1,
            serde_json::json!({}),
        )
        .await
        .expect(200);
    let message = text(code["message"].as_str().unwrap());
    let at = Utc::now().timestamp() as u64;
    let reply = app.send_at(Mode::Safe, "o_slow", &message, at).await;
    assert!(reply.is_success(), "{}", reply.body);
    // The binding completes in the background.
    let mut bound = false;
    for _ in 0..50 {
        let me = app.get("/api/v1/me", &w.counselor_a1).await.expect(200);
        if me["wechat"]["bound"] == true {
            bound = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(bound, "the handler ran to completion");
}

#[tokio::test]
async fn two_users_sending_the_same_msg_id_each_get_their_own_reply() {
    let app = TestApp::spawn(&Backend::Sqlite, |_| {}).await;
    let w = app.world().await;
    app.bind(&w.counselor_a1, "o_teacher").await;
    // The official samples' MsgId, sent by two users in the same second.
    let sample = Outgoing::Text {
        content: "帮助".into(),
        msg_id: 1234567890123456,
    };
    let at = Utc::now().timestamp() as u64;
    let teacher = app.send_at(Mode::Safe, "o_teacher", &sample, at).await;
    assert!(
        teacher.content().contains("王晓明老师您好"),
        "{}",
        teacher.reply
    );
    let stranger = app.send_at(Mode::Safe, "o_stranger", &sample, at).await;
    assert_eq!(stranger.field("ToUserName").as_deref(), Some("o_stranger"));
    assert!(
        !stranger.content().contains("王晓明"),
        "another user's reply: {}",
        stranger.reply
    );
    assert!(stranger.content().contains("绑定码"), "{}", stranger.reply);
}

#[tokio::test]
async fn two_menu_taps_in_one_second_get_two_answers() {
    let app = TestApp::spawn(&Backend::Sqlite, |_| {}).await;
    let w = app.world().await;
    app.bind(&w.counselor_a1, "o_menu").await;
    let at = Utc::now().timestamp() as u64;
    let tasks = app
        .send_at(Mode::Safe, "o_menu", &event("CLICK", Some(MENU_TASKS)), at)
        .await;
    assert!(tasks.content().contains("待办任务"), "{}", tasks.reply);
    let news = app
        .send_at(Mode::Safe, "o_menu", &event("CLICK", Some(MENU_NEWS)), at)
        .await;
    assert_ne!(news.reply, tasks.reply);
    assert!(news.content().contains("就业资讯"), "{}", news.reply);
    // A retry of the second tap still gets the second tap's answer.
    let retry = app
        .send_at(Mode::Safe, "o_menu", &event("CLICK", Some(MENU_NEWS)), at)
        .await;
    assert_eq!(retry.content(), news.content());
}

#[tokio::test]
async fn a_task_title_written_as_markup_stays_text_in_chat_replies() {
    let app = TestApp::spawn(&Backend::Sqlite, |s| s.push.enabled = false).await;
    let w = app.world().await;
    let title = r#"<a href="https://evil.example">请重新登录</a>"#;
    let (id, _) = app
        .publish(&w.school_a, crate::tasks::task(title, json!({})))
        .await;
    app.follow_and_bind(&w.counselor_a1, "o_markup").await;
    let listed = app.send("o_markup", &text("任务")).await.content();
    let done = app
        .send("o_markup", &text(&format!("完成 {id}")))
        .await
        .content();
    for reply in [&listed, &done] {
        assert!(!reply.contains("evil.example\">"), "{reply}");
        assert!(!reply.contains("<a href"), "{reply}");
        assert!(
            reply.contains("＜a href=\"https://evil.example\"＞请重新登录＜/a＞"),
            "{reply}"
        );
        // Our own links are still links.
        assert!(reply.contains("<a data-miniprogram-appid="), "{reply}");
    }
}

#[tokio::test]
async fn after_a_password_reset_chat_commands_ask_for_the_new_password_first() {
    let app = TestApp::spawn(&Backend::Sqlite, |s| s.push.enabled = false).await;
    let w = app.world().await;
    let (id, _) = app
        .publish(&w.school_a, crate::tasks::task("就业政策宣讲", json!({})))
        .await;
    app.follow_and_bind(&w.counselor_a1, "o_reset").await;
    assert!(app
        .send("o_reset", &text("任务"))
        .await
        .content()
        .contains("就业政策宣讲"));
    app.post(
        &format!("/api/v1/accounts/{}/reset-password", w.counselor_a1_id),
        &w.school_a,
        json!({}),
    )
    .await
    .expect(200);
    let commands = [
        text("任务"),
        text(&format!("完成 {id}")),
        text(&format!("签到 {id}")),
        text("进展"),
        text("资讯"),
        event("CLICK", Some(MENU_TASKS)),
        event("CLICK", Some(MENU_NEWS)),
    ];
    for command in &commands {
        let reply = app.send("o_reset", command).await;
        assert!(
            reply.content().contains("请先在小程序中登录并修改初始密码"),
            "{command:?}: {}",
            reply.reply
        );
    }
    // Nothing was completed.
    use fudao::db::entities::assignments;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let completed = assignments::Entity::find()
        .filter(assignments::Column::CompletedAt.is_not_null())
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(completed, 0);
    // Help still answers, and unbinding is still possible.
    let help = app.send("o_reset", &text("帮助")).await;
    assert!(help.content().contains("王晓明老师您好"), "{}", help.reply);
    let unbound = app.send("o_reset", &text("解绑")).await;
    assert!(unbound.content().contains("已解除"), "{}", unbound.reply);
}

#[tokio::test]
async fn counselor_commands_answer_others_before_any_handler_runs() {
    let app = TestApp::spawn(&Backend::Sqlite, |s| s.push.enabled = false).await;
    let w = app.world().await;
    let bound = app.bind(&w.school_a, "o_admin").await;
    assert!(bound.content().contains("绑定成功"), "{}", bound.reply);
    let counselor_only = [
        text("任务"),
        text("完成 1"),
        text("签到 1"),
        text("完成"),
        text("进展"),
        event("CLICK", Some(MENU_TASKS)),
    ];
    for command in &counselor_only {
        let reply = app.send("o_admin", command).await;
        assert!(
            reply.content().contains("任务指令供辅导员使用"),
            "{command:?}: {}",
            reply.reply
        );
        let stranger = app.send("o_nobody", command).await;
        assert!(
            stranger.content().contains("还没有绑定"),
            "{command:?}: {}",
            stranger.reply
        );
    }
    // What is not a counselor's alone still answers an admin.
    let news = app.send("o_admin", &text("资讯")).await;
    assert!(!news.content().contains("辅导员使用"), "{}", news.reply);
}
