//! The push queue's vocabulary and arithmetic: job kinds and states, WeChat's
//! daily quota day (Beijing time) and when queued notices can be expected to go out.

use chrono::{DateTime, TimeDelta, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// A new task reached the counselor.
    Task,
    /// 催办: the task is not done yet.
    Reminder,
    /// Sent once after binding: the tasks still pending.
    Summary,
    /// The content of a task the counselor was told of was corrected, or its deadline moved.
    Changed,
    /// A task the counselor was told of was withdrawn.
    Withdrawn,
}

impl JobKind {
    pub const ALL: [JobKind; 5] = [
        Self::Task,
        Self::Reminder,
        Self::Summary,
        Self::Changed,
        Self::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Task => "task",
            Self::Reminder => "reminder",
            Self::Summary => "summary",
            Self::Changed => "task_changed",
            Self::Withdrawn => "task_withdrawn",
        }
    }
}

/// What a change notice tells: which parts of a published task changed. Stored on the job as
/// `content`, `deadline` or `content,deadline`; a second change within the merge window adds to
/// the queued notice instead of queueing another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TaskChanges {
    pub content: bool,
    pub deadline: bool,
}

impl TaskChanges {
    pub fn is_empty(self) -> bool {
        !self.content && !self.deadline
    }

    pub fn union(self, other: Self) -> Self {
        Self {
            content: self.content || other.content,
            deadline: self.deadline || other.deadline,
        }
    }

    pub fn as_stored(self) -> &'static str {
        match (self.content, self.deadline) {
            (true, true) => "content,deadline",
            (true, false) => "content",
            (false, true) => "deadline",
            (false, false) => "",
        }
    }

    /// An unknown stored value tells nothing rather than failing a notice.
    pub fn from_stored(text: &str) -> Self {
        Self {
            content: text.split(',').any(|part| part == "content"),
            deadline: text.split(',').any(|part| part == "deadline"),
        }
    }

    /// What the notice says, e.g. `内容已更新，截止时间已调整`.
    pub fn describe(self) -> &'static str {
        match (self.content, self.deadline) {
            (true, true) => "内容已更新，截止时间已调整",
            (true, false) => "任务内容已更新",
            (false, true) => "截止时间已调整",
            (false, false) => "任务已更新",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Queued,
    /// Claimed by a worker until its lease ends.
    Sending,
    /// WeChat accepted it (delivery is reported later by TEMPLATESENDJOBFINISH).
    Sent,
    Failed,
    /// Withdrawn task, unbound recipient, or nothing left to say.
    Cancelled,
}

impl JobStatus {
    pub const ALL: [JobStatus; 5] = [
        Self::Queued,
        Self::Sending,
        Self::Sent,
        Self::Failed,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }
}

/// The start of the next minute: where a per-minute limit lifts.
pub fn next_minute(at: DateTime<Utc>) -> DateTime<Utc> {
    let secs = at.timestamp();
    DateTime::from_timestamp(secs - secs.rem_euclid(60) + 60, 0).unwrap_or(at)
}

/// When `ahead` queued notices (this task's last one included) can be expected to have gone out,
/// given what is left of today's quota, the daily quota and the send rate.
pub fn expected_done(
    now: DateTime<Utc>,
    ahead: u64,
    left_today: u64,
    daily_quota: u64,
    per_second: u64,
) -> DateTime<Utc> {
    if ahead == 0 {
        return now;
    }
    let rate = per_second.max(1);
    let seconds = |n: u64| TimeDelta::milliseconds((n.saturating_mul(1000) / rate) as i64);
    if ahead <= left_today {
        return now + seconds(ahead);
    }
    let rest = ahead - left_today;
    let quota = daily_quota.max(1);
    let full_days = (rest - 1) / quota;
    let last_day = rest - full_days * quota;
    crate::domain::time::next_midnight(now) + TimeDelta::days(full_days as i64) + seconds(last_day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn task_changes_merge_and_read_back_what_they_stored() {
        let content = TaskChanges {
            content: true,
            deadline: false,
        };
        let deadline = TaskChanges {
            content: false,
            deadline: true,
        };
        let both = content.union(deadline);
        assert_eq!(both.as_stored(), "content,deadline");
        for changes in [content, deadline, both] {
            assert_eq!(TaskChanges::from_stored(changes.as_stored()), changes);
        }
        assert_eq!(both.describe(), "内容已更新，截止时间已调整");
        assert!(TaskChanges::from_stored("garbage").is_empty());
    }

    #[test]
    fn the_next_minute_is_where_a_minute_limit_lifts() {
        assert_eq!(
            next_minute(at("2026-11-29T10:00:59Z")),
            at("2026-11-29T10:01:00Z")
        );
    }

    #[test]
    fn expected_time_spills_into_the_next_days() {
        let now = at("2026-11-29T02:00:00Z");
        assert_eq!(
            expected_done(now, 2_000, 10_000, 100_000, 1_000),
            now + TimeDelta::seconds(2)
        );
        // 10 000 left today, 150 000 queued: 100 000 tomorrow, the last 40 000 the day after.
        let done = expected_done(now, 150_000, 10_000, 100_000, 1_000);
        assert_eq!(done, at("2026-11-30T16:00:00Z") + TimeDelta::seconds(40));
        assert_eq!(
            expected_done(now, 100_000, 0, 100_000, 1_000),
            at("2026-11-29T16:00:00Z") + TimeDelta::seconds(100)
        );
    }
}
