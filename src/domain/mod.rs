//! Pure types and rules of the product: no I/O, no HTTP, no database.

pub mod account_sheet;
pub mod attachment;
pub mod bind_code;
pub mod capabilities;
pub mod cohort;
pub mod education;
pub mod employment;
pub mod news;
pub mod org;
pub mod outbox;
pub mod page;
pub mod password;
pub mod phone;
pub mod push;
pub mod role;
pub mod scope;
pub mod sheet;
pub mod task;
pub mod time;
pub mod username;

/// A value from outside that does not parse: which field, and a message a user can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
