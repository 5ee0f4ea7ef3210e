//! Accounts: create, list, read, edit, disable/enable, reset password — within scope.

pub mod bootstrap;
mod commands;
pub mod handover;
pub mod import;
mod provisioning;
mod query;
mod records;
pub mod turnover;

pub use crate::domain::username::parse_person_name;
pub use commands::{
    create, ensure_may_create, reset_password, set_disabled, update, AccountPatch, Created, Duties,
    NewAccount,
};
pub use handover::Handover;
pub use provisioning::{create_unchecked, insert_account, set_duties_unchecked, welcome, NewRow};
pub(crate) use query::find_manageable;
pub use query::{
    export, get, list, me, reveal_phone, AccountDetail, AccountFilter, CredentialsSms, WechatLink,
    EXPORT_LIMIT,
};
pub use records::AccountRecord;
