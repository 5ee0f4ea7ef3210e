//! What admins publish besides tasks: employment news, task attachments.

mod attachments;
mod news;
