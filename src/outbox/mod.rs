//! Every durable job of Fudao, and the one way to run them.
//!
//! Layering: `domain ← outbox ← service ← {bot, http}`; the consumers (`push`, `sms`, the
//! follower lookups) use `outbox` and their client, never `service`.
//!
//! - `push`: template notices, reminders and post-binding summaries (`push_jobs`), with the
//!   daily quota ledger; `push::enqueue_for_task` is set-based.
//! - `sms`: credentials SMS (`sms_outbox`).
//! - `lookups`: the follower profile (UnionID) lookup after a subscribe (`follower_lookups`).
//! - `claim`: the one claim algorithm (lease + claim token; `FOR UPDATE SKIP LOCKED` on
//!   PostgreSQL and MySQL, one guarded `UPDATE` on SQLite) and the reclaim of expired leases.
//! - `backoff`: the one retry delay with jitter. `clock`: the time workers see.
//! - `worker`: the `run_until_stopped` / `run_once` skeleton, supervision and heartbeats.

pub mod backoff;
pub mod claim;
pub mod clock;
pub mod lookups;
pub mod push;
pub mod retry;
pub mod sms;
pub mod worker;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

pub use clock::{Clock, ManualClock, SystemClock};

/// What a consumer needs of the outbox: the database holding the jobs and the clock that says
/// when they are due.
#[derive(Clone)]
pub struct Outbox {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
}

impl Outbox {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}

/// Error texts stored with a job are bounded (the columns are `VARCHAR(255)`).
pub(crate) fn bounded(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
