//! Publishing a national task to N counselors and pushing every notice to the WeChat mock.
//!
//! Seeds (set-based, not measured) one province, N/1000 universities with 10 colleges of 100
//! counselors each, every counselor bound to an official-account OpenID. Then measures:
//! 1. publish: the ministry publishes to everyone (assignments and push jobs, one transaction);
//! 2. push: the worker sends every notice to the in-process mock (concurrency 64, no rate
//!    limit, quota above N) until the queue is empty; duplicates are counted at the mock;
//! 3. progress: the task's progress query (totals, by college, by level, notices), 20 times.
//!
//! cargo run --release --example tasks_bench -- [database URL] [counselors]
//!   database URL: `sqlite` (default, a temp file) or a PostgreSQL/MySQL server URL, in which
//!   a fresh database `fudao_bench_tasks` is created.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use fudao::config::{Secret, Settings};
use fudao::db::entities::{account_levels, account_wechat, accounts, org_units};
use fudao::domain::task::{RawTask, Target, TaskFields};
use fudao::push::PushWorker;
use fudao::service::org::{self, NewUnit};
use fudao::service::tasks::notices::Throughput;
use fudao::service::{accounts::bootstrap, identity::auth, tasks, tasks::progress, RequestMeta};
use fudao::wechat::mock::{MockConfig, MockWechat};
use sea_orm::{ColumnTrait, ConnectionTrait, Database, EntityTrait, QueryFilter, Set};

/// A valid argon2id hash nobody can log in with: seeding must not spend minutes hashing.
const NO_LOGIN: &str = "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0YmVuY2g$0000000000000000000000000000000000000000000";

fn fresh_database(base: &str) -> (String, String) {
    let (server, query) = match base.split_once('?') {
        Some((s, q)) => (s, Some(q)),
        None => (base, None),
    };
    let scheme_end = server.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match server[scheme_end..].find('/') {
        Some(slash) => &server[..scheme_end + slash],
        None => server,
    };
    let url = match query {
        Some(q) => format!("{root}/fudao_bench_tasks?{q}"),
        None => format!("{root}/fudao_bench_tasks"),
    };
    (url, base.to_string())
}

async fn prepare_database(arg: &str, dir: &std::path::Path) -> String {
    if arg == "sqlite" {
        return format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    }
    let (url, admin) = fresh_database(arg);
    let conn = Database::connect(&admin)
        .await
        .expect("connect to the server");
    let drop = if arg.starts_with("mysql") {
        "DROP DATABASE IF EXISTS `fudao_bench_tasks`"
    } else {
        "DROP DATABASE IF EXISTS \"fudao_bench_tasks\" WITH (FORCE)"
    };
    conn.execute_unprepared(drop)
        .await
        .expect("drop old bench database");
    let create = if arg.starts_with("mysql") {
        "CREATE DATABASE `fudao_bench_tasks` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    } else {
        "CREATE DATABASE \"fudao_bench_tasks\""
    };
    conn.execute_unprepared(create)
        .await
        .expect("create bench database");
    url
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let database = args.first().cloned().unwrap_or_else(|| "sqlite".into());
    let counselors: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = prepare_database(&database, dir.path()).await;

    let mock = MockWechat::start("127.0.0.1:0".parse().expect("addr"), MockConfig::default())
        .await
        .expect("mock");
    mock.state.set_open_users(true);
    mock.state.set_quiet(true);
    let mock_config = MockConfig::default();
    let mut settings = Settings::defaults().expect("settings");
    settings.database.url = Secret::new(url.clone());
    settings.database.max_connections = 16;
    settings.wechat.app_id = mock_config.app_id.clone();
    settings.wechat.app_secret = Secret::new(mock_config.app_secret.clone());
    settings.wechat.api_base = mock.base_url();
    settings.miniprogram.app_id = mock_config.mini_app_id.clone();
    settings.push.concurrency = 64;
    settings.push.per_second = 0;
    settings.push.batch_size = 2_000;
    settings.push.daily_quota = (counselors as u32).saturating_mul(2);
    settings.push.templates.task.template_id = "TPL_TASK".into();

    let services = fudao::app::services(&settings).await.expect("services");
    let db = services.db.clone();
    bootstrap::ensure_first_admin(&db)
        .await
        .expect("first admin");
    let admin = accounts::Entity::find()
        .filter(accounts::Column::Role.eq("ministry_admin"))
        .one(&db)
        .await
        .expect("query")
        .expect("the first admin");
    let ministry = auth::actor_of(&admin).expect("actor");

    // Seed.
    let seeding = Instant::now();
    let root = org_units::Entity::find_by_id(admin.org_unit_id)
        .one(&db)
        .await
        .expect("query")
        .expect("ministry unit");
    let province = org::insert_unit_unchecked(
        &db,
        &root,
        &NewUnit::parse("province", "基准省", "99", root.id).expect("unit"),
    )
    .await
    .expect("province");
    let per_college = 100;
    let colleges_per_uni = 10;
    let universities = counselors.div_ceil(per_college * colleges_per_uni);
    let mut colleges = Vec::new();
    for u in 0..universities {
        let uni = org::insert_unit_unchecked(
            &db,
            &province,
            &NewUnit::parse(
                "university",
                &format!("基准大学{u}"),
                &format!("{:05}", 10_000 + u),
                province.id,
            )
            .expect("unit"),
        )
        .await
        .expect("university");
        for c in 0..colleges_per_uni {
            colleges.push(
                org::insert_unit_unchecked(
                    &db,
                    &uni,
                    &NewUnit::parse("college", &format!("学院{c}"), &format!("c{c}"), uni.id)
                        .expect("unit"),
                )
                .await
                .expect("college"),
            );
        }
    }
    let now = Utc::now();
    let mut n = 0;
    while n < counselors {
        let chunk = (counselors - n).min(1_000);
        let rows = (n..n + chunk).map(|i| {
            let college = &colleges[i / per_college];
            accounts::ActiveModel {
                username: Set(format!("bench{i:07}")),
                password_hash: Set(NO_LOGIN.to_string()),
                role: Set(fudao::domain::role::Role::Counselor),
                org_unit_id: Set(college.id),
                org_path: Set(college.path.clone()),
                name: Set(format!("辅导员{i}")),
                phone: Set(Some(format!("13{i:09}"))),
                must_change_password: Set(false),
                disabled: Set(false),
                failed_logins: Set(0),
                locked_until: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        });
        accounts::Entity::insert_many(rows)
            .exec(&db)
            .await
            .expect("accounts");
        n += chunk;
    }
    let ids: Vec<i32> = accounts::Entity::find()
        .filter(accounts::Column::Role.eq("counselor"))
        .all(&db)
        .await
        .expect("ids")
        .into_iter()
        .map(|a| a.id)
        .collect();
    for chunk in ids.chunks(1_000) {
        account_levels::Entity::insert_many(chunk.iter().map(|id| account_levels::ActiveModel {
            account_id: Set(*id),
            education_level: Set(if id % 5 == 0 { "master" } else { "bachelor" }.into()),
        }))
        .exec(&db)
        .await
        .expect("levels");
        account_wechat::Entity::insert_many(chunk.iter().map(|id| account_wechat::ActiveModel {
            account_id: Set(*id),
            oa_openid: Set(Some(format!("o_bench_{id}"))),
            mp_openid: Set(None),
            unionid: Set(None),
            bound_at: Set(Some(now)),
            updated_at: Set(now),
        }))
        .exec(&db)
        .await
        .expect("bindings");
    }
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("ANALYZE").await.expect("analyze");
    }
    println!(
        "seeded {counselors} bound counselors in {} colleges of {universities} universities ({:.1} s, not measured)",
        colleges.len(),
        seeding.elapsed().as_secs_f64()
    );

    // 1. Publish.
    let fields = TaskFields::parse(
        RawTask {
            kind: "policy",
            title: "关于做好2027届全国普通高校毕业生就业创业工作的通知",
            content: "各位辅导员：请阅读通知全文并转发给毕业生。",
            deadline: Some(now + TimeDelta::days(3)),
            ..Default::default()
        },
        now,
    )
    .expect("fields");
    let meta = RequestMeta::default();
    let draft = tasks::create(&services, &ministry, fields, Target::default(), &meta)
        .await
        .expect("draft");
    let started = Instant::now();
    let published = tasks::publish(&services, &ministry, draft.task.id, &meta)
        .await
        .expect("publish");
    let publish_time = started.elapsed();
    println!(
        "publish: {} assignments, {} push jobs in {:.2} s",
        published.assigned,
        published.queued,
        publish_time.as_secs_f64()
    );

    // 2. Push.
    let worker = PushWorker::new(
        services.clone(),
        fudao::app::wechat_client(&settings).expect("client"),
        Arc::new(settings.clone()),
    );
    let started = Instant::now();
    let mut sent = 0usize;
    loop {
        let round = worker.run_once().await.expect("round");
        sent += round.sent;
        if round.claimed == 0 {
            break;
        }
    }
    let push_time = started.elapsed();
    let accepted = mock.state.sent().len();
    let calls = mock.state.template_calls();
    println!(
        "push: {sent} sent in {:.2} s = {:.0} messages/s; mock accepted {accepted} distinct, {calls} send calls, {} duplicates",
        push_time.as_secs_f64(),
        sent as f64 / push_time.as_secs_f64(),
        calls.saturating_sub(accepted as u64)
    );

    // 3. Progress of a task with N assignments.
    let throughput = Throughput {
        daily_quota: u64::from(settings.push.daily_quota),
        per_second: 1_000,
    };
    let measure = |label: &'static str| {
        let services = services.clone();
        let ministry = ministry.clone();
        async move {
            let mut times: Vec<Duration> = Vec::new();
            for _ in 0..20 {
                let started = Instant::now();
                let p = progress::progress(&services, &ministry, draft.task.id, throughput)
                    .await
                    .expect("progress");
                times.push(started.elapsed());
                assert_eq!(p.totals.assigned as usize, counselors);
            }
            times.sort();
            println!(
                "progress of a {counselors}-assignment task, {label}: median {:.1} ms, max {:.1} ms (20 runs)",
                times[times.len() / 2].as_secs_f64() * 1000.0,
                times[times.len() - 1].as_secs_f64() * 1000.0
            );
        }
    };
    measure("right after the push").await;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        // What autovacuum does shortly after a bulk change: the push left two dead row versions
        // per job behind.
        db.execute_unprepared("VACUUM ANALYZE assignments, push_jobs")
            .await
            .expect("vacuum");
        measure("after VACUUM ANALYZE").await;
    }
}
