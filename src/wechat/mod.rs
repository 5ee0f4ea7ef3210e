//! WeChat wire formats and API client. Knows nothing of tasks or accounts.

pub mod client;
pub mod error;
pub mod menu;
pub mod mock;
pub mod simulate;
