//! Spawning the app per test on each configured database, and a client that speaks its API.

pub mod database;
pub mod sms_mock;
pub mod wechat;
pub mod world;

use std::future::Future;

pub use database::TestDatabase;

use fudao::app::Application;
use fudao::config::{Secret, Settings};
use fudao::wechat::crypto::Crypto;
use fudao::wechat::mock::{MockConfig, MockWechat};
use rand::RngExt;
use reqwest::{Method, StatusCode};
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::Value;

/// The callback token every test app is configured with.
pub const TOKEN: &str = "fudao-test-token";

fn random_aes_key() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..43)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A database the suite runs against.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres(String),
    Mysql(String),
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres(_) => "postgres",
            Backend::Mysql(_) => "mysql",
        }
    }
}

pub fn backends() -> Vec<Backend> {
    let mut list = vec![Backend::Sqlite];
    if let Ok(url) = std::env::var("FUDAO_TEST_POSTGRES_URL") {
        if !url.is_empty() {
            list.push(Backend::Postgres(url));
        }
    }
    if let Ok(url) = std::env::var("FUDAO_TEST_MYSQL_URL") {
        if !url.is_empty() {
            list.push(Backend::Mysql(url));
        }
    }
    list
}

/// The (row, column) of every row error in an import report, in order.
pub fn row_errors(report: &Value) -> Vec<(i64, String)> {
    report["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().expect("row"),
                e["column"].as_str().expect("column").to_string(),
            )
        })
        .collect()
}

/// Run the test body once per configured backend, each time against a fresh app and database.
pub async fn each_backend<F, Fut>(body: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    each_backend_with(|_| {}, body).await;
}

/// Like `each_backend`, with a hook to change settings before the app starts.
pub async fn each_backend_with<S, F, Fut>(tweak: S, body: F)
where
    S: Fn(&mut Settings),
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in backends() {
        let app = TestApp::spawn(&backend, &tweak).await;
        // A body's `async move` block captures only the fields it names (say `app.db`), and the
        // rest of the app is dropped before it runs: held here, its database and files outlive
        // the body, and go when it ends or panics.
        let resources = app.resources.clone();
        body(app).await;
        drop(resources);
    }
}

pub struct TestApp {
    pub backend: &'static str,
    /// The WeChat API mock this app talks to.
    pub mock: MockWechat,
    /// The callback's keys, to sign and encrypt requests as WeChat does.
    pub crypto: Crypto,
    /// The app's EncodingAESKey.
    pub aes_key: String,
    pub base: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub initial_admin: Option<(String, String)>,
    pub url: String,
    /// The settings the app runs with (to build a second worker on the same database).
    pub settings: Settings,
    /// The app's turns to parse spreadsheets, to hold one from a test.
    pub sheet_parses: fudao::infra::sheet_file::ParseGate,
    /// The app's database and uploaded files (`storage.dir`), removed with the last holder.
    resources: std::sync::Arc<Resources>,
    /// The SMS provider mock, when the app sends credentials through one: sent messages lose
    /// their password in the outbox, the mock still has it.
    pub sms: Option<sms_mock::SmsMock>,
}

/// What a test app owns outside the process: removed from its server (or disk) when dropped,
/// also by a panicking test.
pub struct Resources {
    _files: tempfile::TempDir,
    _database: TestDatabase,
}

/// A response: status and JSON body (Null when the body is empty or not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Reply {
    /// Status, headers and the JSON body (Null when empty or not JSON) of a response.
    pub async fn of(response: reqwest::Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        Reply {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            headers,
        }
    }

    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected reply: {:?}",
            self.body
        );
        self.body
    }

    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected reply: {:?}",
            self.body
        );
        assert_eq!(self.code(), code, "unexpected reply: {:?}", self.body);
        let message = self.body["message"].as_str().unwrap_or("");
        assert!(
            message
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "error message should be Chinese: {message:?}"
        );
    }
}

impl TestApp {
    pub async fn spawn(backend: &Backend, tweak: impl Fn(&mut Settings)) -> TestApp {
        // FUDAO_TEST_LOG=warn (or any tracing filter) shows the server's log in failing tests.
        if let Ok(filter) = std::env::var("FUDAO_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
        let database = TestDatabase::create(backend).await;
        let url = database.url.clone();
        let mock = MockWechat::start("127.0.0.1:0".parse().expect("addr"), MockConfig::default())
            .await
            .expect("mock starts");
        let mock_config = MockConfig::default();
        let mut settings = Settings::defaults().expect("default settings");
        settings.server.addr = "127.0.0.1:0".parse().expect("addr");
        settings.wechat.token = Secret::new(TOKEN);
        settings.wechat.encoding_aes_key = Secret::new(random_aes_key());
        settings.wechat.app_id = mock_config.app_id.clone();
        settings.wechat.app_secret = Secret::new(mock_config.app_secret.clone());
        settings.wechat.api_base = mock.base_url();
        settings.miniprogram.app_id = mock_config.mini_app_id.clone();
        settings.miniprogram.app_secret = Secret::new(mock_config.mini_app_secret.clone());
        settings.database.url = Secret::new(url.clone());
        settings.database.max_connections = 5;
        settings.push.poll_interval_ms = 25;
        settings.push.retry_base_ms = 20;
        settings.push.retry_max_secs = 1;
        settings.push.templates.task.template_id = "TPL_TASK".into();
        settings.push.templates.reminder.template_id = "TPL_REMIND".into();
        settings.push.templates.summary.template_id = "TPL_SUMMARY".into();
        settings.push.templates.task_changed.template_id = "TPL_CHANGED".into();
        settings.push.templates.task_withdrawn.template_id = "TPL_WITHDRAWN".into();
        let files = tempfile::tempdir().expect("files dir");
        settings.storage.dir = files.path().display().to_string();
        // Credentials go out by SMS (a provider is configured), but they stay queued, password
        // readable by `last_sms`, unless a test runs a worker. Tests of the show-once handover
        // choose `sms.provider = "log"`.
        settings.sms.enabled = false;
        settings.sms.provider = fudao::config::SmsProviderKind::Aliyun;
        let aliyun = &mut settings.sms.aliyun;
        aliyun.access_key_id = "test-key-id".into();
        aliyun.access_key_secret = Secret::new("test-key-secret");
        aliyun.sign_name = "辅导就业".into();
        aliyun.templates.account_created = "SMS_1001".into();
        aliyun.templates.password_reset = "SMS_1002".into();
        tweak(&mut settings);
        let app_settings = settings.clone();
        let aes_key = settings.wechat.encoding_aes_key.expose().to_string();
        let key = Some(aes_key.as_str()).filter(|k| !k.is_empty());
        // An app without a token still needs a client-side signer for the tests that say so.
        let token = Some(settings.wechat.token.expose())
            .filter(|t| !t.is_empty())
            .unwrap_or(TOKEN);
        let crypto = Crypto::new(token, key, &settings.wechat.app_id).expect("crypto");
        let application = Application::build(settings).await.expect("app builds");
        let base = format!("http://127.0.0.1:{}", application.port());
        let initial_admin = application
            .initial_admin()
            .map(|admin| (admin.username.clone(), admin.password.clone()));
        let sheet_parses = application.services().sheet_parses.clone();
        tokio::spawn(application.run_until_stopped());
        let db = Database::connect(&url).await.expect("test connection");
        TestApp {
            backend: backend.name(),
            mock,
            crypto,
            aes_key,
            base,
            client: fudao::infra::http_client::builder().build().unwrap(),
            db,
            initial_admin,
            url,
            settings: app_settings,
            sheet_parses,
            resources: std::sync::Arc::new(Resources {
                _files: files,
                _database: database,
            }),
            sms: None,
        }
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut request = self
            .client
            .request(method, format!("{}{}", self.base, path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        Reply::of(request.send().await.expect("request sent")).await
    }

    /// Name of this app's database (the last path segment of its URL).
    pub fn database_name(&self) -> String {
        self.url
            .split('?')
            .next()
            .and_then(|base| base.rsplit('/').next())
            .unwrap_or_default()
            .to_string()
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.request(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.request(Method::POST, path, Some(token), Some(body))
            .await
    }

    /// POST without a session (login, password reset with a code).
    pub async fn post_anonymous(&self, path: &str, body: Value) -> Reply {
        self.request(Method::POST, path, None, Some(body)).await
    }

    /// Run one SQL statement on the app's database (to age rows as time would).
    pub async fn execute(&self, sql: &str) {
        self.db
            .execute(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                sql.to_string(),
            ))
            .await
            .expect("statement runs");
    }

    /// Every text value of every row of `table`, to look for a secret in.
    pub async fn table_text(&self, table: &str) -> String {
        let rows = self
            .db
            .query_all(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                format!("SELECT * FROM {table}"),
            ))
            .await
            .expect("rows");
        let mut text = String::new();
        for row in rows {
            for column in row.column_names() {
                if let Ok(Some(value)) = row.try_get::<Option<String>>("", &column) {
                    text.push_str(&value);
                    text.push('\n');
                }
            }
        }
        text
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Reply {
        self.request(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    /// POST a file as the raw body (how scripts upload).
    pub async fn upload_body(&self, path: &str, token: &str, bytes: Vec<u8>) -> Reply {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .body(bytes)
            .send()
            .await
            .expect("upload");
        Reply::of(response).await
    }

    /// POST a multipart form, as the mini program's `wx.uploadFile` sends files.
    pub async fn upload_form(
        &self,
        path: &str,
        token: &str,
        form: reqwest::multipart::Form,
    ) -> Reply {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .expect("upload");
        Reply::of(response).await
    }

    /// The `file` part of a form, as `wx.uploadFile` names it.
    pub fn file_form(bytes: Vec<u8>, name: &str) -> reqwest::multipart::Form {
        reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        )
    }

    /// GET a binary response (exports, templates, files).
    pub async fn bytes(&self, path: &str, token: &str) -> Vec<u8> {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("download")
            .bytes()
            .await
            .expect("body")
            .to_vec()
    }

    pub async fn login(&self, username: &str, password: &str) -> Reply {
        self.request(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(serde_json::json!({ "username": username, "password": password })),
        )
        .await
    }

    /// Log in with an initial password, change it to `new_password`, return the new token.
    pub async fn activate(&self, username: &str, initial: &str, new_password: &str) -> String {
        let login = self.login(username, initial).await.expect(200);
        assert_eq!(login["must_change_password"], true);
        let token = login["token"].as_str().expect("token").to_string();
        let changed = self
            .post(
                "/api/v1/me/password",
                &token,
                serde_json::json!({ "old_password": initial, "new_password": new_password }),
            )
            .await
            .expect(200);
        changed["token"].as_str().expect("new token").to_string()
    }

    /// The first ministry admin, logged in with a changed password.
    pub async fn ministry_token(&self) -> String {
        let (username, password) = self
            .initial_admin
            .clone()
            .expect("fresh database creates the first admin");
        self.activate(&username, &password, "Ministry2026").await
    }

    /// Credentials go out through this SMS mock (see `last_sms`).
    pub fn with_sms(mut self, mock: sms_mock::SmsMock) -> Self {
        self.sms = Some(mock);
        self
    }

    /// The newest SMS queued for a phone: (template, username, password). Once a provider
    /// sent it, the outbox keeps no password: it is read from the provider mock.
    pub async fn last_sms(&self, phone: &str) -> (String, String, String) {
        let row = fudao::db::entities::sms_outbox::Entity::find()
            .filter(fudao::db::entities::sms_outbox::Column::Phone.eq(phone))
            .order_by_desc(fudao::db::entities::sms_outbox::Column::Id)
            .one(&self.db)
            .await
            .expect("query outbox")
            .expect("an SMS was queued");
        let params: Value = serde_json::from_str(&row.params).expect("params are JSON");
        let username = params["username"].as_str().unwrap_or_default().to_string();
        if let Some(password) = params["password"].as_str() {
            return (row.template, username, password.to_string());
        }
        let mock = self
            .sms
            .as_ref()
            .expect("a sent SMS: the test names its mock");
        let password = mock
            .password_sent_to(phone)
            .expect("the provider mock got the SMS");
        (row.template, username, password)
    }

    pub async fn count(&self, table: &str) -> i64 {
        let row = self
            .db
            .query_one(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count query")
            .expect("count row");
        row.try_get::<i64>("", "n").expect("count value")
    }
}
