use super::*;
use serde_json::Value;

use crate::wechat::test_vectors::vectors;

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("missing string {key} in {v}"))
}

fn from_hex16(hex_text: &str) -> [u8; 16] {
    hex::decode(hex_text).unwrap().try_into().unwrap()
}

fn ascii16(text: &str) -> [u8; 16] {
    text.as_bytes().try_into().unwrap()
}

fn query_param<'a>(query: &'a str, name: &str) -> &'a str {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("{name} not in {query}"))
}

/// Encrypts arbitrary bytes (already a multiple of 32) with the envelope's key and IV, to
/// build plaintexts `encrypt_with_random` would never produce.
fn raw_encrypt(encoding_aes_key: &str, mut plain: Vec<u8>) -> String {
    let key = decode_key(encoding_aes_key).unwrap();
    let len = plain.len();
    let cipher = Aes256CbcEnc::new((&key).into(), (&iv(&key)).into())
        .encrypt_padded::<NoPadding>(&mut plain, len)
        .unwrap()
        .to_vec();
    STANDARD.encode(cipher)
}

const ZERO_KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const SAMPLE_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

fn sample(app_id: &str) -> Crypto {
    Crypto::new("token", Some(SAMPLE_KEY), app_id).unwrap()
}

/// random ‖ u32_be(len) ‖ msg ‖ appid, PKCS#7-padded to 32, exactly as WeChat builds it.
fn framed(declared_len: u32, msg: &[u8], app_id: &[u8]) -> Vec<u8> {
    let mut plain = vec![b'r'; 16];
    plain.extend_from_slice(&declared_len.to_be_bytes());
    plain.extend_from_slice(msg);
    plain.extend_from_slice(app_id);
    let pad = 32 - plain.len() % 32;
    plain.resize(plain.len() + pad, pad as u8);
    plain
}

#[test]
fn signature_vectors() {
    let doc = vectors("signatures.json");
    let list = doc["vectors"].as_array().unwrap();
    assert_eq!(list.len(), 6);
    for v in list {
        let id = s(v, "id");
        let (token, ts, nonce) = (s(v, "token"), s(v, "timestamp"), s(v, "nonce"));
        let expected = s(v, "expected_signature");
        let crypto = Crypto::new(token, None, "").unwrap();
        let mut parts = vec![token, ts, nonce];
        let encrypt = v["encrypt"].as_str();
        parts.extend(encrypt);

        assert_eq!(signature(&parts), expected, "{id}");
        let mut sorted = parts.clone();
        sorted.sort();
        let preview = s(v, "sorted_concat_preview").trim_end_matches("...");
        assert!(sorted.concat().starts_with(preview), "{id}");
        if let Some(doc_sorted) = v["doc_sorted"].as_array() {
            let doc_sorted: Vec<&str> = doc_sorted.iter().map(|x| x.as_str().unwrap()).collect();
            assert_eq!(sorted, doc_sorted, "{id}");
        }
        if let Some(concat) = v["doc_concat"].as_str() {
            assert_eq!(sorted.concat(), concat, "{id}");
        }

        let mut wrong = expected.to_owned();
        wrong.replace_range(0..1, if wrong.starts_with('0') { "1" } else { "0" });
        match encrypt {
            None => {
                assert!(crypto.verify_signature(expected, ts, nonce), "{id}");
                assert!(!crypto.verify_signature(&wrong, ts, nonce), "{id}");
                assert!(!crypto.verify_signature(expected, ts, "0"), "{id}");
                assert!(!crypto.verify_signature(&expected[..39], ts, nonce), "{id}");
                assert!(!crypto.verify_signature("", ts, nonce), "{id}");
            }
            Some(encrypt) => {
                assert!(
                    crypto.verify_msg_signature(expected, ts, nonce, encrypt),
                    "{id}"
                );
                assert!(
                    !crypto.verify_msg_signature(&wrong, ts, nonce, encrypt),
                    "{id}"
                );
                assert!(
                    !crypto.verify_msg_signature(expected, ts, nonce, "x"),
                    "{id}"
                );
                // A msg_signature is not a plain signature and vice versa.
                assert!(!crypto.verify_signature(expected, ts, nonce), "{id}");
            }
        }
        if v["kind"] == "url_verify_get" {
            // GET verification answers the raw echostr.
            assert_eq!(s(v, "expected_response_body"), s(v, "echostr"), "{id}");
        }
    }
}

#[test]
fn signature_is_sorted_concat() {
    assert_eq!(signature(&["c", "a", "b"]), signature(&["abc"]));
    assert_eq!(
        signature(&["abc"]),
        "a9993e364706816aba3e25717850c26c9cd0d89d"
    );
}

#[test]
fn decrypt_vectors() {
    let doc = vectors("decrypt.json");
    let list = doc["vectors"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    for v in list {
        let id = s(v, "id");
        let crypto =
            Crypto::new(s(v, "token"), Some(s(v, "encoding_aes_key")), s(v, "appid")).unwrap();
        assert!(crypto.has_aes_key());
        let (ts, nonce, encrypt) = (s(v, "timestamp"), s(v, "nonce"), s(v, "encrypt"));

        assert!(
            crypto.verify_msg_signature(s(v, "msg_signature"), ts, nonce, encrypt),
            "{id}"
        );
        let plain = crypto
            .decrypt(encrypt)
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(plain, s(v, "expected_plaintext"), "{id}");
        assert_eq!(s(v, "expected_appid_in_payload"), s(v, "appid"), "{id}");

        // The body carries the same Encrypt, as XML or as JSON.
        let body = s(v, "request_body");
        let body_encrypt = if body.starts_with('<') {
            xml::parse_fields(body.as_bytes())
                .unwrap()
                .get("Encrypt")
                .unwrap()
                .to_owned()
        } else {
            let json: Value = serde_json::from_str(body).unwrap();
            json["Encrypt"].as_str().unwrap().to_owned()
        };
        assert_eq!(body_encrypt, encrypt, "{id}");
        if let Some(query) = v["request_query"].as_str() {
            let (ts, nonce) = (query_param(query, "timestamp"), query_param(query, "nonce"));
            assert_eq!(query_param(query, "encrypt_type"), "aes");
            assert!(crypto.verify_signature(query_param(query, "signature"), ts, nonce));
            let msg_signature = query_param(query, "msg_signature");
            assert!(crypto.verify_msg_signature(msg_signature, ts, nonce, encrypt));
        }

        // Derived facts, then byte-for-byte re-encryption with the recovered random prefix.
        let derived = &v["derived"];
        let cipher_len = STANDARD.decode(encrypt).unwrap().len();
        assert_eq!(
            cipher_len as u64,
            derived["ciphertext_len"].as_u64().unwrap()
        );
        let msg_len = plain.len();
        assert_eq!(msg_len as u64, derived["msg_len"].as_u64().unwrap(), "{id}");
        let pad_len = cipher_len - 20 - msg_len - crypto.app_id().len();
        assert_eq!(pad_len as u64, derived["pad_len"].as_u64().unwrap(), "{id}");
        let random = from_hex16(s(derived, "random16_hex"));
        assert_eq!(
            crypto.encrypt_with_random(&plain, random).unwrap(),
            encrypt,
            "{id}"
        );
    }
}

#[test]
fn decrypt_negative_vectors() {
    let doc = vectors("decrypt.json");
    let negatives = doc["negative"].as_array().unwrap();
    assert_eq!(negatives.len(), 2);
    for n in negatives {
        let id = s(n, "id");
        let base = doc["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == n["base"])
            .unwrap_or_else(|| panic!("{id}: no base"));
        let app_id = n["configured_appid"].as_str().unwrap_or(s(base, "appid"));
        let crypto =
            Crypto::new(s(base, "token"), Some(s(base, "encoding_aes_key")), app_id).unwrap();
        let (ts, nonce) = (s(base, "timestamp"), s(base, "nonce"));
        let encrypt = match n["tamper"].as_str() {
            None => s(base, "encrypt").to_owned(),
            Some("flip_last_ciphertext_byte") => {
                let mut bytes = STANDARD.decode(s(base, "encrypt")).unwrap();
                if let Some(last) = bytes.last_mut() {
                    *last ^= 0x01;
                }
                STANDARD.encode(bytes)
            }
            Some(other) => panic!("{id}: unknown tamper {other}"),
        };
        let result = crypto.decrypt(&encrypt);
        match s(n, "expect_error") {
            "appid_mismatch" => {
                // The signature is fine; only the AppID check stops it.
                assert!(crypto.verify_msg_signature(s(base, "msg_signature"), ts, nonce, &encrypt));
                assert_eq!(result, Err(CryptoError::AppIdMismatch), "{id}");
            }
            "bad_padding_or_length_or_appid" => {
                // Stopped first by the signature, and on its own by decrypt.
                assert!(!crypto.verify_msg_signature(
                    s(base, "msg_signature"),
                    ts,
                    nonce,
                    &encrypt
                ));
                assert!(
                    matches!(
                        result,
                        Err(CryptoError::BadPadding
                            | CryptoError::BadLengthPrefix
                            | CryptoError::AppIdMismatch)
                    ),
                    "{id}: {result:?}"
                );
            }
            other => panic!("{id}: unknown expect_error {other}"),
        }
    }
}

#[test]
fn encrypt_vectors() {
    let doc = vectors("encrypt.json");
    let list = doc["vectors"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    for v in list {
        let id = s(v, "id");
        let envelope = &v["envelope"];
        let crypto = Crypto::new(
            s(envelope, "token"),
            Some(s(v, "encoding_aes_key")),
            s(v, "appid"),
        )
        .unwrap();
        // The official random prefix is sixteen ASCII characters.
        let random = ascii16(s(v, "random16"));
        let plaintext = s(v, "plaintext");
        let expected = s(v, "expected_encrypt");
        assert_eq!(
            crypto.encrypt_with_random(plaintext, random).unwrap(),
            expected,
            "{id}"
        );
        assert_eq!(crypto.decrypt(expected).unwrap(), plaintext, "{id}");

        let (ts, nonce) = (s(envelope, "timestamp"), s(envelope, "nonce"));
        let msg_signature = s(envelope, "expected_msg_signature");
        assert_eq!(
            signature(&[crypto.token(), ts, nonce, expected]),
            msg_signature
        );

        let sealed = crypto
            .seal_with_random(plaintext, ts.parse().unwrap(), nonce, random)
            .unwrap();
        assert_eq!(
            sealed,
            format!(
                "<xml><Encrypt><![CDATA[{expected}]]></Encrypt>\
                     <MsgSignature><![CDATA[{msg_signature}]]></MsgSignature>\
                     <TimeStamp>{ts}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>"
            ),
            "{id}"
        );
        let fields = xml::parse_fields(sealed.as_bytes()).unwrap();
        assert_eq!(fields.get("Encrypt"), Some(expected));
        assert_eq!(fields.get("MsgSignature"), Some(msg_signature));
        assert_eq!(fields.get("TimeStamp"), Some(ts));
        assert_eq!(fields.get("Nonce"), Some(nonce));
    }
}

#[test]
fn seal_round_trips_and_escapes_a_hostile_nonce() {
    let crypto = sample("wxappid");
    let reply = "<xml><Content><![CDATA[你好]]]]><![CDATA[>]]></Content></xml>";
    let nonce = "1]]><Encrypt>forged</Encrypt>";
    let sealed = crypto.seal(reply, 1_713_424_427, nonce).unwrap();
    let fields = xml::parse_fields(sealed.as_bytes()).unwrap();
    assert_eq!(fields.len(), 4);
    assert_eq!(fields.get("Nonce"), Some(nonce));
    let encrypt = fields.require("Encrypt").unwrap();
    assert!(crypto.verify_msg_signature(
        fields.require("MsgSignature").unwrap(),
        "1713424427",
        nonce,
        encrypt
    ));
    assert_eq!(crypto.decrypt(encrypt).unwrap(), reply);
}

#[test]
fn random_prefix_differs_between_encryptions() {
    let crypto = sample("wxappid");
    let a = crypto.encrypt("same").unwrap();
    let b = crypto.encrypt("same").unwrap();
    assert_ne!(a, b);
    assert_eq!(crypto.decrypt(&a).unwrap(), "same");
    assert_eq!(crypto.decrypt(&b).unwrap(), "same");
}

#[test]
fn padding_spans_1_to_32_and_length_counts_utf8_bytes() {
    let crypto = Crypto::new("t", Some(ZERO_KEY), "").unwrap();
    for len in 0..=70 {
        let text = "a".repeat(len);
        let encrypt = crypto.encrypt_with_random(&text, [7; 16]).unwrap();
        let cipher_len = STANDARD.decode(&encrypt).unwrap().len();
        assert_eq!(cipher_len % 32, 0);
        let pad = cipher_len - 20 - len;
        assert!((1..=32).contains(&pad), "len {len}: pad {pad}");
        assert_eq!(crypto.decrypt(&encrypt).unwrap(), text);
    }
    // Protocol §10.3: `我是中文abcd123` declares 19 bytes.
    let crypto = sample("wx");
    let encrypt = crypto
        .encrypt_with_random("我是中文abcd123", [b'r'; 16])
        .unwrap();
    let raw = raw_encrypt(SAMPLE_KEY, framed(19, "我是中文abcd123".as_bytes(), b"wx"));
    assert_eq!(encrypt, raw);
}

#[test]
fn key_rules() {
    for key in [
        SAMPLE_KEY,
        ZERO_KEY,
        "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    ] {
        assert!(
            Crypto::new("t", Some(key), "a").unwrap().has_aes_key(),
            "{key}"
        );
    }
    assert_eq!(decode_key(ZERO_KEY).unwrap(), [0; 32]);
    assert!(!Crypto::new("t", None, "a").unwrap().has_aes_key());
    assert!(!Crypto::new("t", Some(""), "a").unwrap().has_aes_key());
    let stem = &SAMPLE_KEY[..42];
    for bad in [
        stem.to_owned(),
        format!("{SAMPLE_KEY}A"),
        format!("{stem}="),
        format!("{stem}+"),
        format!("{stem}/"),
        format!("{stem} "),
        "é".repeat(43),
    ] {
        assert_eq!(
            Crypto::new("t", Some(&bad), "a").unwrap_err(),
            CryptoError::InvalidKey,
            "{bad:?}"
        );
    }
    assert_eq!(
        Crypto::new("", None, "a").unwrap_err(),
        CryptoError::EmptyToken
    );
}

#[test]
fn debug_hides_secrets() {
    let crypto = Crypto::new("s3cr3tT0ken", Some(SAMPLE_KEY), "wxappid").unwrap();
    let shown = format!("{crypto:?}");
    assert!(!shown.contains("s3cr3tT0ken"), "{shown}");
    assert!(!shown.contains(SAMPLE_KEY), "{shown}");
    assert!(shown.contains("wxappid"), "{shown}");
    let key = decode_key(SAMPLE_KEY).unwrap();
    assert!(!shown.contains(&format!("{key:?}")[1..20]), "{shown}");
}

#[test]
fn plain_mode_cannot_encrypt_or_decrypt() {
    let crypto = Crypto::new("t", None, "a").unwrap();
    assert_eq!(crypto.decrypt("AAAA"), Err(CryptoError::NotConfigured));
    assert_eq!(crypto.encrypt("x"), Err(CryptoError::NotConfigured));
    assert_eq!(
        crypto.seal("<xml/>", 1, "n"),
        Err(CryptoError::NotConfigured)
    );
}

#[test]
fn malformed_ciphertexts_are_refused() {
    let crypto = sample("wxappid");
    assert_eq!(crypto.decrypt("not base64!"), Err(CryptoError::Base64));
    // Strict base64: missing padding is refused too.
    let good = crypto.encrypt("x").unwrap();
    assert_eq!(
        crypto.decrypt(good.trim_end_matches('=')),
        Err(CryptoError::Base64)
    );
    assert_eq!(crypto.decrypt(""), Err(CryptoError::BadLength));
    assert_eq!(
        crypto.decrypt(&STANDARD.encode([0u8; 16])),
        Err(CryptoError::BadLength)
    );
    assert_eq!(
        crypto.decrypt(&STANDARD.encode([0u8; 33])),
        Err(CryptoError::BadLength)
    );
}

#[test]
fn bad_padding_is_refused() {
    let crypto = sample("wx");
    let mut zero_pad = framed(1, b"x", b"wx");
    *zero_pad.last_mut().unwrap() = 0;
    let mut too_large = framed(1, b"x", b"wx");
    *too_large.last_mut().unwrap() = 33;
    let mut unequal = framed(1, b"x", b"wx");
    let n = unequal.len();
    unequal[n - 2] ^= 0xff;
    // Larger than the 32-byte block even though the buffer could hold it.
    let mut over_block = vec![b'r'; 64];
    over_block.iter_mut().skip(16).for_each(|b| *b = 48);
    for (name, plain) in [
        ("zero", zero_pad),
        ("33", too_large),
        ("unequal", unequal),
        ("48", over_block),
    ] {
        assert_eq!(
            crypto.decrypt(&raw_encrypt(SAMPLE_KEY, plain)),
            Err(CryptoError::BadPadding),
            "{name}"
        );
    }
}

#[test]
fn full_block_padding_is_accepted() {
    // 16 + 4 + 10 + 2 = 32: aligned content gets 32 bytes of 0x20.
    let crypto = sample("wx");
    let plain = framed(10, b"0123456789", b"wx");
    assert_eq!(plain.len(), 64);
    assert_eq!(plain[32..], [32u8; 32]);
    let encrypt = raw_encrypt(SAMPLE_KEY, plain);
    assert_eq!(crypto.decrypt(&encrypt).unwrap(), "0123456789");
    assert_eq!(
        crypto
            .encrypt_with_random("0123456789", [b'r'; 16])
            .unwrap(),
        encrypt
    );
}

#[test]
fn length_prefix_is_bounds_checked() {
    let crypto = sample("wx");
    for (name, declared) in [
        ("past end", 4u32),
        ("huge", u32::MAX),
        ("wechat#622", 1_611_744_036),
    ] {
        let encrypt = raw_encrypt(SAMPLE_KEY, framed(declared, b"x", b"wx"));
        assert_eq!(
            crypto.decrypt(&encrypt),
            Err(CryptoError::BadLengthPrefix),
            "{name}"
        );
    }
    // Too short to hold random + length after unpadding.
    let mut short = vec![b'r'; 32];
    short[19..].iter_mut().for_each(|b| *b = 13);
    assert_eq!(
        crypto.decrypt(&raw_encrypt(SAMPLE_KEY, short)),
        Err(CryptoError::BadLengthPrefix)
    );
    // A shorter declared length leaves part of the message in the AppID slot.
    let encrypt = raw_encrypt(SAMPLE_KEY, framed(0, b"x", b"wx"));
    assert_eq!(crypto.decrypt(&encrypt), Err(CryptoError::AppIdMismatch));
}

#[test]
fn empty_message_is_fine() {
    let crypto = sample("wx");
    let encrypt = raw_encrypt(SAMPLE_KEY, framed(0, b"", b"wx"));
    assert_eq!(crypto.decrypt(&encrypt).unwrap(), "");
}

#[test]
fn invalid_utf8_is_refused() {
    let crypto = sample("wx");
    let encrypt = raw_encrypt(SAMPLE_KEY, framed(2, b"\xff\xfe", b"wx"));
    assert_eq!(crypto.decrypt(&encrypt), Err(CryptoError::Utf8));
}

#[test]
fn appid_must_match_exactly() {
    let sender = sample("wx2c2769f8efd9abc2");
    let encrypt = sender.encrypt("hello").unwrap();
    for other in [
        "",
        "wx2c2769f8efd9abc",
        "wx2c2769f8efd9abc23",
        "WX2C2769F8EFD9ABC2",
    ] {
        assert_eq!(
            sample(other).decrypt(&encrypt),
            Err(CryptoError::AppIdMismatch),
            "{other:?}"
        );
    }
    assert_eq!(sender.decrypt(&encrypt).unwrap(), "hello");
}

#[test]
fn wrong_key_does_not_panic() {
    let encrypt = sample("wx")
        .encrypt("hello world, a longer message")
        .unwrap();
    let other = Crypto::new("token", Some(ZERO_KEY), "wx").unwrap();
    assert!(other.decrypt(&encrypt).is_err());
}
