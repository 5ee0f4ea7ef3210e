//! Brings databases migrated by the first versions of migrations 6 and 7 to the schema those
//! files define today. Both were changed after release, and a database records a migration by
//! name only, so one created before the changes never got them:
//!
//! - 6: the import report is MEDIUMTEXT on MySQL (TEXT holds 64 KiB, a report with a thousand
//!   row errors needs more);
//! - 7: the index that finds the cohorts a university has figures for, and the index of the
//!   credentials outbox by phone.
//!
//! Every step looks at the schema first, so on a database created by the current files this
//! changes nothing. The one data step 7 gained (expiring the outbox backlog of that time) is not
//! repeated: what is pending now was queued by a sender that works, and expiring it would drop
//! credentials people are waiting for.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EmploymentImports {
    Table,
    Report,
}

#[derive(DeriveIden)]
enum EmploymentTallies {
    Table,
    UniversityId,
    Dim,
    Cohort,
}

#[derive(DeriveIden)]
enum SmsOutbox {
    Table,
    Phone,
}

const TALLIES_INDEX: &str = "ix_employment_tallies_university";
const PHONE_INDEX: &str = "ix_sms_outbox_phone";

/// The MySQL type of the import report column (`text`, `mediumtext`, ...).
async fn mysql_report_type(manager: &SchemaManager<'_>) -> Result<Option<String>, DbErr> {
    let row = manager
        .get_connection()
        .query_one(Statement::from_string(
            DbBackend::MySql,
            "SELECT DATA_TYPE AS data_type FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name = 'employment_imports' \
             AND column_name = 'report'",
        ))
        .await?;
    row.map(|row| row.try_get::<String>("", "data_type"))
        .transpose()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::MySql {
            let data_type = mysql_report_type(manager).await?;
            if data_type.is_some_and(|t| t.eq_ignore_ascii_case("text")) {
                manager
                    .alter_table(
                        Table::alter()
                            .table(EmploymentImports::Table)
                            .modify_column(
                                ColumnDef::new(EmploymentImports::Report)
                                    .custom(Alias::new("MEDIUMTEXT"))
                                    .null(),
                            )
                            .to_owned(),
                    )
                    .await?;
            }
        }
        if !manager
            .has_index("employment_tallies", TALLIES_INDEX)
            .await?
        {
            manager
                .create_index(
                    Index::create()
                        .name(TALLIES_INDEX)
                        .table(EmploymentTallies::Table)
                        .col(EmploymentTallies::UniversityId)
                        .col(EmploymentTallies::Dim)
                        .col(EmploymentTallies::Cohort)
                        .to_owned(),
                )
                .await?;
        }
        if !manager.has_index("sms_outbox", PHONE_INDEX).await? {
            manager
                .create_index(
                    Index::create()
                        .name(PHONE_INDEX)
                        .table(SmsOutbox::Table)
                        .col(SmsOutbox::Phone)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    /// Nothing to undo: what `up` adds is what migrations 6 and 7 define, and their own
    /// `down` removes it.
    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
