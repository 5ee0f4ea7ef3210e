//! Tasks end to end: dispatch, doing, the push queue against the WeChat mock, progress.

mod dispatch;
mod doing;
mod progress;
mod push;
mod workers;

use std::future::Future;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use fudao::wechat::mock::MockUser;
use serde_json::{json, Value};

use crate::helpers::world::World;
use crate::helpers::TestApp;

/// More counselors around the world's two: a master's counselor in A1, one in A2, and a
/// disabled one in A1.
pub struct Crew {
    pub a1_master: String,
    pub a2: String,
    pub disabled_id: i64,
}

impl TestApp {
    pub async fn crew(&self, world: &World) -> Crew {
        let (_, a1_master) = self
            .account(
                &world.college_admin_a1,
                json!({ "role": "counselor", "org_unit_id": world.college_a1, "name": "赵研", "phone": "13900000011",
                        "education_levels": ["master"], "major_ids": [world.major_a1_master] }),
            )
            .await;
        let (_, a2) = self
            .account(
                &world.school_a,
                json!({ "role": "counselor", "org_unit_id": world.college_a2, "name": "钱外", "phone": "13900000012",
                        "education_levels": ["bachelor"], "major_ids": [world.major_a2_bachelor] }),
            )
            .await;
        let disabled = self
            .post(
                "/api/v1/accounts",
                &world.college_admin_a1,
                json!({ "role": "counselor", "org_unit_id": world.college_a1, "name": "孙停", "phone": "13900000013",
                        "education_levels": ["bachelor"], "major_ids": [world.major_a1_bachelor] }),
            )
            .await
            .expect(201);
        let disabled_id = disabled["id"].as_i64().expect("id");
        self.post(
            &format!("/api/v1/accounts/{disabled_id}/disable"),
            &world.college_admin_a1,
            json!({}),
        )
        .await
        .expect(200);
        Crew {
            a1_master,
            a2,
            disabled_id,
        }
    }

    /// Make `openid` a follower the mock knows, and bind it to the account behind `token`.
    pub async fn follow_and_bind(&self, token: &str, openid: &str) {
        self.mock.state.add_user(MockUser {
            openid: openid.to_string(),
            unionid: None,
            subscribed: true,
        });
        let reply = self.bind(token, openid).await;
        assert!(reply.content().contains("绑定成功"), "{}", reply.content());
    }

    /// Create a draft and return its id.
    pub async fn draft(&self, token: &str, body: Value) -> i64 {
        self.post("/api/v1/tasks", token, body).await.expect(201)["id"]
            .as_i64()
            .expect("task id")
    }

    /// Create and publish; returns (task id, publish answer).
    pub async fn publish(&self, token: &str, body: Value) -> (i64, Value) {
        let id = self.draft(token, body).await;
        let published = self
            .post(&format!("/api/v1/tasks/{id}/publish"), token, json!({}))
            .await
            .expect(200);
        (id, published)
    }

    /// Complete a task as the counselor behind `token`.
    pub async fn complete(&self, token: &str, task: i64) -> Value {
        self.post(
            &format!("/api/v1/my/tasks/{task}/complete"),
            token,
            json!({}),
        )
        .await
        .expect(200)
    }

    pub async fn progress(&self, token: &str, task: i64) -> Value {
        self.get(&format!("/api/v1/tasks/{task}/progress"), token)
            .await
            .expect(200)
    }

    /// Wait until the task's notices have all left the queue.
    pub async fn notices_settled(&self, token: &str, task: i64, field: &str) -> Value {
        wait_for(|| async {
            let progress = self.progress(token, task).await;
            let n = &progress[field];
            (n["queued"] == 0 && n["sending"] == 0).then_some(progress)
        })
        .await
    }

    pub async fn my_pending(&self, token: &str) -> Vec<i64> {
        let page = self
            .get("/api/v1/my/tasks?status=pending", token)
            .await
            .expect(200);
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|t| t["id"].as_i64().expect("id"))
            .collect()
    }
}

/// A task body with sensible defaults, deadline three days ahead.
pub fn task(title: &str, extra: Value) -> Value {
    let mut body = json!({
        "kind": "policy",
        "title": title,
        "content": "请各位辅导员阅读并转发给毕业生。\n\n第二段：注意事项。",
        "deadline": (Utc::now() + TimeDelta::days(3)).to_rfc3339(),
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            body.insert(k.clone(), v.clone());
        }
    }
    body
}

/// Poll until `check` gives a value, for at most 15 s.
pub async fn wait_for<T, F, Fut>(check: F) -> T
where
    F: Fn() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "condition not reached within 15 s"
        );
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

/// Template sends the mock accepted, per OpenID.
pub fn sends_to(app: &TestApp, openid: &str) -> Vec<(String, String, u64)> {
    app.mock
        .state
        .sent()
        .into_iter()
        .filter(|(to, _, _)| to == openid)
        .collect()
}
