//! Aliyun and Tencent Cloud SMS mocks over real HTTP. Each checks the request's signature the
//! way the provider's documentation defines it — written here again, independently of the
//! code under test — answers like the provider (or as a test scripts it), and records what it
//! accepted.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use salvo::conn::tcp::TcpAcceptor;
use salvo::conn::Acceptor;
use salvo::prelude::*;
use serde_json::{json, Value};
use sha1::Sha1;
use sha2::{Digest, Sha256};

pub const ALIYUN_KEY_ID: &str = "testId";
pub const ALIYUN_SECRET: &str = "testSecret";
pub const TENCENT_SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
pub const TENCENT_SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

/// One message the mock accepted (or answered with a scripted error).
#[derive(Debug, Clone)]
pub struct Received {
    pub phone: String,
    pub template: String,
    /// Aliyun: the TemplateParam object; Tencent: the TemplateParamSet array.
    pub params: Value,
    pub sign_name: String,
}

#[derive(Default)]
struct State {
    /// Error codes to answer with, in order, before answering success again.
    script: VecDeque<String>,
    received: Vec<Received>,
    nonces: HashSet<String>,
    bad_signatures: usize,
}

#[derive(Clone)]
pub struct SmsMock {
    state: Arc<Mutex<State>>,
    pub base: String,
}

impl SmsMock {
    /// Answer the next calls with these provider error codes, then succeed again.
    pub fn fail_next(&self, codes: &[&str]) {
        let mut state = self.state.lock().unwrap();
        state.script.extend(codes.iter().map(|c| c.to_string()));
    }

    /// Messages that were accepted.
    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// The password in the latest message the mock accepted for an eleven-digit number.
    pub fn password_sent_to(&self, phone: &str) -> Option<String> {
        let received = self.received();
        let last = received
            .iter()
            .rev()
            .find(|r| r.phone.trim_start_matches("+86") == phone)?;
        // Aliyun: {"password": …}; Tencent: [name, username, password].
        last.params["password"]
            .as_str()
            .or_else(|| last.params[2].as_str())
            .map(str::to_string)
    }

    pub fn bad_signatures(&self) -> usize {
        self.state.lock().unwrap().bad_signatures
    }

    fn scripted(&self) -> Option<String> {
        self.state.lock().unwrap().script.pop_front()
    }
}

async fn serve(router: Router) -> String {
    let acceptor: TcpAcceptor = TcpListener::new("127.0.0.1:0").bind().await;
    let addr = acceptor
        .holdings()
        .first()
        .and_then(|h| h.local_addr.clone().into_std())
        .expect("mock address");
    tokio::spawn(Server::new(acceptor).serve(router));
    format!("http://{addr}")
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz");
            if let Ok(byte) = u8::from_str_radix(hex, 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("UTF-8 query")
}

/// The documented encoding, as a table: unreserved characters stay, all else is `%XY`.
fn aliyun_encode(text: &str) -> String {
    const UNRESERVED: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
    text.bytes()
        .map(|b| {
            if UNRESERVED.as_bytes().contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

struct AliyunHandler(SmsMock);

#[async_trait]
impl Handler for AliyunHandler {
    async fn handle(&self, req: &mut Request, _: &mut Depot, res: &mut Response, _: &mut FlowCtrl) {
        let query = req.uri().query().unwrap_or_default().to_string();
        let mut params: BTreeMap<String, String> = query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (percent_decode(k), percent_decode(v)))
            .collect();
        let given = params.remove("Signature").unwrap_or_default();
        let canonical = params
            .iter()
            .map(|(k, v)| format!("{}={}", aliyun_encode(k), aliyun_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let to_sign = format!("GET&%2F&{}", aliyun_encode(&canonical));
        let mut mac = Hmac::<Sha1>::new_from_slice(format!("{ALIYUN_SECRET}&").as_bytes()).unwrap();
        mac.update(to_sign.as_bytes());
        let expected = STANDARD.encode(mac.finalize().into_bytes());
        let nonce = params.get("SignatureNonce").cloned().unwrap_or_default();
        let fresh = self.0.state.lock().unwrap().nonces.insert(nonce);
        let fields_ok = params.get("AccessKeyId").map(String::as_str) == Some(ALIYUN_KEY_ID)
            && params.get("Action").map(String::as_str) == Some("SendSms")
            && params.get("Version").map(String::as_str) == Some("2017-05-25")
            && params.get("SignatureMethod").map(String::as_str) == Some("HMAC-SHA1")
            && params.get("SignatureVersion").map(String::as_str) == Some("1.0")
            && params.get("Format").map(String::as_str) == Some("JSON");
        if given != expected || !fields_ok {
            self.0.state.lock().unwrap().bad_signatures += 1;
            res.status_code(StatusCode::BAD_REQUEST);
            res.render(Json(json!({
                "Code": "SignatureDoesNotMatch",
                "Message": format!("Specified signature is not matched with our calculation. server string to sign is:{to_sign}"),
                "RequestId": "mock",
            })));
            return;
        }
        if !fresh {
            res.status_code(StatusCode::BAD_REQUEST);
            res.render(Json(json!({ "Code": "SignatureNonceUsed", "Message": "nonce used", "RequestId": "mock" })));
            return;
        }
        if let Some(code) = self.0.scripted() {
            res.render(Json(
                json!({ "Code": code, "Message": "scripted", "RequestId": "mock" }),
            ));
            return;
        }
        let received = Received {
            phone: params.get("PhoneNumbers").cloned().unwrap_or_default(),
            template: params.get("TemplateCode").cloned().unwrap_or_default(),
            params: serde_json::from_str(
                params
                    .get("TemplateParam")
                    .map(String::as_str)
                    .unwrap_or("null"),
            )
            .unwrap_or(Value::Null),
            sign_name: params.get("SignName").cloned().unwrap_or_default(),
        };
        let n = {
            let mut state = self.0.state.lock().unwrap();
            state.received.push(received);
            state.received.len()
        };
        res.render(Json(json!({
            "Code": "OK",
            "Message": "OK",
            "BizId": format!("90061974693649844{n}^0"),
            "RequestId": "mock",
        })));
    }
}

pub async fn aliyun() -> SmsMock {
    let mut mock = SmsMock {
        state: Arc::default(),
        base: String::new(),
    };
    mock.base = serve(Router::new().get(AliyunHandler(mock.clone()))).await;
    mock
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac256(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

struct TencentHandler(SmsMock);

impl TencentHandler {
    fn error(res: &mut Response, code: &str) {
        res.render(Json(json!({
            "Response": { "Error": { "Code": code, "Message": "mock" }, "RequestId": "mock" }
        })));
    }
}

#[async_trait]
impl Handler for TencentHandler {
    async fn handle(&self, req: &mut Request, _: &mut Depot, res: &mut Response, _: &mut FlowCtrl) {
        let header = |name: &str| {
            req.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let (authorization, content_type, host) = (
            header("authorization"),
            header("content-type"),
            header("host"),
        );
        let (action, version, timestamp) = (
            header("x-tc-action"),
            header("x-tc-version"),
            header("x-tc-timestamp"),
        );
        let region = header("x-tc-region");
        let body = req.payload().await.map(|b| b.to_vec()).unwrap_or_default();
        let ts: i64 = timestamp.parse().unwrap_or(0);
        let date = chrono::DateTime::from_timestamp(ts, 0)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        // Header names lower-case, values trimmed, each line ending in \n, then the list.
        let canonical = format!(
            "POST\n/\n\ncontent-type:{}\nhost:{}\n\ncontent-type;host\n{}",
            content_type.trim(),
            host.trim(),
            sha256_hex(&body)
        );
        let to_sign = format!(
            "TC3-HMAC-SHA256\n{ts}\n{date}/sms/tc3_request\n{}",
            sha256_hex(canonical.as_bytes())
        );
        let k_date = hmac256(format!("TC3{TENCENT_SECRET_KEY}").as_bytes(), &date);
        let k_service = hmac256(&k_date, "sms");
        let k_signing = hmac256(&k_service, "tc3_request");
        let expected = hex::encode(hmac256(&k_signing, &to_sign));
        let wanted = format!(
            "TC3-HMAC-SHA256 Credential={TENCENT_SECRET_ID}/{date}/sms/tc3_request, SignedHeaders=content-type;host, Signature={expected}"
        );
        let fresh = (chrono::Utc::now().timestamp() - ts).abs() < 300;
        if authorization != wanted {
            self.0.state.lock().unwrap().bad_signatures += 1;
            return Self::error(res, "AuthFailure.SignatureFailure");
        }
        if !fresh {
            return Self::error(res, "AuthFailure.SignatureExpire");
        }
        if action != "SendSms" || version != "2021-01-11" || region.is_empty() {
            return Self::error(res, "InvalidParameter");
        }
        let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let phone = request["PhoneNumberSet"][0]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if let Some(code) = self.0.scripted() {
            // A per-number failure inside a successful request, as Tencent reports it.
            res.render(Json(json!({ "Response": {
                "SendStatusSet": [{ "SerialNo": "", "PhoneNumber": phone, "Fee": 0,
                                    "SessionContext": "", "Code": code, "Message": "scripted", "IsoCode": "CN" }],
                "RequestId": "mock" } })));
            return;
        }
        let n = {
            let mut state = self.0.state.lock().unwrap();
            state.received.push(Received {
                phone: phone.clone(),
                template: request["TemplateId"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                params: request["TemplateParamSet"].clone(),
                sign_name: request["SignName"].as_str().unwrap_or_default().to_string(),
            });
            state.received.len()
        };
        res.render(Json(json!({ "Response": {
            "SendStatusSet": [{ "SerialNo": format!("5000:10457106691570536578494996{n}"), "PhoneNumber": phone,
                                "Fee": 1, "SessionContext": "", "Code": "Ok", "Message": "send success", "IsoCode": "CN" }],
            "RequestId": "mock" } })));
    }
}

pub async fn tencent() -> SmsMock {
    let mut mock = SmsMock {
        state: Arc::default(),
        base: String::new(),
    };
    mock.base = serve(Router::new().post(TencentHandler(mock.clone()))).await;
    mock
}
