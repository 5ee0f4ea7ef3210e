//! What the bot says. Short, Chinese, with a mini-program link where it helps.

use super::context::Links;

pub const BUSY: &str = "系统繁忙，请稍后再试。";

/// A link that opens a mini-program page inside the chat; plain text when no mini program is
/// configured. Attribute values come from configuration, never from user input.
pub fn mini_link(links: &Links, path: &str, text: &str) -> String {
    if links.mini_app_id.is_empty() {
        return text.to_string();
    }
    format!(
        "<a data-miniprogram-appid=\"{}\" data-miniprogram-path=\"{}\">{}</a>",
        attr(&links.mini_app_id),
        attr(path),
        text
    )
}

fn attr(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn help(name: &str, commands: &[&str], links: &Links) -> String {
    let mut text = format!("{name}老师您好，可发送：\n");
    for line in commands {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(&mini_link(links, &links.tasks_path, "打开辅导员小程序"));
    text
}

pub fn bind_instructions(links: &Links) -> String {
    format!(
        "您还没有绑定辅导员账号，绑定后才能收到任务通知。\n1. {}，登录后在「我的」页面获取 6 位绑定码；\n2. 在这里发送：绑定 123456（换成您的绑定码）。",
        mini_link(links, &links.bind_path, "打开辅导员小程序")
    )
}

pub fn welcome_back(name: &str, commands: &[&str], links: &Links) -> String {
    format!("欢迎回来！\n{}", help(name, commands, links))
}

pub fn bound(name: &str) -> String {
    format!("绑定成功！{name}老师，之后的任务通知会发到这里。发送“帮助”查看可用指令。")
}

pub fn already_bound(name: &str) -> String {
    format!("此微信已绑定{name}老师的账号，无需重复绑定。")
}

pub fn openid_taken(masked_name: &str) -> String {
    format!("此微信已绑定其他账号（{masked_name}）。如需改绑，请先发送“解绑”，再发送新的绑定码。")
}

pub const UNKNOWN_CODE: &str =
    "绑定码无效或已过期（有效期 10 分钟）。请在小程序「我的」页面重新获取。";
pub const TOO_MANY_ATTEMPTS: &str = "绑定码错误次数过多，请 1 小时后再试。";
pub const BIND_FORMAT: &str = "请发送“绑定”加 6 位绑定码，例如：绑定 123456";

pub fn unbound(name: &str) -> String {
    format!(
        "已解除与{name}老师账号的绑定，将不再收到任务通知。如需重新绑定，请在小程序获取绑定码。"
    )
}

pub const NOT_BOUND: &str = "此微信尚未绑定辅导员账号，无需解绑。";
