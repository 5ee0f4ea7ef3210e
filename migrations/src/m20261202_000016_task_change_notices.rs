//! Counselors hear about every change to a task they have been told of: a correction of its
//! content, a later deadline, a withdrawal. A change notice records what changed, so notices
//! merged within a few minutes can say all of it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PushJobs {
    Table,
    Changes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PushJobs::Table)
                    .add_column(string_len_null(PushJobs::Changes, 32))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PushJobs::Table)
                    .drop_column(PushJobs::Changes)
                    .to_owned(),
            )
            .await
    }
}
