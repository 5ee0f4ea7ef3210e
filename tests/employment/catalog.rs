use serde_json::json;

use super::cohort_2027;
use crate::helpers::each_backend;

#[tokio::test]
async fn diagnostics_show_every_name_mismatch_and_fixing_a_name_carries_the_accounts() {
    each_backend(|app| async move {
        let w = app.world().await;
        let none = app.get("/api/v1/employment/diagnostics", &w.school_a).await.expect(200);
        assert!(none["cohort"].is_null());

        // A counselor created with a name the data does not use.
        let variant = app.major(&w.school_a, w.college_a1, "bachelor", "软件工程（嵌入式）").await;
        let (c2_id, c2) = app
            .account(
                &w.school_a,
                json!({ "role": "counselor", "org_unit_id": w.college_a1, "name": "周名", "phone": "13900000021",
                        "education_levels": ["bachelor"], "major_ids": [variant] }),
            )
            .await;
        let mut data = String::from_utf8(cohort_2027()).unwrap();
        data.push_str("\n2023201,吴一,经济管理学院,会计学,本科,2027,10,,,");
        data.push_str("\n2023007,张七,计算机学院,人工智能,本科,2027,10,,,");
        let dry = app.upload(&w.school_a, data.clone().into_bytes(), true).await.expect(200);
        assert_eq!(dry["new_colleges"], json!(["经济管理学院"]), "a dry run names the colleges to create");
        let units = app.get(&format!("/api/v1/org/units?parent_id={}", w.uni_a), &w.school_a).await.expect(200);
        assert!(!units.to_string().contains("经济管理学院"), "a dry run creates nothing");
        let report = app.upload(&w.school_a, data.into_bytes(), false).await.expect(200);
        assert_eq!(report["new_colleges"], json!(["经济管理学院"]));
        assert_eq!(report["majors_added"], 2, "人工智能 joins 计算机学院, 会计学 the new college");
        let units = app.get(&format!("/api/v1/org/units?parent_id={}", w.uni_a), &w.school_a).await.expect(200);
        let created = units["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == "经济管理学院")
            .expect("the college is created");
        assert_eq!(created["kind"], "college");
        let new_catalog = app
            .get(&format!("/api/v1/org/units/{}/majors", created["id"]), &w.school_a)
            .await
            .expect(200);
        assert!(new_catalog.to_string().contains("会计学"));
        let catalog = app
            .get(&format!("/api/v1/org/units/{}/majors", w.college_a1), &w.school_a)
            .await
            .expect(200);
        assert!(catalog.to_string().contains("人工智能"));

        let d = app.get("/api/v1/employment/diagnostics", &w.school_a).await.expect(200);
        assert_eq!(d["cohort"], 2027);
        let accounts = d["accounts"].as_array().unwrap();
        assert_eq!(accounts.len(), 1, "{d}");
        assert_eq!(accounts[0]["account_id"], c2_id);
        assert!(accounts[0]["reasons"][0].as_str().unwrap().contains("软件工程（嵌入式）"));
        let uncovered: Vec<String> = d["majors_without_counselor"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| format!("{}/{}", m["college"].as_str().unwrap(), m["major"].as_str().unwrap()))
            .collect();
        assert_eq!(uncovered.len(), 4, "{uncovered:?}");
        assert!(uncovered.contains(&"外国语学院/英语".to_string()));
        assert!(uncovered.contains(&"计算机学院/人工智能".to_string()));
        assert!(uncovered.contains(&"经济管理学院/会计学".to_string()));
        assert!(d["colleges_without_unit"].as_array().unwrap().is_empty(), "{d}");
        // The college admin sees only their college.
        let college = app.get("/api/v1/employment/diagnostics", &w.college_admin_a1).await.expect(200);
        assert!(college["colleges_without_unit"].as_array().unwrap().is_empty());
        assert!(!college.to_string().contains("外国语学院"));

        // The counselor sees nothing until the name is fixed by merging into the data's name.
        let before = app.get("/api/v1/my/employment-stats", &c2).await.expect(200);
        assert_eq!(before["total"]["graduates"], 0);
        let right = app
            .get(&format!("/api/v1/org/units/{}/majors?education_level=bachelor", w.college_a1), &w.school_a)
            .await
            .expect(200);
        let right_id = right
            .as_array()
            .or_else(|| right["items"].as_array())
            .unwrap()
            .iter()
            .find(|m| m["name"] == "软件工程")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        // Renaming onto an existing name is refused: that is a merge.
        app.patch(
            &format!("/api/v1/org/units/{}/majors/{variant}", w.college_a1),
            &w.school_a,
            json!({ "name": "软件工程" }),
        )
        .await
        .expect_error(409, "major_exists");
        let merged = app
            .post(
                &format!("/api/v1/org/units/{}/majors/{variant}/merge", w.college_a1),
                &w.school_a,
                json!({ "into_id": right_id }),
            )
            .await
            .expect(200);
        assert_eq!(merged["accounts_moved"], 1);
        let after = app.get("/api/v1/my/employment-stats", &c2).await.expect(200);
        assert_eq!(after["total"]["graduates"], 5);
        let d = app.get("/api/v1/employment/diagnostics", &w.school_a).await.expect(200);
        assert!(d["accounts"].as_array().unwrap().is_empty(), "{d}");

        // A rename keeps the counselors: rename, and the data then no longer matches.
        app.patch(
            &format!("/api/v1/org/units/{}/majors/{right_id}", w.college_a1),
            &w.school_a,
            json!({ "name": "软件工程（本科）" }),
        )
        .await
        .expect(200);
        let d = app.get("/api/v1/employment/diagnostics", &w.school_a).await.expect(200);
        assert_eq!(d["accounts"].as_array().unwrap().len(), 2, "both counselors follow the renamed major");
        app.get("/api/v1/employment/diagnostics", &w.counselor_a1).await.expect_error(403, "forbidden");
    })
    .await;
}
