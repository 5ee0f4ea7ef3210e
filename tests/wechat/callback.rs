//! The callback endpoint: verification, modes, official vectors, and every rejection.

use chrono::Utc;
use fudao::wechat::crypto::{signature, Crypto};
use fudao::wechat::simulate::{self, Mode};
use reqwest::Method;
use serde_json::json;

use crate::helpers::wechat::{event, text, OA};
use crate::helpers::{each_backend, Backend, TestApp, TOKEN};

async fn sqlite_app() -> TestApp {
    TestApp::spawn(&Backend::Sqlite, |_| {}).await
}

#[tokio::test]
async fn url_verification_echoes_only_for_a_valid_signature() {
    let app = sqlite_app().await;
    let ts = Utc::now().timestamp().to_string();
    let good = signature(&[TOKEN, &ts, "12345"]);
    let url = app.callback_url();
    let ok = app
        .client
        .get(format!(
            "{url}?signature={good}&timestamp={ts}&nonce=12345&echostr=4375120948345356249"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(ok.text().await.unwrap(), "4375120948345356249");
    let bad = app
        .client
        .get(format!(
            "{url}?signature={}&timestamp={ts}&nonce=12345&echostr=x",
            "0".repeat(40)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 403);
    assert_ne!(bad.text().await.unwrap(), "x");
    let missing = app
        .client
        .get(format!("{url}?timestamp={ts}&nonce=1&echostr=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 400);
}

#[tokio::test]
async fn the_official_url_verification_vector() {
    let app = TestApp::spawn(&Backend::Sqlite, |s| {
        s.wechat.token = fudao::config::Secret::new("AAAAA");
        s.wechat.encoding_aes_key = fudao::config::Secret::new("");
    })
    .await;
    let response = app
        .client
        .get(format!(
            "{}?signature=f464b24fc39322e44b38aa78f5edd27bd1441696&timestamp=1714036504&nonce=1514711492&echostr=4375120948345356249",
            app.callback_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.text().await.unwrap(), "4375120948345356249");
}

#[tokio::test]
async fn the_official_compatible_mode_sample_gets_an_encrypted_reply_for_its_sender() {
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../vectors/decrypt.json")).unwrap();
    let v = vectors["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == "tencent-official-sample-compat-mode")
        .unwrap()
        .clone();
    let token = v["token"].as_str().unwrap().to_string();
    let key = v["encoding_aes_key"].as_str().unwrap().to_string();
    let appid = v["appid"].as_str().unwrap().to_string();
    let app = TestApp::spawn(&Backend::Sqlite, |s| {
        s.wechat.token = fudao::config::Secret::new(token.clone());
        s.wechat.encoding_aes_key = fudao::config::Secret::new(key.clone());
        s.wechat.app_id = appid.clone();
        // The sample is from 2014.
        s.wechat.timestamp_window_secs = 0;
    })
    .await;
    let query = format!(
        "timestamp={}&nonce={}&encrypt_type=aes&msg_signature={}",
        v["timestamp"].as_str().unwrap(),
        v["nonce"].as_str().unwrap(),
        v["msg_signature"].as_str().unwrap()
    );
    // The unsigned plaintext copy is tampered with: only the decrypted copy may count.
    let body = v["request_body"]
        .as_str()
        .unwrap()
        .replace("abcdteT", "解绑");
    let (status, body) = app.post_callback(&query, body).await;
    assert_eq!(status, 200, "{body}");
    let crypto = Crypto::new(&token, Some(&key), &appid).unwrap();
    let reply =
        simulate::open_reply(&crypto, &body).expect("encrypted reply verifies and decrypts");
    let fields = fudao::wechat::xml::parse_fields(reply.as_bytes()).unwrap();
    assert_eq!(
        fields.get("ToUserName"),
        Some("oyORnuP8q7ou2gfYjqLzSIWZf0rs")
    );
    assert_eq!(fields.get("FromUserName"), Some("gh_10f6c3c3ac5a"));
    // "abcdteT" from an unbound user gets the binding instructions, not the unbind answer.
    assert!(fields.get("Content").unwrap().contains("绑定码"), "{reply}");
}

/// An account configured without an EncodingAESKey: plain mode only.
async fn plain_app() -> TestApp {
    TestApp::spawn(&Backend::Sqlite, |s| {
        s.wechat.encoding_aes_key = fudao::config::Secret::new("")
    })
    .await
}

#[tokio::test]
async fn every_mode_is_answered_and_safe_mode_replies_are_encrypted() {
    let keyed = sqlite_app().await;
    let plain = plain_app().await;
    for (app, mode) in [
        (&plain, Mode::Plain),
        (&keyed, Mode::Compatible),
        (&keyed, Mode::Safe),
    ] {
        let reply = app
            .send_at(
                mode,
                "o_user_1",
                &text("帮助"),
                Utc::now().timestamp() as u64,
            )
            .await;
        assert_eq!(reply.status, 200, "{mode:?}: {}", reply.body);
        assert_eq!(reply.field("ToUserName").as_deref(), Some("o_user_1"));
        assert_eq!(reply.field("FromUserName").as_deref(), Some(OA));
        assert_eq!(reply.field("MsgType").as_deref(), Some("text"));
        assert!(reply.content().contains("绑定"), "{mode:?}");
        match mode {
            Mode::Plain => assert!(!reply.body.contains("<Encrypt>")),
            _ => {
                assert!(reply.body.contains("<Encrypt>") && reply.body.contains("<MsgSignature>"));
                assert!(!reply.body.contains("o_user_1"), "nothing in clear");
            }
        }
    }
}

#[tokio::test]
async fn rejections_process_nothing_and_never_break_the_server() {
    let app = sqlite_app().await;
    let now = Utc::now().timestamp() as u64;
    let msg = simulate::message_xml(OA, "o_rejected", now, &event("subscribe", None));
    let ts = now.to_string();
    let good = simulate::sign(&app.crypto, Mode::Safe, OA, "o_rejected", &msg, now, "777").unwrap();
    let plain =
        simulate::sign(&app.crypto, Mode::Plain, OA, "o_rejected", &msg, now, "777").unwrap();

    let mut cases: Vec<(&str, String, String, u16)> = Vec::new();
    // Plain mode with a wrong signature.
    cases.push((
        "bad signature",
        plain.query.replace("signature=", "signature=0"),
        plain.body.clone(),
        403,
    ));
    // Missing signature.
    cases.push((
        "missing signature",
        format!("timestamp={ts}&nonce=777"),
        plain.body.clone(),
        400,
    ));
    // Safe mode with a wrong msg_signature.
    cases.push((
        "bad msg_signature",
        good.query.replace("msg_signature=", "msg_signature=f"),
        good.body.clone(),
        403,
    ));
    // Encrypted for another AppID (valid signature over it).
    let foreign_key = Crypto::new(TOKEN, Some(&"B".repeat(43)), "wx_someone_else").unwrap();
    let foreign =
        simulate::sign(&foreign_key, Mode::Safe, OA, "o_rejected", &msg, now, "777").unwrap();
    cases.push((
        "key of another account",
        foreign.query.clone(),
        foreign.body.clone(),
        400,
    ));
    // Right key, wrong AppID inside the payload.
    let wrong_appid = {
        let crypto = Crypto::new(TOKEN, Some(&app.aes_key), "wx_wrong_appid").unwrap();
        simulate::sign(&crypto, Mode::Safe, OA, "o_rejected", &msg, now, "777").unwrap()
    };
    cases.push(("wrong appid", wrong_appid.query, wrong_appid.body, 400));
    // Ciphertext that is not a multiple of 32 bytes / does not unpad, with a valid signature.
    for (name, encrypt) in [("short ciphertext", "QUJD"), ("garbage ciphertext", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")] {
        let sig = signature(&[TOKEN, &ts, "777", encrypt]);
        cases.push((
            name,
            format!("timestamp={ts}&nonce=777&encrypt_type=aes&msg_signature={sig}"),
            format!("<xml><ToUserName><![CDATA[{OA}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"),
            400,
        ));
    }
    // DOCTYPE / entity declarations, even correctly signed and encrypted.
    let doctype = format!("<!DOCTYPE xml [<!ENTITY x \"boom\">]>{msg}");
    let doctype_safe = simulate::sign(
        &app.crypto,
        Mode::Safe,
        OA,
        "o_rejected",
        &doctype,
        now,
        "778",
    )
    .unwrap();
    cases.push(("doctype", doctype_safe.query, doctype_safe.body, 400));
    // A correctly signed plain request while a key is configured: its body is unauthenticated.
    cases.push((
        "plain with a key",
        plain.query.clone(),
        plain.body.clone(),
        403,
    ));
    // A body over 64 KiB.
    let big = format!(
        "<xml><Content><![CDATA[{}]]></Content></xml>",
        "x".repeat(70 * 1024)
    );
    cases.push(("oversized", plain.query.clone(), big, 413));
    // Timestamp outside the window (an hour old), correctly signed.
    let old = now - 3600;
    let stale =
        simulate::sign(&app.crypto, Mode::Plain, OA, "o_rejected", &msg, old, "777").unwrap();
    cases.push(("stale", stale.query, stale.body, 403));
    // Not XML at all, inside a valid envelope.
    let not_xml = simulate::sign(
        &app.crypto,
        Mode::Safe,
        OA,
        "o_rejected",
        "{\"json\":true}",
        now,
        "779",
    )
    .unwrap();
    cases.push(("not xml", not_xml.query, not_xml.body, 400));

    for (name, query, body, status) in cases {
        let (got, text) = app.post_callback(&query, body).await;
        assert_eq!(got, status, "{name}: {text}");
        assert_ne!(text, "success", "{name}");
    }
    // Nothing was processed: no follower recorded.
    assert_eq!(app.count("followers").await, 0);
    app.request(Method::GET, "/healthz", None, None)
        .await
        .expect(200);
    // The genuine request still works.
    let (status, _) = app.post_callback(&good.query, good.body).await;
    assert_eq!(status, 200);
    assert_eq!(app.count("followers").await, 1);
}

#[tokio::test]
async fn the_timestamp_window_is_configurable_and_zero_disables_it() {
    let app = TestApp::spawn(&Backend::Sqlite, |s| s.wechat.timestamp_window_secs = 0).await;
    let old = (Utc::now().timestamp() - 86_400 * 30) as u64;
    let reply = app.send_at(Mode::Safe, "o_old", &text("帮助"), old).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[tokio::test]
async fn without_a_token_the_callback_refuses_everything() {
    let app = TestApp::spawn(&Backend::Sqlite, |s| {
        s.wechat.token = fudao::config::Secret::new("")
    })
    .await;
    let (status, _) = app
        .post_callback("signature=x&timestamp=1&nonce=1", "<xml/>")
        .await;
    assert_eq!(status, 503);
}

#[tokio::test]
async fn without_a_key_plain_mode_still_refuses_what_it_cannot_read() {
    let app = plain_app().await;
    let now = Utc::now().timestamp() as u64;
    let msg = simulate::message_xml(OA, "o_plain", now, &event("subscribe", None));
    let doctype = format!("<!DOCTYPE xml [<!ENTITY x \"boom\">]>{msg}");
    for (name, body, nonce) in [
        ("doctype", doctype.as_str(), "801"),
        ("not xml", "{\"json\":true}", "802"),
    ] {
        let request =
            simulate::sign(&app.crypto, Mode::Plain, OA, "o_plain", body, now, nonce).unwrap();
        let (status, text) = app.post_callback(&request.query, request.body).await;
        assert_eq!(status, 400, "{name}: {text}");
    }
    assert_eq!(app.count("followers").await, 0);
}

/// The attack: one captured plain-mode query string (signature, timestamp, nonce) and any body.
fn forged_plain_bind(
    app: &TestApp,
    genuine_openid: &str,
    attacker: &str,
    code: &str,
) -> (String, String) {
    let now = Utc::now().timestamp() as u64;
    let genuine = simulate::message_xml(OA, genuine_openid, now, &text("帮助"));
    let captured = simulate::sign(
        &app.crypto,
        Mode::Plain,
        OA,
        genuine_openid,
        &genuine,
        now,
        "424242",
    )
    .unwrap();
    let forged = simulate::message_xml(OA, attacker, now, &text(&format!("绑定 {code}")));
    (captured.query, forged)
}

#[tokio::test]
async fn a_forged_plain_mode_bind_is_refused_when_a_key_is_configured() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let code = app
            .post("/api/v1/me/bind-code", &w.counselor_a1, json!({}))
            .await
            .expect(200);
        let digits = code["code"].as_str().unwrap();
        let (query, forged) = forged_plain_bind(&app, "o_someone", "o_attacker", digits);
        let (status, body) = app.post_callback(&query, forged).await;
        assert_eq!(status, 403, "{} on {}", body, app.backend);
        assert_ne!(body, "success");
        let me = app.get("/api/v1/me", &w.counselor_a1).await.expect(200);
        assert_eq!(me["wechat"]["bound"], false, "{}", app.backend);
        assert_eq!(app.count("followers").await, 0);
        // The code was not touched: the counselor binds with it in safe mode.
        let reply = app.send("o_wang", &text(&format!("绑定 {digits}"))).await;
        assert!(reply.content().contains("绑定成功"), "{}", reply.content());
    })
    .await;
}

#[tokio::test]
async fn without_a_key_a_captured_plain_query_cannot_carry_a_second_body() {
    let app = plain_app().await;
    let w = app.world().await;
    let code = app
        .post("/api/v1/me/bind-code", &w.counselor_a1, json!({}))
        .await
        .expect(200);
    let digits = code["code"].as_str().unwrap();
    let (query, forged) = forged_plain_bind(&app, "o_someone", "o_attacker", digits);
    // WeChat delivers the genuine message first...
    let now = Utc::now().timestamp() as u64;
    let genuine = simulate::message_xml(OA, "o_someone", now, &text("帮助"));
    let (status, _) = app.post_callback(&query, genuine).await;
    assert_eq!(status, 200);
    // ...and the same query string with another body is a replay.
    let (status, body) = app.post_callback(&query, forged).await;
    assert_eq!(status, 403, "{body}");
    let me = app.get("/api/v1/me", &w.counselor_a1).await.expect(200);
    assert_eq!(me["wechat"]["bound"], false);
}

#[tokio::test]
async fn a_replayed_timestamp_and_nonce_are_refused_and_a_fresh_nonce_is_accepted() {
    let app = sqlite_app().await;
    let now = Utc::now().timestamp() as u64;
    let first = simulate::message_xml(OA, "o_first", now, &event("subscribe", None));
    let request =
        simulate::sign(&app.crypto, Mode::Safe, OA, "o_first", &first, now, "555").unwrap();
    let (status, _) = app
        .post_callback(&request.query, request.body.clone())
        .await;
    assert_eq!(status, 200);
    assert_eq!(app.count("followers").await, 1);
    // The very same request again (a retry, or a replay of it): answered, never acted on twice.
    let (status, body) = app.post_callback(&request.query, request.body).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.count("followers").await, 1);
    // Another message, correctly signed, under the used (timestamp, nonce).
    let second = simulate::message_xml(OA, "o_second", now, &event("subscribe", None));
    let reused =
        simulate::sign(&app.crypto, Mode::Safe, OA, "o_second", &second, now, "555").unwrap();
    let (status, _) = app.post_callback(&reused.query, reused.body).await;
    assert_eq!(status, 403);
    assert_eq!(app.count("followers").await, 1, "the replay did nothing");
    // The same message under a fresh nonce is a new request.
    let fresh =
        simulate::sign(&app.crypto, Mode::Safe, OA, "o_second", &second, now, "556").unwrap();
    let (status, _) = app.post_callback(&fresh.query, fresh.body).await;
    assert_eq!(status, 200);
    assert_eq!(app.count("followers").await, 2);
}
