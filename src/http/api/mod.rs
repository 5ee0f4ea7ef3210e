//! JSON API endpoints under /api/v1, with their request and response types.

pub mod account_export;
pub mod account_import;
pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod capabilities;
pub mod credentials_file;
pub mod employment;
pub mod employment_stats;
pub mod health;
pub mod my_tasks;
pub mod news;
pub mod org;
pub mod schema;
pub mod task_export;
pub mod task_views;
pub mod tasks;
pub mod views;
pub mod wechat;
