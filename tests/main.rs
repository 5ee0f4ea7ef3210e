//! One integration-test crate: every test spawns the real server on a random port with a fresh
//! database, and talks to it over HTTP. SQLite always; PostgreSQL and MySQL when
//! FUDAO_TEST_POSTGRES_URL / FUDAO_TEST_MYSQL_URL are set.

mod helpers;

mod api;
mod architecture;
mod binary;
mod content;
mod employment;
mod migrations;
mod sheets;
mod sms;
mod tasks;
mod wechat;
