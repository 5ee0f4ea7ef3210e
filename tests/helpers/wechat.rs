//! Talking to the callback as WeChat does: signed, and encrypted outside plain mode.

use chrono::Utc;
use fudao::wechat::simulate::{self, Mode, Outgoing};
use fudao::wechat::xml;
use rand::RngExt;

use super::TestApp;

pub const OA: &str = "gh_fudao_test";

/// A callback answer: status, raw body, and the reply's fields when there is one.
#[derive(Debug)]
pub struct CallbackReply {
    pub status: u16,
    pub body: String,
    /// Decrypted (safe mode) reply XML, or `success`.
    pub reply: String,
}

impl CallbackReply {
    pub fn field(&self, name: &str) -> Option<String> {
        xml::parse_fields(self.reply.as_bytes())
            .ok()
            .and_then(|fields| fields.get(name).map(str::to_string))
    }

    pub fn content(&self) -> String {
        self.field("Content").unwrap_or_default()
    }

    pub fn is_success(&self) -> bool {
        self.status == 200 && self.reply == "success"
    }
}

pub fn text(content: &str) -> Outgoing {
    Outgoing::Text {
        content: content.to_string(),
        msg_id: rand::rng().random_range(1_000_000_000_000u64..u64::MAX / 2),
    }
}

pub fn event(name: &str, key: Option<&str>) -> Outgoing {
    Outgoing::Event {
        event: name.to_string(),
        key: key.map(str::to_string),
    }
}

impl TestApp {
    pub fn callback_url(&self) -> String {
        format!("{}/wechat/callback", self.base)
    }

    /// POST raw query and body to the callback.
    pub async fn post_callback(
        &self,
        query: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, String) {
        let response = self
            .client
            .post(format!("{}?{query}", self.callback_url()))
            .header("content-type", "text/xml")
            .body(body)
            .send()
            .await
            .expect("callback request");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    /// Send a message as `openid` in `mode`, created at `create_time`.
    pub async fn send_at(
        &self,
        mode: Mode,
        openid: &str,
        outgoing: &Outgoing,
        create_time: u64,
    ) -> CallbackReply {
        let message = simulate::message_xml(OA, openid, create_time, outgoing);
        self.send_xml(mode, openid, &message).await
    }

    pub async fn send_xml(&self, mode: Mode, openid: &str, message: &str) -> CallbackReply {
        let now = Utc::now().timestamp() as u64;
        let nonce = rand::rng()
            .random_range(100_000_000u32..999_999_999)
            .to_string();
        let request =
            simulate::sign(&self.crypto, mode, OA, openid, message, now, &nonce).expect("sign");
        let (status, body) = self.post_callback(&request.query, request.body).await;
        let reply = if status == 200 {
            simulate::open_reply(&self.crypto, &body).expect("reply opens")
        } else {
            String::new()
        };
        CallbackReply {
            status,
            body,
            reply,
        }
    }

    /// Send in safe mode, now.
    pub async fn send(&self, openid: &str, outgoing: &Outgoing) -> CallbackReply {
        self.send_at(Mode::Safe, openid, outgoing, Utc::now().timestamp() as u64)
            .await
    }

    /// Bind `openid` to the account behind `token` the way a counselor does.
    pub async fn bind(&self, token: &str, openid: &str) -> CallbackReply {
        let code = self
            .post("/api/v1/me/bind-code", token, serde_json::json!({}))
            .await
            .expect(200);
        let message = code["message"].as_str().expect("bind message").to_string();
        self.send(openid, &text(&message)).await
    }
}
