//! Tasks: their kinds, states, the parsed fields of a draft, who may target what, and the
//! live-course sign-in window.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::cohort::Cohort;
use super::education::EducationLevel;
use super::org::OrgKind;
use super::role::Role;
use super::Invalid;

pub const TITLE_MAX_CHARS: usize = 100;
pub const CONTENT_MAX_CHARS: usize = 10_000;
pub const LINK_MAX_CHARS: usize = 512;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    Policy,
    JobFair,
    LiveCourse,
    JobPosting,
    Other,
}

impl TaskKind {
    pub const ALL: [TaskKind; 5] = [
        TaskKind::Policy,
        TaskKind::JobFair,
        TaskKind::LiveCourse,
        TaskKind::JobPosting,
        TaskKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Policy => "policy",
            Self::JobFair => "job_fair",
            Self::LiveCourse => "live_course",
            Self::JobPosting => "job_posting",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Policy => "就业创业政策",
            Self::JobFair => "招聘会",
            Self::LiveCourse => "就业创业直播课",
            Self::JobPosting => "招聘信息",
            Self::Other => "其他",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let value = value.trim();
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value || kind.label() == value)
            .ok_or_else(|| {
                Invalid::new(
                    "kind",
                    "任务类型无效，应为 policy、job_fair、live_course、job_posting 或 other",
                )
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Draft,
    Published,
    Withdrawn,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 3] = [Self::Draft, Self::Published, Self::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == value.trim())
            .ok_or_else(|| Invalid::new("status", "状态应为 draft、published 或 withdrawn"))
    }
}

pub fn parse_title(value: &str) -> Result<String, Invalid> {
    let value = value.trim();
    let chars = value.chars().count();
    if chars == 0 || chars > TITLE_MAX_CHARS {
        return Err(Invalid::new(
            "title",
            format!("标题须为 1–{TITLE_MAX_CHARS} 个字"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Invalid::new("title", "标题不能包含换行或控制字符"));
    }
    Ok(value.to_string())
}

/// Plain text with paragraphs: line endings become `\n`, runs of blank lines collapse to one,
/// trailing spaces go.
pub fn parse_content(value: &str) -> Result<String, Invalid> {
    let normalised = value.replace("\r\n", "\n").replace('\r', "\n");
    let mut paragraphs: Vec<String> = Vec::new();
    let mut blank = false;
    for line in normalised.lines() {
        let line = line.trim_end();
        if line.chars().any(|c| c.is_control() && c != '\t') {
            return Err(Invalid::new("content", "正文包含不可见的控制字符"));
        }
        if line.trim().is_empty() {
            blank = !paragraphs.is_empty();
            continue;
        }
        if blank {
            paragraphs.push(String::new());
            blank = false;
        }
        paragraphs.push(line.to_string());
    }
    let content = paragraphs.join("\n");
    let chars = content.chars().count();
    if chars == 0 {
        return Err(Invalid::new("content", "请填写任务正文"));
    }
    if chars > CONTENT_MAX_CHARS {
        return Err(Invalid::new(
            "content",
            format!("正文不能超过 {CONTENT_MAX_CHARS} 个字（当前 {chars} 字）"),
        ));
    }
    Ok(content)
}

pub fn parse_link(value: &str) -> Result<Option<String>, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let valid = (value.starts_with("https://") || value.starts_with("http://"))
        && value.chars().count() <= LINK_MAX_CHARS
        && value.len() > "https://".len()
        && !value.chars().any(|c| c.is_whitespace() || c.is_control());
    if !valid {
        return Err(Invalid::new(
            "link",
            format!("链接须以 http:// 或 https:// 开头，不超过 {LINK_MAX_CHARS} 个字符"),
        ));
    }
    Ok(Some(value.to_string()))
}

/// Start and end of a live course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveWindow {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl LiveWindow {
    pub fn parse(
        starts_at: Option<DateTime<Utc>>,
        ends_at: Option<DateTime<Utc>>,
    ) -> Result<Self, Invalid> {
        let (Some(starts_at), Some(ends_at)) = (starts_at, ends_at) else {
            return Err(Invalid::new("starts_at", "直播课须填写开始和结束时间"));
        };
        if ends_at <= starts_at {
            return Err(Invalid::new("ends_at", "直播课结束时间须晚于开始时间"));
        }
        Ok(Self { starts_at, ends_at })
    }

    /// Where `now` stands against the sign-in window: from `lead` before the start to the end.
    pub fn sign_in(&self, lead: TimeDelta, now: DateTime<Utc>) -> SignIn {
        let opens_at = self.starts_at - lead;
        if now < opens_at {
            SignIn::NotYet { opens_at }
        } else if now > self.ends_at {
            SignIn::Closed
        } else {
            SignIn::Open
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignIn {
    NotYet { opens_at: DateTime<Utc> },
    Open,
    Closed,
}

/// Every field of a task, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFields {
    pub kind: TaskKind,
    pub title: String,
    pub content: String,
    pub link: Option<String>,
    pub confidential: bool,
    pub deadline: DateTime<Utc>,
    pub live: Option<LiveWindow>,
}

/// Raw input of a task form.
#[derive(Debug, Clone, Default)]
pub struct RawTask<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub content: &'a str,
    pub link: Option<&'a str>,
    pub confidential: bool,
    pub deadline: Option<DateTime<Utc>>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
}

impl TaskFields {
    pub fn parse(raw: RawTask<'_>, now: DateTime<Utc>) -> Result<Self, Invalid> {
        let kind = TaskKind::parse(raw.kind)?;
        let title = parse_title(raw.title)?;
        let content = parse_content(raw.content)?;
        let link = parse_link(raw.link.unwrap_or_default())?;
        let live = if kind == TaskKind::LiveCourse {
            Some(LiveWindow::parse(raw.starts_at, raw.ends_at)?)
        } else {
            if raw.starts_at.is_some() || raw.ends_at.is_some() {
                return Err(Invalid::new(
                    "starts_at",
                    "只有直播课需要填写开始和结束时间",
                ));
            }
            None
        };
        let deadline = match (raw.deadline, live) {
            (Some(deadline), _) => deadline,
            // A live course is due when it ends unless the form says otherwise.
            (None, Some(window)) => window.ends_at,
            (None, None) => return Err(Invalid::new("deadline", "请填写截止时间")),
        };
        if deadline <= now {
            return Err(Invalid::new("deadline", "截止时间须晚于现在"));
        }
        if let Some(window) = live {
            if deadline < window.ends_at {
                return Err(Invalid::new(
                    "deadline",
                    "直播课的截止时间不能早于直播结束时间",
                ));
            }
        }
        Ok(Self {
            kind,
            title,
            content,
            link,
            confidential: raw.confidential,
            deadline,
            live,
        })
    }
}

/// What may change once a task is published: nothing that could mislead those who read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishedEdit {
    pub content: Option<String>,
    pub deadline: Option<DateTime<Utc>>,
}

impl PublishedEdit {
    pub fn parse(
        content: Option<&str>,
        deadline: Option<DateTime<Utc>>,
        current_deadline: DateTime<Utc>,
    ) -> Result<Self, Invalid> {
        let content = content.map(parse_content).transpose()?;
        if let Some(deadline) = deadline {
            if deadline < current_deadline {
                return Err(Invalid::new(
                    "deadline",
                    "任务发布后截止时间只能延后，不能提前",
                ));
            }
        }
        Ok(Self { content, deadline })
    }

    pub fn is_empty(&self) -> bool {
        self.content.is_none() && self.deadline.is_none()
    }
}

/// Unit kinds an admin of `role` may pick as targets; an empty choice means everyone in scope.
pub fn target_kinds(role: Role) -> &'static [OrgKind] {
    match role {
        Role::MinistryAdmin => &[OrgKind::Province, OrgKind::University],
        Role::ProvinceAdmin => &[OrgKind::University],
        Role::SchoolAdmin => &[OrgKind::College],
        Role::CollegeAdmin | Role::Counselor => &[],
    }
}

/// The parsed target of a task: units (each within the publisher's scope, checked by the
/// service against the database), education levels (empty = every level) and the class (届) of
/// counselors it reaches (`None` = every class).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    pub unit_ids: Vec<i32>,
    pub levels: Vec<EducationLevel>,
    pub cohort: Option<Cohort>,
}

/// Which classes a request asks a task to reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CohortChoice {
    /// The class under way when the target is saved: what a task usually means.
    Current,
    One(i32),
    Every,
}

impl CohortChoice {
    /// A request's `cohort` and `all_cohorts` fields; both at once contradict each other.
    pub fn of(cohort: Option<i32>, all_cohorts: bool) -> Result<Self, Invalid> {
        match (cohort, all_cohorts) {
            (Some(_), true) => Err(Invalid::new(
                "cohort",
                "不能同时指定届别和“全部届别”，请二选一",
            )),
            (Some(year), false) => Ok(Self::One(year)),
            (None, true) => Ok(Self::Every),
            (None, false) => Ok(Self::Current),
        }
    }
}

impl Target {
    pub fn parse(
        unit_ids: &[i32],
        levels: &[String],
        cohort: CohortChoice,
        now: DateTime<Utc>,
    ) -> Result<Self, Invalid> {
        let mut unit_ids = unit_ids.to_vec();
        unit_ids.sort_unstable();
        unit_ids.dedup();
        if unit_ids.len() > 1_000 {
            return Err(Invalid::new("unit_ids", "一次最多选择 1000 个单位"));
        }
        let mut parsed = levels
            .iter()
            .map(|level| EducationLevel::parse(level))
            .collect::<Result<Vec<_>, _>>()?;
        parsed.sort();
        parsed.dedup();
        let cohort = match cohort {
            CohortChoice::Current => Some(Cohort::current(now)),
            CohortChoice::One(year) => Some(Cohort::from_year(year).ok_or_else(|| {
                Invalid::new("cohort", format!("届别 {year} 无效，应为四位年份，如 2027"))
            })?),
            CohortChoice::Every => None,
        };
        Ok(Self {
            unit_ids,
            levels: parsed,
            cohort,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn raw<'a>(kind: &'a str) -> RawTask<'a> {
        RawTask {
            kind,
            title: "春季招聘会",
            content: "请转发给毕业生。",
            deadline: Some(at("2027-01-01T00:00:00Z")),
            ..Default::default()
        }
    }

    #[test]
    fn content_keeps_paragraphs_and_drops_noise() {
        assert_eq!(
            parse_content("第一段  \r\n\r\n\r\n第二段\n第三段\n\n").unwrap(),
            "第一段\n\n第二段\n第三段"
        );
        assert!(parse_content(" \n \n").is_err());
        assert!(parse_content(&"字".repeat(CONTENT_MAX_CHARS + 1)).is_err());
        assert!(parse_content("a\u{0}b").is_err());
    }

    #[test]
    fn a_live_course_needs_its_window() {
        let now = at("2026-12-01T00:00:00Z");
        assert_eq!(
            TaskFields::parse(raw("live_course"), now)
                .unwrap_err()
                .field,
            "starts_at"
        );
        let mut live = raw("live_course");
        live.starts_at = Some(at("2026-12-10T10:00:00Z"));
        live.ends_at = Some(at("2026-12-10T09:00:00Z"));
        assert_eq!(
            TaskFields::parse(live.clone(), now).unwrap_err().field,
            "ends_at"
        );
        live.ends_at = Some(at("2026-12-10T11:00:00Z"));
        live.deadline = None;
        let parsed = TaskFields::parse(live, now).unwrap();
        assert_eq!(parsed.deadline, at("2026-12-10T11:00:00Z"));
        let mut policy = raw("policy");
        policy.starts_at = Some(now);
        assert!(TaskFields::parse(policy, now).is_err());
    }

    #[test]
    fn deadlines_lie_ahead_and_only_move_later_after_publishing() {
        let now = at("2027-06-01T00:00:00Z");
        assert_eq!(
            TaskFields::parse(raw("policy"), now).unwrap_err().field,
            "deadline"
        );
        let current = at("2027-01-01T00:00:00Z");
        assert!(PublishedEdit::parse(None, Some(at("2026-12-31T00:00:00Z")), current).is_err());
        assert!(PublishedEdit::parse(None, Some(at("2027-01-02T00:00:00Z")), current).is_ok());
    }

    #[test]
    fn links_and_titles_are_checked() {
        assert_eq!(parse_link(" ").unwrap(), None);
        assert!(parse_link("javascript:alert(1)").is_err());
        assert!(parse_link("https://a.example/x y").is_err());
        assert!(parse_title("两行\n标题").is_err());
        assert!(parse_title(&"长".repeat(TITLE_MAX_CHARS + 1)).is_err());
    }

    #[test]
    fn sign_in_opens_before_the_start_and_closes_at_the_end() {
        let window = LiveWindow {
            starts_at: at("2026-12-10T10:00:00Z"),
            ends_at: at("2026-12-10T11:00:00Z"),
        };
        let lead = TimeDelta::minutes(30);
        assert!(matches!(
            window.sign_in(lead, at("2026-12-10T09:29:00Z")),
            SignIn::NotYet { .. }
        ));
        assert_eq!(
            window.sign_in(lead, at("2026-12-10T09:30:00Z")),
            SignIn::Open
        );
        assert_eq!(
            window.sign_in(lead, at("2026-12-10T11:00:00Z")),
            SignIn::Open
        );
        assert_eq!(
            window.sign_in(lead, at("2026-12-10T11:00:01Z")),
            SignIn::Closed
        );
    }

    #[test]
    fn admins_target_the_level_below_them() {
        assert_eq!(
            target_kinds(Role::MinistryAdmin),
            &[OrgKind::Province, OrgKind::University]
        );
        assert!(target_kinds(Role::CollegeAdmin).is_empty());
        let now = at("2026-12-02T00:00:00Z");
        let levels = ["本科".to_string(), "bachelor".to_string()];
        let target = Target::parse(&[3, 3, 1], &levels, CohortChoice::Current, now).unwrap();
        assert_eq!(target.unit_ids, vec![1, 3]);
        assert_eq!(target.levels, vec![EducationLevel::Bachelor]);
        assert_eq!(target.cohort.map(Cohort::year), Some(2027));
    }

    #[test]
    fn a_task_reaches_the_class_under_way_unless_told_otherwise() {
        let now = at("2026-12-02T00:00:00Z");
        let with = |choice| Target::parse(&[], &[], choice, now).map(|t| t.cohort);
        assert_eq!(
            with(CohortChoice::One(2028)).unwrap().map(Cohort::year),
            Some(2028)
        );
        assert_eq!(with(CohortChoice::Every).unwrap(), None);
        assert!(with(CohortChoice::One(27)).is_err());
        assert_eq!(
            CohortChoice::of(None, false).unwrap(),
            CohortChoice::Current
        );
        assert!(CohortChoice::of(Some(2027), true).is_err());
    }
}
