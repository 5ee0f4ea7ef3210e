//! A WeChat API mock over real HTTP: stable_token, user/info, menu/create, jscode2session and
//! template send. Tests drive it in process; `fudao wechat mock` serves it for benchmarks and
//! the mini-program tests, controlled through `/mock/*`. It records every call and can answer
//! chosen errcodes, add latency, or expire the current access token.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use salvo::affix_state;
use salvo::conn::{Acceptor, Listener, TcpListener};
use salvo::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The apps the mock accepts credentials for.
#[derive(Debug, Clone)]
pub struct MockConfig {
    pub app_id: String,
    pub app_secret: String,
    pub mini_app_id: String,
    pub mini_app_secret: String,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            app_id: "wx_mock_official".into(),
            app_secret: "mock_official_secret".into(),
            mini_app_id: "wx_mock_mini".into(),
            mini_app_secret: "mock_mini_secret".into(),
        }
    }
}

/// One recorded API call.
#[derive(Debug, Clone, Serialize)]
pub struct Call {
    pub path: String,
    pub query: HashMap<String, String>,
    pub body: Value,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MockUser {
    pub openid: String,
    #[serde(default)]
    pub unionid: Option<String>,
    #[serde(default = "yes")]
    pub subscribed: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MockCode {
    pub code: String,
    pub openid: String,
    #[serde(default)]
    pub unionid: Option<String>,
}

/// A chosen answer for the next calls of one path.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Injection {
    pub path: String,
    /// Answer this errcode instead of the normal reply (0 = normal reply, only the delay applies).
    #[serde(default)]
    pub errcode: i64,
    #[serde(default = "one")]
    pub times: u32,
    /// Wait this long before answering (a value above the client timeout is a timeout).
    #[serde(default)]
    pub delay_ms: u64,
}

fn one() -> u32 {
    1
}

#[derive(Default)]
struct Inner {
    token_seq: u64,
    valid_tokens: Vec<String>,
    users: HashMap<String, MockUser>,
    codes: HashMap<String, (MockCode, bool)>,
    calls: Vec<Call>,
    injections: HashMap<String, VecDeque<Injection>>,
    latency: HashMap<String, Duration>,
    msg_seq: u64,
    sent: HashMap<(String, String), u64>,
    /// Accept template sends to any OpenID (benchmarks with 100 000 recipients).
    open_users: bool,
    /// Stop keeping every call (benchmarks); counters still count.
    quiet: bool,
    template_calls: u64,
}

pub struct MockState {
    config: MockConfig,
    inner: Mutex<Inner>,
}

impl MockState {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock only happens in a broken test; keep serving.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn add_user(&self, user: MockUser) {
        self.lock().users.insert(user.openid.clone(), user);
    }

    pub fn add_code(&self, code: MockCode) {
        self.lock().codes.insert(code.code.clone(), (code, false));
    }

    pub fn inject(&self, injection: Injection) {
        self.lock()
            .injections
            .entry(injection.path.clone())
            .or_default()
            .push_back(injection);
    }

    /// Latency for every call of a path from now on.
    pub fn set_latency(&self, path: &str, latency: Duration) {
        self.lock().latency.insert(path.to_string(), latency);
    }

    /// Invalidate every issued token, as when WeChat rolls or a token leaks.
    pub fn expire_tokens(&self) {
        self.lock().valid_tokens.clear();
    }

    /// Accept template sends to OpenIDs never added as users.
    pub fn set_open_users(&self, open: bool) {
        self.lock().open_users = open;
    }

    /// Keep no call records (counters and sent messages are still kept).
    pub fn set_quiet(&self, quiet: bool) {
        self.lock().quiet = quiet;
    }

    /// Every template message accepted: (touser, client_msg_id, msgid). A resend with the same
    /// client_msg_id is accepted once, as WeChat does.
    pub fn sent(&self) -> Vec<(String, String, u64)> {
        let mut sent: Vec<(String, String, u64)> = self
            .lock()
            .sent
            .iter()
            .map(|((touser, key), msgid)| (touser.clone(), key.clone(), *msgid))
            .collect();
        sent.sort_by_key(|(_, _, msgid)| *msgid);
        sent
    }

    /// Template send requests received, accepted or not.
    pub fn template_calls(&self) -> u64 {
        self.lock().template_calls
    }

    pub fn calls(&self, path: &str) -> Vec<Call> {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.path == path)
            .cloned()
            .collect()
    }

    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }
}

/// A running mock; it stops with the runtime that started it.
pub struct MockWechat {
    pub state: Arc<MockState>,
    addr: SocketAddr,
}

impl MockWechat {
    /// Serve on `addr` (port 0 picks a free port).
    pub async fn start(addr: SocketAddr, config: MockConfig) -> std::io::Result<Self> {
        let state = Arc::new(MockState {
            config,
            inner: Mutex::new(Inner::default()),
        });
        let acceptor = TcpListener::new(addr)
            .try_bind()
            .await
            .map_err(std::io::Error::other)?;
        let addr = acceptor
            .holdings()
            .first()
            .and_then(|h| h.local_addr.clone().into_std())
            .ok_or_else(|| std::io::Error::other("mock listener without address"))?;
        let router = router(state.clone());
        tokio::spawn(Server::new(acceptor).serve(router));
        Ok(Self { state, addr })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

fn router(state: Arc<MockState>) -> Router {
    Router::new()
        .hoop(affix_state::inject(state))
        .push(Router::with_path("cgi-bin/stable_token").post(stable_token))
        .push(Router::with_path("cgi-bin/user/info").get(user_info))
        .push(Router::with_path("cgi-bin/menu/create").post(menu_create))
        .push(Router::with_path("cgi-bin/message/template/send").post(template_send))
        .push(Router::with_path("sns/jscode2session").get(jscode2session))
        .push(
            Router::with_path("mock")
                .push(Router::with_path("users").post(control_user))
                .push(Router::with_path("codes").post(control_code))
                .push(Router::with_path("inject").post(control_inject))
                .push(Router::with_path("expire-token").post(control_expire))
                .push(Router::with_path("reset").post(control_reset))
                .push(Router::with_path("calls").get(control_calls)),
        )
}

fn state(depot: &Depot) -> Option<Arc<MockState>> {
    depot.get_typed::<Arc<MockState>>().ok().cloned()
}

fn error(errcode: i64, errmsg: &str) -> Value {
    json!({ "errcode": errcode, "errmsg": format!("{errmsg} rid: mock") })
}

/// Record the call, apply latency and injections; `Some` is the injected answer.
async fn intercept(state: &MockState, req: &mut Request, path: &str) -> (Option<Value>, Call) {
    let query: HashMap<String, String> = req
        .queries()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let body: Value = req.parse_json().await.unwrap_or(Value::Null);
    let call = Call {
        path: path.to_string(),
        query,
        body,
    };
    let (delay, injected) = {
        let mut inner = state.lock();
        if path == "/cgi-bin/message/template/send" {
            inner.template_calls += 1;
        }
        if !inner.quiet {
            inner.calls.push(call.clone());
        }
        let mut delay = inner.latency.get(path).copied().unwrap_or_default();
        let mut injected = None;
        if let Some(queue) = inner.injections.get_mut(path) {
            if let Some(front) = queue.front_mut() {
                delay += Duration::from_millis(front.delay_ms);
                if front.errcode != 0 {
                    injected = Some(error(front.errcode, "injected"));
                }
                front.times = front.times.saturating_sub(1);
                if front.times == 0 {
                    queue.pop_front();
                }
            }
        }
        (delay, injected)
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    (injected, call)
}

fn token_valid(state: &MockState, call: &Call) -> bool {
    call.query
        .get("access_token")
        .is_some_and(|t| state.lock().valid_tokens.contains(t))
}

#[handler]
async fn stable_token(req: &mut Request, depot: &mut Depot, res: &mut Response) {
    let Some(state) = state(depot) else { return };
    let (injected, call) = intercept(&state, req, "/cgi-bin/stable_token").await;
    let answer = injected.unwrap_or_else(|| {
        let appid = call.body["appid"].as_str().unwrap_or_default();
        let secret = call.body["secret"].as_str().unwrap_or_default();
        if appid != state.config.app_id {
            return error(40013, "invalid appid");
        }
        if secret != state.config.app_secret {
            return error(40125, "invalid appsecret");
        }
        let mut inner = state.lock();
        let force = call.body["force_refresh"].as_bool().unwrap_or(false);
        if force || inner.valid_tokens.is_empty() {
            inner.token_seq += 1;
            let token = format!("MOCK_ACCESS_TOKEN_{}", inner.token_seq);
            if force {
                inner.valid_tokens.clear();
            }
            inner.valid_tokens.push(token);
        }
        let token = inner.valid_tokens.last().cloned().unwrap_or_default();
        json!({ "access_token": token, "expires_in": 7200 })
    });
    res.render(Json(answer));
}

#[handler]
async fn user_info(req: &mut Request, depot: &mut Depot, res: &mut Response) {
    let Some(state) = state(depot) else { return };
    let (injected, call) = intercept(&state, req, "/cgi-bin/user/info").await;
    let answer = injected.unwrap_or_else(|| {
        if !token_valid(&state, &call) {
            return error(40001, "invalid credential, access_token is invalid or not latest");
        }
        let openid = call.query.get("openid").cloned().unwrap_or_default();
        match state.lock().users.get(&openid) {
            Some(user) if user.subscribed => {
                let mut answer = json!({ "subscribe": 1, "openid": openid, "subscribe_time": 1_700_000_000, "language": "zh_CN" });
                if let Some(unionid) = &user.unionid {
                    answer["unionid"] = json!(unionid);
                }
                answer
            }
            Some(_) => json!({ "subscribe": 0, "openid": openid }),
            None => error(40003, "invalid openid"),
        }
    });
    res.render(Json(answer));
}

#[handler]
async fn menu_create(req: &mut Request, depot: &mut Depot, res: &mut Response) {
    let Some(state) = state(depot) else { return };
    let (injected, call) = intercept(&state, req, "/cgi-bin/menu/create").await;
    let answer = injected.unwrap_or_else(|| {
        if !token_valid(&state, &call) {
            return error(40001, "invalid credential");
        }
        let buttons = call.body["button"].as_array().map(Vec::len).unwrap_or(0);
        if !(1..=3).contains(&buttons) {
            return error(40016, "invalid button size");
        }
        json!({ "errcode": 0, "errmsg": "ok" })
    });
    res.render(Json(answer));
}

#[handler]
async fn template_send(req: &mut Request, depot: &mut Depot, res: &mut Response) {
    let Some(state) = state(depot) else { return };
    let (injected, call) = intercept(&state, req, "/cgi-bin/message/template/send").await;
    let answer = injected.unwrap_or_else(|| {
        if !token_valid(&state, &call) {
            return error(40001, "invalid credential");
        }
        let touser = call.body["touser"].as_str().unwrap_or_default().to_string();
        let client_msg_id = call.body["client_msg_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let mut inner = state.lock();
        match inner.users.get(&touser) {
            None if inner.open_users => {}
            None => return error(40003, "invalid openid"),
            Some(user) if !user.subscribed => return error(43004, "require subscribe"),
            Some(_) => {}
        }
        if call.body["template_id"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
        {
            return error(40037, "invalid template_id");
        }
        let key = (touser, client_msg_id);
        if let Some(msgid) = inner.sent.get(&key).filter(|_| !key.1.is_empty()) {
            return json!({ "errcode": 0, "errmsg": "ok", "msgid": msgid });
        }
        inner.msg_seq += 1;
        let msgid = 200_000_000 + inner.msg_seq;
        inner.sent.insert(key, msgid);
        json!({ "errcode": 0, "errmsg": "ok", "msgid": msgid })
    });
    res.render(Json(answer));
}

#[handler]
async fn jscode2session(req: &mut Request, depot: &mut Depot, res: &mut Response) {
    let Some(state) = state(depot) else { return };
    let (injected, call) = intercept(&state, req, "/sns/jscode2session").await;
    let answer = injected.unwrap_or_else(|| {
        let q = |k: &str| call.query.get(k).cloned().unwrap_or_default();
        if q("appid") != state.config.mini_app_id || q("secret") != state.config.mini_app_secret {
            return error(40013, "invalid appid");
        }
        let mut inner = state.lock();
        match inner.codes.get_mut(&q("js_code")) {
            None => error(40029, "invalid code"),
            Some((_, true)) => error(40163, "code been used"),
            Some((code, used)) => {
                *used = true;
                let mut answer =
                    json!({ "openid": code.openid, "session_key": "mock-session-key" });
                if let Some(unionid) = &code.unionid {
                    answer["unionid"] = json!(unionid);
                }
                answer
            }
        }
    });
    res.render(Json(answer));
}

#[handler]
async fn control_user(req: &mut Request, depot: &mut Depot, res: &mut Response) {
    let Some(state) = state(depot) else { return };
    match req.parse_json::<MockUser>().await {
        Ok(user) => {
            state.add_user(user);
            res.render(Json(json!({ "ok": true })));
        }
        Err(_) => res.status_code(StatusCode::BAD_REQUEST).render("bad user"),
    };
}

#[handler]
async fn control_code(req: &mut Request, depot: &mut Depot, res: &mut Response) {
    let Some(state) = state(depot) else { return };
    match req.parse_json::<MockCode>().await {
        Ok(code) => {
            state.add_code(code);
            res.render(Json(json!({ "ok": true })));
        }
        Err(_) => res.status_code(StatusCode::BAD_REQUEST).render("bad code"),
    };
}

#[handler]
async fn control_inject(req: &mut Request, depot: &mut Depot, res: &mut Response) {
    let Some(state) = state(depot) else { return };
    match req.parse_json::<Injection>().await {
        Ok(injection) => {
            state.inject(injection);
            res.render(Json(json!({ "ok": true })));
        }
        Err(_) => res
            .status_code(StatusCode::BAD_REQUEST)
            .render("bad injection"),
    };
}

#[handler]
async fn control_expire(depot: &mut Depot, res: &mut Response) {
    if let Some(state) = state(depot) {
        state.expire_tokens();
    }
    res.render(Json(json!({ "ok": true })));
}

#[handler]
async fn control_reset(depot: &mut Depot, res: &mut Response) {
    if let Some(state) = state(depot) {
        state.reset();
    }
    res.render(Json(json!({ "ok": true })));
}

#[handler]
async fn control_calls(req: &mut Request, depot: &mut Depot, res: &mut Response) {
    let Some(state) = state(depot) else { return };
    let path = req.query::<String>("path").unwrap_or_default();
    let calls = if path.is_empty() {
        state.lock().calls.clone()
    } else {
        state.calls(&path)
    };
    res.render(Json(calls));
}
