//! The `fudao` binary as an operator runs it: first start, bad config, migrate, admin, demo.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[cfg(target_os = "linux")]
mod hostile_sheets;

fn fudao() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fudao"));
    command
        .env_remove("FUDAO_CONFIG")
        .env("FUDAO__LOG__FILTER", "warn");
    command
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An SQLite URL for a database file at `path` inside `dir`, created on first use.
fn sqlite_url(dir: &tempfile::TempDir, path: &str) -> String {
    format!("sqlite://{}?mode=rwc", dir.path().join(path).display())
}

/// Start `fudao serve`; returns the server and what it printed up to the listening line.
fn serve(db_url: &str, port: u16) -> (Server, Vec<String>) {
    let mut child = fudao()
        .arg("serve")
        .env("FUDAO__DATABASE__URL", db_url)
        .env("FUDAO__SERVER__ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("fudao starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            // Give the banner, printed before listening, time to arrive.
            std::thread::sleep(Duration::from_millis(200));
            return (server, rx.try_iter().collect());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("fudao did not start listening on {port}");
}

#[tokio::test]
async fn first_start_prints_a_one_time_password_and_serves_health() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir, "nested/fudao.db");
    let port = free_port();
    let (server, lines) = serve(&url, port);
    let password = lines
        .iter()
        .find_map(|line| line.split("one-time password:").nth(1))
        .map(|p| p.trim().to_string())
        .expect("password printed on first start");
    let client = fudao::infra::http_client::builder().build().unwrap();
    let health = client
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let login = client
        .post(format!("http://127.0.0.1:{port}/api/v1/auth/login"))
        .json(&serde_json::json!({ "username": "admin", "password": password }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status().as_u16(), 200);
    drop(server);

    // The second start finds the admin and prints no password.
    let port = free_port();
    let (_server, lines) = serve(&url, port);
    assert!(
        lines.iter().all(|line| !line.contains("one-time password")),
        "{lines:?}"
    );
}

#[tokio::test]
async fn the_demo_on_a_fresh_database_prints_the_first_ministry_admin_too() {
    // README's "Try it" order: demo first, then serve.
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir, "fudao.db");
    let output = fudao()
        .arg("demo")
        .env("FUDAO__DATABASE__URL", &url)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(output.status.success(), "{stdout}");
    let fields: Vec<&str> = stdout
        .lines()
        .find(|line| line.starts_with("ministry_admin"))
        .expect("the ministry admin among the demo's logins")
        .split_whitespace()
        .collect();
    assert_eq!(fields[1], "admin");
    let password = fields[2].to_string();

    let port = free_port();
    let (_server, lines) = serve(&url, port);
    assert!(
        lines.iter().all(|line| !line.contains("one-time password")),
        "serve finds the admin the demo made: {lines:?}"
    );
    let login = fudao::infra::http_client::builder()
        .build()
        .unwrap()
        .post(format!("http://127.0.0.1:{port}/api/v1/auth/login"))
        .json(&serde_json::json!({ "username": "admin", "password": password }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status().as_u16(), 200);
}

#[test]
fn invalid_config_stops_the_start_with_one_line_naming_the_key() {
    let output = fudao()
        .arg("serve")
        .env("FUDAO__SERVER__ADDR", "not-an-address")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("`server.addr`"), "{stderr}");

    let output = fudao()
        .arg("--config")
        .arg("/nonexistent/fudao.toml")
        .arg("serve")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/fudao.toml"));

    let output = fudao()
        .arg("migrate")
        .arg("status")
        .env("FUDAO__WECHAT__ENCODING_AES_KEY", "too-short")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`wechat.encoding_aes_key`"));
}

#[test]
fn migrate_admin_create_and_demo_from_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir, "fudao.db");
    let run = |args: &[&str]| {
        let output = fudao()
            .args(args)
            .env("FUDAO__DATABASE__URL", &url)
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).to_string(),
            String::from_utf8_lossy(&output.stderr).to_string(),
        )
    };
    let (ok, stdout, _) = run(&["migrate", "status"]);
    assert!(ok);
    assert!(stdout.lines().all(|l| l.starts_with("pending")), "{stdout}");
    let (ok, _, _) = run(&["migrate", "up"]);
    assert!(ok);
    let (_, stdout, _) = run(&["migrate", "status"]);
    assert!(stdout.lines().all(|l| l.starts_with("applied")), "{stdout}");

    let (ok, stdout, stderr) = run(&[
        "admin",
        "create",
        "--role",
        "ministry_admin",
        "--username",
        "ops",
        "--name",
        "运维",
    ]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("one-time password:"), "{stdout}");
    let (ok, _, stderr) = run(&[
        "admin",
        "create",
        "--role",
        "ministry_admin",
        "--username",
        "ops",
        "--name",
        "运维",
    ]);
    assert!(!ok);
    assert!(stderr.contains("已被使用"), "{stderr}");
    let (ok, _, stderr) = run(&[
        "admin",
        "create",
        "--role",
        "school_admin",
        "--username",
        "nounit",
        "--name",
        "x",
    ]);
    assert!(!ok);
    assert!(stderr.contains("--unit"), "{stderr}");

    let (ok, stdout, stderr) = run(&["demo"]);
    assert!(ok, "{stderr}");
    let counselors = stdout
        .lines()
        .filter(|l| l.starts_with("counselor"))
        .count();
    assert!((45..=60).contains(&counselors), "{counselors} counselors");
    for role in ["province_admin", "school_admin", "college_admin"] {
        assert!(
            stdout.lines().any(|l| l.starts_with(role)),
            "{role} in demo"
        );
    }
    let (ok, _, stderr) = run(&["demo"]);
    assert!(!ok, "demo twice is refused");
    assert!(stderr.contains("演示数据已加载"), "{stderr}");

    // Every migration, however many the list holds.
    let steps = {
        use migrations::MigratorTrait;
        migrations::Migrator::migrations().len().to_string()
    };
    let (ok, _, _) = run(&["migrate", "down", "--steps", &steps]);
    assert!(ok);
    let (_, stdout, _) = run(&["migrate", "status"]);
    assert!(stdout.lines().all(|l| l.starts_with("pending")), "{stdout}");
}

#[test]
fn the_menu_syncs_from_any_folder_with_the_built_in_default_or_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = fudao()
            .args(args)
            .current_dir(dir.path())
            .env("FUDAO__MINIPROGRAM__APP_ID", "wx0123456789abcdef")
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).to_string(),
            String::from_utf8_lossy(&output.stderr).to_string(),
        )
    };
    // No config/menu.json beside the binary: the built-in menu.
    let (ok, stdout, stderr) = run(&["wechat", "menu", "sync", "--dry-run"]);
    assert!(ok, "{stderr}");
    let menu: serde_json::Value = serde_json::from_str(&stdout).expect("the menu as JSON");
    let top: Vec<&str> = menu["button"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(top, ["辅导员", "就业资讯", "我的"]);
    assert_eq!(menu["button"][0]["appid"], "wx0123456789abcdef");

    let own = dir.path().join("menu.json");
    std::fs::write(
        &own,
        r#"{"button":[{"type":"click","name":"帮助","key":"FUDAO_HELP"}]}"#,
    )
    .unwrap();
    let (ok, stdout, stderr) = run(&["wechat", "menu", "sync", "--dry-run", "--file", "menu.json"]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("FUDAO_HELP") && !stdout.contains("就业资讯"),
        "{stdout}"
    );

    let (ok, _, stderr) = run(&[
        "wechat",
        "menu",
        "sync",
        "--dry-run",
        "--file",
        "missing.json",
    ]);
    assert!(!ok);
    assert!(stderr.contains("missing.json"), "{stderr}");
}
