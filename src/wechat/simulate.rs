//! Building callback requests as WeChat sends them, and opening the replies: for
//! `fudao wechat simulate`, the benchmark and the integration tests.

use crate::wechat::crypto::{signature, Crypto, CryptoError};
use crate::wechat::xml::{self, cdata};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Plain,
    /// Plaintext fields and `<Encrypt>` side by side.
    Compatible,
    Safe,
}

/// What to send as the user.
#[derive(Debug, Clone)]
pub enum Outgoing {
    Text { content: String, msg_id: u64 },
    Event { event: String, key: Option<String> },
}

/// The message XML a user's action produces.
pub fn message_xml(to: &str, from: &str, create_time: u64, outgoing: &Outgoing) -> String {
    let mut out = String::from("<xml><ToUserName>");
    cdata(&mut out, to);
    out.push_str("</ToUserName><FromUserName>");
    cdata(&mut out, from);
    out.push_str(&format!(
        "</FromUserName><CreateTime>{create_time}</CreateTime>"
    ));
    match outgoing {
        Outgoing::Text { content, msg_id } => {
            out.push_str("<MsgType><![CDATA[text]]></MsgType><Content>");
            cdata(&mut out, content);
            out.push_str(&format!("</Content><MsgId>{msg_id}</MsgId>"));
        }
        Outgoing::Event { event, key } => {
            out.push_str("<MsgType><![CDATA[event]]></MsgType><Event>");
            cdata(&mut out, event);
            out.push_str("</Event>");
            if let Some(key) = key {
                out.push_str("<EventKey>");
                cdata(&mut out, key);
                out.push_str("</EventKey>");
            }
        }
    }
    out.push_str("</xml>");
    out
}

/// A signed (and, outside plain mode, encrypted) callback request.
#[derive(Debug, Clone)]
pub struct SignedRequest {
    /// Query string without the leading `?`.
    pub query: String,
    pub body: String,
}

pub fn sign(
    crypto: &Crypto,
    mode: Mode,
    to: &str,
    openid: &str,
    message: &str,
    timestamp: u64,
    nonce: &str,
) -> Result<SignedRequest, CryptoError> {
    let ts = timestamp.to_string();
    let plain_signature = signature(&[crypto.token(), &ts, nonce]);
    let mut query =
        format!("signature={plain_signature}&timestamp={ts}&nonce={nonce}&openid={openid}");
    let body = match mode {
        Mode::Plain => message.to_string(),
        Mode::Safe | Mode::Compatible => {
            let encrypt = crypto.encrypt(message)?;
            let msg_signature = signature(&[crypto.token(), &ts, nonce, &encrypt]);
            query.push_str(&format!("&encrypt_type=aes&msg_signature={msg_signature}"));
            let mut body = String::from("<xml><ToUserName>");
            cdata(&mut body, to);
            body.push_str("</ToUserName><Encrypt>");
            cdata(&mut body, &encrypt);
            body.push_str("</Encrypt>");
            if mode == Mode::Compatible {
                // The plaintext copy: everything inside the message's <xml> element.
                let inner = message
                    .trim()
                    .trim_start_matches("<xml>")
                    .trim_end_matches("</xml>");
                body.push_str(inner);
            }
            body.push_str("</xml>");
            body
        }
    };
    Ok(SignedRequest { query, body })
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("reply is not XML: {0}")]
    Xml(String),
    #[error("reply signature does not verify")]
    Signature,
    #[error("reply does not decrypt: {0}")]
    Crypto(CryptoError),
}

/// The reply document: decrypted and verified when it is an encrypted envelope.
pub fn open_reply(crypto: &Crypto, body: &str) -> Result<String, OpenError> {
    if body == "success" || body.is_empty() {
        return Ok(body.to_string());
    }
    let fields = xml::parse_fields(body.as_bytes()).map_err(|e| OpenError::Xml(e.to_string()))?;
    let Some(encrypt) = fields.get("Encrypt") else {
        return Ok(body.to_string());
    };
    let timestamp = fields.get("TimeStamp").unwrap_or_default();
    let nonce = fields.get("Nonce").unwrap_or_default();
    let msg_signature = fields.get("MsgSignature").unwrap_or_default();
    if !crypto.verify_msg_signature(msg_signature, timestamp, nonce, encrypt) {
        return Err(OpenError::Signature);
    }
    crypto.decrypt(encrypt).map_err(OpenError::Crypto)
}
