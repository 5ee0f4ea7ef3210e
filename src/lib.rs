//! Fudao: the backend of the graduating-class counselor employment-work platform.
//!
//! Dependencies point one way: `domain` ← `outbox` ← `service` ← {`bot`, `http`}; `push` and
//! `sms` consume the outbox with their clients; `app` wires them together.

pub mod app;
pub mod bot;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod infra;
pub mod outbox;
pub mod push;
pub mod service;
pub mod sms;
pub mod storage;
pub mod telemetry;
pub mod wechat;
