//! WeChat API client: one reqwest client, the configurable API base (a mock in tests), access
//! tokens, and errcode checking with one retry after a token refresh.

mod token;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::Secret;
use crate::wechat::error::{WxError, WxErrorClass};
pub use token::TokenCache;

/// AppID and AppSecret of one WeChat app (the official account or the mini program).
#[derive(Debug, Clone)]
pub struct Credentials {
    pub app_id: String,
    pub app_secret: Secret,
}

impl Credentials {
    fn configured(&self, what: &'static str) -> Result<(), WxError> {
        if self.app_id.is_empty() || self.app_secret.is_empty() {
            return Err(WxError::NotConfigured(what));
        }
        Ok(())
    }
}

/// HTTP to the WeChat API base.
#[derive(Clone)]
pub struct Transport {
    http: reqwest::Client,
    base: String,
}

impl Transport {
    pub fn new(base: &str, timeout: Duration) -> Result<Self, WxError> {
        let http = crate::infra::http_client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| WxError::Transport(e.to_string()))?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_string(),
        })
    }

    async fn decode(response: reqwest::Response) -> Result<Value, WxError> {
        let status = response.status();
        if !status.is_success() {
            return Err(WxError::HttpStatus(status.as_u16()));
        }
        response
            .json::<Value>()
            .await
            .map_err(|e| WxError::Decode(e.to_string()))
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Value, WxError> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .query(query)
            .send()
            .await
            .map_err(|e| WxError::Transport(e.to_string()))?;
        Self::decode(response).await
    }

    pub async fn post_json(
        &self,
        path: &str,
        query: &[(&str, &str)],
        body: &Value,
    ) -> Result<Value, WxError> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .query(query)
            .json(body)
            .send()
            .await
            .map_err(|e| WxError::Transport(e.to_string()))?;
        Self::decode(response).await
    }
}

/// Turn a body with a non-zero `errcode` into an error. Success bodies may lack `errcode`.
pub fn check(value: Value) -> Result<Value, WxError> {
    let errcode = value.get("errcode").and_then(Value::as_i64).unwrap_or(0);
    if errcode != 0 {
        let errmsg = value
            .get("errmsg")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        return Err(WxError::Api { errcode, errmsg });
    }
    Ok(value)
}

/// `cgi-bin/user/info`: whether the user follows, and their UnionID when the account is bound to
/// an Open Platform account.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct UserInfo {
    #[serde(default)]
    pub subscribe: i64,
    pub openid: String,
    #[serde(default)]
    pub unionid: Option<String>,
    #[serde(default)]
    pub subscribe_time: Option<i64>,
}

/// `sns/jscode2session`. The session key never leaves the server.
#[derive(Debug, Clone, Deserialize)]
pub struct MiniSession {
    pub openid: String,
    #[serde(default)]
    pub unionid: Option<String>,
}

/// `cgi-bin/message/template/send` payload (wechat-protocol.md §4).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TemplateMessage {
    pub touser: String,
    pub template_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub miniprogram: Option<TemplateMiniprogram>,
    pub client_msg_id: String,
    pub data: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TemplateMiniprogram {
    pub appid: String,
    pub pagepath: String,
}

/// The official account's API (token-bearing calls) and the mini program's login call.
#[derive(Clone)]
pub struct WechatClient {
    transport: Transport,
    official: Credentials,
    mini: Credentials,
    tokens: TokenCache,
}

impl WechatClient {
    pub fn new(transport: Transport, official: Credentials, mini: Credentials) -> Self {
        Self {
            transport,
            official,
            mini,
            tokens: TokenCache::new(),
        }
    }

    pub async fn access_token(&self) -> Result<std::sync::Arc<str>, WxError> {
        self.official
            .configured("wechat.app_id / wechat.app_secret")?;
        self.tokens.get(&self.transport, &self.official).await
    }

    /// A token-bearing call; on an invalid-token answer the token is fetched again (normal
    /// mode, never force_refresh) and the call retried once.
    async fn call(
        &self,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Value, WxError> {
        let mut retried = false;
        loop {
            let token = self.access_token().await?;
            let mut full_query: Vec<(&str, &str)> = vec![("access_token", &token)];
            full_query.extend_from_slice(query);
            let answer = match body {
                Some(body) => self.transport.post_json(path, &full_query, body).await,
                None => self.transport.get(path, &full_query).await,
            }
            .and_then(check);
            match answer {
                Err(error) if error.class() == WxErrorClass::RefreshToken && !retried => {
                    tracing::info!(errcode = ?error.errcode(), "wechat token rejected; fetching again");
                    self.tokens.invalidate().await;
                    retried = true;
                }
                other => return other,
            }
        }
    }

    pub async fn user_info(&self, openid: &str) -> Result<UserInfo, WxError> {
        let value = self
            .call(
                "/cgi-bin/user/info",
                &[("openid", openid), ("lang", "zh_CN")],
                None,
            )
            .await?;
        serde_json::from_value(value).map_err(|e| WxError::Decode(e.to_string()))
    }

    pub async fn create_menu(&self, menu: &Value) -> Result<(), WxError> {
        self.call("/cgi-bin/menu/create", &[], Some(menu))
            .await
            .map(|_| ())
    }

    /// Send a template message; returns WeChat's msgid.
    pub async fn send_template(&self, message: &TemplateMessage) -> Result<u64, WxError> {
        let body = serde_json::to_value(message).map_err(|e| WxError::Decode(e.to_string()))?;
        let value = self
            .call("/cgi-bin/message/template/send", &[], Some(&body))
            .await?;
        value
            .get("msgid")
            .and_then(|v| {
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .ok_or_else(|| WxError::Decode("template send without msgid".into()))
    }

    /// Exchange a mini-program `wx.login` code for the user's mini-program OpenID (and UnionID).
    pub async fn code_to_session(&self, code: &str) -> Result<MiniSession, WxError> {
        self.mini
            .configured("miniprogram.app_id / miniprogram.app_secret")?;
        let value = self
            .transport
            .get(
                "/sns/jscode2session",
                &[
                    ("appid", self.mini.app_id.as_str()),
                    ("secret", self.mini.app_secret.expose()),
                    ("js_code", code),
                    ("grant_type", "authorization_code"),
                ],
            )
            .await
            .and_then(check)?;
        serde_json::from_value(value).map_err(|e| WxError::Decode(e.to_string()))
    }
}
