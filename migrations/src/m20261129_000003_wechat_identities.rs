//! Followers of the official account, the WeChat identities bound to accounts, and bind codes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Followers {
    Table,
    Id,
    Openid,
    Following,
    Unionid,
    SubscribedAt,
    UnsubscribedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AccountWechat {
    Table,
    AccountId,
    OaOpenid,
    MpOpenid,
    Unionid,
    BoundAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BindCodes {
    Table,
    Code,
    AccountId,
    ExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Followers::Table)
                    .col(pk_auto(Followers::Id))
                    .col(string_len_uniq(Followers::Openid, 64))
                    .col(boolean(Followers::Following))
                    .col(string_len_null(Followers::Unionid, 64))
                    .col(timestamp_with_time_zone_null(Followers::SubscribedAt))
                    .col(timestamp_with_time_zone_null(Followers::UnsubscribedAt))
                    .col(timestamp_with_time_zone(Followers::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_followers_unionid")
                    .table(Followers::Table)
                    .col(Followers::Unionid)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AccountWechat::Table)
                    .col(integer(AccountWechat::AccountId).primary_key())
                    // An OpenID binds at most one account: unique (NULLs do not collide).
                    .col(string_len_null(AccountWechat::OaOpenid, 64))
                    .col(string_len_null(AccountWechat::MpOpenid, 64))
                    .col(string_len_null(AccountWechat::Unionid, 64))
                    .col(timestamp_with_time_zone_null(AccountWechat::BoundAt))
                    .col(timestamp_with_time_zone(AccountWechat::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccountWechat::Table, AccountWechat::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col, unique) in [
            ("ux_account_wechat_oa_openid", AccountWechat::OaOpenid, true),
            ("ux_account_wechat_mp_openid", AccountWechat::MpOpenid, true),
            ("ix_account_wechat_unionid", AccountWechat::Unionid, false),
        ] {
            let mut index = Index::create();
            index.name(name).table(AccountWechat::Table).col(col);
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(BindCodes::Table)
                    .col(string_len(BindCodes::Code, 6).primary_key())
                    .col(integer(BindCodes::AccountId))
                    .col(timestamp_with_time_zone(BindCodes::ExpiresAt))
                    .col(timestamp_with_time_zone(BindCodes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(BindCodes::Table, BindCodes::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_bind_codes_account")
                    .table(BindCodes::Table)
                    .col(BindCodes::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            BindCodes::Table.into_iden(),
            AccountWechat::Table.into_iden(),
            Followers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
