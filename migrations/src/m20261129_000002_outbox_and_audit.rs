//! SMS outbox (credentials sent to new users) and the audit log of admin writes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SmsOutbox {
    Table,
    Id,
    Phone,
    Template,
    Params,
    Status,
    Attempts,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorId,
    ActorName,
    Action,
    TargetType,
    TargetId,
    OrgPath,
    Detail,
    Ip,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SmsOutbox::Table)
                    .col(pk_auto(SmsOutbox::Id))
                    .col(string_len(SmsOutbox::Phone, 11))
                    .col(string_len(SmsOutbox::Template, 32))
                    .col(text(SmsOutbox::Params))
                    .col(string_len(SmsOutbox::Status, 16))
                    .col(integer(SmsOutbox::Attempts))
                    .col(timestamp_with_time_zone(SmsOutbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(SmsOutbox::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sms_outbox_status")
                    .table(SmsOutbox::Table)
                    .col(SmsOutbox::Status)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_auto(AuditLog::Id))
                    .col(integer_null(AuditLog::ActorId))
                    .col(string_len(AuditLog::ActorName, 64))
                    .col(string_len(AuditLog::Action, 64))
                    .col(string_len(AuditLog::TargetType, 32))
                    .col(string_len_null(AuditLog::TargetId, 64))
                    // Path of the org unit the target belongs to: admins read the log of their subtree.
                    .col(string_len(AuditLog::OrgPath, 255))
                    .col(text(AuditLog::Detail))
                    .col(string_len_null(AuditLog::Ip, 64))
                    .col(timestamp_with_time_zone(AuditLog::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_log_org_path")
                    .table(AuditLog::Table)
                    .col(AuditLog::OrgPath)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SmsOutbox::Table).to_owned())
            .await
    }
}
