//! The official account's callback: GET answers URL verification; POST verifies, decrypts,
//! parses, lets the bot answer under its deadline, and encrypts the reply in safe mode.
//! Every rejection is logged with its reason and answered without processing.

use std::sync::Arc;

use chrono::Utc;
use salvo::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use salvo::prelude::*;

use crate::bot::{Answer, Bot};
use crate::wechat::crypto::Crypto;
use crate::wechat::message::Incoming;
use crate::wechat::xml::{self, MAX_BODY};

/// Everything the callback needs, built once at start.
pub struct Gateway {
    /// Absent when `wechat.token` is not configured: the callback then refuses everything.
    pub crypto: Option<Crypto>,
    pub bot: Bot,
    pub timestamp_window_secs: u64,
}

/// Why a callback was refused. Logged; the client sees only the status.
#[derive(Debug, thiserror::Error)]
enum Rejection {
    #[error("callback not configured (wechat.token is empty)")]
    NotConfigured,
    #[error("missing query parameter {0}")]
    MissingParam(&'static str),
    #[error("bad signature")]
    BadSignature,
    #[error("timestamp outside the accepted window")]
    Stale,
    #[error("body too large")]
    TooLarge,
    #[error("encrypted message but no encoding_aes_key configured")]
    NoAesKey,
    #[error("cannot decrypt: {0}")]
    Decrypt(String),
    #[error("bad xml: {0}")]
    Xml(String),
}

impl Rejection {
    fn status(&self) -> StatusCode {
        match self {
            Rejection::NotConfigured | Rejection::NoAesKey => StatusCode::SERVICE_UNAVAILABLE,
            Rejection::BadSignature | Rejection::Stale => StatusCode::FORBIDDEN,
            Rejection::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

fn reject(res: &mut Response, rejection: Rejection) {
    tracing::warn!(reason = %rejection, "wechat callback rejected");
    res.status_code(rejection.status());
    res.render(Text::Plain(
        rejection.status().canonical_reason().unwrap_or("rejected"),
    ));
}

fn gateway(depot: &Depot) -> Option<Arc<Gateway>> {
    depot.get_typed::<Arc<Gateway>>().ok().cloned()
}

fn param(req: &Request, name: &'static str) -> Result<String, Rejection> {
    req.query::<String>(name)
        .filter(|v| !v.is_empty())
        .ok_or(Rejection::MissingParam(name))
}

fn check_timestamp(timestamp: &str, window: u64) -> Result<(), Rejection> {
    if window == 0 {
        return Ok(());
    }
    let sent: i64 = timestamp.parse().map_err(|_| Rejection::Stale)?;
    if (Utc::now().timestamp() - sent).unsigned_abs() > window {
        return Err(Rejection::Stale);
    }
    Ok(())
}

#[handler]
pub async fn verify_url(req: &mut Request, depot: &mut Depot, res: &mut Response) {
    let result = (|| {
        let gateway = gateway(depot).ok_or(Rejection::NotConfigured)?;
        let crypto = gateway.crypto.as_ref().ok_or(Rejection::NotConfigured)?;
        let signature = param(req, "signature")?;
        let timestamp = param(req, "timestamp")?;
        let nonce = param(req, "nonce")?;
        let echostr = param(req, "echostr")?;
        if !crypto.verify_signature(&signature, &timestamp, &nonce) {
            return Err(Rejection::BadSignature);
        }
        Ok(echostr)
    })();
    match result {
        Ok(echostr) => res.render(Text::Plain(echostr)),
        Err(rejection) => reject(res, rejection),
    }
}

/// The verified and decrypted message, and whether the reply must be encrypted.
struct Accepted {
    incoming: Incoming,
    encrypted: bool,
    nonce: String,
}

async fn accept(req: &mut Request, gateway: &Gateway) -> Result<Accepted, Rejection> {
    let crypto = gateway.crypto.as_ref().ok_or(Rejection::NotConfigured)?;
    let timestamp = param(req, "timestamp")?;
    let nonce = param(req, "nonce")?;
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > MAX_BODY) {
        return Err(Rejection::TooLarge);
    }
    let encrypted = req.query::<String>("encrypt_type").as_deref() == Some("aes");
    // Verify before reading the body: nothing unauthenticated is parsed in plain mode.
    if !encrypted {
        let signature = param(req, "signature")?;
        if !crypto.verify_signature(&signature, &timestamp, &nonce) {
            return Err(Rejection::BadSignature);
        }
    }
    check_timestamp(&timestamp, gateway.timestamp_window_secs)?;
    let body = req
        .payload_with_max_size(MAX_BODY)
        .await
        .map_err(|_| Rejection::TooLarge)?
        .clone();
    let incoming = if encrypted {
        let msg_signature = param(req, "msg_signature")?;
        if !crypto.has_aes_key() {
            return Err(Rejection::NoAesKey);
        }
        let fields = xml::parse_fields(&body).map_err(|e| Rejection::Xml(e.to_string()))?;
        let encrypt = fields
            .require("Encrypt")
            .map_err(|e| Rejection::Xml(e.to_string()))?;
        if !crypto.verify_msg_signature(&msg_signature, &timestamp, &nonce, encrypt) {
            return Err(Rejection::BadSignature);
        }
        // In compatible mode the plaintext copy beside <Encrypt> is not covered by the
        // signature: only the decrypted copy is used.
        let plain = crypto
            .decrypt(encrypt)
            .map_err(|e| Rejection::Decrypt(e.to_string()))?;
        Incoming::parse(plain.as_bytes()).map_err(|e| Rejection::Xml(e.to_string()))?
    } else {
        Incoming::parse(&body).map_err(|e| Rejection::Xml(e.to_string()))?
    };
    Ok(Accepted {
        incoming,
        encrypted,
        nonce,
    })
}

#[handler]
pub async fn receive(req: &mut Request, depot: &mut Depot, res: &mut Response) {
    let Some(gateway) = gateway(depot) else {
        return reject(res, Rejection::NotConfigured);
    };
    let accepted = match accept(req, &gateway).await {
        Ok(accepted) => accepted,
        Err(rejection) => return reject(res, rejection),
    };
    let answer = gateway.bot.answer(accepted.incoming).await;
    match answer {
        Answer::Success => res.render(Text::Plain("success")),
        Answer::Reply(xml) if accepted.encrypted => {
            let crypto = gateway.crypto.as_ref();
            let sealed =
                crypto.map(|c| c.seal(&xml, Utc::now().timestamp().max(0) as u64, &accepted.nonce));
            match sealed {
                Some(Ok(envelope)) => {
                    let _ = res.add_header(CONTENT_TYPE, "application/xml; charset=utf-8", true);
                    res.render(envelope);
                }
                other => {
                    tracing::error!(error = ?other.map(|r| r.err()), "cannot encrypt reply; answered success");
                    res.render(Text::Plain("success"));
                }
            }
        }
        Answer::Reply(xml) => {
            let _ = res.add_header(CONTENT_TYPE, "application/xml; charset=utf-8", true);
            res.render(xml);
        }
    }
}
