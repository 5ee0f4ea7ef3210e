//! Callback throughput and latency, side by side with a trivial route on the same server.
//!
//! Starts the WeChat API mock and the real app (SQLite in a temp dir) in this process, binds one
//! counselor, then drives 64 connections at: an encrypted `帮助` from the bound counselor, an
//! encrypted CLICK (FUDAO_HELP) event, and `/healthz` as the hello-world baseline. Every callback
//! request is distinct (own MsgId / CreateTime), so the dedup cache does not flatter the result.
//!
//! cargo run --release --example callback_bench -- [seconds per scenario, default 10]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use fudao::app::Application;
use fudao::config::{Secret, Settings};
use fudao::domain::bind_code::BindCode;
use fudao::domain::org::OrgKind;
use fudao::domain::role::Role;
use fudao::domain::username::Username;
use fudao::service::{accounts, identity::binding, org};
use fudao::wechat::crypto::Crypto;
use fudao::wechat::mock::{MockConfig, MockWechat};
use fudao::wechat::simulate::{self, Mode, Outgoing};
use sea_orm::TransactionTrait;
use tokio::sync::Mutex;

const CONNECTIONS: usize = 64;
const TOKEN: &str = "bench-token";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const OPENID: &str = "o_bench_counselor";

struct Outcome {
    name: &'static str,
    requests: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Outcome {
    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[index]
    }

    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

/// Drive `CONNECTIONS` workers for `duration`. Requests are built before the clock starts, so
/// the load generator's own signing and encryption do not compete with the server for the CPU;
/// a worker that runs out of prepared requests stops early.
async fn run(
    name: &'static str,
    duration: Duration,
    per_worker: usize,
    client: reqwest::Client,
    make: RequestMaker,
    check: fn(&str) -> bool,
) -> Outcome {
    let prepared: Vec<Vec<(String, String)>> = (0..CONNECTIONS)
        .map(|worker| {
            (0..per_worker)
                .map(|n| make((worker as u64) << 32 | n as u64))
                .collect()
        })
        .collect();
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = Vec::new();
    for requests in prepared {
        let client = client.clone();
        let latencies = latencies.clone();
        let errors = errors.clone();
        workers.push(tokio::spawn(async move {
            let mut local = Vec::new();
            for (url, body) in requests {
                if Instant::now() >= deadline {
                    break;
                }
                let sent = Instant::now();
                let response = if body.is_empty() {
                    client.get(&url).send().await
                } else {
                    client.post(&url).body(body).send().await
                };
                let ok = match response {
                    Ok(r) if r.status().is_success() => {
                        r.text().await.map(|t| check(&t)).unwrap_or(false)
                    }
                    _ => false,
                };
                local.push(sent.elapsed());
                if !ok {
                    errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
            latencies.lock().await.extend(local);
        }));
    }
    for worker in workers {
        let _ = worker.await;
    }
    let elapsed = started.elapsed();
    let mut latencies = std::mem::take(&mut *latencies.lock().await);
    latencies.sort();
    Outcome {
        name,
        requests: latencies.len(),
        errors: errors.load(std::sync::atomic::Ordering::Relaxed),
        elapsed,
        latencies,
    }
}

type RequestMaker = Arc<dyn Fn(u64) -> (String, String) + Send + Sync>;

/// Safe-mode callback requests from the bound counselor; `message` gives the CreateTime and
/// the content for a sequence number and the current time.
fn signed_requests(
    crypto: Arc<Crypto>,
    callback: String,
    message: fn(u64, u64) -> (u64, Outgoing),
) -> RequestMaker {
    Arc::new(move |seq| {
        let now = Utc::now().timestamp() as u64;
        let (create_time, outgoing) = message(seq, now);
        let xml = simulate::message_xml("gh_bench", OPENID, create_time, &outgoing);
        simulate::sign(
            &crypto,
            Mode::Safe,
            "gh_bench",
            OPENID,
            &xml,
            now,
            &seq.to_string(),
        )
        // A signing failure yields an empty request, counted as an error.
        .map(|signed| (format!("{callback}?{}", signed.query), signed.body))
        .unwrap_or_default()
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let duration = Duration::from_secs(seconds);
    let dir = tempfile::tempdir()?;
    let mock = MockWechat::start("127.0.0.1:0".parse()?, MockConfig::default()).await?;
    let mock_config = MockConfig::default();

    let mut settings = Settings::defaults()?;
    settings.server.addr = "127.0.0.1:0".parse()?;
    settings.database.url = Secret::new(format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    ));
    settings.wechat.token = Secret::new(TOKEN);
    settings.wechat.encoding_aes_key = Secret::new(AES_KEY);
    settings.wechat.app_id = mock_config.app_id.clone();
    settings.wechat.app_secret = Secret::new(mock_config.app_secret.clone());
    settings.wechat.api_base = mock.base_url();
    settings.miniprogram.app_id = mock_config.mini_app_id.clone();
    settings.log.filter = "warn".into();
    let app = Application::build(settings).await?;
    let base = format!("http://127.0.0.1:{}", app.port());

    // One counselor, bound to OPENID.
    let services = app.services().clone();
    let txn = services.db.begin().await?;
    let ministry = org::ensure_ministry(&txn).await?;
    let province = org::insert_unit_unchecked(
        &txn,
        &ministry,
        &org::NewUnit::parse(OrgKind::Province.as_str(), "江苏省", "32", ministry.id)?,
    )
    .await?;
    let school = org::insert_unit_unchecked(
        &txn,
        &province,
        &org::NewUnit::parse(
            OrgKind::University.as_str(),
            "基准大学",
            "19999",
            province.id,
        )?,
    )
    .await?;
    let college = org::insert_unit_unchecked(
        &txn,
        &school,
        &org::NewUnit::parse(OrgKind::College.as_str(), "基准学院", "b1", school.id)?,
    )
    .await?;
    let (account, _) = accounts::create_unchecked(
        &txn,
        Role::Counselor,
        &college,
        &Username::parse("bench_counselor")?,
        "基准老师",
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    let actor = fudao::service::identity::auth::actor_of(&account)?;
    let code = binding::issue_code(&services, &actor).await?;
    let outcome =
        binding::bind_with_code(&services, OPENID, &BindCode::parse(code.code.as_str())?).await?;
    println!("setup: {outcome:?}");
    tokio::spawn(app.run_until_stopped());

    let crypto = Arc::new(Crypto::new(TOKEN, Some(AES_KEY), &mock_config.app_id)?);
    let callback = format!("{base}/wechat/callback");
    let client = fudao::infra::http_client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()?;

    let text_request = signed_requests(crypto.clone(), callback.clone(), |seq, now| {
        let text = Outgoing::Text {
            content: "帮助".into(),
            msg_id: seq + 1,
        };
        (now, text)
    });
    let click_request = signed_requests(crypto.clone(), callback.clone(), |seq, _| {
        let click = Outgoing::Event {
            event: "CLICK".into(),
            key: Some("FUDAO_HELP".into()),
        };
        // Events dedup by sender + CreateTime: give every request its own CreateTime.
        (1_000_000_000 + seq, click)
    });
    let hello: RequestMaker = {
        let url = format!("{base}/healthz");
        Arc::new(move |_| (url.clone(), String::new()))
    };
    let encrypted_reply: fn(&str) -> bool = |body| body.contains("<Encrypt>");
    let any: fn(&str) -> bool = |_| true;

    // Enough prepared requests for 30,000 req/s per scenario.
    let per_worker = (seconds as usize * 30_000 / CONNECTIONS).max(100);
    // Warm up connections and caches.
    let _ = run(
        "warmup",
        Duration::from_secs(1),
        200,
        client.clone(),
        text_request.clone(),
        encrypted_reply,
    )
    .await;
    let results = vec![
        run(
            "hello (GET /healthz)",
            duration,
            per_worker * 4,
            client.clone(),
            hello,
            any,
        )
        .await,
        run(
            "encrypted 帮助, bound counselor",
            duration,
            per_worker,
            client.clone(),
            text_request,
            encrypted_reply,
        )
        .await,
        run(
            "encrypted CLICK FUDAO_HELP",
            duration,
            per_worker,
            client.clone(),
            click_request,
            encrypted_reply,
        )
        .await,
    ];
    let baseline = results[0].rps();
    println!(
        "\n{CONNECTIONS} connections, {seconds} s per scenario, {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    println!("| scenario | requests | errors | req/s | vs hello | p50 | p99 |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for r in &results {
        println!(
            "| {} | {} | {} | {:.0} | {:.0}% | {:.2} ms | {:.2} ms |",
            r.name,
            r.requests,
            r.errors,
            r.rps(),
            100.0 * r.rps() / baseline,
            r.percentile(0.50).as_secs_f64() * 1000.0,
            r.percentile(0.99).as_secs_f64() * 1000.0
        );
    }
    Ok(())
}
