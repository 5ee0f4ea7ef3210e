//! Tencent Cloud SMS (`SendSms`, API version 2021-01-11): a JSON POST signed with
//! TC3-HMAC-SHA256 (API 3.0) over the canonical request, as Tencent's signing documentation
//! defines it. The signed headers are `content-type;host`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{transport, Accepted, SendError, SmsMessage, SmsProvider};
use crate::config::TencentSmsSettings;

pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// POST, URI `/`, no query, the two signed headers, and the payload's hash.
pub fn canonical_request(host: &str, payload: &str) -> String {
    format!(
        "POST\n/\n\ncontent-type:{CONTENT_TYPE}\nhost:{host}\n\ncontent-type;host\n{}",
        sha256_hex(payload.as_bytes())
    )
}

/// The UTC date of a timestamp, the credential scope's first part.
pub fn scope_date(timestamp: i64) -> String {
    DateTime::<Utc>::from_timestamp(timestamp, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

pub fn string_to_sign(timestamp: i64, service: &str, canonical_request: &str) -> String {
    format!(
        "TC3-HMAC-SHA256\n{timestamp}\n{}/{service}/tc3_request\n{}",
        scope_date(timestamp),
        sha256_hex(canonical_request.as_bytes())
    )
}

/// Hex HMAC-SHA256 of the string to sign with the key derived from the secret, the date and
/// the service.
pub fn signature(secret_key: &str, timestamp: i64, service: &str, string_to_sign: &str) -> String {
    let date = hmac(
        format!("TC3{secret_key}").as_bytes(),
        &scope_date(timestamp),
    );
    let service_key = hmac(&date, service);
    let signing = hmac(&service_key, "tc3_request");
    hex::encode(hmac(&signing, string_to_sign))
}

pub fn authorization(secret_id: &str, timestamp: i64, service: &str, signature: &str) -> String {
    format!(
        "TC3-HMAC-SHA256 Credential={secret_id}/{}/{service}/tc3_request, SignedHeaders=content-type;host, Signature={signature}",
        scope_date(timestamp)
    )
}

pub struct TencentSms {
    http: reqwest::Client,
    settings: TencentSmsSettings,
    /// `Host` as the request will carry it (with the port when not the scheme's default).
    host: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Envelope {
    response: Body,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Body {
    error: Option<Problem>,
    #[serde(default)]
    send_status_set: Vec<Status>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Problem {
    code: String,
    message: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Status {
    code: String,
    message: String,
    serial_no: Option<String>,
}

/// Tencent publishes no retry advice: rate limits wait, platform errors and an expired
/// signature (clock skew) retry, everything else is about this message and will not change.
fn classify(code: &str, message: &str) -> SendError {
    let text = format!("{code}: {message}");
    if code.starts_with("LimitExceeded") || code == "RequestLimitExceeded" {
        SendError::Throttled(text)
    } else if code.starts_with("InternalError") || code == "AuthFailure.SignatureExpire" {
        SendError::Transient(text)
    } else {
        SendError::Rejected(text)
    }
}

impl TencentSms {
    pub fn new(http: reqwest::Client, settings: TencentSmsSettings) -> Result<Self, String> {
        let url = reqwest::Url::parse(&settings.endpoint)
            .map_err(|e| format!("sms.tencent.endpoint: {e}"))?;
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            (None, _) => return Err("sms.tencent.endpoint has no host".into()),
        };
        Ok(Self {
            http,
            settings,
            host,
        })
    }

    fn payload(&self, message: &SmsMessage) -> String {
        let template = self.settings.templates.code_of(message.template);
        let values: Vec<&str> = message.variables().into_iter().map(|(_, v)| v).collect();
        serde_json::json!({
            "PhoneNumberSet": [format!("+86{}", message.phone)],
            "SmsSdkAppId": self.settings.sdk_app_id,
            "SignName": self.settings.sign_name,
            "TemplateId": template,
            "TemplateParamSet": values,
        })
        .to_string()
    }
}

#[async_trait]
impl SmsProvider for TencentSms {
    fn name(&self) -> &'static str {
        "tencent"
    }

    async fn send(&self, message: &SmsMessage) -> Result<Accepted, SendError> {
        let payload = self.payload(message);
        let timestamp = Utc::now().timestamp();
        let to_sign = string_to_sign(timestamp, "sms", &canonical_request(&self.host, &payload));
        let signed = signature(
            self.settings.secret_key.expose(),
            timestamp,
            "sms",
            &to_sign,
        );
        let response = self
            .http
            .post(&self.settings.endpoint)
            .header(
                "Authorization",
                authorization(&self.settings.secret_id, timestamp, "sms", &signed),
            )
            .header("Content-Type", CONTENT_TYPE)
            .header("X-TC-Action", "SendSms")
            .header("X-TC-Timestamp", timestamp.to_string())
            .header("X-TC-Version", "2021-01-11")
            .header("X-TC-Region", &self.settings.region)
            .body(payload)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let body = response.text().await.map_err(transport)?;
        let Ok(envelope) = serde_json::from_str::<Envelope>(&body) else {
            return Err(SendError::Transient(format!(
                "HTTP {status}, unreadable answer"
            )));
        };
        if let Some(problem) = envelope.response.error {
            return Err(classify(&problem.code, &problem.message));
        }
        // One number per request: its status says whether it went out.
        match envelope.response.send_status_set.into_iter().next() {
            Some(sent) if sent.code == "Ok" => Ok(Accepted {
                reference: sent.serial_no,
            }),
            Some(failed) => Err(classify(&failed.code, &failed.message)),
            None => Err(SendError::Transient(format!(
                "HTTP {status} without a status"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tencent's worked example (CVM DescribeInstances, 2019-02-25): its payload keeps the
    /// `\u` escapes as written.
    const PAYLOAD: &str =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    const TIMESTAMP: i64 = 1_551_113_065;

    #[test]
    fn the_documented_example_signs_as_published() {
        let canonical = canonical_request("cvm.tencentcloudapi.com", PAYLOAD);
        assert!(
            canonical.ends_with("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064")
        );
        assert_eq!(
            sha256_hex(canonical.as_bytes()),
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        let to_sign = string_to_sign(TIMESTAMP, "cvm", &canonical);
        assert_eq!(
            to_sign,
            "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        // The page's key, in its two published forms.
        assert_eq!(
            signature(
                "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
                TIMESTAMP,
                "cvm",
                &to_sign
            ),
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
        assert_eq!(
            signature(
                "Gu5t9xGARNpq86cd98joQYCN3*******",
                TIMESTAMP,
                "cvm",
                &to_sign
            ),
            "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"
        );
        assert_eq!(
            authorization(
                "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                TIMESTAMP,
                "cvm",
                "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
            ),
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    #[test]
    fn a_send_sms_request_signs_like_the_reference_computation() {
        let payload = r#"{"PhoneNumberSet":["+8618511122233"],"SmsSdkAppId":"1400006666","SignName":"腾讯云","TemplateId":"1110","TemplateParamSet":["1234"]}"#;
        let canonical = canonical_request("sms.tencentcloudapi.com", payload);
        let to_sign = string_to_sign(TIMESTAMP, "sms", &canonical);
        assert_eq!(
            signature(
                "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
                TIMESTAMP,
                "sms",
                &to_sign
            ),
            "bb0fcf4d14b0c16ddc8ec1fb397a587d0a23e15ea45c543fa58b6a6e01d601ff"
        );
    }

    #[test]
    fn answers_are_classified() {
        assert!(matches!(
            classify("LimitExceeded.PhoneNumberThirtySecondLimit", ""),
            SendError::Throttled(_)
        ));
        assert!(matches!(
            classify("InternalError.Timeout", ""),
            SendError::Transient(_)
        ));
        assert!(matches!(
            classify("FailedOperation.PhoneNumberInBlacklist", ""),
            SendError::Rejected(_)
        ));
        assert!(matches!(
            classify("AuthFailure.SignatureFailure", ""),
            SendError::Rejected(_)
        ));
    }
}
