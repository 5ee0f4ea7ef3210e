//! A durable SMS outbox with retries, employment news (就业资讯), task attachments, and an
//! index that finds the cohorts a university has figures for.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SmsOutbox {
    Table,
    Phone,
    Status,
    NextAttemptAt,
    LeaseUntil,
    LastError,
    Provider,
    ProviderRef,
}

#[derive(DeriveIden)]
enum EmploymentTallies {
    Table,
    UniversityId,
    Dim,
    Cohort,
}

#[derive(DeriveIden)]
enum News {
    Table,
    Id,
    OrgUnitId,
    OrgPath,
    AuthorId,
    Title,
    Summary,
    CoverUrl,
    LinkUrl,
    Body,
    PublishedAt,
    UpdatedAt,
    WithdrawnAt,
}

#[derive(DeriveIden)]
enum TaskAttachments {
    Table,
    Id,
    TaskId,
    Filename,
    ContentType,
    Size,
    Sha256,
    StorageKey,
    UploadedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        let columns = [
            timestamp_with_time_zone_null(SmsOutbox::NextAttemptAt).to_owned(),
            timestamp_with_time_zone_null(SmsOutbox::LeaseUntil).to_owned(),
            string_len_null(SmsOutbox::LastError, 255).to_owned(),
            string_len_null(SmsOutbox::Provider, 16).to_owned(),
            string_len_null(SmsOutbox::ProviderRef, 64).to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(SmsOutbox::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        // Until now nothing sent the outbox: what it holds is old (some passwords long since
        // reset or changed). It is not sent now; its passwords are dropped.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE sms_outbox SET status = 'expired', params = '{}' WHERE status = 'pending'",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sms_outbox_phone")
                    .table(SmsOutbox::Table)
                    .col(SmsOutbox::Phone)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sms_outbox_due")
                    .table(SmsOutbox::Table)
                    .col(SmsOutbox::Status)
                    .col(SmsOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;

        // The tallies' key leads with the cohort (the nation's reads); a university's cohort
        // list reads this instead.
        manager
            .create_index(
                Index::create()
                    .name("ix_employment_tallies_university")
                    .table(EmploymentTallies::Table)
                    .col(EmploymentTallies::UniversityId)
                    .col(EmploymentTallies::Dim)
                    .col(EmploymentTallies::Cohort)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(News::Table)
                    .col(pk_auto(News::Id))
                    .col(integer(News::OrgUnitId))
                    .col(string_len(News::OrgPath, 255))
                    .col(integer(News::AuthorId))
                    .col(string_len(News::Title, 64))
                    .col(string_len(News::Summary, 120))
                    .col(string_len_null(News::CoverUrl, 512))
                    .col(string_len_null(News::LinkUrl, 512))
                    .col(text_null(News::Body))
                    .col(timestamp_with_time_zone(News::PublishedAt))
                    .col(timestamp_with_time_zone(News::UpdatedAt))
                    .col(timestamp_with_time_zone_null(News::WithdrawnAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_news_path")
                    .table(News::Table)
                    .col(News::OrgPath)
                    .col(News::PublishedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TaskAttachments::Table)
                    .col(pk_auto(TaskAttachments::Id))
                    .col(integer(TaskAttachments::TaskId))
                    .col(string_len(TaskAttachments::Filename, 255))
                    .col(string_len(TaskAttachments::ContentType, 128))
                    .col(big_integer(TaskAttachments::Size))
                    .col(string_len(TaskAttachments::Sha256, 64))
                    .col(string_len(TaskAttachments::StorageKey, 128))
                    .col(integer(TaskAttachments::UploadedBy))
                    .col(timestamp_with_time_zone(TaskAttachments::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_task_attachments_task")
                    .table(TaskAttachments::Table)
                    .col(TaskAttachments::TaskId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [TaskAttachments::Table.into_iden(), News::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ix_employment_tallies_university")
                    .table(EmploymentTallies::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_sms_outbox_phone")
                    .table(SmsOutbox::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_sms_outbox_due")
                    .table(SmsOutbox::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            SmsOutbox::NextAttemptAt,
            SmsOutbox::LeaseUntil,
            SmsOutbox::LastError,
            SmsOutbox::Provider,
            SmsOutbox::ProviderRef,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SmsOutbox::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
