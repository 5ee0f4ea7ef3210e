//! From a job and what it is about to the template message WeChat gets: the configured template,
//! placeholders filled, values fitted to their key types, the mini-program page with a URL
//! fallback, and the job's idempotency key.

use chrono::{DateTime, Utc};
use serde_json::{json, Map};

use crate::config::{MiniprogramSettings, PushTemplates, TemplateSettings};
use crate::domain::push::JobKind;
use crate::domain::task::TaskKind;
use crate::wechat::client::{TemplateMessage, TemplateMiniprogram};
use crate::wechat::template::fit;

/// What a notice says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Task {
        task_id: i32,
        title: String,
        kind: TaskKind,
        deadline: DateTime<Utc>,
        starts_at: Option<DateTime<Utc>>,
        publisher: String,
        /// 保密: not to be forwarded to students.
        confidential: bool,
        /// A change or withdrawal notice: what happened (`{change}`).
        change: Option<String>,
    },
    Summary {
        pending: u64,
        nearest_deadline: Option<DateTime<Utc>>,
    },
}

/// The same key for every try of a job: WeChat sends one message per OpenID and key.
pub fn client_msg_id(job_id: i32) -> String {
    format!("fudao-job-{job_id}")
}

fn template(templates: &PushTemplates, kind: JobKind) -> &TemplateSettings {
    match kind {
        JobKind::Task => &templates.task,
        JobKind::Reminder => &templates.reminder,
        JobKind::Summary => &templates.summary,
        JobKind::Changed => &templates.task_changed,
        JobKind::Withdrawn => &templates.task_withdrawn,
    }
}

/// The title as a notice shows it: a confidential task says so first, where a cut-off title
/// still shows it.
fn marked_title(title: &str, confidential: bool) -> String {
    if confidential {
        format!("【保密】{title}")
    } else {
        title.to_string()
    }
}

/// The kind, with a live course's start (`就业创业直播课·12月05日19:00`): the one time a
/// counselor must act on, which the deadline alone does not give.
fn kind_detail(kind: TaskKind, starts_at: Option<DateTime<Utc>>) -> String {
    match starts_at {
        Some(at) if kind == TaskKind::LiveCourse => format!(
            "{}·{}",
            kind.label(),
            crate::domain::time::month_day_clock(at).replace(' ', "")
        ),
        _ => kind.label().to_string(),
    }
}

fn fill(pattern: &str, subject: &Subject) -> String {
    let mut out = pattern.to_string();
    let mut put = |name: &str, value: &str| {
        out = out.replace(&format!("{{{name}}}"), value);
    };
    match subject {
        Subject::Task {
            title,
            kind,
            deadline,
            starts_at,
            publisher,
            confidential,
            change,
            ..
        } => {
            put("title", title);
            put("marked_title", &marked_title(title, *confidential));
            put("kind", kind.label());
            put("kind_detail", &kind_detail(*kind, *starts_at));
            put(
                "deadline",
                &crate::domain::time::long_date_minute(*deadline),
            );
            put("publisher", publisher);
            put(
                "starts_at",
                &starts_at
                    .map(crate::domain::time::long_date_minute)
                    .unwrap_or_else(|| crate::domain::time::long_date_minute(*deadline)),
            );
            put("pending", "1");
            put("change", change.as_deref().unwrap_or_default());
        }
        Subject::Summary {
            pending,
            nearest_deadline,
        } => {
            put("pending", &pending.to_string());
            let title = format!("您有{pending}项待办任务");
            put("title", &title);
            put("marked_title", &title);
            put("kind", "待办任务");
            put("kind_detail", "待办任务");
            put(
                "deadline",
                &nearest_deadline
                    .map(crate::domain::time::long_date_minute)
                    .unwrap_or_default(),
            );
            put("starts_at", "");
            put("publisher", "辅导员任务");
            put("change", "");
        }
    }
    out
}

/// Why a job has no message to send yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// The template of this kind has no id in config.
    NoTemplate(&'static str),
}

pub fn build(
    job_id: i32,
    kind: JobKind,
    openid: &str,
    subject: &Subject,
    templates: &PushTemplates,
    mini: &MiniprogramSettings,
) -> Result<TemplateMessage, NotReady> {
    let settings = template(templates, kind);
    if settings.template_id.is_empty() {
        return Err(NotReady::NoTemplate(kind.as_str()));
    }
    let mut data = Map::new();
    for (key, pattern) in &settings.fields {
        data.insert(
            key.clone(),
            json!({ "value": fit(key, &fill(pattern, subject)) }),
        );
    }
    let task_id = match subject {
        Subject::Task { task_id, .. } => Some(*task_id),
        Subject::Summary { .. } => None,
    };
    // A withdrawn task has no page any more: its notice opens the task list.
    let pagepath = match task_id {
        Some(id) if kind != JobKind::Withdrawn => {
            mini.task_path.replace("{task_id}", &id.to_string())
        }
        _ => mini.tasks_path.clone(),
    };
    let url = Some(&settings.url).filter(|u| !u.is_empty()).map(|u| {
        u.replace(
            "{task_id}",
            &task_id.map(|i| i.to_string()).unwrap_or_default(),
        )
    });
    Ok(TemplateMessage {
        touser: openid.to_string(),
        template_id: settings.template_id.clone(),
        url,
        miniprogram: (!mini.app_id.is_empty()).then(|| TemplateMiniprogram {
            appid: mini.app_id.clone(),
            pagepath,
        }),
        client_msg_id: client_msg_id(job_id),
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    #[test]
    fn a_task_notice_fills_fits_and_links() {
        let mut settings = Settings::defaults().unwrap();
        settings.push.templates.task.template_id = "TPL".into();
        settings.push.templates.task.url = "https://fudao.example/tasks/{task_id}".into();
        settings.miniprogram.app_id = "wxmini".into();
        let subject = Subject::Task {
            task_id: 42,
            title: "关于做好2027届高校毕业生就业创业工作的通知".into(),
            kind: TaskKind::Policy,
            deadline: "2026-12-01T07:30:00Z".parse().unwrap(),
            starts_at: None,
            publisher: "中华人民共和国教育部".into(),
            confidential: false,
            change: None,
        };
        let message = build(
            7,
            JobKind::Task,
            "openid-1",
            &subject,
            &settings.push.templates,
            &settings.miniprogram,
        )
        .unwrap();
        assert_eq!(message.client_msg_id, "fudao-job-7");
        assert_eq!(
            message.url.as_deref(),
            Some("https://fudao.example/tasks/42")
        );
        let mini = message.miniprogram.unwrap();
        assert_eq!(mini.pagepath, "pages/task/detail?id=42");
        assert_eq!(message.data["time3"]["value"], "2026年12月01日 15:30");
        assert_eq!(message.data["thing2"]["value"], "就业创业政策");
        let title = message.data["thing1"]["value"].as_str().unwrap();
        assert_eq!(title.chars().count(), 20);
    }

    fn task_message(
        kind: TaskKind,
        starts_at: Option<&str>,
        confidential: bool,
    ) -> Map<String, serde_json::Value> {
        let mut settings = Settings::defaults().unwrap();
        settings.push.templates.task.template_id = "TPL".into();
        let subject = Subject::Task {
            task_id: 5,
            title: "简历门诊".into(),
            kind,
            deadline: "2026-12-05T14:00:00Z".parse().unwrap(),
            starts_at: starts_at.map(|at| at.parse().unwrap()),
            publisher: "江南大学".into(),
            confidential,
            change: None,
        };
        build(
            1,
            JobKind::Task,
            "o",
            &subject,
            &settings.push.templates,
            &settings.miniprogram,
        )
        .unwrap()
        .data
    }

    #[test]
    fn the_default_notice_marks_confidential_tasks_and_gives_a_live_course_its_start() {
        let live = task_message(TaskKind::LiveCourse, Some("2026-12-05T11:00:00Z"), false);
        assert_eq!(live["thing1"]["value"], "简历门诊");
        assert_eq!(live["thing2"]["value"], "就业创业直播课·12月05日19:00");
        let secret = task_message(TaskKind::Policy, None, true);
        assert_eq!(secret["thing1"]["value"], "【保密】简历门诊");
        assert_eq!(secret["thing2"]["value"], "就业创业政策");
        // A start time on another kind is not a live course's: the kind alone.
        let other = task_message(TaskKind::Policy, Some("2026-12-05T11:00:00Z"), false);
        assert_eq!(other["thing2"]["value"], "就业创业政策");
    }

    #[test]
    fn change_and_withdrawal_notices_say_what_happened_and_where_to_look() {
        let mut settings = Settings::defaults().unwrap();
        settings.push.templates.task_changed.template_id = "TPL_C".into();
        settings.push.templates.task_withdrawn.template_id = "TPL_W".into();
        settings.miniprogram.app_id = "wxmini".into();
        let subject = |change: &str| Subject::Task {
            task_id: 9,
            title: "毕业去向登记".into(),
            kind: TaskKind::Policy,
            deadline: "2026-12-05T14:00:00Z".parse().unwrap(),
            starts_at: None,
            publisher: "江南大学".into(),
            confidential: true,
            change: Some(change.into()),
        };
        let build_for = |kind, change: &str| {
            build(
                3,
                kind,
                "o",
                &subject(change),
                &settings.push.templates,
                &settings.miniprogram,
            )
            .unwrap()
        };
        let changed = build_for(JobKind::Changed, "截止时间已调整");
        assert_eq!(changed.template_id, "TPL_C");
        assert_eq!(changed.data["thing1"]["value"], "【保密】毕业去向登记");
        assert_eq!(changed.data["thing2"]["value"], "截止时间已调整");
        assert_eq!(changed.data["time3"]["value"], "2026年12月05日 22:00");
        assert_eq!(
            changed.miniprogram.unwrap().pagepath,
            "pages/task/detail?id=9"
        );
        let withdrawn = build_for(JobKind::Withdrawn, "任务已撤回，无需再办理");
        assert_eq!(withdrawn.template_id, "TPL_W");
        assert_eq!(withdrawn.data["thing2"]["value"], "任务已撤回，无需再办理");
        // The task has no page any more: the list opens.
        assert_eq!(withdrawn.miniprogram.unwrap().pagepath, "pages/tasks/index");
    }

    #[test]
    fn no_template_id_means_not_ready() {
        let settings = Settings::defaults().unwrap();
        let subject = Subject::Summary {
            pending: 3,
            nearest_deadline: None,
        };
        assert_eq!(
            build(
                1,
                JobKind::Summary,
                "o",
                &subject,
                &settings.push.templates,
                &settings.miniprogram
            ),
            Err(NotReady::NoTemplate("summary"))
        );
    }
}
