//! Task progress for admins: totals, by college and education level, who has not finished
//! (with bind and follow status), and the rows of the export. Aggregates are computed in the
//! database; nothing here loads a whole task's assignments except the export.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{
    Alias, CaseStatement, Expr, ExprTrait, Func, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, StatementBuilder,
};

use crate::db::entities::{account_wechat, accounts, assignments, followers, org_units, tasks};
use crate::domain::education::EducationLevel;
use crate::domain::page::{Page, PageRequest};
use crate::domain::scope::Actor;
use crate::error::AppResult;
use crate::service::tasks::notices::{self, NoticeStats, Throughput};
use crate::service::{count_rows, tasks as task_service, Services};

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

#[derive(Debug, Clone)]
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
    /// Notices of the task's corrections, later deadlines and withdrawal.
    pub updates: NoticeStats,
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

/// `COUNT(CASE WHEN condition THEN 1 END)`: rows meeting a condition, a BIGINT on every backend.
fn count_if(condition: SimpleExpr, alias: String, query: &mut SelectStatement) {
    let case: SimpleExpr = CaseStatement::new().case(condition, Expr::val(1)).into();
    query.expr_as(Func::count(case), Alias::new(alias));
}

const STEPS: [(&str, Option<assignments::Column>); 4] = [
    ("assigned", None),
    ("viewed", Some(assignments::Column::ViewedAt)),
    ("completed", Some(assignments::Column::CompletedAt)),
    ("done", Some(assignments::Column::DoneAt)),
];

/// Everything the progress view counts, in one scan of the task's assignments grouped by
/// college: the totals and the levels are sums of these rows.
async fn scan<C: ConnectionTrait>(
    conn: &C,
    task_id: i32,
    actor: &Actor,
) -> AppResult<(Totals, Vec<GroupRow>, Vec<GroupRow>)> {
    let query = counts_query(task_id, actor);
    let rows = conn.query_all(crate::db::inlined(conn, &query)).await?;
    let (totals, colleges, mut levels) = sum_rows(&rows)?;
    let names = org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(colleges.iter().map(|(id, _)| *id)))
        .all(conn)
        .await?;
    let mut by_college: Vec<GroupRow> = colleges
        .into_iter()
        .map(|(id, mut group)| {
            group.name = names
                .iter()
                .find(|u| u.id == id)
                .map(|u| u.name.clone())
                .unwrap_or_default();
            group
        })
        .collect();
    by_college.sort_by(|a, b| a.name.cmp(&b.name).then(a.key.cmp(&b.key)));
    levels.retain(|level| level.assigned > 0);
    Ok((totals, by_college, levels))
}

/// One row per college: the step counters overall and per education level.
fn counts_query(task_id: i32, actor: &Actor) -> SelectStatement {
    let mut query = scoped(task_id, actor);
    query
        .column((assignments::Entity, assignments::Column::CollegeId))
        .group_by_col((assignments::Entity, assignments::Column::CollegeId));
    counters(&mut query);
    count_of(assignments::Column::SignedInAt, "signed_in", &mut query);
    count_if(
        Expr::col((assignments::Entity, assignments::Column::Bound)).eq(false),
        "not_bound".into(),
        &mut query,
    );
    for level in EducationLevel::ALL {
        for (step, column) in STEPS {
            let levels: SimpleExpr =
                Expr::col((assignments::Entity, assignments::Column::Levels)).into();
            let in_level = ExprTrait::ne(levels.bit_and(level.bit()), 0);
            let condition = match column {
                Some(column) => {
                    in_level.and(Expr::col((assignments::Entity, column)).is_not_null())
                }
                None => in_level,
            };
            count_if(condition, format!("{}_{step}", level.as_str()), &mut query);
        }
    }
    query
}

/// The totals, each college's counts (named later) and the per-level sums.
type Sums = (Totals, Vec<(i32, GroupRow)>, Vec<GroupRow>);

fn sum_rows(rows: &[sea_orm::QueryResult]) -> AppResult<Sums> {
    let get = |row: &sea_orm::QueryResult, name: &str| -> AppResult<i64> {
        Ok(row.try_get::<i64>("", name)?)
    };
    let mut totals = Totals::default();
    let mut colleges: Vec<(i32, GroupRow)> = Vec::with_capacity(rows.len());
    let mut levels: Vec<GroupRow> = EducationLevel::ALL
        .iter()
        .map(|level| GroupRow {
            key: level.as_str().to_string(),
            name: level.as_str().to_string(),
            assigned: 0,
            viewed: 0,
            completed: 0,
            done: 0,
        })
        .collect();
    for row in rows {
        let college_id: i32 = row.try_get("", "college_id")?;
        let group = GroupRow {
            key: college_id.to_string(),
            name: String::new(),
            assigned: get(row, "assigned")?,
            viewed: get(row, "viewed")?,
            completed: get(row, "completed")?,
            done: get(row, "done")?,
        };
        totals.assigned += group.assigned;
        totals.viewed += group.viewed;
        totals.completed += group.completed;
        totals.done += group.done;
        totals.signed_in += get(row, "signed_in")?;
        totals.not_bound += get(row, "not_bound")?;
        for (level, sum) in EducationLevel::ALL.iter().zip(levels.iter_mut()) {
            let code = level.as_str();
            sum.assigned += get(row, &format!("{code}_assigned"))?;
            sum.viewed += get(row, &format!("{code}_viewed"))?;
            sum.completed += get(row, &format!("{code}_completed"))?;
            sum.done += get(row, &format!("{code}_done"))?;
        }
        colleges.push((college_id, group));
    }
    Ok((totals, colleges, levels))
}

pub async fn progress(
    services: &Services,
    actor: &Actor,
    task_id: i32,
    throughput: Throughput,
) -> AppResult<Progress> {
    let task = task_service::visible_task(&services.db, actor, task_id).await?;
    // A task from above counts only the actor's counselors.
    let received = (!actor.covers_unit(&task.org_path)).then(|| actor.subtree_pattern());
    // Two independent reads; on a pooled server database they run side by side.
    let (scanned, notices) = tokio::join!(
        scan(&services.db, task.id, actor),
        notices::notice_stats(services, &task, received.as_deref(), throughput),
    );
    let (totals, by_college, by_level) = scanned?;
    let notices = notices?;
    Ok(Progress {
        task,
        totals,
        by_college,
        by_level,
        notices: notices.notices,
        reminders: notices.reminders,
        updates: notices.updates,
    })
}

/// One counselor's state on a task.
#[derive(Debug, Clone, FromQueryResult)]
pub struct CounselorRow {
    pub account_id: i32,
    pub name: String,
    pub phone: Option<String>,
    pub college: String,
    /// The counselor's education levels when the task was assigned (`EducationLevel::bit`s).
    pub levels: i32,
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

    pub fn education_levels(&self) -> Vec<EducationLevel> {
        EducationLevel::ALL
            .into_iter()
            .filter(|level| self.levels & level.bit() != 0)
            .collect()
    }
}

/// Who to chase among the counselors not done with a task: any of these left out means all.
#[derive(Debug, Clone, Default)]
pub struct PendingFilter {
    pub college_id: Option<i32>,
    pub level: Option<EducationLevel>,
    /// Bound to the official account (a notice can reach them) or not.
    pub bound: Option<bool>,
    /// Opened the task or not.
    pub viewed: Option<bool>,
    /// Part of the name or phone.
    pub q: Option<String>,
}

/// Longest search text: a name or part of a phone number.
const MAX_QUERY_CHARS: usize = 32;

impl PendingFilter {
    fn apply(&self, query: &mut SelectStatement) {
        let col = |c: assignments::Column| Expr::col((assignments::Entity, c));
        if let Some(college) = self.college_id {
            query.and_where(col(assignments::Column::CollegeId).eq(college));
        }
        if let Some(level) = self.level {
            let levels: SimpleExpr = col(assignments::Column::Levels).into();
            query.and_where(ExprTrait::ne(levels.bit_and(level.bit()), 0));
        }
        let openid = Expr::col((account_wechat::Entity, account_wechat::Column::OaOpenid));
        match self.bound {
            Some(true) => query.and_where(openid.is_not_null()),
            Some(false) => query.and_where(openid.is_null()),
            None => query,
        };
        match self.viewed {
            Some(true) => query.and_where(col(assignments::Column::ViewedAt).is_not_null()),
            Some(false) => query.and_where(col(assignments::Column::ViewedAt).is_null()),
            None => query,
        };
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let q: String = q.chars().take(MAX_QUERY_CHARS).collect();
            query.cond_where(
                sea_orm::Condition::any()
                    .add(
                        Expr::col((accounts::Entity, accounts::Column::Name))
                            .like(format!("%{q}%")),
                    )
                    .add(
                        Expr::col((accounts::Entity, accounts::Column::Phone))
                            .like(format!("%{q}%")),
                    ),
            );
        }
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
        .column((assignments::Entity, assignments::Column::Levels))
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

/// Counselors who have not finished the task, by college, narrowed by the filter.
pub async fn pending(
    services: &Services,
    actor: &Actor,
    task_id: i32,
    filter: &PendingFilter,
    page: PageRequest,
) -> AppResult<Page<CounselorRow>> {
    let task = task_service::visible_task(&services.db, actor, task_id).await?;
    let mut counted = counselor_rows(task.id, actor, true);
    filter.apply(&mut counted);
    let total = count_rows(
        &services.db,
        counted,
        (assignments::Entity, assignments::Column::Id),
    )
    .await?;
    let backend = services.db.get_database_backend();
    let mut query = counselor_rows(task.id, actor, true);
    filter.apply(&mut query);
    row_columns(&mut query);
    query.limit(page.per_page).offset(page.offset());
    let items = CounselorRow::find_by_statement(StatementBuilder::build(&query, &backend))
        .all(&services.db)
        .await?;
    Ok(Page::new(items, page, total))
}

/// Every counselor of the task with their state, for the spreadsheet; with a filter, only the
/// pending ones it selects (the chase list).
pub async fn export_rows(
    services: &Services,
    actor: &Actor,
    task_id: i32,
    pending: Option<&PendingFilter>,
) -> AppResult<(tasks::Model, Vec<CounselorRow>)> {
    let task = task_service::visible_task(&services.db, actor, task_id).await?;
    let backend = services.db.get_database_backend();
    let mut query = counselor_rows(task.id, actor, pending.is_some());
    if let Some(filter) = pending {
        filter.apply(&mut query);
    }
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
