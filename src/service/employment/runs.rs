//! The record of each employment import in `employment_imports`: how far a background run is,
//! whether it is still alive, how it ended and its report; read back by whoever started it
//! and by the admins over its university, from any instance.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::import::{ImportReport, ImportScope};
use crate::db::entities::employment_imports;
use crate::domain::scope::Actor;
use crate::error::{AppError, AppResult};
use crate::service::Services;

/// Row errors a finished run keeps: enough to fix a file, not megabytes per run.
pub const STORED_ERRORS: usize = 1000;

/// A running import writes its progress at least this often; silent longer means it died.
const STALE_AFTER_SECS: i64 = 120;

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    Running,
    Done,
    Failed,
    /// Still marked running, but no instance has touched it for a while: it died with its
    /// process and nothing it did was committed.
    Interrupted,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
        }
    }
}

/// One import run as its starter (or an admin over its university) sees it.
#[derive(Debug, Clone)]
pub struct RunView {
    pub run: employment_imports::Model,
    pub status: RunStatus,
    pub report: Option<ImportReport>,
}

/// The row of a run that starts now, with `counts` as far as they are known.
pub(super) async fn create<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    scope: &ImportScope,
    filename: &str,
    dry_run: bool,
    counts: &ImportReport,
) -> AppResult<employment_imports::Model> {
    let now = Utc::now();
    Ok(employment_imports::ActiveModel {
        university_id: Set(scope.university.id),
        org_path: Set(scope.university.path.clone()),
        actor_id: Set(actor.account_id),
        filename: Set(filename.chars().take(255).collect()),
        rows: Set(counts.rows as i32),
        inserted: Set(counts.inserted as i32),
        updated: Set(counts.updated as i32),
        unchanged: Set(counts.unchanged as i32),
        created_at: Set(now),
        status: Set(RunStatus::Running.as_str().into()),
        dry_run: Set(dry_run),
        processed: Set(counts.rows as i32),
        total: Set(counts.rows as i32),
        report: Set(None),
        heartbeat_at: Set(Some(now)),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// `processed` of `total` rows read.
pub(super) async fn progress<C: ConnectionTrait>(
    conn: &C,
    run_id: i32,
    processed: usize,
    total: usize,
) -> AppResult<()> {
    employment_imports::Entity::update_many()
        .col_expr(
            employment_imports::Column::Processed,
            Expr::value(processed as i32),
        )
        .col_expr(employment_imports::Column::Total, Expr::value(total as i32))
        .col_expr(
            employment_imports::Column::HeartbeatAt,
            Expr::value(Utc::now()),
        )
        .filter(employment_imports::Column::Id.eq(run_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The run is alive, whatever it is doing.
pub(super) async fn touch<C: ConnectionTrait>(conn: &C, run_id: i32) -> AppResult<()> {
    employment_imports::Entity::update_many()
        .col_expr(
            employment_imports::Column::HeartbeatAt,
            Expr::value(Utc::now()),
        )
        .filter(employment_imports::Column::Id.eq(run_id))
        .filter(employment_imports::Column::Status.eq(RunStatus::Running.as_str()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Record how a run ended.
pub(super) async fn finish<C: ConnectionTrait>(
    conn: &C,
    run_id: i32,
    status: RunStatus,
    report: &ImportReport,
) -> AppResult<()> {
    let now = Utc::now();
    let mut stored = report.clone();
    stored.errors_total = report.errors.len().max(report.errors_total);
    stored.errors.truncate(STORED_ERRORS);
    let json = serde_json::to_string(&stored).map_err(|e| AppError::internal(e.to_string()))?;
    let count = |n: usize| Expr::value(n as i32);
    employment_imports::Entity::update_many()
        .col_expr(
            employment_imports::Column::Status,
            Expr::value(status.as_str()),
        )
        .col_expr(employment_imports::Column::Rows, count(report.rows))
        .col_expr(employment_imports::Column::Processed, count(report.rows))
        .col_expr(employment_imports::Column::Total, count(report.rows))
        .col_expr(employment_imports::Column::Inserted, count(report.inserted))
        .col_expr(employment_imports::Column::Updated, count(report.updated))
        .col_expr(
            employment_imports::Column::Unchanged,
            count(report.unchanged),
        )
        .col_expr(employment_imports::Column::Report, Expr::value(json))
        .col_expr(employment_imports::Column::HeartbeatAt, Expr::value(now))
        .col_expr(employment_imports::Column::FinishedAt, Expr::value(now))
        .filter(employment_imports::Column::Id.eq(run_id))
        .exec(conn)
        .await?;
    Ok(())
}

fn view(run: employment_imports::Model) -> RunView {
    let status = match run.status.as_str() {
        "running" => {
            let beat = run.heartbeat_at.unwrap_or(run.created_at);
            if (Utc::now() - beat).num_seconds() > STALE_AFTER_SECS {
                RunStatus::Interrupted
            } else {
                RunStatus::Running
            }
        }
        "failed" => RunStatus::Failed,
        _ => RunStatus::Done,
    };
    let report = run
        .report
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    RunView {
        run,
        status,
        report,
    }
}

fn may_see(actor: &Actor, run: &employment_imports::Model) -> bool {
    run.actor_id == actor.account_id || (actor.is_admin() && actor.covers_unit(&run.org_path))
}

pub async fn import_status(services: &Services, actor: &Actor, id: i32) -> AppResult<RunView> {
    employment_imports::Entity::find_by_id(id)
        .one(&services.db)
        .await?
        .filter(|run| may_see(actor, run))
        .map(view)
        .ok_or(AppError::not_found("导入记录"))
}

/// The latest runs the actor may see, newest first.
pub async fn import_history(services: &Services, actor: &Actor) -> AppResult<Vec<RunView>> {
    if !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let runs = employment_imports::Entity::find()
        .filter(
            Condition::any()
                .add(employment_imports::Column::ActorId.eq(actor.account_id))
                .add(employment_imports::Column::OrgPath.like(actor.subtree_pattern())),
        )
        .order_by_desc(employment_imports::Column::Id)
        .limit(50)
        .all(&services.db)
        .await?;
    // The list says how each run went; the row errors are read one run at a time.
    Ok(runs
        .into_iter()
        .map(|run| {
            let mut view = view(run);
            if let Some(report) = view.report.as_mut() {
                report.errors_total = report.errors_total.max(report.errors.len());
                report.errors.clear();
            }
            view
        })
        .collect())
}
