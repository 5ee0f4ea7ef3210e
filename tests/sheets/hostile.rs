use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::files::{declaring_a_small_sheet, far_cell, ten_million_cells};
use crate::helpers::{each_backend, each_backend_with, Reply, TestApp};

const EMPLOYMENT_CSV: &str = "学号,姓名,院系,专业,学历层次,届别,毕业去向代码,单位性质代码,单位行业代码,就业地区代码\n2023001,张一,计算机学院,软件工程,本科,2027,10,31,34,320100\n";

async fn employment(app: &TestApp, token: &str, bytes: Vec<u8>, dry_run: bool) -> Reply {
    app.upload_body(
        &format!("/api/v1/employment/imports?dry_run={dry_run}&filename=report.xlsx"),
        token,
        bytes,
    )
    .await
}

async fn accounts(app: &TestApp, token: &str, bytes: Vec<u8>, dry_run: bool) -> Reply {
    app.upload_body(
        &format!("/api/v1/accounts/imports?dry_run={dry_run}&filename=accounts.xlsx"),
        token,
        bytes,
    )
    .await
}

async fn background(app: &TestApp, token: &str, bytes: Vec<u8>) -> Reply {
    app.upload_body(
        "/api/v1/employment/imports?background=true&filename=report.xlsx",
        token,
        bytes,
    )
    .await
}

/// Runs `work` while another client polls `/healthz`; every poll must answer 200 within two
/// seconds. The tests run on one thread with the server, so a parse that blocked it would
/// stall the polls.
async fn while_healthy<T>(app: &TestApp, work: impl Future<Output = T>) -> T {
    let stop = Arc::new(AtomicBool::new(false));
    let poller = {
        let (stop, client, url) = (
            stop.clone(),
            app.client.clone(),
            format!("{}/healthz", app.base),
        );
        tokio::spawn(async move {
            let mut polls = 0;
            loop {
                let answer = tokio::time::timeout(Duration::from_secs(2), client.get(&url).send())
                    .await
                    .expect("/healthz answers within 2 s while a file is parsed")
                    .expect("/healthz");
                assert_eq!(answer.status(), 200);
                polls += 1;
                if stop.load(Ordering::SeqCst) {
                    return polls;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let out = work.await;
    stop.store(true, Ordering::SeqCst);
    assert!(poller.await.expect("poller") >= 1);
    out
}

fn refused(reply: &Reply, says: &str) {
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.body["field"], "file", "{}", reply.body);
    let message = reply.body["message"].as_str().unwrap_or_default();
    assert!(message.contains(says), "{message:?} should say {says:?}");
}

#[tokio::test]
async fn hostile_spreadsheets_are_refused_by_both_imports_and_the_server_keeps_answering() {
    let far = far_cell();
    assert!(far.len() < 2_000, "{} bytes", far.len());
    let bomb = ten_million_cells().to_vec();
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    each_backend(|app| {
        let (far, bomb) = (far.clone(), bomb.clone());
        async move {
            let w = app.world().await;
            let accounts_before = app.count("accounts").await;
            for (file, says) in [(&far, "超过 256 列"), (&bomb, "解压后过大")] {
                for dry_run in [true, false] {
                    let reply =
                        while_healthy(&app, employment(&app, &w.school_a, file.clone(), dry_run))
                            .await;
                    refused(&reply, says);
                    let reply =
                        while_healthy(&app, accounts(&app, &w.school_a, file.clone(), dry_run))
                            .await;
                    refused(&reply, says);
                }
            }
            assert_eq!(app.count("graduates").await, 0);
            assert_eq!(app.count("employment_imports").await, 0);
            assert_eq!(app.count("accounts").await, accounts_before);
        }
    })
    .await;
}

#[tokio::test]
async fn a_bomb_that_lies_about_its_size_is_cut_at_that_size_while_the_server_answers() {
    // The ZIP reader stops an entry at the size its headers declare: the cut sheet is refused as
    // damaged, long before ten million cells (the cell limit and the inflate budget stay as the
    // guards behind it).
    let liar = declaring_a_small_sheet(ten_million_cells());
    each_backend(|app| {
        let liar = liar.clone();
        async move {
            let w = app.world().await;
            let reply =
                while_healthy(&app, employment(&app, &w.school_a, liar.clone(), true)).await;
            refused(&reply, "无法读取 Excel");
            let reply = while_healthy(&app, accounts(&app, &w.school_a, liar, false)).await;
            refused(&reply, "无法读取 Excel");
            assert_eq!(app.count("employment_imports").await, 0);
        }
    })
    .await;
}

async fn finished_run(app: &TestApp, token: &str, id: i64) -> Value {
    for _ in 0..600 {
        let run = app
            .get(&format!("/api/v1/employment/imports/{id}"), token)
            .await
            .expect(200);
        if run["status"] != "running" {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import run {id} did not finish");
}

#[tokio::test]
async fn a_hostile_spreadsheet_fails_its_background_run_with_the_file_error() {
    let bomb = ten_million_cells().to_vec();
    each_backend(|app| {
        let bomb = bomb.clone();
        async move {
            let w = app.world().await;
            for (file, says) in [(far_cell(), "超过 256 列"), (bomb, "解压后过大")] {
                let started = while_healthy(&app, background(&app, &w.school_a, file)).await;
                let id = started.expect(202)["id"].as_i64().expect("run id");
                let run = while_healthy(&app, finished_run(&app, &w.school_a, id)).await;
                assert_eq!(run["status"], "failed", "{run}");
                let reason = run["report"]["errors"][0]["reason"]
                    .as_str()
                    .unwrap_or_default();
                assert!(reason.contains(says), "{reason:?} should say {says:?}");
            }
            assert_eq!(app.count("graduates").await, 0);
        }
    })
    .await;
}

#[tokio::test]
async fn imports_answer_busy_while_every_parse_turn_is_taken() {
    each_backend_with(
        |settings| {
            settings.imports.max_parallel_parses = 1;
            settings.imports.parse_wait_ms = 50;
        },
        |app| async move {
            let w = app.world().await;
            let file = EMPLOYMENT_CSV.as_bytes().to_vec();
            let held = app.sheet_parses.acquire().await.expect("the only turn");
            for reply in [
                employment(&app, &w.school_a, file.clone(), true).await,
                employment(&app, &w.school_a, file.clone(), false).await,
                background(&app, &w.school_a, file.clone()).await,
                accounts(&app, &w.school_a, file.clone(), true).await,
            ] {
                reply.expect_error(503, "busy");
                assert_eq!(reply.body["message"], "正在处理其他导入文件，请稍后再试");
            }
            // A refused background upload leaves no run behind.
            assert_eq!(app.count("employment_imports").await, 0);
            drop(held);
            let report = employment(&app, &w.school_a, file, true).await.expect(200);
            assert_eq!(report["rows"], 1);
        },
    )
    .await;
}
