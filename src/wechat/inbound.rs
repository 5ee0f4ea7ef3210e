//! Opening a callback request: signature, timestamp window, decryption and parsing, in that
//! order, as one pure function. The HTTP handler only reads the request and maps the error to a
//! status; the fuzz target drives the same function.

use super::crypto::{Crypto, CryptoError};
use super::message::Incoming;
use super::xml::{self, XmlError, MAX_BODY};

/// The query parameters WeChat sends with a callback POST.
#[derive(Debug, Clone, Default)]
pub struct Params<'a> {
    pub signature: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub nonce: Option<&'a str>,
    /// `aes` in compatible and safe mode; absent or `raw` in plain mode.
    pub encrypt_type: Option<&'a str>,
    pub msg_signature: Option<&'a str>,
}

/// Why a request was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InboundError {
    #[error("missing query parameter {0}")]
    MissingParam(&'static str),
    #[error("bad signature")]
    BadSignature,
    #[error("timestamp outside the accepted window")]
    Stale,
    #[error("body too large")]
    TooLarge,
    #[error("encrypted message but no EncodingAESKey configured")]
    NoAesKey,
    /// A plain-mode signature covers no body bytes: with a key configured, accepting plain
    /// requests would let anyone holding one captured query string post any body.
    #[error("plain-mode request refused: an EncodingAESKey is configured, only safe or compatible mode is accepted")]
    PlainWithAesKey,
    #[error("query parameter {0} too long")]
    TooLong(&'static str),
    #[error("cannot decrypt: {0}")]
    Decrypt(CryptoError),
    #[error("bad xml: {0}")]
    Xml(XmlError),
}

/// A verified message, and whether its reply must be encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub incoming: Incoming,
    pub encrypted: bool,
}

fn required<'a>(value: Option<&'a str>, name: &'static str) -> Result<&'a str, InboundError> {
    value
        .filter(|v| !v.is_empty())
        .ok_or(InboundError::MissingParam(name))
}

/// `now` is the current Unix time; a `window_secs` of 0 disables the timestamp check.
pub fn open(
    crypto: &Crypto,
    params: &Params<'_>,
    body: &[u8],
    now: i64,
    window_secs: u64,
) -> Result<Opened, InboundError> {
    let timestamp = bounded(required(params.timestamp, "timestamp")?, "timestamp")?;
    let nonce = bounded(required(params.nonce, "nonce")?, "nonce")?;
    if body.len() > MAX_BODY {
        return Err(InboundError::TooLarge);
    }
    let encrypted = params.encrypt_type == Some("aes");
    if encrypted {
        let msg_signature = required(params.msg_signature, "msg_signature")?;
        if !crypto.has_aes_key() {
            return Err(InboundError::NoAesKey);
        }
        let fields = xml::parse_fields(body).map_err(InboundError::Xml)?;
        let encrypt = fields.require("Encrypt").map_err(InboundError::Xml)?;
        if !crypto.verify_msg_signature(msg_signature, timestamp, nonce, encrypt) {
            return Err(InboundError::BadSignature);
        }
        check_window(timestamp, now, window_secs)?;
        // In compatible mode the plaintext copy beside <Encrypt> is not covered by the
        // signature: only the decrypted copy counts.
        let plain = crypto.decrypt(encrypt).map_err(InboundError::Decrypt)?;
        let incoming = Incoming::parse(plain.as_bytes()).map_err(InboundError::Xml)?;
        Ok(Opened {
            incoming,
            encrypted,
        })
    } else {
        let signature = required(params.signature, "signature")?;
        // Verified before the body is parsed: nothing unauthenticated reaches the XML reader.
        if !crypto.verify_signature(signature, timestamp, nonce) {
            return Err(InboundError::BadSignature);
        }
        check_window(timestamp, now, window_secs)?;
        if crypto.has_aes_key() {
            return Err(InboundError::PlainWithAesKey);
        }
        let incoming = Incoming::parse(body).map_err(InboundError::Xml)?;
        Ok(Opened {
            incoming,
            encrypted,
        })
    }
}

/// WeChat's timestamps and nonces are about ten digits; the replay cache keeps both, so a
/// signed request cannot make it hold more than this per entry.
pub const MAX_PARAM_LEN: usize = 64;

fn bounded<'a>(value: &'a str, name: &'static str) -> Result<&'a str, InboundError> {
    if value.len() > MAX_PARAM_LEN {
        return Err(InboundError::TooLong(name));
    }
    Ok(value)
}

fn check_window(timestamp: &str, now: i64, window_secs: u64) -> Result<(), InboundError> {
    if window_secs == 0 {
        return Ok(());
    }
    let sent: i64 = timestamp.parse().map_err(|_| InboundError::Stale)?;
    if now.saturating_sub(sent).unsigned_abs() > window_secs {
        return Err(InboundError::Stale);
    }
    Ok(())
}

/// The fuzz entry point: arbitrary bytes as the body of a plain request and, signed correctly
/// whatever its `Encrypt` holds, of a safe-mode request, so the fuzzer reaches the decryption
/// and the inner parser. Must never panic.
pub fn fuzz_one(data: &[u8]) {
    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    let Ok(crypto) = Crypto::new("fuzz-token", Some(KEY), "wx_fuzz") else {
        return;
    };
    // Plain mode is only accepted without a key, so the plain parser needs a keyless account.
    let Ok(plain_crypto) = Crypto::new("fuzz-token", None, "wx_fuzz") else {
        return;
    };
    let ts = "1700000000";
    let nonce = "42";
    let plain_signature = super::crypto::signature(&[crypto.token(), ts, nonce]);
    let plain = Params {
        signature: Some(&plain_signature),
        timestamp: Some(ts),
        nonce: Some(nonce),
        ..Params::default()
    };
    let _ = open(&plain_crypto, &plain, data, 1_700_000_000, 300);
    let _ = open(&crypto, &plain, data, 1_700_000_000, 300);
    let encrypt = xml::parse_fields(data)
        .ok()
        .and_then(|fields| fields.get("Encrypt").map(str::to_string))
        .unwrap_or_else(|| String::from_utf8_lossy(data).into_owned());
    let msg_signature = super::crypto::signature(&[crypto.token(), ts, nonce, &encrypt]);
    let safe = Params {
        timestamp: Some(ts),
        nonce: Some(nonce),
        encrypt_type: Some("aes"),
        msg_signature: Some(&msg_signature),
        ..Params::default()
    };
    let _ = open(&crypto, &safe, data, 1_700_000_000, 300);
    // Also the decryption of the raw bytes themselves, as if they were the Encrypt value.
    let _ = crypto.decrypt(&String::from_utf8_lossy(data));
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};

    use super::*;
    use crate::wechat::simulate::{self, Mode, Outgoing};

    fn crypto() -> Crypto {
        Crypto::new(
            "t",
            Some("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"),
            "wx1",
        )
        .unwrap()
    }

    fn plain_crypto() -> Crypto {
        Crypto::new("t", None, "wx1").unwrap()
    }

    fn message() -> String {
        simulate::message_xml(
            "gh",
            "o",
            1,
            &Outgoing::Text {
                content: "帮助".into(),
                msg_id: 7,
            },
        )
    }

    fn params(query: &str) -> Vec<(String, String)> {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn open_signed(mode: Mode, now: i64) -> Result<Opened, InboundError> {
        let crypto = if mode == Mode::Plain {
            plain_crypto()
        } else {
            crypto()
        };
        open_with(&crypto, mode, now)
    }

    fn open_with(crypto: &Crypto, mode: Mode, now: i64) -> Result<Opened, InboundError> {
        let request = simulate::sign(crypto, mode, "gh", "o", &message(), 1_000, "n").unwrap();
        let query = params(&request.query);
        let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let params = Params {
            signature: get("signature"),
            timestamp: get("timestamp"),
            nonce: get("nonce"),
            encrypt_type: get("encrypt_type"),
            msg_signature: get("msg_signature"),
        };
        open(crypto, &params, request.body.as_bytes(), now, 300)
    }

    #[test]
    fn a_configured_key_refuses_plain_mode_but_not_the_encrypted_modes() {
        let keyed = crypto();
        assert_eq!(
            open_with(&keyed, Mode::Plain, 1_000),
            Err(InboundError::PlainWithAesKey)
        );
        for mode in [Mode::Compatible, Mode::Safe] {
            assert!(open_with(&keyed, mode, 1_000).is_ok(), "{mode:?}");
        }
    }

    #[test]
    fn overlong_nonces_and_timestamps_are_refused_before_anything_else() {
        let crypto = crypto();
        let long = "9".repeat(MAX_PARAM_LEN + 1);
        let params = Params {
            signature: Some("s"),
            timestamp: Some("1000"),
            nonce: Some(&long),
            ..Params::default()
        };
        assert_eq!(
            open(&crypto, &params, b"<xml/>", 1_000, 300),
            Err(InboundError::TooLong("nonce"))
        );
        let params = Params {
            timestamp: Some(&long),
            nonce: Some("n"),
            ..params
        };
        assert_eq!(
            open(&crypto, &params, b"<xml/>", 1_000, 300),
            Err(InboundError::TooLong("timestamp"))
        );
    }

    #[test]
    fn every_mode_opens_and_stale_requests_do_not() {
        for mode in [Mode::Plain, Mode::Compatible, Mode::Safe] {
            let opened = open_signed(mode, 1_000).unwrap();
            assert_eq!(opened.encrypted, mode != Mode::Plain);
            assert_eq!(opened.incoming.from_user, "o");
            assert_eq!(open_signed(mode, 1_000 + 301), Err(InboundError::Stale));
        }
    }

    #[test]
    fn fuzz_harness_survives_random_and_mutated_input() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(20261129);
        let crypto = crypto();
        let valid = simulate::sign(&crypto, Mode::Safe, "gh", "o", &message(), 1, "n")
            .unwrap()
            .body;
        for round in 0..3000 {
            let mut data: Vec<u8> = if round % 2 == 0 {
                valid.as_bytes().to_vec()
            } else {
                (0..rng.random_range(0..512))
                    .map(|_| rng.random())
                    .collect()
            };
            for _ in 0..rng.random_range(0..8) {
                if data.is_empty() {
                    break;
                }
                let at = rng.random_range(0..data.len());
                data[at] = rng.random();
            }
            fuzz_one(&data);
        }
    }
}
