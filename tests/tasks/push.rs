//! Template messages through the app's own worker against the WeChat mock: exactly once under
//! token expiry, busy answers and timeouts; the summary after a late binding; delivery reports;
//! reminders.

use chrono::{TimeDelta, Utc};
use fudao::wechat::mock::Injection;
use serde_json::json;

use super::{sends_to, task, wait_for};
use crate::helpers::wechat::OA;
use crate::helpers::{each_backend, each_backend_with};

const SEND: &str = "/cgi-bin/message/template/send";

#[tokio::test]
async fn notices_reach_every_bound_counselor_exactly_once_despite_wechat_failures() {
    each_backend_with(
        |s| {
            s.wechat.api_timeout_ms = 400;
            s.push.concurrency = 2;
        },
        |app| async move {
            let w = app.world().await;
            let crew = app.crew(&w).await;
            app.follow_and_bind(&w.counselor_a1, "o_a1").await;
            app.follow_and_bind(&crew.a1_master, "o_a1m").await;
            app.follow_and_bind(&crew.a2, "o_a2").await;
            app.follow_and_bind(&w.counselor_b1, "o_b1").await;
            // Busy twice, the token expired, then a send that WeChat performs but answers too
            // late: the retry carries the same client_msg_id.
            app.mock.state.inject(Injection {
                path: SEND.into(),
                errcode: -1,
                times: 2,
                delay_ms: 0,
            });
            app.mock.state.expire_tokens();
            app.mock.state.inject(Injection {
                path: SEND.into(),
                errcode: 0,
                times: 1,
                delay_ms: 700,
            });
            let (id, published) = app
                .publish(
                    &w.province,
                    task(
                        "关于做好2027届高校毕业生就业创业工作的通知",
                        json!({ "target": { "unit_ids": [w.uni_a] } }),
                    ),
                )
                .await;
            assert_eq!(published["queued"], 3);
            let progress = app.notices_settled(&w.province, id, "notices").await;
            assert_eq!(progress["notices"]["sent"], 3, "{progress}");
            assert_eq!(progress["notices"]["failed"], 0);

            for openid in ["o_a1", "o_a1m", "o_a2"] {
                let sends = sends_to(&app, openid);
                assert_eq!(sends.len(), 1, "{openid}: {sends:?}");
            }
            assert!(sends_to(&app, "o_b1").is_empty());
            assert!(
                app.mock.state.template_calls() > 3,
                "the failures were retried"
            );
            // The message: template, fields cut to 20 characters, the task page, the job key.
            let call = app
                .mock
                .state
                .calls(SEND)
                .into_iter()
                .find(|c| c.body["touser"] == "o_a1")
                .expect("a send to o_a1");
            assert_eq!(call.body["template_id"], "TPL_TASK");
            assert_eq!(
                call.body["miniprogram"]["pagepath"],
                format!("pages/task/detail?id={id}")
            );
            assert_eq!(
                call.body["miniprogram"]["appid"],
                app.settings.miniprogram.app_id
            );
            let title = call.body["data"]["thing1"]["value"].as_str().unwrap();
            assert_eq!(title.chars().count(), 20);
            assert!(call.body["client_msg_id"]
                .as_str()
                .unwrap()
                .starts_with("fudao-job-"));
            // Each job recorded the msgid WeChat returned.
            let recorded = app
                .count("push_jobs WHERE status = 'sent' AND msgid IS NOT NULL")
                .await;
            assert_eq!(recorded, 3);
        },
    )
    .await;
}

#[tokio::test]
async fn refusals_end_the_job_and_mark_the_recipient() {
    each_backend(|app| async move {
        let w = app.world().await;
        app.follow_and_bind(&w.counselor_a1, "o_a1").await;
        app.follow_and_bind(&w.counselor_b1, "o_b1").await;
        // b1 unfollowed (the mock answers 43004); a1 gets an undocumented hard error once.
        app.mock.state.add_user(fudao::wechat::mock::MockUser {
            openid: "o_b1".into(),
            unionid: None,
            subscribed: false,
        });
        app.mock.state.inject(Injection {
            path: SEND.into(),
            errcode: 47003,
            times: 1,
            delay_ms: 0,
        });
        let (id, _) = app.publish(&w.province, task("省级通知", json!({}))).await;
        let progress = app.notices_settled(&w.province, id, "notices").await;
        assert_eq!(progress["notices"]["failed"], 2, "{progress}");
        assert_eq!(app.count("push_jobs WHERE error_code = 43004").await, 1);
        assert_eq!(app.count("push_jobs WHERE error_code = 47003").await, 1);
        // The follower is known to have left: the follow status says so.
        assert_eq!(
            app.count("followers WHERE openid = 'o_b1' AND following = FALSE")
                .await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn a_counselor_who_binds_later_gets_one_summary() {
    each_backend(|app| async move {
        let w = app.world().await;
        app.publish(&w.school_a, task("任务一", json!({}))).await;
        app.publish(&w.college_admin_a1, task("任务二", json!({})))
            .await;
        assert_eq!(app.count("push_jobs").await, 0);
        app.follow_and_bind(&w.counselor_a1, "o_late").await;
        let sends = wait_for(|| async {
            let sends = sends_to(&app, "o_late");
            (!sends.is_empty()).then_some(sends)
        })
        .await;
        assert_eq!(sends.len(), 1);
        let call = &app.mock.state.calls(SEND)[0];
        assert_eq!(call.body["template_id"], "TPL_SUMMARY");
        assert_eq!(call.body["data"]["thing1"]["value"], "您有2项待办任务");
        assert_eq!(
            call.body["miniprogram"]["pagepath"],
            app.settings.miniprogram.tasks_path
        );
        // Binding the same WeChat again changes nothing and sends nothing.
        let reply = app.bind(&w.counselor_a1, "o_late").await;
        assert!(reply.content().contains("无需重复绑定"));
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(sends_to(&app, "o_late").len(), 1);
    })
    .await;
}

#[tokio::test]
async fn delivery_reports_close_the_loop() {
    each_backend(|app| async move {
        let w = app.world().await;
        app.follow_and_bind(&w.counselor_a1, "o_a1").await;
        app.follow_and_bind(&w.counselor_b1, "o_b1").await;
        let (id, _) = app.publish(&w.province, task("省级通知", json!({}))).await;
        app.notices_settled(&w.province, id, "notices").await;
        let sent = app.mock.state.sent();
        assert_eq!(sent.len(), 2);
        for (openid, _, msgid) in &sent {
            let status = if openid == "o_a1" { "success" } else { "failed:user block" };
            let xml = format!(
                "<xml><ToUserName><![CDATA[{OA}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>{msgid}</MsgID><Status><![CDATA[{status}]]></Status></xml>",
                Utc::now().timestamp()
            );
            let reply = app.send_xml(fudao::wechat::simulate::Mode::Safe, openid, &xml).await;
            assert!(reply.is_success());
        }
        let progress = app.progress(&w.province, id).await;
        assert_eq!(progress["notices"]["sent"], 2);
        assert_eq!(progress["notices"]["delivered"], 1);
        assert_eq!(progress["notices"]["failed"], 1);
        assert_eq!(app.count("push_jobs WHERE delivery = 'failed_user_block'").await, 1);
    })
    .await;
}

#[tokio::test]
async fn reminders_reach_only_those_not_done_and_at_most_once_an_hour() {
    each_backend(|app| async move {
        let w = app.world().await;
        let crew = app.crew(&w).await;
        app.follow_and_bind(&w.counselor_a1, "o_a1").await;
        app.follow_and_bind(&crew.a1_master, "o_a1m").await;
        app.follow_and_bind(&crew.a2, "o_a2").await;
        let (id, _) = app.publish(&w.school_a, task("学校通知", json!({}))).await;
        app.notices_settled(&w.school_a, id, "notices").await;
        app.complete(&w.counselor_a1, id).await;

        app.post(
            &format!("/api/v1/tasks/{id}/remind"),
            &w.counselor_a1,
            json!({}),
        )
        .await
        .expect_error(403, "forbidden");
        let reminded = app
            .post(
                &format!("/api/v1/tasks/{id}/remind"),
                &w.school_a,
                json!({}),
            )
            .await
            .expect(200);
        assert_eq!(reminded["queued"], 2);
        app.post(
            &format!("/api/v1/tasks/{id}/remind"),
            &w.school_a,
            json!({}),
        )
        .await
        .expect_error(409, "remind_too_soon");
        let progress = app.notices_settled(&w.school_a, id, "reminders").await;
        assert_eq!(progress["reminders"]["sent"], 2);
        assert!(progress["last_reminded_at"].is_string());
        let reminders: Vec<String> = app
            .mock
            .state
            .calls(SEND)
            .into_iter()
            .filter(|c| c.body["template_id"] == "TPL_REMIND")
            .map(|c| c.body["touser"].as_str().unwrap().to_string())
            .collect();
        let mut reminders = reminders;
        reminders.sort();
        assert_eq!(reminders, vec!["o_a1m".to_string(), "o_a2".to_string()]);
        assert_eq!(app.count("audit_log WHERE action = 'task.remind'").await, 1);
    })
    .await;
}

/// Automatic reminders from a day before the deadline, never within an hour of another one.
const AUTO: fudao::service::tasks::AutoRemindWindow = fudao::service::tasks::AutoRemindWindow {
    before: TimeDelta::hours(24),
    interval: TimeDelta::minutes(60),
};

#[tokio::test]
async fn an_automatic_reminder_goes_out_before_the_deadline() {
    each_backend_with(
        |s| s.tasks.auto_remind_hours_before = 24,
        |app| async move {
            let w = app.world().await;
            app.follow_and_bind(&w.counselor_a1, "o_a1").await;
            let soon = (Utc::now() + TimeDelta::hours(2)).to_rfc3339();
            let (id, _) = app
                .publish(
                    &w.college_admin_a1,
                    task("明天截止", json!({ "deadline": soon })),
                )
                .await;
            // The app's worker runs this check once a minute; run the same check now.
            let services = fudao::app::services(&app.settings).await.expect("services");
            let queued = fudao::service::tasks::auto_remind(&services, AUTO)
                .await
                .expect("auto");
            assert_eq!(queued, 1);
            // Once per task.
            let again = fudao::service::tasks::auto_remind(&services, AUTO)
                .await
                .expect("auto");
            assert_eq!(again, 0);
            let progress = app
                .notices_settled(&w.college_admin_a1, id, "reminders")
                .await;
            assert_eq!(progress["reminders"]["sent"], 1);
        },
    )
    .await;
}

#[tokio::test]
async fn the_automatic_reminder_waits_out_an_admins_recent_reminder() {
    each_backend_with(
        |s| s.tasks.auto_remind_hours_before = 24,
        |app| async move {
            let w = app.world().await;
            app.follow_and_bind(&w.counselor_a1, "o_a1").await;
            let soon = (Utc::now() + TimeDelta::hours(5)).to_rfc3339();
            let (id, _) = app
                .publish(
                    &w.college_admin_a1,
                    task("今晚截止", json!({ "deadline": soon })),
                )
                .await;
            app.notices_settled(&w.college_admin_a1, id, "notices")
                .await;
            let reminded = app
                .post(
                    &format!("/api/v1/tasks/{id}/remind"),
                    &w.college_admin_a1,
                    json!({}),
                )
                .await
                .expect(200);
            assert_eq!(reminded["queued"], 1);
            let services = fudao::app::services(&app.settings).await.expect("services");
            // Reminded by hand a moment ago: the automatic one does not repeat it.
            let queued = fudao::service::tasks::auto_remind(&services, AUTO)
                .await
                .expect("auto");
            assert_eq!(queued, 0);
            assert_eq!(
                app.count("audit_log WHERE action = 'task.auto_remind'")
                    .await,
                0
            );

            // An hour later (the admin's reminder moved back in time), still before the
            // deadline: now it goes out, once, and counts as the task's last reminder.
            use sea_orm::ConnectionTrait;
            let earlier = Utc::now() - TimeDelta::minutes(61);
            app.db
                .execute(sea_orm::Statement::from_sql_and_values(
                    app.db.get_database_backend(),
                    match app.backend {
                        "postgres" => "UPDATE tasks SET last_reminded_at = $1 WHERE id = $2",
                        _ => "UPDATE tasks SET last_reminded_at = ? WHERE id = ?",
                    },
                    [earlier.into(), id.into()],
                ))
                .await
                .expect("move the reminder back");
            let queued = fudao::service::tasks::auto_remind(&services, AUTO)
                .await
                .expect("auto");
            assert_eq!(queued, 1);
            app.post(
                &format!("/api/v1/tasks/{id}/remind"),
                &w.college_admin_a1,
                json!({}),
            )
            .await
            .expect_error(409, "remind_too_soon");
            let progress = app
                .notices_settled(&w.college_admin_a1, id, "reminders")
                .await;
            assert_eq!(progress["reminders"]["sent"], 2);
        },
    )
    .await;
}

#[tokio::test]
async fn a_confidential_live_course_notice_says_so_and_gives_the_start() {
    each_backend(|app| async move {
        let w = app.world().await;
        app.follow_and_bind(&w.counselor_a1, "o_a1").await;
        // 19:00 Beijing time on a fixed day, whatever the day the test runs.
        let starts = Utc::now() + TimeDelta::days(2);
        let starts = starts.date_naive().and_hms_opt(11, 0, 0).unwrap().and_utc();
        let (id, _) = app
            .publish(
                &w.college_admin_a1,
                task(
                    "简历门诊",
                    json!({ "kind": "live_course", "confidential": true, "deadline": null,
                            "starts_at": starts.to_rfc3339(),
                            "ends_at": (starts + TimeDelta::hours(1)).to_rfc3339() }),
                ),
            )
            .await;
        app.notices_settled(&w.college_admin_a1, id, "notices")
            .await;
        let sends: Vec<_> = app
            .mock
            .state
            .calls(SEND)
            .into_iter()
            .filter(|c| c.body["touser"] == "o_a1")
            .collect();
        assert_eq!(sends.len(), 1);
        let data = &sends[0].body["data"];
        assert_eq!(data["thing1"]["value"], "【保密】简历门诊");
        assert_eq!(
            data["thing2"]["value"],
            format!("就业创业直播课·{}19:00", starts.format("%m月%d日"))
        );
    })
    .await;
}

/// The template messages of one template, as (recipient, field thing2).
fn sends_of(app: &crate::helpers::TestApp, template: &str) -> Vec<(String, String)> {
    let mut sends: Vec<(String, String)> = app
        .mock
        .state
        .calls(SEND)
        .into_iter()
        .filter(|c| c.body["template_id"] == template)
        .map(|c| {
            (
                c.body["touser"].as_str().unwrap().to_string(),
                c.body["data"]["thing2"]["value"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    sends.sort();
    sends
}

#[tokio::test]
async fn corrections_merge_into_one_notice_and_a_withdrawal_is_told_to_those_not_done() {
    each_backend_with(
        |s| s.tasks.change_merge_minutes = 10,
        |app| async move {
            let w = app.world().await;
            let crew = app.crew(&w).await;
            app.follow_and_bind(&w.counselor_a1, "o_a1").await;
            app.follow_and_bind(&crew.a1_master, "o_a1m").await;
            app.follow_and_bind(&crew.a2, "o_a2").await;
            let (id, _) = app.publish(&w.school_a, task("毕业去向登记", json!({}))).await;
            app.notices_settled(&w.school_a, id, "notices").await;
            app.complete(&w.counselor_a1, id).await;

            // A correction, then a later deadline, within the merge window: one notice each.
            let path = format!("/api/v1/tasks/{id}");
            app.patch(&path, &w.school_a, json!({ "content": "更正：请于周五前完成登记。" }))
                .await
                .expect(200);
            let later = (Utc::now() + TimeDelta::days(5)).to_rfc3339();
            app.patch(&path, &w.school_a, json!({ "deadline": later }))
                .await
                .expect(200);
            let queued = app
                .count("push_jobs WHERE kind = 'task_changed' AND status = 'queued' AND changes = 'content,deadline'")
                .await;
            assert_eq!(queued, 2, "one merged notice for each counselor told and not done");
            // The window passes.
            app.execute("UPDATE push_jobs SET next_attempt_at = created_at WHERE kind = 'task_changed'")
                .await;
            let progress = app.notices_settled(&w.school_a, id, "updates").await;
            assert_eq!(progress["updates"]["sent"], 2, "{progress}");
            let merged = "内容已更新，截止时间已调整".to_string();
            assert_eq!(
                sends_of(&app, "TPL_CHANGED"),
                vec![("o_a1m".to_string(), merged.clone()), ("o_a2".to_string(), merged)]
            );

            let withdrawn = app
                .post(&format!("{path}/withdraw"), &w.school_a, json!({}))
                .await
                .expect(200);
            assert_eq!(withdrawn["withdrawal_notices"], 2);
            let progress = app.notices_settled(&w.school_a, id, "updates").await;
            assert_eq!(progress["updates"]["sent"], 4, "{progress}");
            let off = "任务已撤回，无需再办理".to_string();
            assert_eq!(
                sends_of(&app, "TPL_WITHDRAWN"),
                vec![("o_a1m".to_string(), off.clone()), ("o_a2".to_string(), off)]
            );
            let call = app
                .mock
                .state
                .calls(SEND)
                .into_iter()
                .find(|c| c.body["template_id"] == "TPL_WITHDRAWN")
                .unwrap();
            assert_eq!(call.body["miniprogram"]["pagepath"], "pages/tasks/index");
            // The counselor who was done hears of neither; everyone got their task notice once.
            assert_eq!(sends_to(&app, "o_a1").len(), 1);
            for openid in ["o_a1m", "o_a2"] {
                assert_eq!(sends_to(&app, openid).len(), 3, "{openid}");
            }
        },
    )
    .await;
}

#[tokio::test]
async fn a_withdrawal_cancels_a_pending_change_notice_and_only_the_told_hear_of_it() {
    each_backend_with(
        |s| s.tasks.change_merge_minutes = 10,
        |app| async move {
            let w = app.world().await;
            let crew = app.crew(&w).await;
            app.follow_and_bind(&crew.a1_master, "o_a1m").await;
            let (id, _) = app.publish(&w.school_a, task("简历门诊", json!({}))).await;
            app.notices_settled(&w.school_a, id, "notices").await;
            // Bound after the task went out: told by the summary, not by a task notice.
            app.follow_and_bind(&crew.a2, "o_a2").await;
            let path = format!("/api/v1/tasks/{id}");
            app.patch(
                &path,
                &w.school_a,
                json!({ "content": "地点改为图书馆报告厅。" }),
            )
            .await
            .expect(200);
            assert_eq!(app.count("push_jobs WHERE kind = 'task_changed'").await, 1);
            let withdrawn = app
                .post(&format!("{path}/withdraw"), &w.school_a, json!({}))
                .await
                .expect(200);
            assert_eq!(
                withdrawn["cancelled_notices"], 1,
                "the queued change notice"
            );
            assert_eq!(withdrawn["withdrawal_notices"], 1);
            app.notices_settled(&w.school_a, id, "updates").await;
            assert!(sends_of(&app, "TPL_CHANGED").is_empty());
            assert_eq!(sends_of(&app, "TPL_WITHDRAWN").len(), 1);
            assert_eq!(sends_of(&app, "TPL_WITHDRAWN")[0].0, "o_a1m");
        },
    )
    .await;
}
