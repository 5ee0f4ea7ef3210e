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
        // Retry-After is computed from this time: MySQL's TIMESTAMP keeps whole seconds unless
        // told otherwise, and its rounding would make the same wait read 2 s or 3 s.
        let next_attempt_at = if manager.get_database_backend() == sea_orm::DatabaseBackend::MySql {
            ColumnDef::new(LoginFailures::NextAttemptAt)
                .custom(Alias::new("TIMESTAMP(6)"))
                .null()
                .to_owned()
        } else {
            timestamp_with_time_zone_null(LoginFailures::NextAttemptAt)
        };
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
                    .col(next_attempt_at)
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
            .await?;
        // `accounts.locked_until` now marks a lock only an admin lifts; the timed lockouts it
        // held before end within minutes anyway, so none is carried over as permanent.
        manager
            .get_connection()
            .execute_unprepared("UPDATE accounts SET locked_until = NULL, failed_logins = 0")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginFailures::Table).to_owned())
            .await
    }
}
