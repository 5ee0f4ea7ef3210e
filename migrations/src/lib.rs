//! Schema of Fudao, one migration per change, applied in order on SQLite, PostgreSQL and MySQL.
//!
//! Only schema helpers that all three backends accept are used (`pk_auto`, `string_len`,
//! `timestamp_with_time_zone`, ...): MySQL cannot index unbounded TEXT, so every indexed string
//! column carries a length.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_org_and_accounts;
mod m20261129_000002_outbox_and_audit;
mod m20261129_000003_wechat_identities;
mod m20261129_000004_tasks_and_push;
mod m20261129_000005_employment_data;
mod m20261129_000006_import_progress;
mod m20261129_000007_sms_news_attachments;
mod m20261201_000008_callback_guards;
mod m20261201_000009_login_throttle;
mod m20261201_000010_account_phones;
mod m20261202_000011_outbox;
mod m20261202_000013_catch_up_6_7;
mod m20261202_000014_credential_handovers;
mod m20261202_000015_password_reset_codes;
mod m20261202_000016_task_change_notices;
mod m20261202_000017_account_cohorts;
mod m20261202_000018_task_target_cohort;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_org_and_accounts::Migration),
            Box::new(m20261129_000002_outbox_and_audit::Migration),
            Box::new(m20261129_000003_wechat_identities::Migration),
            Box::new(m20261129_000004_tasks_and_push::Migration),
            Box::new(m20261129_000005_employment_data::Migration),
            Box::new(m20261129_000006_import_progress::Migration),
            Box::new(m20261129_000007_sms_news_attachments::Migration),
            Box::new(m20261201_000008_callback_guards::Migration),
            Box::new(m20261201_000009_login_throttle::Migration),
            Box::new(m20261201_000010_account_phones::Migration),
            Box::new(m20261202_000011_outbox::Migration),
            Box::new(m20261202_000013_catch_up_6_7::Migration),
            Box::new(m20261202_000014_credential_handovers::Migration),
            Box::new(m20261202_000015_password_reset_codes::Migration),
            Box::new(m20261202_000016_task_change_notices::Migration),
            Box::new(m20261202_000017_account_cohorts::Migration),
            Box::new(m20261202_000018_task_target_cohort::Migration),
        ]
    }
}
