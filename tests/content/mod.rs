//! What admins publish besides tasks: employment news, task attachments.

mod news;
