//! Task attachments: type by content, limits, who may download, the share link.

use serde_json::json;

use crate::helpers::{each_backend_with, TestApp};
use crate::tasks::task;

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";

fn settings(s: &mut fudao::config::Settings) {
    s.push.enabled = false;
    s.tasks.attachment_limit_mib = 1;
    s.tasks.attachments_per_task = 3;
}

async fn upload(
    app: &TestApp,
    token: &str,
    task: i64,
    name: &str,
    bytes: Vec<u8>,
) -> crate::helpers::Reply {
    app.upload_body(
        &format!(
            "/api/v1/tasks/{task}/attachments?filename={}",
            urlencode(name)
        ),
        token,
        bytes,
    )
    .await
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn fetch(app: &TestApp, url: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{url}", app.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

fn workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write(0, 0, "学号").expect("cell");
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn files_are_checked_by_content_and_reach_who_may_read_the_task() {
    each_backend_with(settings, |app| async move {
        let w = app.world().await;
        let (id, _) = app.publish(&w.school_a, task("春招材料", json!({}))).await;
        let pdf = upload(&app, &w.school_a, id, "招聘会通知.pdf", PDF.to_vec())
            .await
            .expect(201);
        assert_eq!(pdf["content_type"], "application/pdf");
        assert_eq!(pdf["size"], PDF.len());
        // A multipart form, as wx.uploadFile sends it.
        let xlsx = app
            .upload_form(
                &format!("/api/v1/tasks/{id}/attachments"),
                &w.school_a,
                TestApp::file_form(workbook(), "名单.xlsx"),
            )
            .await
            .expect(201);
        assert_eq!(xlsx["filename"], "名单.xlsx", "{xlsx}");
        assert_eq!(
            xlsx["content_type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );

        // The content decides: a PNG called .pdf, a program, too large, all refused.
        let lying = upload(&app, &w.school_a, id, "通知.pdf", PNG.to_vec()).await;
        lying.expect_error(422, "invalid_input");
        assert!(lying.body["message"].as_str().unwrap().contains("不符"));
        upload(
            &app,
            &w.school_a,
            id,
            "setup.exe",
            b"MZ\x90\x00\x03".to_vec(),
        )
        .await
        .expect_error(422, "invalid_input");
        let mut big = PDF.to_vec();
        big.resize(1024 * 1024 + 10, b' ');
        let too_big = upload(&app, &w.school_a, id, "big.pdf", big).await;
        too_big.expect_error(413, "payload_too_large");
        assert!(too_big.body["message"].as_str().unwrap().contains("1 MB"));
        // Only the publisher's unit attaches.
        upload(&app, &w.school_b, id, "x.pdf", PDF.to_vec())
            .await
            .expect_error(404, "not_found");
        upload(&app, &w.counselor_a1, id, "x.pdf", PDF.to_vec())
            .await
            .expect_error(403, "forbidden");
        assert_eq!(app.count("task_attachments").await, 2);

        // The counselors it reached list and download; others do not.
        let listed = app
            .get(&format!("/api/v1/tasks/{id}/attachments"), &w.counselor_a1)
            .await
            .expect(200);
        assert_eq!(listed.as_array().unwrap().len(), 2);
        let url = listed[0]["url"].as_str().unwrap().to_string();
        let file = fetch(&app, &url, Some(&w.counselor_a1)).await;
        assert_eq!(file.status(), 200);
        assert_eq!(file.headers()["content-type"], "application/pdf");
        assert!(file.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''%E6%8B%9B"));
        assert_eq!(file.bytes().await.unwrap().as_ref(), PDF);
        assert_eq!(fetch(&app, &url, Some(&w.counselor_b1)).await.status(), 404);
        assert_eq!(fetch(&app, &url, Some(&w.school_b)).await.status(), 404);
        assert_eq!(fetch(&app, &url, None).await.status(), 401);

        // Students download through the share link of a task that is not confidential.
        let mine = app
            .get(&format!("/api/v1/my/tasks/{id}"), &w.counselor_a1)
            .await
            .expect(200);
        let token = mine["share_token"].as_str().unwrap().to_string();
        let shared: serde_json::Value = fetch(&app, &format!("/api/v1/share/{token}"), None)
            .await
            .json()
            .await
            .unwrap();
        let shared_url = shared["attachments"][0]["url"]
            .as_str()
            .unwrap()
            .to_string();
        let by_link = fetch(&app, &shared_url, None).await;
        assert_eq!(by_link.status(), 200);
        assert_eq!(by_link.bytes().await.unwrap().as_ref(), PDF);

        // A confidential task's files never go out through a link, not even a valid one.
        let (secret, _) = app
            .publish(
                &w.school_a,
                task("内部名单", json!({ "confidential": true })),
            )
            .await;
        let inner = upload(&app, &w.school_a, secret, "内部.pdf", PDF.to_vec())
            .await
            .expect(201);
        let detail = app
            .get(&format!("/api/v1/my/tasks/{secret}"), &w.counselor_a1)
            .await
            .expect(200);
        assert!(detail["share_token"].is_null());
        let borrowed = format!("/api/v1/share/{token}/attachments/{}", inner["id"]);
        assert_eq!(fetch(&app, &borrowed, None).await.status(), 404);
        let direct = format!("/api/v1/tasks/{secret}/attachments/{}", inner["id"]);
        assert_eq!(
            fetch(&app, &direct, Some(&w.counselor_a1)).await.status(),
            200
        );
    })
    .await;
}

#[tokio::test]
async fn removing_and_the_per_task_limit() {
    each_backend_with(settings, |app| async move {
        let w = app.world().await;
        let id = app.draft(&w.school_a, task("草稿附件", json!({}))).await;
        let mut ids = Vec::new();
        for n in 0..3 {
            let row = upload(&app, &w.school_a, id, &format!("第{n}份.pdf"), PDF.to_vec())
                .await
                .expect(201);
            ids.push(row["id"].as_i64().unwrap());
        }
        upload(&app, &w.school_a, id, "多余.pdf", PDF.to_vec())
            .await
            .expect_error(409, "too_many_attachments");
        let stored = || walk(std::path::Path::new(&app.settings.storage.dir));
        assert_eq!(stored(), 3);
        let path = format!("/api/v1/tasks/{id}/attachments/{}", ids[0]);
        app.request(reqwest::Method::DELETE, &path, Some(&w.school_b), None)
            .await
            .expect_error(404, "not_found");
        app.request(reqwest::Method::DELETE, &path, Some(&w.school_a), None)
            .await
            .expect(204);
        assert_eq!(stored(), 2, "the file leaves the store with its row");
        upload(&app, &w.school_a, id, "补充.pdf", PDF.to_vec())
            .await
            .expect(201);
        // Deleting the draft takes its files along.
        app.request(
            reqwest::Method::DELETE,
            &format!("/api/v1/tasks/{id}"),
            Some(&w.school_a),
            None,
        )
        .await
        .expect(204);
        assert_eq!(stored(), 0);
        assert_eq!(app.count("task_attachments").await, 0);
        let audit = app
            .get("/api/v1/audit?action=task.attachment.add", &w.school_a)
            .await
            .expect(200);
        assert_eq!(audit["total"], 4);
    })
    .await;
}

#[tokio::test]
async fn sixteen_parallel_uploads_store_exactly_the_limit() {
    each_backend_with(
        |s| {
            settings(s);
            s.tasks.attachments_per_task = 10;
        },
        |app| async move {
            let w = app.world().await;
            let id = app.draft(&w.school_a, task("并发附件", json!({}))).await;
            let uploads = (0..16).map(|n| {
                let (app, token) = (&app, w.school_a.clone());
                async move { upload(app, &token, id, &format!("第{n}份.pdf"), PDF.to_vec()).await }
            });
            let replies = futures_util::future::join_all(uploads).await;
            let stored: Vec<_> = replies.iter().filter(|r| r.status == 201).collect();
            let refused: Vec<_> = replies.iter().filter(|r| r.status != 201).collect();
            let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
            assert_eq!(stored.len(), 10, "{}: {statuses:?}", app.backend);
            assert_eq!(refused.len(), 6, "{}", app.backend);
            for reply in refused {
                reply.expect_error(409, "too_many_attachments");
            }
            assert_eq!(app.count("task_attachments").await, 10, "{}", app.backend);
            assert_eq!(
                walk(std::path::Path::new(&app.settings.storage.dir)),
                10,
                "{}: a refused upload leaves no file behind",
                app.backend
            );
        },
    )
    .await;
}

/// Files under a directory, recursively.
fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| {
                    let path = entry.path();
                    if path.is_dir() {
                        walk(&path)
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
