//! Drafts, targets, preview, publishing, edits, withdrawal and the share view.

use chrono::{TimeDelta, Utc};
use serde_json::json;

use super::task;
use crate::helpers::each_backend_with;

fn no_push(settings: &mut fudao::config::Settings) {
    settings.push.enabled = false;
}

#[tokio::test]
async fn fan_out_reaches_exactly_the_counselors_in_scope_and_filters() {
    each_backend_with(no_push, |app| async move {
        let w = app.world().await;
        let crew = app.crew(&w).await;
        app.follow_and_bind(&w.counselor_a1, "o_a1").await;
        app.follow_and_bind(&crew.a2, "o_a2").await;

        // The ministry, everyone: four enabled counselors, two bound.
        let preview = app
            .post("/api/v1/tasks/preview", &w.ministry, json!({}))
            .await
            .expect(200);
        assert_eq!(
            (preview["matched"].as_i64(), preview["bound"].as_i64()),
            (Some(4), Some(2))
        );
        let (national, published) = app.publish(&w.ministry, task("全国通知", json!({}))).await;
        assert_eq!(published["assigned"], 4);
        assert_eq!(published["queued"], 2);

        // School A, college A1, master's level only.
        let target = json!({ "unit_ids": [w.college_a1], "education_levels": ["master"] });
        let preview = app
            .post("/api/v1/tasks/preview", &w.school_a, target.clone())
            .await
            .expect(200);
        assert_eq!(preview["matched"], 1);
        assert_eq!(preview["not_bound"], 1);
        let (masters, published) = app
            .publish(&w.school_a, task("研究生任务", json!({ "target": target })))
            .await;
        assert_eq!(published["assigned"], 1);
        assert_eq!(published["queued"], 0);

        // The province, university B only.
        let (uni_b, published) = app
            .publish(
                &w.province,
                task("乙校任务", json!({ "target": { "unit_ids": [w.uni_b] } })),
            )
            .await;
        assert_eq!(published["assigned"], 1);

        // The college admin of A1, bachelor: a1 only (the disabled one is never reached).
        let (college, published) = app
            .publish(
                &w.college_admin_a1,
                task(
                    "学院任务",
                    json!({ "target": { "education_levels": ["本科"] } }),
                ),
            )
            .await;
        assert_eq!(published["assigned"], 1);

        // A college signs its tasks with its university.
        let signed = app
            .get(&format!("/api/v1/my/tasks/{college}"), &w.counselor_a1)
            .await
            .expect(200);
        assert_eq!(signed["publisher"], "江南示范大学计算机学院");

        // Each counselor sees the tasks of every level above them that reached them.
        let mut a1 = app.my_pending(&w.counselor_a1).await;
        a1.sort();
        assert_eq!(a1, vec![national, college]);
        assert_eq!(app.my_pending(&crew.a1_master).await.len(), 2);
        assert!(app.my_pending(&crew.a1_master).await.contains(&masters));
        assert_eq!(app.my_pending(&w.counselor_b1).await, vec![uni_b, national]);
        assert_eq!(app.my_pending(&crew.a2).await, vec![national]);
        let rows = app
            .count(&format!(
                "assignments WHERE account_id = {}",
                crew.disabled_id
            ))
            .await;
        assert_eq!(rows, 0);
        // One queued notice per bound counselor reached: a1 twice (national, college), a2 once.
        assert_eq!(app.count("push_jobs WHERE kind = 'task'").await, 3);
    })
    .await;
}

#[tokio::test]
async fn bad_tasks_and_targets_are_refused_and_write_nothing() {
    each_backend_with(no_push, |app| async move {
        let w = app.world().await;
        let cases = [
            (&w.school_a, task("越权", json!({ "target": { "unit_ids": [w.college_b1] } })), "unit_ids"),
            (&w.school_a, task("层级不对", json!({ "target": { "unit_ids": [w.uni_a] } })), "unit_ids"),
            (&w.college_admin_a1, task("学院不能选单位", json!({ "target": { "unit_ids": [w.college_a1] } })), "unit_ids"),
            (&w.ministry, task("未知单位", json!({ "target": { "unit_ids": [999_999] } })), "unit_ids"),
            (&w.ministry, task("层次", json!({ "target": { "education_levels": ["小学"] } })), "education_levels"),
            (&w.ministry, task("", json!({})), "title"),
            (&w.ministry, task("无正文", json!({ "content": " \n " })), "content"),
            (&w.ministry, task("链接", json!({ "link": "javascript:alert(1)" })), "link"),
            (&w.ministry, task("类型", json!({ "kind": "party" })), "kind"),
            (&w.ministry, task("过去", json!({ "deadline": (Utc::now() - TimeDelta::hours(1)).to_rfc3339() })), "deadline"),
            (&w.ministry, task("直播", json!({ "kind": "live_course" })), "starts_at"),
            (&w.ministry, task("非直播", json!({ "starts_at": Utc::now().to_rfc3339(), "ends_at": Utc::now().to_rfc3339() })), "starts_at"),
        ];
        for (token, body, field) in cases {
            let reply = app.post("/api/v1/tasks", token, body.clone()).await;
            reply.expect_error(422, "invalid_input");
            assert_eq!(reply.body["field"], field, "{body}");
        }
        app.post("/api/v1/tasks", &w.counselor_a1, task("辅导员", json!({})))
            .await
            .expect_error(403, "forbidden");
        app.post("/api/v1/tasks/preview", &w.counselor_a1, json!({}))
            .await
            .expect_error(403, "forbidden");
        assert_eq!(app.count("tasks").await, 0);
        assert_eq!(app.count("audit_log WHERE action LIKE 'task.%'").await, 0);
    })
    .await;
}

#[tokio::test]
async fn publishing_happens_once_and_published_tasks_change_only_harmlessly() {
    each_backend_with(no_push, |app| async move {
        let w = app.world().await;
        let id = app
            .draft(
                &w.school_a,
                task("春季招聘会", json!({ "kind": "job_fair" })),
            )
            .await;
        // A draft takes any change.
        let edited = app
            .patch(
                &format!("/api/v1/tasks/{id}"),
                &w.school_a,
                json!({ "title": "春季双选会", "confidential": true }),
            )
            .await
            .expect(200);
        assert_eq!(edited["title"], "春季双选会");
        // Other schools see nothing; the province reads but may not publish.
        app.get(&format!("/api/v1/tasks/{id}"), &w.school_b)
            .await
            .expect_error(404, "not_found");
        app.get(&format!("/api/v1/tasks/{id}"), &w.province)
            .await
            .expect(200);
        app.post(
            &format!("/api/v1/tasks/{id}/publish"),
            &w.province,
            json!({}),
        )
        .await
        .expect_error(403, "forbidden");
        app.post(
            &format!("/api/v1/tasks/{id}/publish"),
            &w.school_a,
            json!({}),
        )
        .await
        .expect(200);
        app.post(
            &format!("/api/v1/tasks/{id}/publish"),
            &w.school_a,
            json!({}),
        )
        .await
        .expect_error(409, "task_not_draft");
        assert_eq!(app.count("assignments").await, 1);

        // After publishing: no title change, no earlier deadline; content and a later deadline
        // are fine and audited.
        let detail = app
            .get(&format!("/api/v1/tasks/{id}"), &w.school_a)
            .await
            .expect(200);
        let deadline: chrono::DateTime<Utc> = detail["deadline"].as_str().unwrap().parse().unwrap();
        app.patch(
            &format!("/api/v1/tasks/{id}"),
            &w.school_a,
            json!({ "title": "改标题" }),
        )
        .await
        .expect_error(422, "invalid_input");
        app.patch(
            &format!("/api/v1/tasks/{id}"),
            &w.school_a,
            json!({ "deadline": (deadline - TimeDelta::hours(1)).to_rfc3339() }),
        )
        .await
        .expect_error(422, "invalid_input");
        let later = deadline + TimeDelta::days(1);
        let changed = app
            .patch(
                &format!("/api/v1/tasks/{id}"),
                &w.school_a,
                json!({ "content": "更正：地点改为体育馆。", "deadline": later.to_rfc3339() }),
            )
            .await
            .expect(200);
        assert_eq!(changed["content"], "更正：地点改为体育馆。");
        assert_eq!(changed["title"], "春季双选会");
        let audit = app
            .get("/api/v1/audit?action=task.update", &w.school_a)
            .await
            .expect(200);
        assert_eq!(audit["total"], 2);
        // Drafts may be deleted, published tasks not.
        app.request(
            reqwest::Method::DELETE,
            &format!("/api/v1/tasks/{id}"),
            Some(&w.school_a),
            None,
        )
        .await
        .expect_error(409, "task_not_draft");
        let list = app
            .get("/api/v1/tasks?mine=true", &w.school_a)
            .await
            .expect(200);
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["progress"]["assigned"], 1);
    })
    .await;
}

#[tokio::test]
async fn withdrawal_hides_the_task_and_cancels_its_unsent_notices() {
    each_backend_with(no_push, |app| async move {
        let w = app.world().await;
        app.follow_and_bind(&w.counselor_a1, "o_a1").await;
        app.follow_and_bind(&w.counselor_b1, "o_b1").await;
        let (id, published) = app.publish(&w.province, task("省级通知", json!({}))).await;
        assert_eq!(published["queued"], 2);
        let share = app
            .get(&format!("/api/v1/my/tasks/{id}"), &w.counselor_a1)
            .await
            .expect(200);
        let token = share["share_token"]
            .as_str()
            .expect("share token")
            .to_string();
        let withdrawn = app
            .post(
                &format!("/api/v1/tasks/{id}/withdraw"),
                &w.province,
                json!({}),
            )
            .await
            .expect(200);
        assert_eq!(withdrawn["cancelled_notices"], 2);
        assert!(app.my_pending(&w.counselor_a1).await.is_empty());
        app.get(&format!("/api/v1/my/tasks/{id}"), &w.counselor_a1)
            .await
            .expect_error(404, "not_found");
        app.request(
            reqwest::Method::GET,
            &format!("/api/v1/share/{token}"),
            None,
            None,
        )
        .await
        .expect_error(404, "share_unavailable");
        // A worker that runs afterwards sends nothing.
        let worker = fudao::push::PushWorker::new(
            fudao::app::services(&app.settings).await.expect("services"),
            fudao::app::wechat_client(&app.settings).expect("client"),
            std::sync::Arc::new(app.settings.clone()),
        );
        let round = worker.run_once().await.expect("round");
        assert_eq!(round.claimed, 0);
        assert!(app.mock.state.sent().is_empty());
        let progress = app.progress(&w.province, id).await;
        assert_eq!(progress["notices"]["cancelled"], 2);
        app.post(
            &format!("/api/v1/tasks/{id}/withdraw"),
            &w.province,
            json!({}),
        )
        .await
        .expect_error(409, "task_not_published");
    })
    .await;
}

#[tokio::test]
async fn the_share_view_opens_without_login_and_refuses_forged_and_confidential_tasks() {
    each_backend_with(no_push, |app| async move {
        let w = app.world().await;
        let (open, _) = app
            .publish(
                &w.school_a,
                task(
                    "招聘信息",
                    json!({ "kind": "job_posting", "link": "https://jobs.example.cn/1" }),
                ),
            )
            .await;
        let (secret, _) = app
            .publish(
                &w.school_a,
                task("内部通知", json!({ "confidential": true })),
            )
            .await;
        let detail = app
            .get(&format!("/api/v1/my/tasks/{open}"), &w.counselor_a1)
            .await
            .expect(200);
        let token = detail["share_token"].as_str().expect("token").to_string();
        assert!(token.len() >= 20);
        let shared = app
            .request(
                reqwest::Method::GET,
                &format!("/api/v1/share/{token}"),
                None,
                None,
            )
            .await
            .expect(200);
        assert_eq!(shared["title"], "招聘信息");
        assert_eq!(shared["link"], "https://jobs.example.cn/1");
        assert_eq!(shared["publisher"], "江南示范大学");
        assert!(shared.get("id").is_none() && shared.get("status").is_none());

        // A forged token: another task's id with this task's signature, or one flipped byte.
        use base64::Engine;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut bytes = engine.decode(&token).unwrap();
        bytes[..4].copy_from_slice(&(secret as i32).to_be_bytes());
        let forged_id = engine.encode(&bytes);
        let mut bytes = engine.decode(&token).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let forged_mac = engine.encode(&bytes);
        for forged in [forged_id, forged_mac, "not-a-token".to_string()] {
            app.request(
                reqwest::Method::GET,
                &format!("/api/v1/share/{forged}"),
                None,
                None,
            )
            .await
            .expect_error(404, "share_unavailable");
        }
        let confidential = app
            .get(&format!("/api/v1/my/tasks/{secret}"), &w.counselor_a1)
            .await
            .expect(200);
        assert!(confidential["share_token"].is_null());
        assert!(confidential["share_note"]
            .as_str()
            .unwrap()
            .contains("保密"));
    })
    .await;
}

#[tokio::test]
async fn admins_follow_tasks_from_above_for_their_own_counselors_only() {
    each_backend_with(no_push, |app| async move {
        let w = app.world().await;
        let (national, _) = app.publish(&w.ministry, task("全国通知", json!({}))).await;
        let draft = app.draft(&w.ministry, task("未发布", json!({}))).await;
        let received = app
            .get("/api/v1/tasks?received=true", &w.school_a)
            .await
            .expect(200);
        assert_eq!(received["total"], 1);
        assert_eq!(received["items"][0]["id"], national);
        assert_eq!(received["items"][0]["progress"]["assigned"], 1);
        // Its progress counts school A's counselor only; school B sees its own.
        let a = app.progress(&w.school_a, national).await;
        assert_eq!(a["assigned"], 1);
        assert_eq!(a["by_college"][0]["name"], "计算机学院");
        let b = app.progress(&w.school_b, national).await;
        assert_eq!(b["assigned"], 1);
        assert_eq!(b["by_college"][0]["name"], "机械学院");
        let own = app.progress(&w.ministry, national).await;
        assert_eq!(own["assigned"], 2);
        // The progress says who may act on the task.
        assert_eq!(own["managed"], true);
        assert_eq!(a["managed"], false);
        // Following is not managing; drafts from above stay invisible.
        app.post(
            &format!("/api/v1/tasks/{national}/withdraw"),
            &w.school_a,
            json!({}),
        )
        .await
        .expect_error(403, "forbidden");
        app.post(
            &format!("/api/v1/tasks/{national}/remind"),
            &w.school_a,
            json!({}),
        )
        .await
        .expect_error(403, "forbidden");
        app.get(&format!("/api/v1/tasks/{draft}"), &w.school_a)
            .await
            .expect_error(404, "not_found");
        // The college admin of A1 sees it too; the one of a college it did not reach would not.
        let college = app
            .get("/api/v1/tasks?received=true", &w.college_admin_a1)
            .await
            .expect(200);
        assert_eq!(college["total"], 1);
    })
    .await;
}

#[tokio::test]
async fn a_reminder_that_reaches_nobody_keeps_the_hourly_slot() {
    each_backend_with(no_push, |app| async move {
        let w = app.world().await;
        let (id, _) = app.publish(&w.school_a, task("学校通知", json!({}))).await;
        let path = format!("/api/v1/tasks/{id}/remind");
        assert_eq!(
            app.post(&path, &w.school_a, json!({})).await.expect(200)["queued"],
            0
        );
        app.follow_and_bind(&w.counselor_a1, "o_a1").await;
        assert_eq!(
            app.post(&path, &w.school_a, json!({})).await.expect(200)["queued"],
            1
        );
        app.post(&path, &w.school_a, json!({}))
            .await
            .expect_error(409, "remind_too_soon");
    })
    .await;
}

/// A corrupt row is a server-side failure (whatever the error mapping calls it), never a
/// success and never the client's fault.
fn refused(reply: crate::helpers::Reply) {
    assert!(
        reply.status.is_server_error(),
        "{} {}",
        reply.status,
        reply.body
    );
}

/// Overwrite one column of a task row, as a broken import or a hand edit would.
async fn corrupt_task(app: &crate::helpers::TestApp, id: i64, column: &str, value: &str) {
    use sea_orm::ConnectionTrait;
    app.db
        .execute(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            format!("UPDATE tasks SET {column} = '{value}' WHERE id = {id}"),
        ))
        .await
        .expect("corrupt the row");
}

#[tokio::test]
async fn a_corrupt_stored_target_refuses_to_publish_instead_of_reaching_the_whole_subtree() {
    each_backend_with(no_push, |app| async move {
        let w = app.world().await;
        app.crew(&w).await;
        // Only college A1; school A has counselors in A2 as well.
        let target = json!({ "unit_ids": [w.college_a1] });
        for (column, garbage) in [
            ("target_unit_ids", "not json"),
            ("target_unit_ids", "{}"),
            ("target_levels", "[\"postdoc\"]"),
        ] {
            let id = app
                .draft(&w.school_a, task("目标损坏", json!({ "target": target })))
                .await;
            corrupt_task(&app, id, column, garbage).await;
            refused(
                app.post(
                    &format!("/api/v1/tasks/{id}/publish"),
                    &w.school_a,
                    json!({}),
                )
                .await,
            );
            refused(app.get(&format!("/api/v1/tasks/{id}"), &w.school_a).await);
            assert_eq!(app.count("assignments").await, 0, "{column} = {garbage}");
            assert_eq!(
                app.count(&format!("tasks WHERE id = {id} AND status = 'draft'"))
                    .await,
                1
            );
        }
        // The task list refuses too, rather than showing the task with a widened target.
        refused(app.get("/api/v1/tasks", &w.school_a).await);
    })
    .await;
}

#[tokio::test]
async fn an_unknown_stored_status_or_kind_is_an_error_not_a_draft() {
    each_backend_with(no_push, |app| async move {
        let w = app.world().await;
        for (column, garbage) in [("status", "archived"), ("kind", "party")] {
            let id = app.draft(&w.school_a, task("状态损坏", json!({}))).await;
            corrupt_task(&app, id, column, garbage).await;
            // Read as a draft, the task could be edited and published again.
            refused(
                app.patch(
                    &format!("/api/v1/tasks/{id}"),
                    &w.school_a,
                    json!({ "title": "改" }),
                )
                .await,
            );
            refused(
                app.post(
                    &format!("/api/v1/tasks/{id}/publish"),
                    &w.school_a,
                    json!({}),
                )
                .await,
            );
            corrupt_task(
                &app,
                id,
                column,
                if column == "status" {
                    "draft"
                } else {
                    "policy"
                },
            )
            .await;
        }
        assert_eq!(app.count("assignments").await, 0);
    })
    .await;
}

#[tokio::test]
async fn a_task_reaches_the_class_under_way_unless_it_names_another_or_every_class() {
    each_backend_with(no_push, |app| async move {
        let w = app.world().await;
        let me = app.get("/api/v1/me", &w.school_a).await.expect(200);
        let current = me["capabilities"]["current_cohort"].as_i64().unwrap();
        // The world's counselors serve the class under way; one more serves the class before.
        let (_, leaving) = app
            .account(
                &w.school_a,
                json!({ "role": "counselor", "org_unit_id": w.college_a1, "name": "往届老师", "phone": "13900000031",
                        "education_levels": ["bachelor"], "major_ids": [w.major_a1_bachelor], "cohort": current - 1 }),
            )
            .await;
        let reach = |target: serde_json::Value| {
            let app = &app;
            let token = w.school_a.clone();
            async move {
                app.post("/api/v1/tasks/preview", &token, target)
                    .await
                    .expect(200)["matched"]
                    .as_i64()
                    .unwrap()
            }
        };
        let under_way = reach(json!({})).await;
        assert_eq!(reach(json!({ "cohort": current - 1 })).await, 1);
        assert_eq!(reach(json!({ "all_cohorts": true })).await, under_way + 1);
        assert_eq!(reach(json!({ "cohort": current + 5 })).await, 0);

        // Published without a class: the class under way only, and the task says which.
        let (id, published) = app.publish(&w.school_a, task("本届任务", json!({}))).await;
        assert_eq!(published["assigned"], under_way);
        let shown = app.get(&format!("/api/v1/tasks/{id}"), &w.school_a).await.expect(200);
        assert_eq!(shown["target"]["cohort"], current);
        let mine = app.get("/api/v1/my/tasks", &leaving).await.expect(200);
        assert_eq!(mine["total"], 0, "{mine}");

        // Every class: the counselor of the class before is told too.
        let (id, published) = app
            .publish(&w.school_a, task("全体任务", json!({ "target": { "all_cohorts": true } })))
            .await;
        assert_eq!(published["assigned"], under_way + 1);
        let shown = app.get(&format!("/api/v1/tasks/{id}"), &w.school_a).await.expect(200);
        assert!(shown["target"]["cohort"].is_null(), "{shown}");
        let mine = app.get("/api/v1/my/tasks", &leaving).await.expect(200);
        assert_eq!(mine["total"], 1, "{mine}");

        // A class with nobody in it says so, and nothing is published.
        let empty = app
            .draft(&w.school_a, task("无人", json!({ "target": { "cohort": current + 5 } })))
            .await;
        let refused = app
            .post(&format!("/api/v1/tasks/{empty}/publish"), &w.school_a, json!({}))
            .await;
        refused.expect_error(422, "invalid_input");
        assert!(refused.body["message"].as_str().unwrap().contains(&format!("{}届", current + 5)));
        let still = app.get(&format!("/api/v1/tasks/{empty}"), &w.school_a).await.expect(200);
        assert_eq!(still["status"], "draft");

        // Contradictions and nonsense years are refused before anything is written.
        let before = app.count("tasks").await;
        for target in [
            json!({ "cohort": current, "all_cohorts": true }),
            json!({ "cohort": 27 }),
            json!({ "cohort": "2027" }),
        ] {
            let reply = app
                .post("/api/v1/tasks", &w.school_a, task("坏届别", json!({ "target": target })))
                .await;
            assert!(matches!(reply.status.as_u16(), 400 | 422), "{target}: {}", reply.body);
        }
        assert_eq!(app.count("tasks").await, before);
    })
    .await;
}
