//! Failed-login counters shared by all instances: per username and client address (the growing
//! wait) and per username over all addresses (the ceiling that locks until an admin unlocks).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Username,
    Address,
    Failures,
    WindowStartedAt,
    NextAttemptAt,
    LockedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginFailures::Table)
                    // Usernames as typed and normalized, existing or not: 3–64 characters.
                    .col(string_len(LoginFailures::Username, 64))
                    // A client address, or '' for the row that counts all addresses.
                    .col(string_len(LoginFailures::Address, 64))
                    .col(integer(LoginFailures::Failures))
                    .col(timestamp_with_time_zone(LoginFailures::WindowStartedAt))
                    .col(timestamp_with_time_zone_null(LoginFailures::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(LoginFailures::LockedAt))
                    .primary_key(
                        Index::create()
                            .col(LoginFailures::Username)
                            .col(LoginFailures::Address),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_login_failures_window")
                    .table(LoginFailures::Table)
                    .col(LoginFailures::WindowStartedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginFailures::Table).to_owned())
            .await
    }
}
