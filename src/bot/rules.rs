//! The whole rule table on one screen. Adding a command is one rule plus its handler.

use async_trait::async_trait;

use super::context::BotCtx;
use super::guards::{PasswordSettled, RequireBound, RequireCounselor};
use super::handlers::{binding, delivery, follow, help, news, password, progress, silent, tasks};
use super::router::{Interceptor, Matcher, Router, Rule};
use crate::error::AppResult;
use crate::service::identity::chat_sender;
use crate::wechat::message::EventKind;

/// Menu keys (the default menu, `bot::menu`) that map to the same handlers as typed commands.
pub const MENU_HELP: &str = "FUDAO_HELP";
pub const MENU_BIND: &str = "FUDAO_BIND";
pub const MENU_TASKS: &str = "FUDAO_TASKS";
pub const MENU_NEWS: &str = "FUDAO_NEWS";

/// Loads who the sender is, once, for every guard and handler.
pub struct LoadSender;

#[async_trait]
impl Interceptor for LoadSender {
    async fn before(&self, ctx: &mut BotCtx) -> AppResult<()> {
        ctx.sender = chat_sender::for_openid(ctx.services(), ctx.openid()).await?;
        Ok(())
    }
}

pub fn router() -> Router {
    use Matcher::{Any, Event, MenuClick, UserMessage};
    Router::default()
        .intercept_with(LoadSender)
        .rule(Rule::new(
            "subscribe",
            Event(EventKind::Subscribe),
            follow::subscribe,
        ))
        .rule(Rule::new(
            "unsubscribe",
            Event(EventKind::Unsubscribe),
            follow::unsubscribe,
        ))
        .rule(Rule::new("menu_help", MenuClick(MENU_HELP), help::help))
        .rule(Rule::new(
            "menu_bind",
            MenuClick(MENU_BIND),
            help::bind_instructions,
        ))
        .rule(Rule::new("menu_tasks", MenuClick(MENU_TASKS), tasks::list).guard(RequireCounselor))
        .rule(Rule::new("menu_news", MenuClick(MENU_NEWS), news::latest).guard(PasswordSettled))
        .rule(
            Rule::new(
                "tasks",
                Matcher::keyword(r"任务|待办|我的任务"),
                tasks::list,
            )
            .guard(RequireCounselor)
            .help("任务 — 查看待办任务及编号"),
        )
        .rule(
            Rule::new(
                "complete",
                Matcher::keyword(r"完成\s*(.*)"),
                tasks::complete,
            )
            .guard(RequireCounselor)
            .help("完成 12 — 把编号 12 的任务标记为完成"),
        )
        .rule(
            Rule::new("sign_in", Matcher::keyword(r"签到\s*(.*)"), tasks::sign_in)
                .guard(RequireCounselor)
                .help("签到 12 — 直播课签到"),
        )
        .rule(
            Rule::new(
                "employment",
                Matcher::keyword(r"进展|就业进展"),
                progress::employment,
            )
            .guard(RequireCounselor)
            .help("进展 — 查看所负责专业的毕业去向落实情况"),
        )
        .rule(
            Rule::new("news", Matcher::keyword(r"资讯|就业资讯"), news::latest)
                .guard(PasswordSettled)
                .help("资讯 — 最新就业资讯"),
        )
        .rule(
            Rule::new("help", Matcher::keyword(r"帮助|help|\?|？"), help::help)
                .help("帮助 — 查看可用指令"),
        )
        .rule(
            Rule::new("bind", Matcher::keyword(r"绑定\s*(.*)"), binding::bind)
                .help("绑定 123456 — 用小程序中的绑定码绑定账号"),
        )
        .rule(
            Rule::new(
                "reset_code",
                Matcher::keyword(r"重置密码|忘记密码|找回密码"),
                password::reset_code,
            )
            .guard(RequireBound)
            .help("重置密码 — 忘记密码时获取验证码，在小程序登录页设置新密码"),
        )
        .rule(
            Rule::new(
                "unbind",
                Matcher::keyword(r"解绑|解除绑定"),
                binding::unbind,
            )
            .help("解绑 — 解除此微信与账号的绑定"),
        )
        // Delivery results of template messages, recorded on the push job.
        .rule(Rule::new(
            "template_finished",
            Event(EventKind::TemplateSendJobFinish),
            delivery::template_finished,
        ))
        .rule(Rule::new("fallback", UserMessage, help::help))
        .rule(Rule::new("acknowledge", Any, silent::acknowledge))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wechat::message::Incoming;

    fn message(kind: &str) -> Incoming {
        let body = match kind {
            "text" => "<MsgType>text</MsgType><Content><![CDATA[%]]></Content><MsgId>1</MsgId>",
            "image" => {
                "<MsgType>image</MsgType><PicUrl>p</PicUrl><MediaId>m</MediaId><MsgId>1</MsgId>"
            }
            other => other,
        };
        let xml = format!("<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>{body}</xml>");
        Incoming::parse(xml.as_bytes()).expect("test message parses")
    }

    fn text(content: &str) -> Incoming {
        let xml = format!(
            "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content><![CDATA[{content}]]></Content><MsgId>1</MsgId></xml>"
        );
        Incoming::parse(xml.as_bytes()).expect("test message parses")
    }

    fn event(name: &str, key: Option<&str>) -> Incoming {
        let key = key
            .map(|k| format!("<EventKey><![CDATA[{k}]]></EventKey>"))
            .unwrap_or_default();
        message(&format!(
            "<MsgType>event</MsgType><Event>{name}</Event>{key}"
        ))
    }

    #[test]
    fn messages_go_to_the_expected_rule() {
        let router = router();
        let table: Vec<(Incoming, &str)> = vec![
            (text("帮助"), "help"),
            (text("help"), "help"),
            (text("HELP"), "help"),
            (text("?"), "help"),
            (text("？"), "help"),
            (text(" 帮助 "), "help"),
            (text("绑定 123456"), "bind"),
            (text("绑定123456"), "bind"),
            (text("绑定"), "bind"),
            (text("解绑"), "unbind"),
            (text("解除绑定"), "unbind"),
            (text("重置密码"), "reset_code"),
            (text("忘记密码"), "reset_code"),
            (text("重置密码了"), "fallback"),
            (text("任务"), "tasks"),
            (text("进展"), "employment"),
            (text("资讯"), "news"),
            (text("就业资讯"), "news"),
            (event("CLICK", Some(MENU_NEWS)), "menu_news"),
            (text("待办"), "tasks"),
            (text("完成 12"), "complete"),
            (text("完成12"), "complete"),
            (text("完成"), "complete"),
            (text("签到 7"), "sign_in"),
            (text("签到"), "sign_in"),
            (text("任务完成了吗"), "fallback"),
            (event("CLICK", Some(MENU_TASKS)), "menu_tasks"),
            (text("帮助我"), "fallback"),
            (text("你好"), "fallback"),
            (message("image"), "fallback"),
            (event("subscribe", None), "subscribe"),
            (event("subscribe", Some("qrscene_42")), "subscribe"),
            (event("unsubscribe", None), "unsubscribe"),
            (event("CLICK", Some(MENU_HELP)), "menu_help"),
            (event("CLICK", Some(MENU_BIND)), "menu_bind"),
            (event("CLICK", Some("OTHER")), "acknowledge"),
            (event("VIEW", Some("https://x")), "acknowledge"),
            (event("SCAN", Some("1")), "acknowledge"),
            (message("<MsgType>event</MsgType><Event>TEMPLATESENDJOBFINISH</Event><MsgID>9</MsgID><Status>success</Status>"), "template_finished"),
            (message("<MsgType>miniprogrampage</MsgType>"), "acknowledge"),
        ];
        for (incoming, expected) in table {
            let got = router.route(&incoming).map(|(rule, _)| rule.name);
            assert_eq!(got, Some(expected), "{:?}", incoming.kind);
        }
    }

    #[test]
    fn help_lists_every_typed_command() {
        let lines = router().help_lines();
        assert_eq!(lines.len(), 9);
        assert!(lines.iter().any(|l| l.starts_with("绑定")));
        assert!(lines.iter().any(|l| l.starts_with("重置密码")));
    }

    #[test]
    fn the_shipped_menu_uses_the_keys_the_bot_routes() {
        let menu = include_str!("../../config/menu.json");
        assert!(menu.contains(MENU_BIND));
        assert!(menu.contains(MENU_HELP));
        assert!(menu.contains(MENU_TASKS));
        assert!(menu.contains(MENU_NEWS));
    }
}
