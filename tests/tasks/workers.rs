//! Workers driven round by round: a crash mid-batch, the daily quota, and two workers on one
//! database.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use fudao::outbox::ManualClock;
use fudao::push::PushWorker;
use fudao::wechat::mock::Injection;
use serde_json::json;

use super::task;
use crate::helpers::{each_backend_with, TestApp};

const SEND: &str = "/cgi-bin/message/template/send";

async fn worker(app: &TestApp, tweak: impl Fn(&mut fudao::config::Settings)) -> PushWorker {
    worker_at(app, tweak, Arc::new(fudao::outbox::SystemClock)).await
}

/// A worker that reads the time from `clock`.
async fn worker_at(
    app: &TestApp,
    tweak: impl Fn(&mut fudao::config::Settings),
    clock: Arc<dyn fudao::outbox::Clock>,
) -> PushWorker {
    let mut settings = app.settings.clone();
    tweak(&mut settings);
    let services = fudao::app::services(&settings).await.expect("services");
    PushWorker::new(
        services.with_clock(clock),
        fudao::app::wechat_client(&settings).expect("client"),
        Arc::new(settings),
    )
}

/// `n` counselors in college A1, bound to `o_bulk_<i>` (set straight in the database: these
/// tests are about the queue, binding has its own).
async fn bulk_bound(app: &TestApp, school_a: &str, college: i64, major: i64, n: usize) {
    for i in 0..n {
        let created = app
            .post(
                "/api/v1/accounts",
                school_a,
                json!({ "role": "counselor", "org_unit_id": college, "name": format!("辅导员{i}"),
                        "phone": format!("1380000{i:04}"), "education_levels": ["bachelor"], "major_ids": [major] }),
            )
            .await
            .expect(201);
        let id = created["id"].as_i64().unwrap();
        let backend = sea_orm::ConnectionTrait::get_database_backend(&app.db);
        let now = chrono::Utc::now();
        let statement = sea_orm::Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DbBackend::Postgres => "INSERT INTO account_wechat (account_id, oa_openid, bound_at, updated_at) VALUES ($1, $2, $3, $4)",
                _ => "INSERT INTO account_wechat (account_id, oa_openid, bound_at, updated_at) VALUES (?, ?, ?, ?)",
            },
            [id.into(), format!("o_bulk_{i}").into(), now.into(), now.into()],
        );
        sea_orm::ConnectionTrait::execute(&app.db, statement)
            .await
            .expect("bind");
    }
    app.mock.state.set_open_users(true);
}

fn no_push(settings: &mut fudao::config::Settings) {
    settings.push.enabled = false;
}

#[tokio::test]
async fn a_worker_stopped_mid_batch_and_restarted_loses_and_duplicates_nothing() {
    each_backend_with(no_push, |app| async move {
        let w = app.world().await;
        bulk_bound(&app, &w.school_a, w.college_a1, w.major_a1_bachelor, 6).await;
        let (id, published) = app.publish(&w.school_a, task("全校通知", json!({}))).await;
        assert_eq!(published["queued"], 6);
        app.mock.state.set_latency(SEND, Duration::from_millis(150));
        let first = worker(&app, |s| {
            s.push.concurrency = 1;
            s.push.lease_secs = 2;
        })
        .await;
        let clock = Arc::new(ManualClock::starting_now());
        let second = worker_at(&app, |s| s.push.lease_secs = 2, clock.clone()).await;
        // Kill the round while it is half way through its batch.
        let round = tokio::spawn(async move { first.run_once().await });
        tokio::time::sleep(Duration::from_millis(500)).await;
        round.abort();
        let _ = round.await;
        let sending = app.count("push_jobs WHERE status = 'sending'").await;
        assert!(sending > 0, "the round was cut mid-batch");
        app.mock.state.set_latency(SEND, Duration::ZERO);

        // Another process: nothing while the lease holds, then everything, once.
        let early = second.run_once().await.expect("round");
        assert_eq!(early.reclaimed, 0);
        assert_eq!(early.claimed, 0);
        clock.advance(chrono::TimeDelta::seconds(5));
        for _ in 0..5 {
            second.run_once().await.expect("round");
        }
        assert_eq!(app.count("push_jobs WHERE status = 'sent'").await, 6);
        let sent = app.mock.state.sent();
        assert_eq!(sent.len(), 6, "{sent:?}");
        let mut per_user: HashMap<String, usize> = HashMap::new();
        for (openid, _, _) in &sent {
            *per_user.entry(openid.clone()).or_default() += 1;
        }
        assert!(per_user.values().all(|n| *n == 1), "{per_user:?}");
        let progress = app.progress(&w.school_a, id).await;
        assert_eq!(progress["notices"]["sent"], 6);
    })
    .await;
}

#[tokio::test]
async fn the_daily_quota_is_never_exceeded_and_45009_pauses_until_tomorrow() {
    let quota_of_three = |s: &mut fudao::config::Settings| {
        s.push.enabled = false;
        s.push.daily_quota = 3;
    };
    each_backend_with(quota_of_three, |app| async move {
        let w = app.world().await;
        bulk_bound(&app, &w.school_a, w.college_a1, w.major_a1_bachelor, 4).await;
        let (far, _) = app.publish(&w.school_a, task("下周截止", json!({ "deadline": (chrono::Utc::now() + chrono::TimeDelta::days(7)).to_rfc3339() }))).await;
        let (near, _) = app.publish(&w.school_a, task("明天截止", json!({ "deadline": (chrono::Utc::now() + chrono::TimeDelta::days(1)).to_rfc3339() }))).await;
        let quota = worker(&app, |_| {}).await;
        let round = quota.run_once().await.expect("round");
        assert_eq!(round.sent, 3);
        let next = quota.run_once().await.expect("round");
        assert!(next.quota_exhausted);
        assert_eq!(next.claimed, 0);
        assert_eq!(app.mock.state.sent().len(), 3);
        // Nearest deadline first: the three sent all belong to the task due tomorrow.
        let near_progress = app.progress(&w.school_a, near).await;
        assert_eq!(near_progress["notices"]["sent"], 3);
        let far_progress = app.progress(&w.school_a, far).await;
        assert_eq!(far_progress["notices"]["queued"], 4);
        let expected: chrono::DateTime<chrono::Utc> = far_progress["notices"]["expected_done_at"]
            .as_str()
            .expect("an expected time")
            .parse()
            .unwrap();
        let tomorrow = fudao::domain::time::next_midnight(chrono::Utc::now());
        assert!(expected >= tomorrow, "{expected} vs {tomorrow}");
        assert!(far_progress["notices"]["expected_note"].as_str().unwrap().contains("排队"));

        // With quota to spare, WeChat's own 45009 stops every worker for the day.
        let roomy = worker(&app, |s| s.push.daily_quota = 100_000).await;
        app.mock.state.inject(Injection { path: SEND.into(), errcode: 45009, times: 5, delay_ms: 0 });
        let round = roomy.run_once().await.expect("round");
        assert!(round.quota_exhausted);
        assert_eq!(round.sent, 0);
        let after = roomy.run_once().await.expect("round");
        assert_eq!(after.claimed, 0);
        assert_eq!(app.count("push_jobs WHERE status = 'queued'").await, 5);
        assert_eq!(app.count("push_jobs WHERE status = 'failed'").await, 0);
        assert_eq!(app.count("push_days WHERE paused = TRUE").await, 1);
    })
    .await;
}

#[tokio::test]
async fn two_workers_on_one_database_never_send_a_job_twice() {
    each_backend_with(no_push, |app| async move {
        let w = app.world().await;
        bulk_bound(&app, &w.school_a, w.college_a1, w.major_a1_bachelor, 40).await;
        let (_, published) = app.publish(&w.school_a, task("全校通知", json!({}))).await;
        assert_eq!(published["queued"], 40);
        app.mock.state.set_latency(SEND, Duration::from_millis(5));
        let small = |s: &mut fudao::config::Settings| {
            s.push.batch_size = 5;
            s.push.concurrency = 4;
        };
        let (one, two) = (worker(&app, small).await, worker(&app, small).await);
        let run = |worker: PushWorker| async move {
            let mut claimed = 0;
            for _ in 0..40 {
                let round = worker.run_once().await.expect("round");
                claimed += round.claimed;
                if round.claimed == 0 {
                    break;
                }
            }
            claimed
        };
        let (a, b) = tokio::join!(tokio::spawn(run(one)), tokio::spawn(run(two)));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a + b, 40, "claimed {a} + {b}");
        // Every job went to WeChat exactly once: no resend needed WeChat's deduplication.
        let calls = app.mock.state.calls(SEND);
        let mut keys: Vec<String> = calls
            .iter()
            .map(|c| c.body["client_msg_id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(keys.len(), 40);
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 40);
        assert_eq!(app.count("push_jobs WHERE status = 'sent'").await, 40);
        assert_eq!(app.count("push_days WHERE sent = 40").await, 1);
    })
    .await;
}

#[tokio::test]
async fn a_minute_limit_waits_for_the_next_minute_without_spending_a_try() {
    each_backend_with(no_push, |app| async move {
        let w = app.world().await;
        bulk_bound(&app, &w.school_a, w.college_a1, w.major_a1_bachelor, 1).await;
        app.publish(&w.school_a, task("全校通知", json!({}))).await;
        let clock = Arc::new(ManualClock::starting_now());
        let worker = worker_at(&app, |s| s.push.max_attempts = 1, clock.clone()).await;
        app.mock.state.inject(Injection {
            path: SEND.into(),
            errcode: 45011,
            times: 1,
            delay_ms: 0,
        });
        let round = worker.run_once().await.expect("round");
        assert_eq!((round.sent, round.retried, round.failed), (0, 1, 0));
        // Back in the queue for the next minute, the try not counted (max_attempts is 1).
        assert_eq!(
            app.count("push_jobs WHERE status = 'queued' AND attempts = 0 AND error_code = 45011")
                .await,
            1
        );
        // Not before the next minute...
        let early = worker.run_once().await.expect("round");
        assert_eq!(early.claimed, 0);
        // ...which comes without waiting for it.
        clock.advance(chrono::TimeDelta::seconds(61));
        let round = worker.run_once().await.expect("round");
        assert_eq!(round.sent, 1);
        assert_eq!(app.mock.state.sent().len(), 1);
    })
    .await;
}
