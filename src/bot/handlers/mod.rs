//! One module per command or event.

pub mod binding;
pub mod delivery;
pub mod follow;
pub mod help;
pub mod news;
pub mod password;
pub mod progress;
pub mod silent;
pub mod tasks;
