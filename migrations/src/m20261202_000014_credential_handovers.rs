//! One-time credential downloads: without an SMS contract, the initial passwords of a bulk
//! import are handed to the importing admin once, as a file encrypted with a key only the
//! admin's download token gives. The row says whose file it is and until when it can be fetched.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CredentialHandovers {
    Table,
    Id,
    TokenHash,
    OwnerAccountId,
    FileKey,
    Accounts,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CredentialHandovers::Table)
                    .col(pk_auto(CredentialHandovers::Id))
                    .col(string_len_uniq(CredentialHandovers::TokenHash, 64))
                    .col(integer(CredentialHandovers::OwnerAccountId))
                    .col(string_len(CredentialHandovers::FileKey, 128))
                    .col(integer(CredentialHandovers::Accounts))
                    .col(timestamp_with_time_zone(CredentialHandovers::CreatedAt))
                    .col(timestamp_with_time_zone(CredentialHandovers::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_credential_handovers_expires")
                    .table(CredentialHandovers::Table)
                    .col(CredentialHandovers::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CredentialHandovers::Table).to_owned())
            .await
    }
}
