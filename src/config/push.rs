//! `[push]`: the template-message worker and what each template says.

use serde::Deserialize;

use super::{invalid, ConfigError};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushSettings {
    /// Run the push worker in this process (several processes may run it side by side).
    pub enabled: bool,
    /// Template sends in flight at once.
    pub concurrency: usize,
    /// Sends per second from this process (0 = no limit).
    pub per_second: u32,
    /// Template messages the official account may send per day (WeChat's default is 100 000).
    pub daily_quota: u32,
    /// Jobs claimed per round.
    pub batch_size: u32,
    /// Tries before a job is given up.
    pub max_attempts: u32,
    /// A job claimed by a process that then died returns to the queue after this.
    pub lease_secs: u32,
    /// Wait between polls when the queue is empty.
    pub poll_interval_ms: u64,
    /// First retry delay; doubles with each try, with jitter.
    pub retry_base_ms: u64,
    pub retry_max_secs: u64,
    pub templates: PushTemplates,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushTemplates {
    /// A new task.
    pub task: TemplateSettings,
    /// 催办.
    pub reminder: TemplateSettings,
    /// After binding: the tasks still pending.
    pub summary: TemplateSettings,
    /// A task the counselor was told of: content corrected or deadline moved ({change} says
    /// which).
    pub task_changed: TemplateSettings,
    /// A task the counselor was told of was withdrawn.
    pub task_withdrawn: TemplateSettings,
}

/// One template: its id in the official account, the web page for clients without mini
/// programs, and what goes in each field. Values may use {title}, {marked_title} (【保密】 before
/// a confidential task's title), {kind}, {kind_detail} (a live course's with its start),
/// {deadline}, {publisher}, {starts_at}, {pending} and {change} (what changed, in a change or
/// withdrawal notice).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSettings {
    pub template_id: String,
    /// Fallback URL; `{task_id}` is replaced. Empty = none.
    pub url: String,
    pub fields: std::collections::BTreeMap<String, String>,
}

impl PushSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.concurrency == 0 {
            return invalid("push.concurrency", "must be at least 1");
        }
        if self.batch_size == 0 {
            return invalid("push.batch_size", "must be at least 1");
        }
        if self.max_attempts == 0 {
            return invalid("push.max_attempts", "must be at least 1");
        }
        if self.lease_secs == 0 {
            return invalid("push.lease_secs", "must be at least 1");
        }
        for (name, template) in [
            ("task", &self.templates.task),
            ("reminder", &self.templates.reminder),
            ("summary", &self.templates.summary),
            ("task_changed", &self.templates.task_changed),
            ("task_withdrawn", &self.templates.task_withdrawn),
        ] {
            if let Err(reason) = template.check() {
                return invalid(&format!("push.templates.{name}.fields"), &reason);
            }
        }
        Ok(())
    }
}

/// Placeholders a template field may use.
pub const TEMPLATE_PLACEHOLDERS: [&str; 9] = [
    "title",
    "marked_title",
    "kind",
    "kind_detail",
    "deadline",
    "publisher",
    "starts_at",
    "pending",
    "change",
];

impl TemplateSettings {
    fn check(&self) -> Result<(), String> {
        if !self.template_id.is_empty() && self.fields.is_empty() {
            return Err("a template needs at least one field".into());
        }
        for (key, value) in &self.fields {
            let kind = key.trim_end_matches(|c: char| c.is_ascii_digit());
            if kind.is_empty() || kind.len() == key.len() {
                return Err(format!(
                    "field `{key}` must be a WeChat key such as thing1 or time2"
                ));
            }
            let mut rest = value.as_str();
            while let Some(start) = rest.find('{') {
                let Some(end) = rest[start..].find('}') else {
                    return Err(format!("field `{key}`: unclosed {{"));
                };
                let name = &rest[start + 1..start + end];
                if !TEMPLATE_PLACEHOLDERS.contains(&name) {
                    return Err(format!("field `{key}`: unknown placeholder {{{name}}}"));
                }
                rest = &rest[start + end + 1..];
            }
        }
        Ok(())
    }
}
