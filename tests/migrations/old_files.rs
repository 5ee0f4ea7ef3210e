//! Migrations 6 and 7 as they were first released (commits a15406a and 1691441), before they
//! were edited: the schema steps a database created then went through. Same names as today's
//! files, so the migrator counts them as applied.

use migrations::{async_trait, MigrationName, MigrationTrait, SchemaManager};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct ImportProgress;

impl MigrationName for ImportProgress {
    fn name(&self) -> &str {
        "m20261129_000006_import_progress"
    }
}

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
impl MigrationTrait for ImportProgress {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The report was TEXT on every database.
        let columns = [
            string_len(EmploymentImports::Status, 16)
                .default("done")
                .to_owned(),
            boolean(EmploymentImports::DryRun).default(false).to_owned(),
            integer(EmploymentImports::Processed).default(0).to_owned(),
            integer(EmploymentImports::Total).default(0).to_owned(),
            text_null(EmploymentImports::Report).to_owned(),
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
}

pub struct SmsNewsAttachments;

impl MigrationName for SmsNewsAttachments {
    fn name(&self) -> &str {
        "m20261129_000007_sms_news_attachments"
    }
}

#[derive(DeriveIden)]
enum SmsOutbox {
    Table,
    Status,
    NextAttemptAt,
    LeaseUntil,
    LastError,
    Provider,
    ProviderRef,
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
impl MigrationTrait for SmsNewsAttachments {
    // Neither the tallies' university index nor the outbox's phone index existed yet.
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
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
}
