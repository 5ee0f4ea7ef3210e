//! A small org tree with an admin at every level, built through the API as a real admin would.

use serde_json::{json, Value};

use super::TestApp;

pub const PASSWORD: &str = "Changed2026x";

/// Ministry → province 32 → universities A (19901) and B (19902); A has colleges A1 and A2,
/// B has college B1. One logged-in account per role, and one counselor in A1 and in B1.
pub struct World {
    pub ministry: String,
    pub province_id: i64,
    pub province: String,
    pub uni_a: i64,
    pub uni_b: i64,
    pub college_a1: i64,
    pub college_a2: i64,
    pub college_b1: i64,
    pub major_a1_bachelor: i64,
    pub major_a1_master: i64,
    pub major_a2_bachelor: i64,
    pub major_b1_bachelor: i64,
    pub school_a: String,
    pub school_b: String,
    pub college_admin_a1: String,
    pub counselor_a1_id: i64,
    pub counselor_a1: String,
    pub counselor_b1_id: i64,
    pub counselor_b1: String,
}

impl TestApp {
    pub async fn unit(&self, token: &str, kind: &str, name: &str, code: &str, parent: i64) -> i64 {
        self.post(
            "/api/v1/org/units",
            token,
            json!({ "kind": kind, "name": name, "code": code, "parent_id": parent }),
        )
        .await
        .expect(201)["id"]
            .as_i64()
            .expect("unit id")
    }

    pub async fn major(&self, token: &str, college: i64, level: &str, name: &str) -> i64 {
        self.post(
            &format!("/api/v1/org/units/{college}/majors"),
            token,
            json!({ "education_level": level, "name": name }),
        )
        .await
        .expect(201)["id"]
            .as_i64()
            .expect("major id")
    }

    /// Create an account through the API, then log in with the SMS password and change it.
    pub async fn account(&self, token: &str, body: Value) -> (i64, String) {
        let phone = body["phone"].as_str().expect("phone").to_string();
        let created = self.post("/api/v1/accounts", token, body).await.expect(201);
        // Shown once when no SMS provider is configured, else read from the queued SMS.
        let (username, password) = match created["credentials"]["one_time_password"].as_str() {
            Some(password) => (
                created["username"].as_str().expect("username").to_string(),
                password.to_string(),
            ),
            None => {
                let (_, username, password) = self.last_sms(&phone).await;
                (username, password)
            }
        };
        let token = self.activate(&username, &password, PASSWORD).await;
        (created["id"].as_i64().expect("account id"), token)
    }

    pub async fn root_unit_id(&self, token: &str) -> i64 {
        let me = self.get("/api/v1/me", token).await.expect(200);
        me["org_unit"]["id"].as_i64().expect("ministry id")
    }

    pub async fn world(&self) -> World {
        let ministry = self.ministry_token().await;
        let root = self.root_unit_id(&ministry).await;
        let province_id = self.unit(&ministry, "province", "江苏省", "32", root).await;
        let uni_a = self
            .unit(
                &ministry,
                "university",
                "江南示范大学",
                "19901",
                province_id,
            )
            .await;
        let uni_b = self
            .unit(
                &ministry,
                "university",
                "金陵示范学院",
                "19902",
                province_id,
            )
            .await;
        let college_a1 = self
            .unit(&ministry, "college", "计算机学院", "cs", uni_a)
            .await;
        let college_a2 = self
            .unit(&ministry, "college", "外国语学院", "fl", uni_a)
            .await;
        let college_b1 = self
            .unit(&ministry, "college", "机械学院", "me", uni_b)
            .await;
        let major_a1_bachelor = self
            .major(&ministry, college_a1, "bachelor", "软件工程")
            .await;
        let major_a1_master = self
            .major(&ministry, college_a1, "master", "计算机科学与技术")
            .await;
        let major_a2_bachelor = self.major(&ministry, college_a2, "本科", "英语").await;
        let major_b1_bachelor = self
            .major(&ministry, college_b1, "bachelor", "机械工程")
            .await;

        let (_, province) = self
            .account(&ministry, json!({ "role": "province_admin", "org_unit_id": province_id, "name": "省就业中心", "phone": "13900000001" }))
            .await;
        let (_, school_a) = self
            .account(&province, json!({ "role": "school_admin", "org_unit_id": uni_a, "name": "甲校就业处", "phone": "13900000002" }))
            .await;
        let (_, school_b) = self
            .account(&province, json!({ "role": "school_admin", "org_unit_id": uni_b, "name": "乙校就业处", "phone": "13900000003" }))
            .await;
        let (_, college_admin_a1) = self
            .account(&school_a, json!({ "role": "college_admin", "org_unit_id": college_a1, "name": "计院学工办", "phone": "13900000004" }))
            .await;
        let (counselor_a1_id, counselor_a1) = self
            .account(
                &college_admin_a1,
                json!({ "role": "counselor", "org_unit_id": college_a1, "name": "王晓明", "phone": "13900000005",
                        "education_levels": ["bachelor"], "major_ids": [major_a1_bachelor] }),
            )
            .await;
        let (counselor_b1_id, counselor_b1) = self
            .account(
                &school_b,
                json!({ "role": "counselor", "org_unit_id": college_b1, "name": "李思雨", "phone": "13900000006",
                        "education_levels": ["bachelor"], "major_ids": [major_b1_bachelor] }),
            )
            .await;
        World {
            ministry,
            province_id,
            province,
            uni_a,
            uni_b,
            college_a1,
            college_a2,
            college_b1,
            major_a1_bachelor,
            major_a1_master,
            major_a2_bachelor,
            major_b1_bachelor,
            school_a,
            school_b,
            college_admin_a1,
            counselor_a1_id,
            counselor_a1,
            counselor_b1_id,
            counselor_b1,
        }
    }
}
