//! The outbox claims every job table the same way (lease + claim token): credentials SMS get a
//! claim token, and the follower profile lookup after a subscribe becomes a durable job instead
//! of a task that died with the process. Queued and claimed messages keep their state: a
//! message claimed before this migration has no token and returns to the queue when its lease
//! runs out, as it did before.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SmsOutbox {
    Table,
    ClaimToken,
}

#[derive(DeriveIden)]
enum FollowerLookups {
    Table,
    Id,
    Openid,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    ClaimToken,
    LastError,
    CreatedAt,
    FinishedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SmsOutbox::Table)
                    .add_column(string_len_null(SmsOutbox::ClaimToken, 32))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FollowerLookups::Table)
                    .col(pk_auto(FollowerLookups::Id))
                    .col(string_len(FollowerLookups::Openid, 64))
                    .col(string_len(FollowerLookups::Status, 16))
                    .col(integer(FollowerLookups::Attempts))
                    .col(timestamp_with_time_zone_null(
                        FollowerLookups::NextAttemptAt,
                    ))
                    .col(timestamp_with_time_zone_null(FollowerLookups::LeaseUntil))
                    .col(string_len_null(FollowerLookups::ClaimToken, 32))
                    .col(string_len_null(FollowerLookups::LastError, 255))
                    .col(timestamp_with_time_zone(FollowerLookups::CreatedAt))
                    .col(timestamp_with_time_zone_null(FollowerLookups::FinishedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_follower_lookups_due")
                    .table(FollowerLookups::Table)
                    .col(FollowerLookups::Status)
                    .col(FollowerLookups::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(FollowerLookups::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SmsOutbox::Table)
                    .drop_column(SmsOutbox::ClaimToken)
                    .to_owned(),
            )
            .await
    }
}
