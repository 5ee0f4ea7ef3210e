//! The official account's callback: GET answers URL verification; POST verifies, decrypts,
//! parses, lets the bot answer under its deadline, and encrypts the reply in safe mode.
//! Every rejection is logged with its reason and answered without processing.

use std::sync::Arc;

use chrono::Utc;
use salvo::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use salvo::prelude::*;

use crate::bot::{Answer, Bot};
use crate::wechat::crypto::Crypto;
use crate::wechat::inbound::{self, InboundError, Opened, Params};
use crate::wechat::replay::{NonceCache, NonceUse};
use crate::wechat::xml::MAX_BODY;

/// Everything the callback needs, built once at start.
pub struct Gateway {
    /// Absent when `wechat.token` is not configured: the callback then refuses everything.
    pub crypto: Option<Crypto>,
    pub bot: Bot,
    pub timestamp_window_secs: u64,
    /// (timestamp, nonce) pairs already acted on.
    pub nonces: NonceCache,
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
    #[error("body too large")]
    TooLarge,
    #[error("replayed request: this timestamp and nonce were already used")]
    Replayed,
    #[error(transparent)]
    Inbound(#[from] InboundError),
}

impl Rejection {
    fn status(&self) -> StatusCode {
        match self {
            Rejection::NotConfigured | Rejection::Inbound(InboundError::NoAesKey) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Rejection::BadSignature
            | Rejection::Replayed
            | Rejection::Inbound(
                InboundError::BadSignature | InboundError::Stale | InboundError::PlainWithAesKey,
            ) => StatusCode::FORBIDDEN,
            Rejection::TooLarge | Rejection::Inbound(InboundError::TooLarge) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
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

/// The verified message, whether the reply must be encrypted, and the nonce to seal it with.
async fn accept(req: &mut Request, gateway: &Gateway) -> Result<Accepted, Rejection> {
    let crypto = gateway.crypto.as_ref().ok_or(Rejection::NotConfigured)?;
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > MAX_BODY) {
        return Err(Rejection::TooLarge);
    }
    let body = req
        .payload_with_max_size(MAX_BODY)
        .await
        .map_err(|_| Rejection::TooLarge)?
        .clone();
    let query = |name: &str| req.query::<String>(name);
    let (signature, timestamp, nonce, encrypt_type, msg_signature) = (
        query("signature"),
        query("timestamp"),
        query("nonce"),
        query("encrypt_type"),
        query("msg_signature"),
    );
    let params = Params {
        signature: signature.as_deref(),
        timestamp: timestamp.as_deref(),
        nonce: nonce.as_deref(),
        encrypt_type: encrypt_type.as_deref(),
        msg_signature: msg_signature.as_deref(),
    };
    let opened = inbound::open(
        crypto,
        &params,
        &body,
        Utc::now().timestamp(),
        gateway.timestamp_window_secs,
    )?;
    // Only after the signature and window checks: unauthenticated requests never fill the cache.
    let nonce = nonce.unwrap_or_default();
    let repeat = match gateway
        .nonces
        .use_pair(timestamp.as_deref().unwrap_or_default(), &nonce, &body)
        .await
    {
        NonceUse::First => false,
        NonceUse::Repeat => true,
        NonceUse::Conflict => return Err(Rejection::Replayed),
    };
    Ok(Accepted {
        opened,
        nonce,
        repeat,
    })
}

/// A request that passed every check.
struct Accepted {
    opened: Opened,
    /// To seal the reply with.
    nonce: String,
    /// The same request was accepted before: answer from the reply cache, act on nothing.
    repeat: bool,
}

#[handler]
pub async fn receive(req: &mut Request, depot: &mut Depot, res: &mut Response) {
    let Some(gateway) = gateway(depot) else {
        return reject(res, Rejection::NotConfigured);
    };
    let Accepted {
        opened,
        nonce,
        repeat,
    } = match accept(req, &gateway).await {
        Ok(accepted) => accepted,
        Err(rejection) => return reject(res, rejection),
    };
    let answer = if repeat {
        gateway.bot.answer_repeat(&opened.incoming).await
    } else {
        gateway.bot.answer(opened.incoming).await
    };
    match answer {
        Answer::Success => res.render(Text::Plain("success")),
        Answer::Reply(xml) if opened.encrypted => {
            let crypto = gateway.crypto.as_ref();
            let sealed = crypto.map(|c| c.seal(&xml, Utc::now().timestamp().max(0) as u64, &nonce));
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
