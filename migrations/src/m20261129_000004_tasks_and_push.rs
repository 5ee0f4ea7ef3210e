//! Tasks, one assignment per counselor reached, the durable push queue with its daily quota
//! ledger, and server-held keys (the share-token key).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Id,
    Kind,
    Title,
    Content,
    Link,
    Confidential,
    Deadline,
    StartsAt,
    EndsAt,
    Status,
    OrgUnitId,
    OrgPath,
    CreatedBy,
    TargetUnitIds,
    TargetLevels,
    ShareNonce,
    PublishedAt,
    WithdrawnAt,
    LastRemindedAt,
    AutoRemindedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Assignments {
    Table,
    Id,
    TaskId,
    AccountId,
    CollegeId,
    OrgPath,
    ViewedAt,
    CompletedAt,
    SignedInAt,
    DoneAt,
    Levels,
    Bound,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PushJobs {
    Table,
    Id,
    Kind,
    TaskId,
    AccountId,
    Openid,
    Status,
    Attempts,
    NextAttemptAt,
    DeadlineAt,
    LeaseUntil,
    ClaimToken,
    Msgid,
    Delivery,
    ErrorCode,
    ErrorText,
    SentAt,
    FinishedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PushDays {
    Table,
    Day,
    Sent,
    Paused,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ServerKeys {
    Table,
    Name,
    Value,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + 'static,
    cols: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(col);
    }
    if unique {
        index.unique();
    }
    manager.create_index(index.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tasks::Table)
                    .col(pk_auto(Tasks::Id))
                    .col(string_len(Tasks::Kind, 16))
                    .col(string_len(Tasks::Title, 100))
                    .col(text(Tasks::Content))
                    .col(string_len_null(Tasks::Link, 512))
                    .col(boolean(Tasks::Confidential))
                    .col(timestamp_with_time_zone(Tasks::Deadline))
                    .col(timestamp_with_time_zone_null(Tasks::StartsAt))
                    .col(timestamp_with_time_zone_null(Tasks::EndsAt))
                    .col(string_len(Tasks::Status, 16))
                    // The publisher's unit and its path: who may manage the task.
                    .col(integer(Tasks::OrgUnitId))
                    .col(string_len(Tasks::OrgPath, 255))
                    .col(integer(Tasks::CreatedBy))
                    // JSON arrays: the units and education levels chosen as targets.
                    .col(text(Tasks::TargetUnitIds))
                    .col(text(Tasks::TargetLevels))
                    .col(string_len(Tasks::ShareNonce, 32))
                    .col(timestamp_with_time_zone_null(Tasks::PublishedAt))
                    .col(timestamp_with_time_zone_null(Tasks::WithdrawnAt))
                    .col(timestamp_with_time_zone_null(Tasks::LastRemindedAt))
                    .col(timestamp_with_time_zone_null(Tasks::AutoRemindedAt))
                    .col(timestamp_with_time_zone(Tasks::CreatedAt))
                    .col(timestamp_with_time_zone(Tasks::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Tasks::Table, Tasks::OrgUnitId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Tasks::Table, Tasks::CreatedBy)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_tasks_org_path",
            Tasks::Table,
            vec![Tasks::OrgPath.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "ix_tasks_status_deadline",
            Tasks::Table,
            vec![Tasks::Status.into_iden(), Tasks::Deadline.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Assignments::Table)
                    .col(pk_auto(Assignments::Id))
                    .col(integer(Assignments::TaskId))
                    .col(integer(Assignments::AccountId))
                    // The counselor's college and path when the task reached them.
                    .col(integer(Assignments::CollegeId))
                    .col(string_len(Assignments::OrgPath, 255))
                    .col(timestamp_with_time_zone_null(Assignments::ViewedAt))
                    .col(timestamp_with_time_zone_null(Assignments::CompletedAt))
                    .col(timestamp_with_time_zone_null(Assignments::SignedInAt))
                    // Completed, and signed in when the task is a live course.
                    .col(timestamp_with_time_zone_null(Assignments::DoneAt))
                    // The counselor's education levels when the task reached them, one bit each
                    // (associate 1, bachelor 2, master 4, doctor 8): progress by level in the
                    // same scan as everything else.
                    .col(integer(Assignments::Levels))
                    // Whether the counselor has a bound official-account OpenID; kept current by
                    // binding and unbinding.
                    .col(boolean(Assignments::Bound))
                    .col(timestamp_with_time_zone(Assignments::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Assignments::Table, Assignments::TaskId)
                            .to(Tasks::Table, Tasks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Assignments::Table, Assignments::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_assignments_task_account",
            Assignments::Table,
            vec![
                Assignments::TaskId.into_iden(),
                Assignments::AccountId.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "ix_assignments_account_done",
            Assignments::Table,
            vec![
                Assignments::AccountId.into_iden(),
                Assignments::DoneAt.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "ix_assignments_task_college",
            Assignments::Table,
            vec![
                Assignments::TaskId.into_iden(),
                Assignments::CollegeId.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(PushJobs::Table)
                    .col(pk_auto(PushJobs::Id))
                    .col(string_len(PushJobs::Kind, 16))
                    .col(integer_null(PushJobs::TaskId))
                    .col(integer(PushJobs::AccountId))
                    .col(string_len(PushJobs::Openid, 64))
                    .col(string_len(PushJobs::Status, 16))
                    .col(integer(PushJobs::Attempts))
                    .col(timestamp_with_time_zone(PushJobs::NextAttemptAt))
                    // The task's deadline: jobs nearest their deadline go first.
                    .col(timestamp_with_time_zone(PushJobs::DeadlineAt))
                    .col(timestamp_with_time_zone_null(PushJobs::LeaseUntil))
                    .col(string_len_null(PushJobs::ClaimToken, 32))
                    .col(big_integer_null(PushJobs::Msgid))
                    .col(string_len_null(PushJobs::Delivery, 64))
                    .col(big_integer_null(PushJobs::ErrorCode))
                    .col(string_len_null(PushJobs::ErrorText, 255))
                    .col(timestamp_with_time_zone_null(PushJobs::SentAt))
                    .col(timestamp_with_time_zone_null(PushJobs::FinishedAt))
                    .col(timestamp_with_time_zone(PushJobs::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PushJobs::Table, PushJobs::TaskId)
                            .to(Tasks::Table, Tasks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PushJobs::Table, PushJobs::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_push_jobs_due",
            PushJobs::Table,
            vec![
                PushJobs::Status.into_iden(),
                PushJobs::DeadlineAt.into_iden(),
                PushJobs::Id.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "ix_push_jobs_lease",
            PushJobs::Table,
            vec![
                PushJobs::Status.into_iden(),
                PushJobs::LeaseUntil.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "ix_push_jobs_task",
            PushJobs::Table,
            vec![PushJobs::TaskId.into_iden(), PushJobs::Status.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "ix_push_jobs_msgid",
            PushJobs::Table,
            vec![PushJobs::Msgid.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "ix_push_jobs_claim",
            PushJobs::Table,
            vec![PushJobs::ClaimToken.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(PushDays::Table)
                    // Beijing date, YYYY-MM-DD: WeChat's daily quota resets at Beijing midnight.
                    .col(string_len(PushDays::Day, 10).primary_key())
                    .col(integer(PushDays::Sent))
                    .col(boolean(PushDays::Paused))
                    .col(timestamp_with_time_zone(PushDays::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ServerKeys::Table)
                    .col(string_len(ServerKeys::Name, 32).primary_key())
                    .col(string_len(ServerKeys::Value, 128))
                    .col(timestamp_with_time_zone(ServerKeys::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ServerKeys::Table.into_iden(),
            PushDays::Table.into_iden(),
            PushJobs::Table.into_iden(),
            Assignments::Table.into_iden(),
            Tasks::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
