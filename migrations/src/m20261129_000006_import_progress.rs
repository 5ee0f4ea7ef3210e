//! Import runs that report progress: a large employment file can be processed in the
//! background while the admin's page polls the run's status, from any instance.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EmploymentImports {
    Table,
    Status,
    DryRun,
    Processed,
    Total,
    Report,
    HeartbeatAt,
    FinishedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // MySQL's TEXT holds 64 KiB; a report with a thousand row errors needs more.
        let report =
            if manager.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::MySql {
                ColumnDef::new(EmploymentImports::Report)
                    .custom(Alias::new("MEDIUMTEXT"))
                    .null()
                    .to_owned()
            } else {
                text_null(EmploymentImports::Report).to_owned()
            };
        // SQLite takes one column per ALTER TABLE.
        let columns = [
            string_len(EmploymentImports::Status, 16)
                .default("done")
                .to_owned(),
            boolean(EmploymentImports::DryRun).default(false).to_owned(),
            integer(EmploymentImports::Processed).default(0).to_owned(),
            integer(EmploymentImports::Total).default(0).to_owned(),
            report.clone(),
            timestamp_with_time_zone_null(EmploymentImports::HeartbeatAt).to_owned(),
            timestamp_with_time_zone_null(EmploymentImports::FinishedAt).to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(EmploymentImports::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            EmploymentImports::Status,
            EmploymentImports::DryRun,
            EmploymentImports::Processed,
            EmploymentImports::Total,
            EmploymentImports::Report,
            EmploymentImports::HeartbeatAt,
            EmploymentImports::FinishedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(EmploymentImports::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
