//! Counselors serve one graduating class (届) at a time, and a new one every year: each counselor
//! account carries the cohort it serves. Existing counselors take the cohort current when the
//! migration runs (the class graduating next summer); admins have none.

use chrono::Datelike;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Cohort,
    Role,
}

/// The class graduating at the end of the school year under way (Beijing time): from September
/// on, next summer's.
fn current_cohort() -> i32 {
    let now = chrono::Utc::now() + chrono::TimeDelta::hours(8);
    if now.month() >= 9 {
        now.year() + 1
    } else {
        now.year()
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .add_column(integer_null(Accounts::Cohort))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Accounts::Table)
                    .value(Accounts::Cohort, current_cohort())
                    .and_where(Expr::col(Accounts::Role).eq("counselor"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_accounts_cohort")
                    .table(Accounts::Table)
                    .col(Accounts::Cohort)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_accounts_cohort")
                    .table(Accounts::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .drop_column(Accounts::Cohort)
                    .to_owned(),
            )
            .await
    }
}
