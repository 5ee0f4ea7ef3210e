//! Response shapes of tasks, assignments, progress and the share view.

use chrono::{DateTime, Utc};
use salvo::oapi::ToSchema;
use serde::Serialize;

use super::views::page_view;
use crate::domain::page::Page;
use crate::domain::phone::mask;
use crate::domain::task::{LiveWindow, SignIn, TaskKind, TaskStatus};
use crate::service::tasks::counselor::MyTask;
use crate::service::tasks::notices::NoticeStats;
use crate::service::tasks::progress::{CounselorRow, GroupRow, Progress, Totals};
use crate::service::tasks::share::SharedTask;
use crate::service::tasks::{Reach, TaskDetail};

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetView {
    /// Units chosen as targets; empty = everyone in the publisher's scope.
    pub unit_ids: Vec<i32>,
    /// Education levels; empty = every level.
    pub education_levels: Vec<String>,
    /// 届别 of the counselors reached; null = every class.
    pub cohort: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressSummaryView {
    pub assigned: i64,
    pub viewed: i64,
    pub completed: i64,
    pub done: i64,
    /// done / assigned, 0–100, one decimal.
    pub done_percent: f64,
}

impl ProgressSummaryView {
    pub fn new(totals: &Totals) -> Self {
        Self {
            assigned: totals.assigned,
            viewed: totals.viewed,
            completed: totals.completed,
            done: totals.done,
            done_percent: percent(totals.done, totals.assigned),
        }
    }
}

fn percent(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        return 0.0;
    }
    ((part as f64) * 1000.0 / (whole as f64)).round() / 10.0
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskView {
    pub id: i32,
    pub kind: TaskKind,
    pub kind_label: String,
    pub title: String,
    pub content: String,
    pub link: Option<String>,
    /// Read it yourself, do not forward to students.
    pub confidential: bool,
    pub deadline: DateTime<Utc>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub status: TaskStatus,
    pub publisher: String,
    pub org_unit_id: i32,
    pub target: TargetView,
    pub published_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub last_reminded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// In task lists: assigned / viewed / done so far.
    pub progress: Option<ProgressSummaryView>,
}

impl TaskView {
    pub fn new(detail: &TaskDetail, progress: Option<&Totals>) -> Self {
        let task = &detail.task;
        Self {
            id: task.id,
            kind: detail.kind(),
            kind_label: detail.kind().label().to_string(),
            title: task.title.clone(),
            content: task.content.clone(),
            link: task.link.clone(),
            confidential: task.confidential,
            deadline: task.deadline,
            starts_at: task.starts_at,
            ends_at: task.ends_at,
            status: detail.status(),
            publisher: detail.publisher.clone(),
            org_unit_id: task.org_unit_id,
            target: TargetView {
                unit_ids: detail.target.unit_ids.clone(),
                education_levels: detail
                    .target
                    .levels
                    .iter()
                    .map(|l| l.as_str().to_string())
                    .collect(),
                cohort: detail.target.cohort.map(|c| c.year()),
            },
            published_at: task.published_at,
            withdrawn_at: task.withdrawn_at,
            last_reminded_at: task.last_reminded_at,
            created_at: task.created_at,
            updated_at: task.updated_at,
            progress: progress.map(ProgressSummaryView::new).or_else(|| {
                (detail.status() == TaskStatus::Draft)
                    .then(|| ProgressSummaryView::new(&Totals::default()))
            }),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReachView {
    /// Counselors the target reaches.
    pub matched: u64,
    /// Of them, bound to the official account (they get a template message).
    pub bound: u64,
    pub not_bound: u64,
}

impl ReachView {
    pub fn new(reach: Reach) -> Self {
        Self {
            matched: reach.matched,
            bound: reach.bound,
            not_bound: reach.matched.saturating_sub(reach.bound),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignInView {
    /// not_open | open | closed
    pub state: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

impl SignInView {
    pub fn new(window: LiveWindow, lead: chrono::TimeDelta, now: DateTime<Utc>) -> Self {
        let state = match window.sign_in(lead, now) {
            SignIn::NotYet { .. } => "not_open",
            SignIn::Open => "open",
            SignIn::Closed => "closed",
        };
        Self {
            state: state.to_string(),
            opens_at: window.starts_at - lead,
            closes_at: window.ends_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyTaskView {
    pub id: i32,
    pub kind: TaskKind,
    pub kind_label: String,
    pub title: String,
    /// The whole text in the detail view; the first 80 characters in lists.
    pub content: String,
    pub link: Option<String>,
    pub confidential: bool,
    pub deadline: DateTime<Utc>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub publisher: String,
    pub published_at: Option<DateTime<Utc>>,
    pub viewed_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub signed_in_at: Option<DateTime<Utc>>,
    /// Completed (and signed in, for a live course).
    pub done: bool,
    pub done_at: Option<DateTime<Utc>>,
    /// Past the deadline and not done.
    pub overdue: bool,
    /// Live courses: where the sign-in window stands.
    pub sign_in: Option<SignInView>,
    /// Non-confidential tasks: the token of the students' share view.
    pub share_token: Option<String>,
    /// Why there is no share button, when there is none.
    pub share_note: Option<String>,
}

impl MyTaskView {
    pub fn new(
        task: &MyTask,
        full: bool,
        share_token: Option<String>,
        lead: chrono::TimeDelta,
    ) -> Self {
        let now = Utc::now();
        let content = if full {
            task.content.clone()
        } else {
            let mut short: String = task.content.chars().take(80).collect();
            if task.content.chars().count() > 80 {
                short.push('…');
            }
            short
        };
        let kind = task.kind();
        Self {
            id: task.task_id,
            kind,
            kind_label: kind.label().to_string(),
            title: task.title.clone(),
            content,
            link: task.link.clone(),
            confidential: task.confidential,
            deadline: task.deadline,
            starts_at: task.starts_at,
            ends_at: task.ends_at,
            publisher: task.publisher.clone(),
            published_at: task.published_at,
            viewed_at: task.viewed_at,
            completed_at: task.completed_at,
            signed_in_at: task.signed_in_at,
            done: task.done_at.is_some(),
            done_at: task.done_at,
            overdue: task.overdue(now),
            sign_in: task
                .live_window()
                .filter(|_| kind == TaskKind::LiveCourse)
                .map(|window| SignInView::new(window, lead, now)),
            share_token,
            share_note: task
                .confidential
                .then(|| "保密任务，仅供辅导员本人阅读，不能转发给学生".to_string()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SharedTaskView {
    pub kind_label: String,
    pub title: String,
    pub content: String,
    pub link: Option<String>,
    pub deadline: DateTime<Utc>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub publisher: String,
    /// Files students may download through this link.
    pub attachments: Vec<super::attachments::AttachmentView>,
}

impl SharedTaskView {
    pub fn new(shared: &SharedTask, attachments: Vec<super::attachments::AttachmentView>) -> Self {
        let task = &shared.task;
        Self {
            kind_label: task.kind.label().to_string(),
            title: task.title.clone(),
            content: task.content.clone(),
            link: task.link.clone(),
            deadline: task.deadline,
            starts_at: task.starts_at,
            ends_at: task.ends_at,
            publisher: shared.publisher.clone(),
            attachments,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupView {
    /// College id, or education level code.
    pub key: String,
    /// College name, or education level label.
    pub name: String,
    pub assigned: i64,
    pub viewed: i64,
    pub completed: i64,
    pub done: i64,
    pub pending: i64,
    pub done_percent: f64,
}

impl GroupView {
    fn new(row: &GroupRow, level: bool) -> Self {
        let name = if level {
            crate::domain::education::EducationLevel::parse(&row.name)
                .map(|l| l.label().to_string())
                .unwrap_or_else(|_| row.name.clone())
        } else {
            row.name.clone()
        };
        Self {
            key: row.key.clone(),
            name,
            assigned: row.assigned,
            viewed: row.viewed,
            completed: row.completed,
            done: row.done,
            pending: row.assigned - row.done,
            done_percent: percent(row.done, row.assigned),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeView {
    /// Waiting for their turn (quota, rate, retry).
    pub queued: u64,
    pub sending: u64,
    /// Accepted by WeChat.
    pub sent: u64,
    /// WeChat reported them delivered.
    pub delivered: u64,
    /// Refused, undeliverable or given up.
    pub failed: u64,
    /// Withdrawn task, unbound or done recipient.
    pub cancelled: u64,
    /// When the last queued one can be expected to go out, given the daily quota.
    pub expected_done_at: Option<DateTime<Utc>>,
    /// The same, in words, Beijing time.
    pub expected_note: Option<String>,
}

impl NoticeView {
    pub fn new(stats: &NoticeStats) -> Self {
        Self {
            queued: stats.queued,
            sending: stats.sending,
            sent: stats.sent,
            delivered: stats.delivered,
            failed: stats.failed,
            cancelled: stats.cancelled,
            expected_done_at: stats.expected_done_at,
            expected_note: stats.expected_done_at.map(|at| {
                format!(
                    "还有 {} 条通知排队，预计 {} 前发完",
                    stats.queued + stats.sending,
                    crate::domain::time::month_day_clock(at)
                )
            }),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressView {
    pub task_id: i32,
    pub title: String,
    pub status: TaskStatus,
    pub deadline: DateTime<Utc>,
    /// The caller's own unit published the task: it may edit, withdraw, remind or delete it.
    /// False for a task from above that the caller follows for their own counselors.
    pub managed: bool,
    pub assigned: i64,
    pub viewed: i64,
    pub completed: i64,
    /// Live courses: signed in.
    pub signed_in: i64,
    pub done: i64,
    pub pending: i64,
    /// Counselors without a bound official-account WeChat (no template message reaches them).
    pub not_bound: i64,
    pub done_percent: f64,
    pub by_college: Vec<GroupView>,
    pub by_education_level: Vec<GroupView>,
    /// Task notices.
    pub notices: NoticeView,
    /// Reminder (催办) notices.
    pub reminders: NoticeView,
    /// Notices of the task's corrections, later deadlines and withdrawal.
    pub updates: NoticeView,
    pub last_reminded_at: Option<DateTime<Utc>>,
}

impl ProgressView {
    pub fn new(progress: &Progress, managed: bool) -> Self {
        let t = &progress.totals;
        Self {
            task_id: progress.task.id,
            title: progress.task.title.clone(),
            status: progress.task.status,
            deadline: progress.task.deadline,
            managed,
            assigned: t.assigned,
            viewed: t.viewed,
            completed: t.completed,
            signed_in: t.signed_in,
            done: t.done,
            pending: t.pending(),
            not_bound: t.not_bound,
            done_percent: percent(t.done, t.assigned),
            by_college: progress
                .by_college
                .iter()
                .map(|r| GroupView::new(r, false))
                .collect(),
            by_education_level: progress
                .by_level
                .iter()
                .map(|r| GroupView::new(r, true))
                .collect(),
            notices: NoticeView::new(&progress.notices),
            reminders: NoticeView::new(&progress.reminders),
            updates: NoticeView::new(&progress.updates),
            last_reminded_at: progress.task.last_reminded_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CounselorProgressView {
    pub account_id: i32,
    pub name: String,
    /// Masked.
    pub phone: Option<String>,
    pub college: String,
    /// The counselor's levels when the task reached them.
    pub education_levels: Vec<String>,
    pub bound: bool,
    /// Null when not bound.
    pub following: Option<bool>,
    pub viewed_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub signed_in_at: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
}

impl CounselorProgressView {
    pub fn new(row: CounselorRow) -> Self {
        let bound = row.bound();
        let education_levels = row
            .education_levels()
            .into_iter()
            .map(|l| l.as_str().to_string())
            .collect();
        Self {
            account_id: row.account_id,
            name: row.name,
            phone: row.phone.as_deref().map(mask),
            education_levels,
            college: row.college,
            bound,
            following: if bound {
                Some(row.following.unwrap_or(false))
            } else {
                None
            },
            viewed_at: row.viewed_at,
            completed_at: row.completed_at,
            signed_in_at: row.signed_in_at,
            done_at: row.done_at,
        }
    }
}

page_view!(TaskPage, TaskView);
page_view!(MyTaskPage, MyTaskView);
page_view!(CounselorProgressPage, CounselorProgressView);
