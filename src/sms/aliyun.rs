//! Aliyun SMS (dysmsapi `SendSms`, API version 2017-05-25), RPC style: every parameter in the
//! query string, signed with HMAC-SHA1 over the canonicalized query (SignatureVersion 1.0),
//! as the Aliyun signing documentation defines it.

use std::collections::BTreeMap;

use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha1::Sha1;

use super::{transport, Accepted, SendError, SmsMessage, SmsProvider};
use crate::config::AliyunSmsSettings;

/// RFC 3986 percent-encoding: everything but `A-Z a-z 0-9 - _ . ~`, with upper-case hex
/// (so a space is `%20`, `*` is `%2A`, and `~` stays).
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The parameters sorted by name (byte order: `SignName` before `SignatureMethod`), each
/// name and value encoded, joined with `=` and `&`.
pub fn canonical_query(params: &BTreeMap<String, String>) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `GET&%2F&` followed by the encoded canonical query.
pub fn string_to_sign(method: &str, canonical: &str) -> String {
    format!(
        "{method}&{}&{}",
        percent_encode("/"),
        percent_encode(canonical)
    )
}

/// Base64 of HMAC-SHA1 keyed with the AccessKey secret and `&`.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// The whole query of a signed GET request.
pub fn signed_query(params: &BTreeMap<String, String>, secret: &str) -> String {
    let canonical = canonical_query(params);
    let signature = signature(secret, &string_to_sign("GET", &canonical));
    format!("Signature={}&{canonical}", percent_encode(&signature))
}

pub struct AliyunSms {
    http: reqwest::Client,
    settings: AliyunSmsSettings,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    code: Option<String>,
    message: Option<String>,
    biz_id: Option<String>,
}

/// Aliyun publishes no retry advice; flow control waits, platform errors retry, the rest
/// (number, template, signature, credentials) will not get better by retrying.
fn classify(code: &str, message: &str) -> SendError {
    // A signature mismatch answers with the server's string to sign, which holds every
    // parameter, the password too: only the part before it is kept.
    let message = message
        .split("server string to sign")
        .next()
        .unwrap_or_default()
        .trim();
    let text = format!("{code}: {message}");
    if code.contains("LIMIT_CONTROL") || code.starts_with("Throttling") {
        SendError::Throttled(text)
    } else if code.starts_with("isp.")
        || code == "ServiceUnavailable"
        || code == "InternalError"
        || code == "SignatureNonceUsed"
    {
        SendError::Transient(text)
    } else {
        SendError::Rejected(text)
    }
}

impl AliyunSms {
    pub fn new(http: reqwest::Client, settings: AliyunSmsSettings) -> Self {
        Self { http, settings }
    }

    fn params(
        &self,
        message: &SmsMessage,
        now: DateTime<Utc>,
        nonce: &str,
    ) -> BTreeMap<String, String> {
        let template = self.settings.templates.code_of(message.template);
        let variables: serde_json::Map<String, serde_json::Value> = message
            .variables()
            .into_iter()
            .map(|(key, value)| (key.to_string(), value.into()))
            .collect();
        let variables = serde_json::Value::Object(variables);
        [
            ("AccessKeyId", self.settings.access_key_id.as_str()),
            ("Action", "SendSms"),
            ("Format", "JSON"),
            ("PhoneNumbers", message.phone.as_str()),
            ("RegionId", self.settings.region_id.as_str()),
            ("SignName", self.settings.sign_name.as_str()),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", nonce),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", template),
            ("Version", "2017-05-25"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain([
            ("TemplateParam".to_string(), variables.to_string()),
            (
                "Timestamp".to_string(),
                now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            ),
        ])
        .collect()
    }
}

#[async_trait]
impl SmsProvider for AliyunSms {
    fn name(&self) -> &'static str {
        "aliyun"
    }

    async fn send(&self, message: &SmsMessage) -> Result<Accepted, SendError> {
        let nonce = crate::infra::random::hex_token::<16>();
        let params = self.params(message, Utc::now(), &nonce);
        let query = signed_query(&params, self.settings.access_key_secret.expose());
        let url = format!("{}/?{query}", self.settings.endpoint.trim_end_matches('/'));
        let response = self.http.get(url).send().await.map_err(transport)?;
        let status = response.status();
        let body = response.text().await.map_err(transport)?;
        let answer: Answer = match serde_json::from_str(&body) {
            Ok(answer) => answer,
            Err(_) => {
                return Err(SendError::Transient(format!(
                    "HTTP {status}, unreadable answer"
                )))
            }
        };
        match answer.code.as_deref() {
            Some("OK") => Ok(Accepted {
                reference: answer.biz_id,
            }),
            Some(code) => Err(classify(code, answer.message.as_deref().unwrap_or(""))),
            None if status.is_server_error() => Err(SendError::Transient(format!("HTTP {status}"))),
            None => Err(SendError::Rejected(format!("HTTP {status} without a code"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The worked example of Aliyun's RPC signing documentation (DescribeRegions).
    #[test]
    fn the_documented_rpc_example_signs_as_published() {
        let p = params(&[
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Format", "XML"),
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("Version", "2014-05-26"),
            ("SignatureVersion", "1.0"),
        ]);
        let canonical = canonical_query(&p);
        assert_eq!(
            canonical,
            "AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0&Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26"
        );
        let to_sign = string_to_sign("GET", &canonical);
        assert_eq!(
            to_sign,
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
        );
        assert_eq!(
            signature("testsecret", &to_sign),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
    }

    /// The SendSms example of Aliyun's SMS signing documentation.
    #[test]
    fn the_documented_send_sms_example_signs_as_published() {
        let p = params(&[
            ("AccessKeyId", "testId"),
            ("Action", "SendSms"),
            ("Format", "XML"),
            ("OutId", "123"),
            ("PhoneNumbers", "15300000001"),
            ("RegionId", "cn-hangzhou"),
            ("SignName", "阿里云短信测试专用"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", "SMS_71390007"),
            ("TemplateParam", "{\"customer\":\"test\"}"),
            ("Timestamp", "2017-07-12T02:42:19Z"),
            ("Version", "2017-05-25"),
        ]);
        let canonical = canonical_query(&p);
        assert!(canonical.contains("&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8&SignatureMethod="));
        assert!(canonical.contains("&TemplateParam=%7B%22customer%22%3A%22test%22%7D&"));
        let to_sign = string_to_sign("GET", &canonical);
        assert_eq!(
            signature("testSecret", &to_sign),
            "zJDF+Lrzhj/ThnlvIToysFRq6t4="
        );
        assert!(signed_query(&p, "testSecret")
            .starts_with("Signature=zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D&AccessKeyId=testId&"));
    }

    #[test]
    fn plus_space_star_and_tilde_follow_rfc_3986() {
        assert_eq!(percent_encode("+86 1*~"), "%2B86%201%2A~");
        let p = params(&[
            ("AccessKeyId", "testId"),
            ("Action", "SendSms"),
            ("Format", "JSON"),
            ("PhoneNumbers", "+8615300000001"),
            ("RegionId", "cn-hangzhou"),
            ("SignName", "阿里云短信测试专用"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", "SMS_71390007"),
            ("TemplateParam", "{\"code\":\"12 34*~\"}"),
            ("Timestamp", "2017-07-12T02:42:19Z"),
            ("Version", "2017-05-25"),
        ]);
        let to_sign = string_to_sign("GET", &canonical_query(&p));
        assert_eq!(
            signature("testSecret", &to_sign),
            "Rcpbrt5QKn88jAtgLURqq92YI2c="
        );
    }

    #[test]
    fn answers_are_classified() {
        assert!(matches!(
            classify("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控"),
            SendError::Throttled(_)
        ));
        assert!(matches!(
            classify("isp.SYSTEM_ERROR", "系统错误"),
            SendError::Transient(_)
        ));
        assert!(matches!(
            classify("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"),
            SendError::Rejected(_)
        ));
        let mismatch = classify(
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation. server string to sign is:GET&%2F&…TemplateParam%3D%257B%2522password%2522…",
        );
        assert_eq!(
            mismatch,
            SendError::Rejected(
                "SignatureDoesNotMatch: Specified signature is not matched with our calculation."
                    .into()
            )
        );
    }
}
