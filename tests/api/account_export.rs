//! The accounts list as an XLSX workbook: the list's filters and scope, masked phones, no
//! username that is a phone beside the mask, a ceiling, and an audit entry.

use calamine::{Data, Reader, Xlsx};
use serde_json::json;

use crate::helpers::{each_backend, TestApp};

/// The workbook's rows as text, header first.
async fn export(app: &TestApp, query: &str, token: &str) -> Vec<Vec<String>> {
    let reply = app
        .client
        .get(format!("{}/api/v1/accounts/export{query}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .expect("export");
    assert_eq!(reply.status(), 200, "{query}");
    assert_eq!(
        reply.headers()["cache-control"],
        "no-store",
        "a workbook of people is not cached"
    );
    let bytes = reply.bytes().await.expect("body").to_vec();
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
    let sheet = book.worksheet_range("账号").expect("the 账号 sheet");
    sheet
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn column(rows: &[Vec<String>], header: &str) -> Vec<String> {
    let at = rows[0].iter().position(|h| h == header).expect(header);
    rows[1..].iter().map(|row| row[at].clone()).collect()
}

#[tokio::test]
async fn admins_export_the_accounts_they_list_with_phones_masked() {
    each_backend(|app| async move {
        let w = app.world().await;
        let me = app.get("/api/v1/me", &w.school_a).await.expect(200);
        let current = me["capabilities"]["current_cohort"].as_i64().unwrap();
        app.account(
            &w.school_a,
            json!({ "role": "counselor", "org_unit_id": w.college_a2, "name": "往届老师", "phone": "13900000041",
                    "username": "wangjie", "education_levels": ["bachelor"], "major_ids": [w.major_a2_bachelor],
                    "cohort": current - 1 }),
        )
        .await;

        // School A: its college admin and counselors, never school B's.
        let rows = export(&app, "", &w.school_a).await;
        assert_eq!(rows[0][0], "姓名");
        let names = column(&rows, "姓名");
        assert!(names.contains(&"王晓明".to_string()), "{names:?}");
        assert!(names.contains(&"计院学工办".to_string()), "{names:?}");
        assert!(!names.contains(&"李思雨".to_string()), "school B leaked: {names:?}");
        let listed = app.get("/api/v1/accounts?per_page=100", &w.school_a).await.expect(200);
        assert_eq!(names.len() as i64, listed["total"].as_i64().unwrap());

        // Phones masked; a username that is the phone is not printed, any other is.
        let text = rows.concat().join("|");
        for phone in ["13900000005", "13900000004", "13900000041"] {
            assert!(!text.contains(phone), "{phone} in {text}");
        }
        let at = names.iter().position(|n| n == "王晓明").unwrap();
        assert_eq!(column(&rows, "手机号")[at], "139****0005");
        assert_eq!(column(&rows, "用户名")[at], "（手机号）");
        assert_eq!(column(&rows, "届别")[at], current.to_string());
        assert_eq!(column(&rows, "状态")[at], "启用");
        let other = names.iter().position(|n| n == "往届老师").unwrap();
        assert_eq!(column(&rows, "用户名")[other], "wangjie");

        // The list's filters apply: the class before, counselors only.
        let rows = export(&app, &format!("?cohort={}&role=counselor", current - 1), &w.school_a).await;
        assert_eq!(column(&rows, "姓名"), vec!["往届老师".to_string()]);
        let rows = export(&app, "?q=%E7%8E%8B%E6%99%93", &w.school_a).await;
        assert_eq!(column(&rows, "姓名"), vec!["王晓明".to_string()]);

        // Audited with the count, never a phone.
        let audit = app.table_text("audit_log").await;
        assert!(audit.contains("account.export"), "{audit}");

        // Counselors export nothing; a bad filter changes nothing and says why.
        app.get("/api/v1/accounts/export", &w.counselor_a1)
            .await
            .expect_error(403, "forbidden");
        app.get("/api/v1/accounts/export?cohort=27", &w.school_a)
            .await
            .expect_error(422, "invalid_input");
        // Another school's unit is outside the scope.
        let reply = app
            .get(&format!("/api/v1/accounts/export?org_unit_id={}", w.uni_b), &w.school_a)
            .await;
        assert!(matches!(reply.status.as_u16(), 403 | 404), "{}", reply.body);
    })
    .await;
}
