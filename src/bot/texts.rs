//! What the bot says. Short, Chinese, with a mini-program link where it helps.

use super::context::Links;
use crate::domain::task::TaskKind;
use crate::service::employment::stats::{group_label, Statistics};
use crate::service::tasks::counselor::{MyTask, Step};

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

/// Text that came from a person (task titles, account names, anything an admin or user typed)
/// as it may appear in a text reply. WeChat renders `<a>` in text replies, so `<` and `>` become
/// their full-width forms: the words stay readable, and only links this module builds are links.
pub fn user_text(value: &str) -> String {
    value.replace('<', "＜").replace('>', "＞")
}

pub fn help(name: &str, commands: &[&str], links: &Links) -> String {
    let name = user_text(name);
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
    let name = user_text(name);
    format!("绑定成功！{name}老师，之后的任务通知会发到这里。发送“帮助”查看可用指令。")
}

pub fn already_bound(name: &str) -> String {
    let name = user_text(name);
    format!("此微信已绑定{name}老师的账号，无需重复绑定。")
}

pub fn openid_taken(masked_name: &str) -> String {
    let masked_name = user_text(masked_name);
    format!("此微信已绑定其他账号（{masked_name}）。如需改绑，请先发送“解绑”，再发送新的绑定码。")
}

pub const UNKNOWN_CODE: &str =
    "绑定码无效或已过期（有效期 10 分钟）。请在小程序「我的」页面重新获取。";
pub const TOO_MANY_ATTEMPTS: &str = "绑定码错误次数过多，请 1 小时后再试。";
pub const BINDING_PAUSED: &str =
    "近期绑定码错误次数过多，绑定已暂停，请稍后再试；如急需绑定，请联系管理员。";
pub const BIND_FORMAT: &str = "请发送“绑定”加 6 位绑定码，例如：绑定 123456";

pub fn unbound(name: &str) -> String {
    let name = user_text(name);
    format!(
        "已解除与{name}老师账号的绑定，将不再收到任务通知。如需重新绑定，请在小程序获取绑定码。"
    )
}

pub const NOT_BOUND: &str = "此微信尚未绑定辅导员账号，无需解绑。";

pub const CHANGE_PASSWORD_FIRST: &str =
    "您的账号密码已被管理员重置，请先在小程序中登录并修改初始密码，再使用任务、进展等指令。";

pub fn reset_code(code: &str, minutes: i64, tries: i32, links: &Links) -> String {
    format!(
        "您的密码重置验证码：{code}\n{minutes} 分钟内有效，可输错 {tries} 次。请{}，点「忘记密码」，填写用户名、验证码和新密码。\n如非本人操作，请忽略本消息；验证码不要告诉任何人。",
        mini_link(links, &links.reset_path, "打开小程序登录页")
    )
}

pub fn reset_code_too_soon(seconds: i64) -> String {
    format!("验证码刚刚已发送，仍然有效；如需新的验证码，请 {seconds} 秒后再发送“重置密码”。")
}

pub const NOT_A_COUNSELOR: &str = "任务指令供辅导员使用；管理员请在小程序中查看任务进度。";

fn short_time(at: chrono::DateTime<chrono::Utc>) -> String {
    crate::domain::time::month_day_clock(at)
}

/// The `任务` reply: numbered pending tasks, nearest deadline first.
pub fn pending_tasks(tasks: &[MyTask], total: u64, links: &Links) -> String {
    if tasks.is_empty() {
        return format!(
            "您目前没有待办任务。\n{}",
            mini_link(links, &links.tasks_path, "打开小程序查看全部任务")
        );
    }
    let now = chrono::Utc::now();
    let mut text = format!("您有 {total} 项待办任务：\n");
    for task in tasks {
        let mut line = format!(
            "【{}】{}（{}）截止 {}",
            task.task_id,
            user_text(&task.title),
            task.kind().label(),
            short_time(task.deadline)
        );
        if task.overdue(now) {
            line.push_str(" 已逾期");
        }
        if task.kind() == TaskKind::LiveCourse {
            match (task.completed_at, task.signed_in_at) {
                (_, None) => line.push_str(" 待签到"),
                (None, Some(_)) => line.push_str(" 已签到"),
                _ => {}
            }
        }
        text.push_str(&line);
        text.push('\n');
    }
    if total > tasks.len() as u64 {
        text.push_str(&format!("……另有 {} 项\n", total - tasks.len() as u64));
    }
    text.push_str("回复“完成 编号”标记完成，直播课回复“签到 编号”。\n");
    text.push_str(&mini_link(links, &links.tasks_path, "打开小程序查看详情"));
    text
}

pub fn step_format(command: &str) -> String {
    format!("请在“{command}”后加任务编号，例如：{command} 12。发送“任务”查看编号。")
}

pub fn no_such_task(id: i32) -> String {
    format!("没有找到编号为 {id} 的任务。发送“任务”查看您的待办任务和编号。")
}

pub fn step_done(command: &str, step: &Step, links: &Links) -> String {
    let task = &step.task;
    let title = user_text(&task.title);
    let mut text = match (command, step.changed) {
        ("签到", true) => format!("签到成功：{title}"),
        ("签到", false) => format!("您已签到过：{title}"),
        (_, true) => format!("已完成：{title}"),
        (_, false) => format!("该任务此前已完成：{title}"),
    };
    if task.kind() == TaskKind::LiveCourse {
        if task.signed_in_at.is_none() {
            text.push_str(&format!("\n直播课还需签到：回复“签到 {}”。", task.task_id));
        } else if task.completed_at.is_none() {
            text.push_str(&format!("\n听课后请回复“完成 {}”。", task.task_id));
        }
    }
    let path = links
        .task_path
        .replace("{task_id}", &task.task_id.to_string());
    text.push('\n');
    text.push_str(&mini_link(links, &path, "查看任务"));
    text
}

/// The `进展` reply: cohort, graduates, 去向落实率 and each group, for the counselor's majors.
pub fn employment_headline(stats: &Statistics, links: &Links) -> String {
    let Some(cohort) = stats.cohort.filter(|_| stats.total.graduates > 0) else {
        return "暂无您负责专业的就业数据。数据由学校导入就业数据上报后可见；如已导入仍看不到，请联系管理员核对您账号中的院系和专业名称。".to_string();
    };
    let groups: Vec<String> = stats
        .total
        .groups
        .iter()
        .map(|(group, n)| format!("{}{n}人", group_label(group)))
        .collect();
    format!(
        "{cohort}届 您负责专业的毕业生共{}人，去向落实率{:.1}%。\n{}\n{}",
        stats.total.graduates,
        stats.total.rate(),
        groups.join("，"),
        mini_link(links, &links.stats_path, "查看各专业和去向详情")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_never_becomes_markup_and_our_links_stay_links() {
        let links = Links {
            mini_app_id: "wx_mini".into(),
            tasks_path: "pages/tasks/index".into(),
            ..Links::default()
        };
        let name = "<a href=\"https://evil.example\">王</a>";
        for reply in [
            help(name, &[], &links),
            bound(name),
            already_bound(name),
            unbound(name),
            openid_taken(name),
        ] {
            assert!(!reply.contains("<a href"), "{reply}");
            assert!(reply.contains("＜a href"), "{reply}");
        }
        assert!(help(name, &[], &links).contains("<a data-miniprogram-appid=\"wx_mini\""));
        assert_eq!(user_text("a<b>c"), "a＜b＞c");
    }
}
