//! Tasks by admins: drafts, the counselors a target reaches, publishing, limited edits
//! afterwards, withdrawal, reminders; and what counselors do with them.

pub mod attachments;
pub mod counselor;
mod lifecycle;
pub mod notices;
pub mod progress;
mod query;
mod reminders;
pub mod share;
mod targeting;

pub use lifecycle::{
    create, delete_draft, publish, update, withdraw, Published, TaskChange, Withdrawal,
};
pub use query::{get, list, managed_task, status_for_edit, visible_task, TaskDetail, TaskFilter};
pub use reminders::{auto_remind, remind, AutoRemindWindow};
pub use targeting::{preview, Reach};

use crate::domain::scope::Actor;
use crate::error::{AppError, AppResult};

pub(super) fn require_dispatcher(actor: &Actor) -> AppResult<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
