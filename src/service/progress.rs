//! Task progress for admins: totals, by college and education level, who has not finished
//! (with bind and follow status), and the rows of the export. Aggregates are computed in the
//! database; nothing here loads a whole task's assignments except the export.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, Query, SelectStatement};
use sea_orm::{ConnectionTrait, FromQueryResult, StatementBuilder};

use super::push_queue::{self, NoticeStats, Throughput};
use super::{tasks as task_service, Services};
use crate::db::entities::{
    account_levels, account_wechat, accounts, assignments, followers, org_units, tasks,
};
use crate::domain::page::{Page, PageRequest};
use crate::domain::push::JobKind;
use crate::domain::scope::Actor;
use crate::error::AppResult;

#[derive(Debug, Clone, Default, PartialEq, Eq, FromQueryResult)]
pub struct Totals {
    pub assigned: i64,
    pub viewed: i64,
    pub completed: i64,
    pub signed_in: i64,
    pub done: i64,
    pub not_bound: i64,
}

impl Totals {
    pub fn pending(&self) -> i64 {
        self.assigned - self.done
    }
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct GroupRow {
    pub key: String,
    pub name: String,
    pub assigned: i64,
    pub viewed: i64,
    pub completed: i64,
    pub done: i64,
}

#[derive(Debug, Clone)]
pub struct Progress {
    pub task: tasks::Model,
    pub totals: Totals,
    pub by_college: Vec<GroupRow>,
    pub by_level: Vec<GroupRow>,
    pub notices: NoticeStats,
    pub reminders: NoticeStats,
}

fn scoped(task_id: i32, actor: &Actor) -> SelectStatement {
    let mut query = Query::select();
    query
        .from(assignments::Entity)
        .and_where(Expr::col((assignments::Entity, assignments::Column::TaskId)).eq(task_id))
        .and_where(
            Expr::col((assignments::Entity, assignments::Column::OrgPath))
                .like(actor.subtree_pattern()),
        );
    query
}

fn count_of(column: assignments::Column, alias: &str, query: &mut SelectStatement) {
    query.expr_as(
        Expr::col((assignments::Entity, column)).count(),
        Alias::new(alias),
    );
}

fn counters(query: &mut SelectStatement) {
    query.expr_as(
        Expr::col((assignments::Entity, assignments::Column::Id)).count(),
        Alias::new("assigned"),
    );
    count_of(assignments::Column::ViewedAt, "viewed", query);
    count_of(assignments::Column::CompletedAt, "completed", query);
    count_of(assignments::Column::DoneAt, "done", query);
}

async fn totals<C: ConnectionTrait>(conn: &C, task_id: i32, actor: &Actor) -> AppResult<Totals> {
    let mut query = scoped(task_id, actor);
    counters(&mut query);
    count_of(assignments::Column::SignedInAt, "signed_in", &mut query);
    // Assignments whose counselor has no official-account OpenID: COUNT(*) − COUNT(oa_openid).
    query
        .expr_as(
            Expr::cust("COUNT(*) - COUNT(account_wechat.oa_openid)"),
            Alias::new("not_bound"),
        )
        .left_join(
            account_wechat::Entity,
            Expr::col((account_wechat::Entity, account_wechat::Column::AccountId))
                .equals((assignments::Entity, assignments::Column::AccountId)),
        );
    let backend = conn.get_database_backend();
    Ok(
        Totals::find_by_statement(StatementBuilder::build(&query, &backend))
            .one(conn)
            .await?
            .unwrap_or_default(),
    )
}

async fn by_college<C: ConnectionTrait>(
    conn: &C,
    task_id: i32,
    actor: &Actor,
) -> AppResult<Vec<GroupRow>> {
    let mut query = scoped(task_id, actor);
    query
        .expr_as(
            Expr::col((org_units::Entity, org_units::Column::Id))
                .cast_as(Alias::new(cast_text(conn))),
            Alias::new("key"),
        )
        .expr_as(
            Expr::col((org_units::Entity, org_units::Column::Name)),
            Alias::new("name"),
        )
        .inner_join(
            org_units::Entity,
            Expr::col((org_units::Entity, org_units::Column::Id))
                .equals((assignments::Entity, assignments::Column::CollegeId)),
        )
        .group_by_col((org_units::Entity, org_units::Column::Id))
        .group_by_col((org_units::Entity, org_units::Column::Name))
        .order_by(
            (org_units::Entity, org_units::Column::Name),
            sea_orm::Order::Asc,
        );
    counters(&mut query);
    let backend = conn.get_database_backend();
    Ok(
        GroupRow::find_by_statement(StatementBuilder::build(&query, &backend))
            .all(conn)
            .await?,
    )
}

fn cast_text<C: ConnectionTrait>(conn: &C) -> &'static str {
    match conn.get_database_backend() {
        sea_orm::DbBackend::MySql => "CHAR",
        _ => "TEXT",
    }
}

async fn by_level<C: ConnectionTrait>(
    conn: &C,
    task_id: i32,
    actor: &Actor,
) -> AppResult<Vec<GroupRow>> {
    let mut query = scoped(task_id, actor);
    let level = Expr::col((
        account_levels::Entity,
        account_levels::Column::EducationLevel,
    ));
    query
        .expr_as(level.clone(), Alias::new("key"))
        .expr_as(level, Alias::new("name"))
        .inner_join(
            account_levels::Entity,
            Expr::col((account_levels::Entity, account_levels::Column::AccountId))
                .equals((assignments::Entity, assignments::Column::AccountId)),
        )
        .group_by_col((
            account_levels::Entity,
            account_levels::Column::EducationLevel,
        ))
        .order_by(
            (
                account_levels::Entity,
                account_levels::Column::EducationLevel,
            ),
            sea_orm::Order::Asc,
        );
    counters(&mut query);
    let backend = conn.get_database_backend();
    Ok(
        GroupRow::find_by_statement(StatementBuilder::build(&query, &backend))
            .all(conn)
            .await?,
    )
}

pub async fn progress(
    services: &Services,
    actor: &Actor,
    task_id: i32,
    throughput: Throughput,
) -> AppResult<Progress> {
    let task = task_service::visible_task(&services.db, actor, task_id).await?;
    let totals = totals(&services.db, task.id, actor).await?;
    let by_college = by_college(&services.db, task.id, actor).await?;
    let by_level = by_level(&services.db, task.id, actor).await?;
    let notices = push_queue::notice_stats(services, &task, JobKind::Task, throughput).await?;
    let reminders =
        push_queue::notice_stats(services, &task, JobKind::Reminder, throughput).await?;
    Ok(Progress {
        task,
        totals,
        by_college,
        by_level,
        notices,
        reminders,
    })
}

/// One counselor's state on a task.
#[derive(Debug, Clone, FromQueryResult)]
pub struct CounselorRow {
    pub account_id: i32,
    pub name: String,
    pub phone: Option<String>,
    pub college: String,
    pub oa_openid: Option<String>,
    pub following: Option<bool>,
    pub viewed_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub signed_in_at: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
}

impl CounselorRow {
    pub fn bound(&self) -> bool {
        self.oa_openid.is_some()
    }
}

fn counselor_rows(task_id: i32, actor: &Actor, only_pending: bool) -> SelectStatement {
    let mut query = scoped(task_id, actor);
    query
        .inner_join(
            accounts::Entity,
            Expr::col((accounts::Entity, accounts::Column::Id))
                .equals((assignments::Entity, assignments::Column::AccountId)),
        )
        .inner_join(
            org_units::Entity,
            Expr::col((org_units::Entity, org_units::Column::Id))
                .equals((assignments::Entity, assignments::Column::CollegeId)),
        )
        .left_join(
            account_wechat::Entity,
            Expr::col((account_wechat::Entity, account_wechat::Column::AccountId))
                .equals((assignments::Entity, assignments::Column::AccountId)),
        )
        .left_join(
            followers::Entity,
            Expr::col((followers::Entity, followers::Column::Openid))
                .equals((account_wechat::Entity, account_wechat::Column::OaOpenid)),
        );
    if only_pending {
        query.and_where(Expr::col((assignments::Entity, assignments::Column::DoneAt)).is_null());
    }
    query
}

fn row_columns(query: &mut SelectStatement) {
    query
        .column((assignments::Entity, assignments::Column::AccountId))
        .column((accounts::Entity, accounts::Column::Name))
        .column((accounts::Entity, accounts::Column::Phone))
        .expr_as(
            Expr::col((org_units::Entity, org_units::Column::Name)),
            Alias::new("college"),
        )
        .column((account_wechat::Entity, account_wechat::Column::OaOpenid))
        .column((followers::Entity, followers::Column::Following))
        .columns([
            (assignments::Entity, assignments::Column::ViewedAt),
            (assignments::Entity, assignments::Column::CompletedAt),
            (assignments::Entity, assignments::Column::SignedInAt),
            (assignments::Entity, assignments::Column::DoneAt),
        ])
        .order_by(
            (org_units::Entity, org_units::Column::Name),
            sea_orm::Order::Asc,
        )
        .order_by(
            (assignments::Entity, assignments::Column::AccountId),
            sea_orm::Order::Asc,
        );
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

/// Counselors who have not finished the task, by college.
pub async fn pending(
    services: &Services,
    actor: &Actor,
    task_id: i32,
    page: PageRequest,
) -> AppResult<Page<CounselorRow>> {
    let task = task_service::visible_task(&services.db, actor, task_id).await?;
    let backend = services.db.get_database_backend();
    let mut count = counselor_rows(task.id, actor, true);
    count.expr_as(
        Expr::col((assignments::Entity, assignments::Column::Id)).count(),
        Alias::new("n"),
    );
    let total = Count::find_by_statement(StatementBuilder::build(&count, &backend))
        .one(&services.db)
        .await?
        .map(|c| c.n.max(0) as u64)
        .unwrap_or(0);
    let mut query = counselor_rows(task.id, actor, true);
    row_columns(&mut query);
    query.limit(page.per_page).offset(page.offset());
    let items = CounselorRow::find_by_statement(StatementBuilder::build(&query, &backend))
        .all(&services.db)
        .await?;
    Ok(Page::new(items, page, total))
}

/// Every counselor of the task with their state, for the spreadsheet.
pub async fn export_rows(
    services: &Services,
    actor: &Actor,
    task_id: i32,
) -> AppResult<(tasks::Model, Vec<CounselorRow>)> {
    let task = task_service::visible_task(&services.db, actor, task_id).await?;
    let backend = services.db.get_database_backend();
    let mut query = counselor_rows(task.id, actor, false);
    row_columns(&mut query);
    let rows = CounselorRow::find_by_statement(StatementBuilder::build(&query, &backend))
        .all(&services.db)
        .await?;
    Ok((task, rows))
}

/// A progress summary per task for the admin's task list: (assigned, viewed, done).
pub async fn summaries(
    services: &Services,
    actor: &Actor,
    task_ids: &[i32],
) -> AppResult<Vec<(i32, Totals)>> {
    if task_ids.is_empty() {
        return Ok(Vec::new());
    }
    #[derive(FromQueryResult)]
    struct Row {
        task_id: i32,
        assigned: i64,
        viewed: i64,
        completed: i64,
        done: i64,
    }
    let mut query = Query::select();
    query
        .column((assignments::Entity, assignments::Column::TaskId))
        .from(assignments::Entity)
        .and_where(
            Expr::col((assignments::Entity, assignments::Column::TaskId)).is_in(task_ids.to_vec()),
        )
        .and_where(
            Expr::col((assignments::Entity, assignments::Column::OrgPath))
                .like(actor.subtree_pattern()),
        )
        .group_by_col((assignments::Entity, assignments::Column::TaskId));
    counters(&mut query);
    let backend = services.db.get_database_backend();
    let rows = Row::find_by_statement(StatementBuilder::build(&query, &backend))
        .all(&services.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.task_id,
                Totals {
                    assigned: r.assigned,
                    viewed: r.viewed,
                    completed: r.completed,
                    signed_in: 0,
                    done: r.done,
                    not_bound: 0,
                },
            )
        })
        .collect())
}
