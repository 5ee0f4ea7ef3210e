use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::helpers::wechat::text;
use crate::helpers::{each_backend, TestApp};

#[tokio::test]
async fn admin_writes_are_audited_and_read_within_scope() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        app.post(
            &format!("/api/v1/accounts/{}/disable", w.counselor_a1_id),
            &w.school_a,
            json!({}),
        )
        .await
        .expect(200);
        app.post(
            &format!("/api/v1/accounts/{}/disable", w.counselor_b1_id),
            &w.school_b,
            json!({}),
        )
        .await
        .expect(200);

        let mine = app
            .get("/api/v1/audit?action=account.disable", &w.school_a)
            .await
            .expect(200);
        assert_eq!(
            mine["total"], 1,
            "school A sees only its own university's entries ({})",
            app.backend
        );
        let entry = &mine["items"][0];
        assert_eq!(entry["target_id"], w.counselor_a1_id.to_string());
        assert_eq!(entry["target_type"], "account");
        assert_eq!(entry["ip"], "127.0.0.1");
        assert!(entry["actor_name"].as_str().unwrap().contains("甲校就业处"));
        assert!(entry["created_at"].is_string());

        let province = app
            .get("/api/v1/audit?action=account.disable", &w.province)
            .await
            .expect(200);
        assert_eq!(province["total"], 2);
        let creations = app
            .get(
                "/api/v1/audit?action=account.create&per_page=100",
                &w.ministry,
            )
            .await
            .expect(200);
        assert_eq!(creations["total"], 6);
        // Phones are masked in audit details.
        let phones: Vec<&str> = creations["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["detail"]["phone"].as_str())
            .collect();
        assert_eq!(phones.len(), 6);
        assert!(phones.contains(&"139****0005"), "{phones:?}");
        let units = app
            .get("/api/v1/audit?target_type=org_unit", &w.ministry)
            .await
            .expect(200);
        assert_eq!(units["total"], 6);
    })
    .await;
}

#[tokio::test]
async fn openids_in_audit_details_are_masked_for_admins() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let first = "oTD8i6Wz6jQZPSNJlzQv43ApodvI";
        let second = "ovPQ26Vgx51Ep-HoZqOITMHLk6eg";
        app.bind(&w.counselor_a1, first).await;
        app.bind(&w.counselor_a1, second).await;
        app.send(second, &text("解绑")).await;
        for token in [&w.school_a, &w.province, &w.ministry] {
            let response = app
                .get("/api/v1/audit?target_type=account&per_page=100", token)
                .await
                .expect(200);
            let body = response.to_string();
            assert!(
                !body.contains(first) && !body.contains(second),
                "raw OpenID shown on {}: {body}",
                app.backend
            );
            let details: Vec<&serde_json::Value> = response["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["action"].as_str().unwrap_or("").starts_with("wechat."))
                .map(|e| &e["detail"])
                .collect();
            assert_eq!(details.len(), 3, "bind, rebind, unbind");
            assert!(details.iter().any(|d| d["openid"] == "oTD8****odvI"));
            assert!(details.iter().any(|d| d["openid"] == "ovPQ****k6eg"));
            assert!(details
                .iter()
                .any(|d| d["previous_openid"] == "oTD8****odvI"));
        }
        // The stored entry keeps the whole id, for whoever investigates on the database.
        let stored = fudao::db::entities::audit_log::Entity::find()
            .filter(fudao::db::entities::audit_log::Column::Action.eq("wechat.rebind"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert!(stored.detail.contains(second), "{}", stored.detail);
    })
    .await;
}
