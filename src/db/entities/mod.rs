//! sea-orm entities, one per table; no behaviour here beyond how domain values are stored
//! (`columns`).

pub mod account_levels;
pub mod account_majors;
pub mod account_wechat;
pub mod accounts;
pub mod assignments;
pub mod audit_log;
pub mod bind_codes;
pub mod bind_failures;
pub mod columns;
pub mod credential_handovers;
pub mod destination_codes;
pub mod employment_imports;
pub mod employment_tallies;
pub mod follower_lookups;
pub mod followers;
pub mod graduates;
pub mod login_failures;
pub mod majors;
pub mod news;
pub mod org_units;
pub mod password_reset_codes;
pub mod push_days;
pub mod push_jobs;
pub mod server_keys;
pub mod sessions;
pub mod sms_outbox;
pub mod task_attachments;
pub mod tasks;
