//! Callback authentication and the safe-mode AES envelope (protocol §1.2, §1.4, §1.5).
//!
//! CBC without a MAC is malleable and its padding check is an oracle, so `decrypt` must only
//! ever see an `Encrypt` whose `msg_signature` has already been verified: computing that
//! signature needs the secret token, so tampered ciphertext is refused before it can probe
//! the padding check.

use std::fmt;

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::Engine;
use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

use super::xml;

type Aes256CbcEnc = cbc::Encryptor<aes::Aes256>;
type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;

/// WeChat pads to 32 bytes (the key size), not to the 16-byte AES block.
const PAD_BLOCK: usize = 32;
const RANDOM_LEN: usize = 16;
const LENGTH_LEN: usize = 4;
const ENCODING_AES_KEY_LEN: usize = 43;

/// The 43rd EncodingAESKey character usually carries non-zero trailing bits (the official
/// sample key does), which the base64 crate's default engines reject.
const KEY_ENGINE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("EncodingAESKey must be 43 characters [A-Za-z0-9] decoding to 32 bytes")]
    InvalidKey,
    /// With an empty token anyone can compute a valid signature.
    #[error("token must not be empty")]
    EmptyToken,
    #[error("no EncodingAESKey configured, but the message needs encryption")]
    NotConfigured,
    #[error("Encrypt is not valid base64")]
    Base64,
    #[error("ciphertext length is zero or not a multiple of 32")]
    BadLength,
    #[error("PKCS#7 padding is invalid")]
    BadPadding,
    #[error("message length prefix is out of bounds")]
    BadLengthPrefix,
    #[error("decrypted message is not UTF-8")]
    Utf8,
    #[error("decrypted AppID does not match the configured one")]
    AppIdMismatch,
    #[error("plaintext too long to encrypt")]
    PlaintextTooLong,
    #[error("operating system random source failed")]
    Random,
}

/// The account's callback secrets. Without an AES key only plain mode works.
#[derive(Clone)]
pub struct Crypto {
    token: String,
    key: Option<[u8; 32]>,
    app_id: String,
}

impl fmt::Debug for Crypto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Secrets end up in logs through Debug; show only what is safe to know.
        f.debug_struct("Crypto")
            .field("token", &"<redacted>")
            .field("aes_key", &self.key.map(|_| "<redacted>"))
            .field("app_id", &self.app_id)
            .finish()
    }
}

impl Crypto {
    /// `encoding_aes_key`: `None` or `Some("")` means plain mode only. Otherwise 43 characters
    /// `[A-Za-z0-9]`; the key is `base64(encoding_aes_key + "=")`, 32 bytes.
    pub fn new(
        token: &str,
        encoding_aes_key: Option<&str>,
        app_id: &str,
    ) -> Result<Self, CryptoError> {
        if token.is_empty() {
            return Err(CryptoError::EmptyToken);
        }
        let key = match encoding_aes_key {
            None | Some("") => None,
            Some(encoded) => Some(decode_key(encoded)?),
        };
        Ok(Self {
            token: token.to_owned(),
            key,
            app_id: app_id.to_owned(),
        })
    }

    pub fn has_aes_key(&self) -> bool {
        self.key.is_some()
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The `signature` query parameter (URL verification, plain mode). It covers no body bytes.
    pub fn verify_signature(&self, signature: &str, timestamp: &str, nonce: &str) -> bool {
        constant_time_eq(
            &self::signature(&[&self.token, timestamp, nonce]),
            signature,
        )
    }

    /// The `msg_signature` query parameter of safe/compatible mode, over the `Encrypt` text.
    pub fn verify_msg_signature(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        encrypt: &str,
    ) -> bool {
        constant_time_eq(
            &self::signature(&[&self.token, timestamp, nonce, encrypt]),
            msg_signature,
        )
    }

    /// Opens an `Encrypt` value. Call only after `verify_msg_signature` succeeded (see module
    /// docs).
    pub fn decrypt(&self, encrypt: &str) -> Result<String, CryptoError> {
        let key = self.key.as_ref().ok_or(CryptoError::NotConfigured)?;
        let mut buf = STANDARD.decode(encrypt).map_err(|_| CryptoError::Base64)?;
        if buf.is_empty() || buf.len() % PAD_BLOCK != 0 {
            return Err(CryptoError::BadLength);
        }
        let iv = iv(key);
        let plain = Aes256CbcDec::new(key.into(), (&iv).into())
            .decrypt_padded::<NoPadding>(&mut buf)
            .map_err(|_| CryptoError::BadLength)?;
        let content = unpad(plain)?;

        // random(16) ‖ u32_be(len) ‖ msg ‖ appid; the length field is attacker-shaped if the
        // key is wrong, so every cut is checked.
        let (length, rest) = content
            .get(RANDOM_LEN..)
            .and_then(|after_random| after_random.split_at_checked(LENGTH_LEN))
            .ok_or(CryptoError::BadLengthPrefix)?;
        let length: [u8; LENGTH_LEN] = length
            .try_into()
            .map_err(|_| CryptoError::BadLengthPrefix)?;
        let msg_len = usize::try_from(u32::from_be_bytes(length))
            .map_err(|_| CryptoError::BadLengthPrefix)?;
        let (msg, app_id) = rest
            .split_at_checked(msg_len)
            .ok_or(CryptoError::BadLengthPrefix)?;

        // Check the AppID before decoding the text: a foreign message is refused as such.
        if app_id != self.app_id.as_bytes() {
            return Err(CryptoError::AppIdMismatch);
        }
        std::str::from_utf8(msg)
            .map(str::to_owned)
            .map_err(|_| CryptoError::Utf8)
    }

    /// Encrypts with a caller-chosen random prefix, so official vectors reproduce exactly.
    pub fn encrypt_with_random(
        &self,
        plaintext: &str,
        random: [u8; 16],
    ) -> Result<String, CryptoError> {
        let key = self.key.as_ref().ok_or(CryptoError::NotConfigured)?;
        let msg_len = u32::try_from(plaintext.len()).map_err(|_| CryptoError::PlaintextTooLong)?;

        let content_len = RANDOM_LEN + LENGTH_LEN + plaintext.len() + self.app_id.len();
        // Always 1..=32: an aligned input gets a full block of padding, so unpadding is unambiguous.
        let pad = PAD_BLOCK - content_len % PAD_BLOCK;
        let mut buf = Vec::with_capacity(content_len + pad);
        buf.extend_from_slice(&random);
        buf.extend_from_slice(&msg_len.to_be_bytes());
        buf.extend_from_slice(plaintext.as_bytes());
        buf.extend_from_slice(self.app_id.as_bytes());
        // `pad` ≤ 32, so the cast is lossless.
        buf.resize(content_len + pad, pad as u8);

        let total = buf.len();
        let iv = iv(key);
        let cipher = Aes256CbcEnc::new(key.into(), (&iv).into())
            .encrypt_padded::<NoPadding>(&mut buf, total)
            .map_err(|_| CryptoError::BadLength)?;
        Ok(STANDARD.encode(cipher))
    }

    /// Encrypts with a fresh random prefix from the operating system.
    pub fn encrypt(&self, plaintext: &str) -> Result<String, CryptoError> {
        self.encrypt_with_random(plaintext, os_random()?)
    }

    /// The encrypted reply envelope (protocol §1.5) around `reply_xml`.
    pub fn seal(
        &self,
        reply_xml: &str,
        timestamp: u64,
        nonce: &str,
    ) -> Result<String, CryptoError> {
        self.seal_with_random(reply_xml, timestamp, nonce, os_random()?)
    }

    /// `seal` with a fixed random prefix, to reproduce vectors byte for byte.
    pub fn seal_with_random(
        &self,
        reply_xml: &str,
        timestamp: u64,
        nonce: &str,
        random: [u8; 16],
    ) -> Result<String, CryptoError> {
        let encrypt = self.encrypt_with_random(reply_xml, random)?;
        let timestamp_text = timestamp.to_string();
        let msg_signature = signature(&[&self.token, &timestamp_text, nonce, &encrypt]);

        let mut out = String::with_capacity(encrypt.len() + nonce.len() + 160);
        out.push_str("<xml>");
        xml::cdata_element(&mut out, "Encrypt", &encrypt);
        xml::cdata_element(&mut out, "MsgSignature", &msg_signature);
        xml::number_element(&mut out, "TimeStamp", timestamp);
        // The nonce comes from the request's query string: untrusted.
        xml::cdata_element(&mut out, "Nonce", nonce);
        out.push_str("</xml>");
        Ok(out)
    }
}

/// `lowercase_hex(sha1(concat(sorted(parts))))`: plain lexicographic sort, no separator.
pub fn signature(parts: &[&str]) -> String {
    let mut sorted = parts.to_vec();
    sorted.sort_unstable();
    let mut hasher = Sha1::new();
    for part in sorted {
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

fn decode_key(encoded: &str) -> Result<[u8; 32], CryptoError> {
    if encoded.len() != ENCODING_AES_KEY_LEN || !encoded.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(CryptoError::InvalidKey);
    }
    let bytes = KEY_ENGINE
        .decode(format!("{encoded}="))
        .map_err(|_| CryptoError::InvalidKey)?;
    bytes.try_into().map_err(|_| CryptoError::InvalidKey)
}

fn iv(key: &[u8; 32]) -> [u8; 16] {
    let mut iv = [0u8; 16];
    iv.copy_from_slice(&key[..16]);
    iv
}

/// Strict PKCS#7 over 32-byte blocks: pad value 1..=32 and every pad byte equal to it.
fn unpad(plain: &[u8]) -> Result<&[u8], CryptoError> {
    let &last = plain.last().ok_or(CryptoError::BadPadding)?;
    let pad = usize::from(last);
    if pad == 0 || pad > PAD_BLOCK || pad > plain.len() {
        return Err(CryptoError::BadPadding);
    }
    let (content, padding) = plain.split_at(plain.len() - pad);
    if padding.iter().any(|&b| b != last) {
        return Err(CryptoError::BadPadding);
    }
    Ok(content)
}

/// Hex digests from WeChat are lowercase; the comparison leaks only the length, which is public.
fn constant_time_eq(expected: &str, given: &str) -> bool {
    expected.as_bytes().ct_eq(given.as_bytes()).into()
}

fn os_random() -> Result<[u8; 16], CryptoError> {
    crate::infra::random::try_bytes::<16>().ok_or(CryptoError::Random)
}

#[cfg(test)]
mod tests;
