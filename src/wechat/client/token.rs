//! Access tokens from `cgi-bin/stable_token` in normal mode, cached per instance with early
//! refresh. Normal mode returns the same token to every caller while it is valid, so instances
//! never invalidate each other's token (wechat-protocol.md §5).

use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::future::Cache;
use serde::Deserialize;

use super::{check, Credentials, Transport};
use crate::wechat::error::WxError;

#[derive(Debug, Clone)]
struct Cached {
    token: Arc<str>,
    /// After this the token is still valid but refreshed on the next use.
    refresh_at: Instant,
}

#[derive(Deserialize)]
struct StableTokenResponse {
    access_token: Option<String>,
    expires_in: Option<u64>,
}

#[derive(Clone)]
pub struct TokenCache {
    cache: Cache<(), Cached>,
}

impl Default for TokenCache {
    fn default() -> Self {
        Self::new()
    }
}

impl TokenCache {
    pub fn new() -> Self {
        Self {
            // The hard cap only guards against a token outliving its refresh by far.
            cache: Cache::builder()
                .time_to_live(Duration::from_secs(7200))
                .build(),
        }
    }

    /// The current token; concurrent callers on a miss share one request.
    pub async fn get(
        &self,
        transport: &Transport,
        credentials: &Credentials,
    ) -> Result<Arc<str>, WxError> {
        let cached = self.fetch_shared(transport, credentials).await?;
        if cached.refresh_at > Instant::now() {
            return Ok(cached.token);
        }
        self.cache.invalidate(&()).await;
        Ok(self.fetch_shared(transport, credentials).await?.token)
    }

    /// Forget the token after WeChat called it invalid; the next `get` fetches again.
    pub async fn invalidate(&self) {
        self.cache.invalidate(&()).await;
    }

    async fn fetch_shared(
        &self,
        transport: &Transport,
        credentials: &Credentials,
    ) -> Result<Cached, WxError> {
        self.cache
            .try_get_with((), fetch(transport, credentials))
            .await
            .map_err(|error: Arc<WxError>| (*error).clone())
    }
}

async fn fetch(transport: &Transport, credentials: &Credentials) -> Result<Cached, WxError> {
    let body = serde_json::json!({
        "grant_type": "client_credential",
        "appid": credentials.app_id,
        "secret": credentials.app_secret.expose(),
        "force_refresh": false,
    });
    let value = transport
        .post_json("/cgi-bin/stable_token", &[], &body)
        .await?;
    let value = check(value)?;
    let parsed: StableTokenResponse =
        serde_json::from_value(value).map_err(|e| WxError::Decode(e.to_string()))?;
    let token = parsed
        .access_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| WxError::Decode("stable_token without access_token".into()))?;
    let expires_in = parsed.expires_in.unwrap_or(300).max(1);
    // Refresh well before expiry: at the later of half-life and five minutes before the end.
    let refresh_after = expires_in.saturating_sub(300).max(expires_in / 2);
    tracing::debug!(expires_in, refresh_after, "wechat access token fetched");
    Ok(Cached {
        token: Arc::from(token),
        refresh_at: Instant::now() + Duration::from_secs(refresh_after),
    })
}
