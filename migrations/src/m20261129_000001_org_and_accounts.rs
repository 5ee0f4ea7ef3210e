//! Org tree, majors catalog, accounts (with education levels and majors) and login sessions.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
    Kind,
    Name,
    Code,
    ParentId,
    Path,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Majors {
    Table,
    Id,
    CollegeId,
    EducationLevel,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Username,
    PasswordHash,
    Role,
    OrgUnitId,
    OrgPath,
    Name,
    Phone,
    MustChangePassword,
    Disabled,
    FailedLogins,
    LockedUntil,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AccountLevels {
    Table,
    AccountId,
    EducationLevel,
}

#[derive(DeriveIden)]
enum AccountMajors {
    Table,
    AccountId,
    MajorId,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    AccountId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OrgUnits::Table)
                    .col(pk_auto(OrgUnits::Id))
                    .col(string_len(OrgUnits::Kind, 16))
                    .col(string_len(OrgUnits::Name, 100))
                    .col(string_len(OrgUnits::Code, 32))
                    .col(integer_null(OrgUnits::ParentId))
                    // Materialised path "/1/7/42/": a subtree is one indexed prefix match.
                    .col(string_len(OrgUnits::Path, 255))
                    .col(timestamp_with_time_zone(OrgUnits::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrgUnits::Table, OrgUnits::ParentId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_org_units_kind_code")
                    .table(OrgUnits::Table)
                    .col(OrgUnits::Kind)
                    .col(OrgUnits::Code)
                    .col(OrgUnits::ParentId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_org_units_path")
                    .table(OrgUnits::Table)
                    .col(OrgUnits::Path)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_org_units_parent")
                    .table(OrgUnits::Table)
                    .col(OrgUnits::ParentId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Majors::Table)
                    .col(pk_auto(Majors::Id))
                    .col(integer(Majors::CollegeId))
                    .col(string_len(Majors::EducationLevel, 16))
                    .col(string_len(Majors::Name, 100))
                    .col(timestamp_with_time_zone(Majors::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Majors::Table, Majors::CollegeId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_majors_college_level_name")
                    .table(Majors::Table)
                    .col(Majors::CollegeId)
                    .col(Majors::EducationLevel)
                    .col(Majors::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(pk_auto(Accounts::Id))
                    .col(string_len_uniq(Accounts::Username, 64))
                    .col(string_len(Accounts::PasswordHash, 255))
                    .col(string_len(Accounts::Role, 32))
                    .col(integer(Accounts::OrgUnitId))
                    // Copy of the unit's path (units never move), so scope filters need no join.
                    .col(string_len(Accounts::OrgPath, 255))
                    .col(string_len(Accounts::Name, 64))
                    .col(string_len_null(Accounts::Phone, 11))
                    .col(boolean(Accounts::MustChangePassword))
                    .col(boolean(Accounts::Disabled))
                    .col(integer(Accounts::FailedLogins))
                    .col(timestamp_with_time_zone_null(Accounts::LockedUntil))
                    .col(timestamp_with_time_zone(Accounts::CreatedAt))
                    .col(timestamp_with_time_zone(Accounts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Accounts::Table, Accounts::OrgUnitId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("ix_accounts_org_path", Accounts::OrgPath),
            ("ix_accounts_phone", Accounts::Phone),
            ("ix_accounts_org_unit", Accounts::OrgUnitId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Accounts::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(AccountLevels::Table)
                    .col(integer(AccountLevels::AccountId))
                    .col(string_len(AccountLevels::EducationLevel, 16))
                    .primary_key(
                        Index::create()
                            .col(AccountLevels::AccountId)
                            .col(AccountLevels::EducationLevel),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccountLevels::Table, AccountLevels::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AccountMajors::Table)
                    .col(integer(AccountMajors::AccountId))
                    .col(integer(AccountMajors::MajorId))
                    .primary_key(
                        Index::create()
                            .col(AccountMajors::AccountId)
                            .col(AccountMajors::MajorId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccountMajors::Table, AccountMajors::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccountMajors::Table, AccountMajors::MajorId)
                            .to(Majors::Table, Majors::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(pk_auto(Sessions::Id))
                    .col(integer(Sessions::AccountId))
                    .col(string_len_uniq(Sessions::TokenHash, 64))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Sessions::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sessions_account")
                    .table(Sessions::Table)
                    .col(Sessions::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Sessions::Table.into_iden(),
            AccountMajors::Table.into_iden(),
            AccountLevels::Table.into_iden(),
            Accounts::Table.into_iden(),
            Majors::Table.into_iden(),
            OrgUnits::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
