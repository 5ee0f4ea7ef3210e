//! Importing the employment data report: a dry run that lists every row error and writes
//! nothing, and a commit that upserts by (university, cohort, student number) in one
//! transaction. Re-importing the same file changes nothing. Large files run in the background
//! and report their progress on their row in `employment_imports`.

pub mod diagnostics;
pub mod stats;
pub mod tallies;

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::entities::{destination_codes, employment_imports, graduates, org_units};
use crate::domain::employment::{parse_row, scheme_for, GraduateRow, Layout, RowError};
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult};
use crate::infra::sheet_file;
use crate::service::{audit, RequestMeta, Services};

/// What an import found and (when committed) did.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImportReport {
    pub rows: usize,
    pub errors: Vec<RowError>,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Colleges in the file that the university did not have yet: created by a commit, so
    /// account forms can choose them (a dry run lists them for a last look at the spelling).
    #[serde(default)]
    pub new_colleges: Vec<String>,
    /// Majors added to the catalog.
    pub majors_added: usize,
    pub committed: bool,
    /// Row errors in all; a stored report keeps only the first `STORED_ERRORS` of them.
    #[serde(default)]
    pub errors_total: usize,
}

/// Row errors a finished run keeps: enough to fix a file, not megabytes per run.
pub const STORED_ERRORS: usize = 1000;

/// How a run is carried out: answered in the request, or in the background with progress
/// written to its row in `employment_imports`.
#[derive(Debug, Clone, Copy)]
enum Mode {
    Inline,
    Background { run_id: i32 },
}

/// Whose data an actor imports: a university, and for a college admin only their college.
struct ImportScope {
    university: org_units::Model,
    college: Option<String>,
}

async fn scope_of<C: ConnectionTrait>(conn: &C, actor: &Actor) -> AppResult<ImportScope> {
    let unit = org_units::Entity::find_by_id(actor.org_unit_id)
        .one(conn)
        .await?
        .ok_or(AppError::not_found("组织单位"))?;
    match actor.role {
        Role::SchoolAdmin => Ok(ImportScope {
            university: unit,
            college: None,
        }),
        Role::CollegeAdmin => {
            let university = org_units::Entity::find_by_id(unit.parent_id.unwrap_or_default())
                .one(conn)
                .await?
                .ok_or(AppError::not_found("组织单位"))?;
            Ok(ImportScope {
                university,
                college: Some(unit.name),
            })
        }
        _ => Err(AppError::Forbidden),
    }
}

/// The one answer a college admin gets for a row that is not theirs, whether its 院系 names
/// another college or its 学号 belongs to another college's graduate: the two read alike and
/// neither names the other college.
fn not_own_college(row: usize, college: &str) -> RowError {
    RowError {
        row,
        column: "院系".into(),
        reason: format!("只能导入本院系（{college}）的毕业生：该行的院系或学号属于其他院系"),
    }
}

/// Whether a code is in the code table of a cohort's scheme.
fn code_lookup(codes: &[destination_codes::Model]) -> impl Fn(i32, &str) -> bool + '_ {
    move |cohort, code| {
        let scheme = scheme_for(codes.iter().map(|c| c.from_cohort), cohort);
        scheme.is_some_and(|from| {
            codes
                .iter()
                .any(|c| c.from_cohort == from && c.code == code)
        })
    }
}

fn differs(existing: &graduates::Model, row: &GraduateRow) -> bool {
    existing.name != row.name
        || existing.college_name != row.college
        || existing.major_name != row.major
        || existing.education_level != row.level.as_str()
        || existing.destination_code != row.destination
        || existing.employer_type_code != row.employer_type
        || existing.industry_code != row.industry
        || existing.region_code != row.region
}

/// Rows between two progress writes of a background run.
const PROGRESS_EVERY: usize = 2000;

async fn heartbeat<C: ConnectionTrait>(
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

/// How often a background run says it is alive, whatever it is doing.
const HEARTBEAT_SECS: u64 = 30;

async fn touch<C: ConnectionTrait>(conn: &C, run_id: i32) -> AppResult<()> {
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
async fn finish<C: ConnectionTrait>(
    conn: &C,
    run_id: i32,
    status: &str,
    report: &ImportReport,
) -> AppResult<()> {
    let now = Utc::now();
    let mut stored = report.clone();
    stored.errors_total = report.errors.len().max(report.errors_total);
    stored.errors.truncate(STORED_ERRORS);
    let json = serde_json::to_string(&stored).map_err(|e| AppError::internal(e.to_string()))?;
    employment_imports::Entity::update_many()
        .col_expr(employment_imports::Column::Status, Expr::value(status))
        .col_expr(
            employment_imports::Column::Rows,
            Expr::value(report.rows as i32),
        )
        .col_expr(
            employment_imports::Column::Processed,
            Expr::value(report.rows as i32),
        )
        .col_expr(
            employment_imports::Column::Total,
            Expr::value(report.rows as i32),
        )
        .col_expr(
            employment_imports::Column::Inserted,
            Expr::value(report.inserted as i32),
        )
        .col_expr(
            employment_imports::Column::Updated,
            Expr::value(report.updated as i32),
        )
        .col_expr(
            employment_imports::Column::Unchanged,
            Expr::value(report.unchanged as i32),
        )
        .col_expr(employment_imports::Column::Report, Expr::value(json))
        .col_expr(employment_imports::Column::HeartbeatAt, Expr::value(now))
        .col_expr(employment_imports::Column::FinishedAt, Expr::value(now))
        .filter(employment_imports::Column::Id.eq(run_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Check (and unless `dry_run`, commit) a file in the request.
pub async fn import(
    services: &Services,
    actor: &Actor,
    filename: &str,
    bytes: &[u8],
    dry_run: bool,
    meta: &RequestMeta,
) -> AppResult<ImportReport> {
    let scope = scope_of(&services.db, actor).await?;
    let permit = services.sheet_parses.acquire().await?;
    run(
        services,
        actor,
        &scope,
        filename,
        (permit, bytes),
        dry_run,
        meta,
        Mode::Inline,
    )
    .await
}

/// Start a run in the background and return its row at once; the row's status, progress and
/// final report are what `import_status` reads, from any instance.
pub async fn start_import(
    services: &Services,
    actor: &Actor,
    filename: &str,
    bytes: Vec<u8>,
    dry_run: bool,
    meta: &RequestMeta,
) -> AppResult<employment_imports::Model> {
    let scope = scope_of(&services.db, actor).await?;
    // The turn to parse is taken before the run exists: a busy server answers the upload
    // itself with 503 instead of starting a run that fails.
    let permit = services.sheet_parses.acquire().await?;
    let now = Utc::now();
    let row = employment_imports::ActiveModel {
        university_id: Set(scope.university.id),
        org_path: Set(scope.university.path.clone()),
        actor_id: Set(actor.account_id),
        filename: Set(filename.chars().take(255).collect()),
        rows: Set(0),
        inserted: Set(0),
        updated: Set(0),
        unchanged: Set(0),
        created_at: Set(now),
        status: Set(RunStatus::Running.as_str().into()),
        dry_run: Set(dry_run),
        processed: Set(0),
        total: Set(0),
        report: Set(None),
        heartbeat_at: Set(Some(now)),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(&services.db)
    .await?;
    let (services, actor, meta) = (services.clone(), actor.clone(), meta.clone());
    let filename = filename.to_string();
    let run_id = row.id;
    tokio::spawn(async move {
        // Alive while it works, also through a long write transaction.
        let ticker = {
            let db = services.db.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(std::time::Duration::from_secs(HEARTBEAT_SECS)).await;
                    let _ = touch(&db, run_id).await;
                }
            })
        };
        let result = run(
            &services,
            &actor,
            &scope,
            &filename,
            (permit, &bytes),
            dry_run,
            &meta,
            Mode::Background { run_id },
        )
        .await;
        let ended = match result {
            // A commit records its end in its own transaction.
            Ok(report) if report.committed => Ok(()),
            Ok(report) => finish(&services.db, run_id, RunStatus::Done.as_str(), &report).await,
            Err(error) => {
                tracing::error!(run_id, %error, "employment import failed");
                let report = ImportReport {
                    errors: vec![RowError {
                        row: 0,
                        column: "文件".into(),
                        reason: match error {
                            AppError::Invalid(invalid) => invalid.message,
                            _ => "导入时发生内部错误，未写入任何数据，请稍后重试".into(),
                        },
                    }],
                    ..Default::default()
                };
                finish(&services.db, run_id, RunStatus::Failed.as_str(), &report).await
            }
        };
        ticker.abort();
        if let Err(error) = ended {
            tracing::error!(run_id, %error, "could not record the end of an import");
            let minimal = ImportReport {
                errors: vec![RowError {
                    row: 0,
                    column: "文件".into(),
                    reason: "导入结果无法保存，请稍后重试".into(),
                }],
                ..Default::default()
            };
            let _ = finish(&services.db, run_id, RunStatus::Failed.as_str(), &minimal).await;
        }
    });
    Ok(row)
}

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

/// A running import writes its progress at least this often; silent longer means it died.
const STALE_AFTER_SECS: i64 = 120;

/// One import run as its starter (or an admin over its university) sees it.
#[derive(Debug, Clone)]
pub struct RunView {
    pub run: employment_imports::Model,
    pub status: RunStatus,
    pub report: Option<ImportReport>,
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

#[allow(clippy::too_many_arguments)]
async fn run(
    services: &Services,
    actor: &Actor,
    scope: &ImportScope,
    filename: &str,
    (permit, bytes): (sheet_file::ParsePermit, &[u8]),
    dry_run: bool,
    meta: &RequestMeta,
    mode: Mode,
) -> AppResult<ImportReport> {
    let rows = permit.read_rows(bytes).await?;
    let total = rows.len() - 1;
    let mut report = ImportReport {
        rows: total,
        ..Default::default()
    };
    let layout = match Layout::parse(&rows[0].cells) {
        Ok(layout) => layout,
        Err(errors) => {
            report.errors = errors;
            return Ok(report);
        }
    };
    let codes = destination_codes::Entity::find().all(&services.db).await?;
    let known = code_lookup(&codes);
    let mut parsed: Vec<GraduateRow> = Vec::with_capacity(rows.len());
    // The sheet row of each parsed row, side by side.
    let mut parsed_rows: Vec<usize> = Vec::with_capacity(rows.len());
    let mut seen: HashMap<(i32, String), usize> = HashMap::new();
    for (index, sheet_row) in rows.iter().enumerate().skip(1) {
        let cells = &sheet_row.cells;
        if let Mode::Background { run_id } = mode {
            if index % PROGRESS_EVERY == 0 {
                heartbeat(&services.db, run_id, index, total).await?;
            }
        }
        let row_no = sheet_row.number;
        match parse_row(row_no, cells, &layout, &known) {
            Ok(row) => {
                if let Some(college) = &scope.college {
                    if &row.college != college {
                        report.errors.push(not_own_college(row_no, college));
                        continue;
                    }
                }
                if let Some(first) = seen.insert((row.cohort, row.student_no.clone()), row_no) {
                    report.errors.push(RowError {
                        row: row_no,
                        column: "学号".into(),
                        reason: format!("学号与第 {first} 行重复"),
                    });
                    continue;
                }
                parsed.push(row);
                parsed_rows.push(row_no);
            }
            Err(errors) => report.errors.extend(errors),
        }
    }
    if let Mode::Background { run_id } = mode {
        heartbeat(&services.db, run_id, total, total).await?;
    }

    let cohorts: Vec<i32> = parsed
        .iter()
        .map(|r| r.cohort)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let existing: HashMap<(i32, String), graduates::Model> = graduates::Entity::find()
        .filter(graduates::Column::UniversityId.eq(scope.university.id))
        .filter(graduates::Column::Cohort.is_in(cohorts))
        .all(&services.db)
        .await?
        .into_iter()
        .map(|g| ((g.cohort, g.student_no.clone()), g))
        .collect();
    // A college admin's row may not touch another college's graduate: refused like a row of
    // another college, so the report says no more than that about who holds the number.
    if let Some(college) = &scope.college {
        let mut own = Vec::with_capacity(parsed.len());
        for (row, row_no) in parsed.into_iter().zip(parsed_rows) {
            let foreign = existing
                .get(&(row.cohort, row.student_no.clone()))
                .is_some_and(|old| &old.college_name != college);
            if foreign {
                report.errors.push(not_own_college(row_no, college));
            } else {
                own.push(row);
            }
        }
        parsed = own;
        report.errors.sort_by_key(|e| e.row);
    }
    let mut inserts = Vec::new();
    let mut updates = Vec::new();
    for row in &parsed {
        match existing.get(&(row.cohort, row.student_no.clone())) {
            None => inserts.push(row),
            Some(old) if differs(old, row) => updates.push((old.id, row)),
            Some(_) => report.unchanged += 1,
        }
    }
    report.inserted = inserts.len();
    report.updated = updates.len();
    report.new_colleges =
        crate::service::org::catalog::missing_colleges(&services.db, &scope.university, &parsed)
            .await?;
    if dry_run || !report.errors.is_empty() {
        return Ok(report);
    }

    let now = Utc::now();
    let txn = services.db.begin().await?;
    let run_id = match mode {
        Mode::Background { run_id } => run_id,
        Mode::Inline => {
            employment_imports::ActiveModel {
                university_id: Set(scope.university.id),
                org_path: Set(scope.university.path.clone()),
                actor_id: Set(actor.account_id),
                filename: Set(filename.chars().take(255).collect()),
                rows: Set(report.rows as i32),
                inserted: Set(report.inserted as i32),
                updated: Set(report.updated as i32),
                unchanged: Set(report.unchanged as i32),
                created_at: Set(now),
                status: Set(RunStatus::Running.as_str().into()),
                dry_run: Set(false),
                processed: Set(report.rows as i32),
                total: Set(report.rows as i32),
                report: Set(None),
                heartbeat_at: Set(Some(now)),
                finished_at: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    let model = |row: &GraduateRow| graduates::ActiveModel {
        university_id: Set(scope.university.id),
        college_name: Set(row.college.clone()),
        major_name: Set(row.major.clone()),
        education_level: Set(row.level.as_str().to_string()),
        cohort: Set(row.cohort),
        student_no: Set(row.student_no.clone()),
        name: Set(row.name.clone()),
        destination_code: Set(row.destination.clone()),
        employer_type_code: Set(row.employer_type.clone()),
        industry_code: Set(row.industry.clone()),
        region_code: Set(row.region.clone()),
        import_id: Set(Some(run_id)),
        updated_at: Set(now),
        ..Default::default()
    };
    for chunk in inserts.chunks(500) {
        graduates::Entity::insert_many(chunk.iter().map(|row| model(row)))
            .exec(&txn)
            .await?;
    }
    for (id, row) in &updates {
        let mut active = model(row);
        active.id = Set(*id);
        let mut update = graduates::Entity::update(active);
        if let Some(college) = &scope.college {
            // Checked again in the write: a school admin may have moved the graduate since.
            update = update.filter(graduates::Column::CollegeName.eq(college.as_str()));
        }
        match update.exec(&txn).await {
            Err(DbErr::RecordNotUpdated) => {
                return Err(Invalid::new(
                    "file",
                    "导入期间有毕业生被调整到其他院系，未写入任何数据，请重新导入",
                )
                .into())
            }
            other => other?,
        };
    }
    let mut touched: Vec<i32> = parsed.iter().map(|r| r.cohort).collect();
    touched.sort_unstable();
    touched.dedup();
    for cohort in touched {
        crate::service::employment::tallies::rebuild(&txn, scope.university.id, cohort).await?;
    }
    // The colleges and majors found feed the catalog account forms choose from.
    crate::service::org::catalog::create_colleges(&txn, &scope.university, &report.new_colleges)
        .await?;
    report.majors_added = crate::service::org::catalog::feed(
        &txn,
        &scope.university,
        &parsed.iter().collect::<Vec<_>>(),
    )
    .await?;
    report.committed = true;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "employment.import",
            target_type: "employment_import",
            target_id: Some(run_id.to_string()),
            org_path: &scope.university.path,
            detail: json!({
                "filename": filename,
                "rows": report.rows,
                "inserted": report.inserted,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "colleges_added": report.new_colleges,
                "majors_added": report.majors_added,
            }),
        },
    )
    .await?;
    finish(&txn, run_id, RunStatus::Done.as_str(), &report).await?;
    txn.commit().await?;
    Ok(report)
}

/// The headers of the downloadable template, in order.
pub fn template_headers() -> Vec<&'static str> {
    crate::domain::employment::Column::ALL
        .iter()
        .map(|c| crate::domain::sheet::SheetColumn::header(*c))
        .collect()
}
