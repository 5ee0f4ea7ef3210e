//! `fudao wechat menu sync` and `fudao wechat simulate` as an operator runs them.

use std::process::Command;

use fudao::wechat::mock::{MockConfig, MockWechat};

use crate::helpers::{Backend, TestApp};

fn fudao() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fudao"));
    command
        .env_remove("FUDAO_CONFIG")
        .env("FUDAO__LOG__FILTER", "warn");
    command
}

#[tokio::test]
async fn menu_sync_pushes_the_configured_menu() {
    let mock = MockWechat::start("127.0.0.1:0".parse().unwrap(), MockConfig::default())
        .await
        .unwrap();
    let config = MockConfig::default();
    let base = mock.base_url();
    let output = tokio::task::spawn_blocking(move || {
        fudao()
            .args([
                "wechat",
                "menu",
                "sync",
                "--file",
                concat!(env!("CARGO_MANIFEST_DIR"), "/config/menu.json"),
            ])
            .env("FUDAO__WECHAT__API_BASE", base)
            .env("FUDAO__WECHAT__APP_ID", &config.app_id)
            .env("FUDAO__WECHAT__APP_SECRET", &config.app_secret)
            .env("FUDAO__MINIPROGRAM__APP_ID", "wx_menu_mini")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let calls = mock.state.calls("/cgi-bin/menu/create");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["button"][0]["appid"], "wx_menu_mini");
    assert_eq!(calls[0].body["button"][0]["pagepath"], "pages/tasks/index");
    assert!(calls[0].query.contains_key("access_token"));
}

#[tokio::test]
async fn simulate_prints_the_decrypted_reply() {
    let app = TestApp::spawn(&Backend::Sqlite, |_| {}).await;
    let url = app.callback_url();
    let key = app.aes_key.clone();
    let output = tokio::task::spawn_blocking(move || {
        fudao()
            .args([
                "wechat", "simulate", "--url", &url, "--openid", "o_sim", "--text", "帮助",
            ])
            .env("FUDAO__WECHAT__TOKEN", crate::helpers::TOKEN)
            .env("FUDAO__WECHAT__ENCODING_AES_KEY", key)
            .env("FUDAO__WECHAT__APP_ID", MockConfig::default().app_id)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("To: o_sim"), "{stdout}");
    assert!(stdout.contains("绑定码"), "{stdout}");
}
