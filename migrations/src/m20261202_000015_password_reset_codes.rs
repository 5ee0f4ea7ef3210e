//! Forgotten passwords: a counselor or admin with a bound WeChat asks the official account for a
//! code (`重置密码`) and sets a new password with it on the mini program's login page. One code
//! per account at a time, kept as a hash, with its expiry and the tries it has left.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PasswordResetCodes {
    Table,
    Id,
    AccountId,
    CodeHash,
    TriesLeft,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PasswordResetCodes::Table)
                    .col(pk_auto(PasswordResetCodes::Id))
                    .col(integer_uniq(PasswordResetCodes::AccountId))
                    .col(string_len(PasswordResetCodes::CodeHash, 64))
                    .col(integer(PasswordResetCodes::TriesLeft))
                    .col(timestamp_with_time_zone(PasswordResetCodes::CreatedAt))
                    .col(timestamp_with_time_zone(PasswordResetCodes::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PasswordResetCodes::Table).to_owned())
            .await
    }
}
