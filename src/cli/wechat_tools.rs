//! `fudao wechat menu sync | simulate | mock`.

use crate::infra::random;
use chrono::Utc;

use super::{MenuAction, WechatAction};
use crate::app;
use crate::config::Settings;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult};
use crate::wechat::mock::{MockConfig, MockWechat};
use crate::wechat::simulate::{self, Mode, Outgoing};
use crate::wechat::{menu, xml};

pub async fn run(settings: Settings, action: WechatAction) -> AppResult<()> {
    match action {
        WechatAction::Menu {
            action: MenuAction::Sync { file, dry_run },
        } => sync_menu(&settings, file.as_deref(), dry_run).await,
        WechatAction::Simulate {
            url,
            openid,
            text,
            event,
            event_key,
            mode,
            to,
        } => {
            let outgoing = match (text, event) {
                (Some(content), None) => Outgoing::Text {
                    content,
                    msg_id: random::in_range(1_000_000_000_000_000u64..9_000_000_000_000_000),
                },
                (None, Some(event)) => Outgoing::Event {
                    event,
                    key: event_key,
                },
                _ => {
                    return Err(
                        Invalid::new("text", "请用 --text 或 --event 指定要发送的内容").into(),
                    )
                }
            };
            let mode = match mode.as_str() {
                "plain" => Mode::Plain,
                "compatible" => Mode::Compatible,
                "safe" => Mode::Safe,
                _ => {
                    return Err(
                        Invalid::new("mode", "--mode 应为 plain、compatible 或 safe").into(),
                    )
                }
            };
            simulate_callback(&settings, &url, &openid, &to, outgoing, mode).await
        }
        WechatAction::Mock { addr } => {
            let mock = MockWechat::start(addr, MockConfig::default())
                .await
                .map_err(|e| AppError::internal(format!("mock cannot listen on {addr}: {e}")))?;
            let config = MockConfig::default();
            println!("WeChat API mock on {}", mock.base_url());
            println!(
                "  official account: app_id={} app_secret={}",
                config.app_id, config.app_secret
            );
            println!(
                "  mini program:     app_id={} app_secret={}",
                config.mini_app_id, config.mini_app_secret
            );
            println!("  control: POST /mock/users, /mock/codes, /mock/inject, /mock/expire-token, /mock/reset; GET /mock/calls");
            let _ = tokio::signal::ctrl_c().await;
            Ok(())
        }
    }
}

async fn sync_menu(
    settings: &Settings,
    file: Option<&std::path::Path>,
    dry_run: bool,
) -> AppResult<()> {
    let template = match file {
        Some(file) => std::fs::read_to_string(file)
            .map_err(|e| Invalid::new("file", format!("无法读取 {}: {e}", file.display())))?,
        None => crate::bot::menu::DEFAULT_MENU.to_string(),
    };
    let menu = menu::prepare(
        &template,
        &[
            ("MINIPROGRAM_APP_ID", settings.miniprogram.app_id.as_str()),
            (
                "MINIPROGRAM_TASKS_PATH",
                settings.miniprogram.tasks_path.as_str(),
            ),
        ],
    )
    .map_err(|e| Invalid::new("file", e.to_string()))?;
    if dry_run {
        println!(
            "{}",
            serde_json::to_string_pretty(&menu).unwrap_or_default()
        );
        return Ok(());
    }
    let client = app::wechat_client(settings)?;
    client.create_menu(&menu).await.map_err(|e| {
        tracing::error!(%e, "menu/create failed");
        AppError::WechatUnavailable
    })?;
    println!(
        "menu synced ({} top-level buttons)",
        menu["button"].as_array().map(Vec::len).unwrap_or(0)
    );
    Ok(())
}

async fn simulate_callback(
    settings: &Settings,
    url: &str,
    openid: &str,
    to: &str,
    outgoing: Outgoing,
    mode: Mode,
) -> AppResult<()> {
    let crypto = app::callback_crypto(settings)?.ok_or_else(|| {
        Invalid::new(
            "wechat.token",
            "请先配置 wechat.token（以及安全模式所需的 encoding_aes_key、app_id）",
        )
    })?;
    let now = Utc::now().timestamp().max(0) as u64;
    let nonce = random::in_range(100_000_000u32..999_999_999).to_string();
    let message = simulate::message_xml(to, openid, now, &outgoing);
    let request = simulate::sign(&crypto, mode, to, openid, &message, now, &nonce)
        .map_err(|e| Invalid::new("mode", format!("无法加密：{e}")))?;
    let separator = if url.contains('?') { '&' } else { '?' };
    let client = crate::infra::http_client::builder()
        .build()
        .map_err(|e| AppError::internal(format!("http client: {e}")))?;
    let response = client
        .post(format!("{url}{separator}{}", request.query))
        .header("content-type", "text/xml")
        .body(request.body)
        .send()
        .await
        .map_err(|e| AppError::internal(format!("cannot reach {url}: {e}")))?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    println!("HTTP {status}");
    if !status.is_success() {
        println!("{body}");
        return Err(AppError::internal(format!("callback answered {status}")));
    }
    let reply = simulate::open_reply(&crypto, &body)
        .map_err(|e| AppError::internal(format!("reply: {e}")))?;
    if reply == "success" || reply.is_empty() {
        println!("(no reply: success)");
        return Ok(());
    }
    match xml::parse_fields(reply.as_bytes()) {
        Ok(fields) => {
            println!("To: {}", fields.get("ToUserName").unwrap_or_default());
            println!("Type: {}", fields.get("MsgType").unwrap_or_default());
            if let Some(content) = fields.get("Content") {
                println!("{content}");
            } else {
                println!("{reply}");
            }
        }
        Err(_) => println!("{reply}"),
    }
    Ok(())
}
