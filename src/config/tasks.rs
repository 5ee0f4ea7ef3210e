//! `[tasks]`: sign-in, reminders and attachments.

use serde::Deserialize;

use super::{invalid, ConfigError};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskSettings {
    /// Sign-in to a live course opens this long before its start (and closes at its end).
    pub sign_in_lead_minutes: u32,
    /// Reminders (催办) for one task are at least this far apart.
    pub remind_interval_minutes: u32,
    /// Remind everyone not done this many hours before the deadline (0 = no automatic reminder).
    pub auto_remind_hours_before: u32,
    /// A change notice waits this long, so corrections made in a row reach counselors as one.
    pub change_merge_minutes: u32,
    /// Largest attachment, in MiB, and how many one task may carry.
    pub attachment_limit_mib: u64,
    pub attachments_per_task: u32,
}

impl TaskSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.remind_interval_minutes == 0 {
            return invalid("tasks.remind_interval_minutes", "must be at least 1");
        }
        Ok(())
    }
}
