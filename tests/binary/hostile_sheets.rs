//! Peak memory of the real server while it refuses hostile spreadsheets: `VmHWM` of the
//! `fudao` process, which counts every page it ever had resident, stays under 256 MB.

use std::time::Duration;

use serde_json::json;

use super::{free_port, fudao, serve};
use crate::sheets::files::{declaring_a_small_sheet, far_cell, ten_million_cells};

const PEAK_LIMIT_KB: u64 = 256 * 1024;

fn peak_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc status")
}

#[tokio::test]
async fn refusing_hostile_spreadsheets_keeps_the_server_under_256_mb() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("fudao.db").display()
    );
    let demo = fudao()
        .arg("demo")
        .env("FUDAO__DATABASE__URL", &url)
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let stdout = String::from_utf8_lossy(&demo.stdout);
    let (username, initial) = stdout
        .lines()
        .find(|line| line.starts_with("school_admin"))
        .and_then(|line| {
            let mut fields = line.split_whitespace().skip(1);
            Some((fields.next()?.to_string(), fields.next()?.to_string()))
        })
        .expect("a school admin in the demo data");

    let port = free_port();
    let (server, _) = serve(&url, port);
    let pid = server.0.id();
    let base = format!("http://127.0.0.1:{port}");
    let client = fudao::infra::http_client::builder().build().unwrap();
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": initial }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().expect("token").to_string();
    let changed: serde_json::Value = client
        .post(format!("{base}/api/v1/me/password"))
        .bearer_auth(&token)
        .json(&json!({ "old_password": initial, "new_password": "Hostile2027sheets" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = changed["token"].as_str().expect("new token").to_string();
    let before = peak_kb(pid);

    let liar = declaring_a_small_sheet(ten_million_cells());
    for (file, path) in [
        (far_cell(), "employment/imports?dry_run=true"),
        (far_cell(), "accounts/imports?dry_run=false"),
        (
            ten_million_cells().to_vec(),
            "employment/imports?dry_run=false",
        ),
        (
            ten_million_cells().to_vec(),
            "accounts/imports?dry_run=true",
        ),
        (liar.clone(), "employment/imports?dry_run=true"),
        (liar.clone(), "employment/imports?dry_run=false"),
        (liar, "accounts/imports?dry_run=true"),
    ] {
        let upload = client
            .post(format!("{base}/api/v1/{path}"))
            .bearer_auth(&token)
            .body(file)
            .send();
        let health = async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            tokio::time::timeout(
                Duration::from_secs(2),
                client.get(format!("{base}/healthz")).send(),
            )
            .await
        };
        let (upload, health) = tokio::join!(upload, health);
        let upload = upload.unwrap();
        assert_eq!(upload.status().as_u16(), 422, "{path}");
        let body: serde_json::Value = upload.json().await.unwrap();
        assert_eq!(body["code"], "invalid_input", "{path}: {body}");
        assert_eq!(
            health
                .expect("/healthz within 2 s")
                .unwrap()
                .status()
                .as_u16(),
            200
        );
    }
    let after = peak_kb(pid);
    eprintln!("fudao VmHWM: {before} kB after start, {after} kB after the hostile uploads");
    assert!(
        after < PEAK_LIMIT_KB,
        "peak {after} kB (started at {before} kB)"
    );
    drop(server);
}
