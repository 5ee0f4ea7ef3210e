//! Importing the employment data report: a dry run that lists every row error and writes
//! nothing, and a commit that upserts by (university, cohort, student number) in one
//! transaction. Re-importing the same file changes nothing. Large files run in the background
//! and report their progress on their row in `employment_imports`.
//!
//! The rows go through the shared spreadsheet pipeline (`service::imports`): `sheet` parses
//! and plans them (validate, then diff against the database), `commit` writes the plan.

mod commit;
mod sheet;

use sea_orm::{ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};

use super::runs::{self, RunStatus};
use crate::db::entities::{employment_imports, org_units};
use crate::domain::employment::RowError;
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::error::{AppError, AppResult};
use crate::infra::sheet_file::ParsePermit;
use crate::service::{imports, RequestMeta, Services};

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

/// How a run is carried out: answered in the request, or in the background with progress
/// written to its row in `employment_imports`.
#[derive(Debug, Clone, Copy)]
enum Mode {
    Inline,
    Background { run_id: i32 },
}

/// Whose data an actor imports: a university, and for a college admin only their college.
pub(super) struct ImportScope {
    pub university: org_units::Model,
    pub college: Option<String>,
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

/// One file, its importer and where the run is recorded.
struct Run<'a> {
    services: &'a Services,
    actor: &'a Actor,
    scope: &'a ImportScope,
    filename: &'a str,
    meta: &'a RequestMeta,
    mode: Mode,
}

impl Run<'_> {
    async fn execute(
        &self,
        permit: ParsePermit,
        bytes: &[u8],
        dry_run: bool,
    ) -> AppResult<ImportReport> {
        let import = sheet::EmploymentImport::new(self).await?;
        imports::run(&import, permit, bytes, dry_run).await
    }
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
    let run = Run {
        services,
        actor,
        scope: &scope,
        filename,
        meta,
        mode: Mode::Inline,
    };
    run.execute(permit, bytes, dry_run).await
}

/// How often a background run says it is alive, whatever it is doing.
const HEARTBEAT_SECS: u64 = 30;

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
    let row = runs::create(
        &services.db,
        actor,
        &scope,
        filename,
        dry_run,
        &ImportReport::default(),
    )
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
                    let _ = runs::touch(&db, run_id).await;
                }
            })
        };
        let run = Run {
            services: &services,
            actor: &actor,
            scope: &scope,
            filename: &filename,
            meta: &meta,
            mode: Mode::Background { run_id },
        };
        let result = run.execute(permit, &bytes, dry_run).await;
        let ended = record_end(&services, run_id, result).await;
        ticker.abort();
        if let Err(error) = ended {
            tracing::error!(run_id, %error, "could not record the end of an import");
            let minimal = failure("导入结果无法保存，请稍后重试".into());
            let _ = runs::finish(&services.db, run_id, RunStatus::Failed, &minimal).await;
        }
    });
    Ok(row)
}

/// A report that only says why the whole file failed.
fn failure(reason: String) -> ImportReport {
    ImportReport {
        errors: vec![RowError {
            row: 0,
            column: "文件".into(),
            reason,
        }],
        ..Default::default()
    }
}

/// Record how a background run ended, unless its commit already did.
async fn record_end(
    services: &Services,
    run_id: i32,
    result: AppResult<ImportReport>,
) -> AppResult<()> {
    match result {
        // A commit records its end in its own transaction.
        Ok(report) if report.committed => Ok(()),
        Ok(report) => runs::finish(&services.db, run_id, RunStatus::Done, &report).await,
        Err(error) => {
            tracing::error!(run_id, %error, "employment import failed");
            let report = failure(match error {
                AppError::Invalid(invalid) => invalid.message,
                _ => "导入时发生内部错误，未写入任何数据，请稍后重试".into(),
            });
            runs::finish(&services.db, run_id, RunStatus::Failed, &report).await
        }
    }
}

/// The headers of the downloadable template, in order.
pub fn template_headers() -> Vec<&'static str> {
    crate::domain::employment::Column::ALL
        .iter()
        .map(|c| crate::domain::sheet::SheetColumn::header(*c))
        .collect()
}
