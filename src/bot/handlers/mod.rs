//! One module per command or event.

pub mod binding;
pub mod follow;
pub mod help;
pub mod silent;
