//! Bind-code guessing is counted in the database, so every instance shares the counts: one row
//! per wrong code sent in chat (pruned after an hour), and on each pending code the number of
//! wrong codes sent while it was pending.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BindFailures {
    Table,
    Id,
    Openid,
    FailedAt,
}

#[derive(DeriveIden)]
enum BindCodes {
    Table,
    FailedAttempts,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BindFailures::Table)
                    .col(pk_auto(BindFailures::Id))
                    .col(string_len(BindFailures::Openid, 64))
                    .col(timestamp_with_time_zone(BindFailures::FailedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_bind_failures_failed_at")
                    .table(BindFailures::Table)
                    .col(BindFailures::FailedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_bind_failures_openid")
                    .table(BindFailures::Table)
                    .col(BindFailures::Openid)
                    .col(BindFailures::FailedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(BindCodes::Table)
                    .add_column(integer(BindCodes::FailedAttempts).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(BindCodes::Table)
                    .drop_column(BindCodes::FailedAttempts)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(BindFailures::Table).to_owned())
            .await
    }
}
