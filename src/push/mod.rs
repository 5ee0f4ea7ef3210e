//! The push worker: takes due jobs from the durable queue (`outbox::push`), turns each into a
//! template message (`message`), sends it through the WeChat client under a rate limit
//! (`limiter`) and the daily quota, and records what happened (`worker`). Every instance may run
//! one; the database keeps them from sending a job twice.

pub mod limiter;
pub mod message;
pub mod worker;

pub use worker::{PushWorker, RoundReport};
