//! The WeChat API client against the mock over real HTTP: tokens, refresh, errors.

use std::time::Duration;

use fudao::config::Secret;
use fudao::wechat::client::{Credentials, TemplateMessage, Transport, WechatClient};
use fudao::wechat::error::{WxError, WxErrorClass};
use fudao::wechat::mock::{Injection, MockConfig, MockUser, MockWechat};

async fn setup(timeout_ms: u64) -> (MockWechat, WechatClient) {
    let mock = MockWechat::start("127.0.0.1:0".parse().unwrap(), MockConfig::default())
        .await
        .unwrap();
    let config = MockConfig::default();
    let client = WechatClient::new(
        Transport::new(&mock.base_url(), Duration::from_millis(timeout_ms)).unwrap(),
        Credentials {
            app_id: config.app_id.clone(),
            app_secret: Secret::new(config.app_secret.clone()),
        },
        Credentials {
            app_id: config.mini_app_id.clone(),
            app_secret: Secret::new(config.mini_app_secret.clone()),
        },
    );
    (mock, client)
}

#[tokio::test]
async fn one_token_request_serves_many_concurrent_callers() {
    let (mock, client) = setup(2000).await;
    mock.state.add_user(MockUser {
        openid: "o1".into(),
        unionid: Some("u1".into()),
        subscribed: true,
    });
    let calls = (0..20).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.user_info("o1").await })
    });
    for call in calls {
        let info = call.await.unwrap().unwrap();
        assert_eq!(info.subscribe, 1);
        assert_eq!(info.unionid.as_deref(), Some("u1"));
    }
    let token_calls = mock.state.calls("/cgi-bin/stable_token");
    assert_eq!(token_calls.len(), 1, "single flight");
    assert_eq!(
        token_calls[0].body["force_refresh"], false,
        "normal mode only"
    );
    assert_eq!(mock.state.calls("/cgi-bin/user/info").len(), 20);
}

#[tokio::test]
async fn an_expired_token_is_fetched_again_and_the_call_retried_once() {
    let (mock, client) = setup(2000).await;
    mock.state.add_user(MockUser {
        openid: "o1".into(),
        unionid: None,
        subscribed: true,
    });
    client.user_info("o1").await.unwrap();
    mock.state.expire_tokens();
    client.user_info("o1").await.unwrap();
    assert_eq!(mock.state.calls("/cgi-bin/stable_token").len(), 2);
    // A token rejected twice in a row is not retried forever.
    mock.state.inject(Injection {
        path: "/cgi-bin/user/info".into(),
        errcode: 40001,
        times: 5,
        delay_ms: 0,
    });
    let error = client.user_info("o1").await.unwrap_err();
    assert_eq!(error.class(), WxErrorClass::RefreshToken);
    // 1 before expiry, 2 around the refresh, then 2 for the doubly rejected call.
    assert_eq!(mock.state.calls("/cgi-bin/user/info").len(), 5);
}

#[tokio::test]
async fn errors_are_classified_and_timeouts_are_retryable() {
    let (mock, client) = setup(300).await;
    mock.state.add_user(MockUser {
        openid: "gone".into(),
        unionid: None,
        subscribed: false,
    });
    let message = |to: &str| TemplateMessage {
        touser: to.into(),
        template_id: "tpl".into(),
        url: None,
        miniprogram: None,
        client_msg_id: format!("job-{to}"),
        data: serde_json::Map::new(),
    };
    let error = client.send_template(&message("gone")).await.unwrap_err();
    assert_eq!(error.class(), WxErrorClass::NotFollowing);
    let error = client.send_template(&message("nobody")).await.unwrap_err();
    assert_eq!(error.class(), WxErrorClass::InvalidOpenId);
    mock.state.add_user(MockUser {
        openid: "ok".into(),
        unionid: None,
        subscribed: true,
    });
    mock.state.inject(Injection {
        path: "/cgi-bin/message/template/send".into(),
        errcode: 45009,
        times: 1,
        delay_ms: 0,
    });
    assert_eq!(
        client
            .send_template(&message("ok"))
            .await
            .unwrap_err()
            .class(),
        WxErrorClass::DailyQuota
    );
    mock.state.inject(Injection {
        path: "/cgi-bin/message/template/send".into(),
        errcode: 0,
        times: 1,
        delay_ms: 1000,
    });
    let timeout = client.send_template(&message("ok")).await.unwrap_err();
    assert!(matches!(timeout, WxError::Transport(_)), "{timeout:?}");
    assert_eq!(timeout.class(), WxErrorClass::Retry);
    let msgid = client.send_template(&message("ok")).await.unwrap();
    // The same client_msg_id is sent once: WeChat answers with the same msgid.
    assert_eq!(client.send_template(&message("ok")).await.unwrap(), msgid);
}

#[tokio::test]
async fn missing_credentials_are_a_configuration_error_not_a_call() {
    let mock = MockWechat::start("127.0.0.1:0".parse().unwrap(), MockConfig::default())
        .await
        .unwrap();
    let client = WechatClient::new(
        Transport::new(&mock.base_url(), Duration::from_secs(1)).unwrap(),
        Credentials {
            app_id: String::new(),
            app_secret: Secret::new(""),
        },
        Credentials {
            app_id: String::new(),
            app_secret: Secret::new(""),
        },
    );
    assert!(matches!(
        client.user_info("o").await,
        Err(WxError::NotConfigured(_))
    ));
    assert!(matches!(
        client.code_to_session("c").await,
        Err(WxError::NotConfigured(_))
    ));
    assert!(mock.state.calls("/cgi-bin/stable_token").is_empty());
    // Wrong secret: WeChat's 40125 is a configuration error.
    let wrong = WechatClient::new(
        Transport::new(&mock.base_url(), Duration::from_secs(1)).unwrap(),
        Credentials {
            app_id: MockConfig::default().app_id,
            app_secret: Secret::new("wrong"),
        },
        Credentials {
            app_id: String::new(),
            app_secret: Secret::new(""),
        },
    );
    assert_eq!(
        wrong.user_info("o").await.unwrap_err().class(),
        WxErrorClass::Config
    );
}
