//! The employment data report: import (dry run or commit) and the template to fill in.

use salvo::oapi::extract::PathParam;
use salvo::oapi::{ToParameters, ToSchema};
use salvo::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::employment::RowError;
use crate::error::AppError;
use crate::http::auth::{actor, meta};
use crate::http::error::{ApiError, ApiResult};
use crate::http::state::AppState;
use crate::service::employment::{self, ImportReport};

#[derive(Debug, Deserialize, ToParameters)]
#[salvo(parameters(default_parameter_in = Query))]
pub struct ImportQuery {
    /// true: check every row and report, write nothing.
    pub dry_run: Option<bool>,
    /// The file's name, for the import history.
    pub filename: Option<String>,
    /// true: answer 202 with the run at once and process the file in the background; poll
    /// `GET /employment/imports/{id}` for progress and the report. For large files.
    pub background: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RowErrorView {
    /// Spreadsheet row, 1 = the header row.
    pub row: usize,
    pub column: String,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportView {
    /// Data rows in the file.
    pub rows: usize,
    /// Every problem found; a commit happens only when there is none.
    pub errors: Vec<RowErrorView>,
    /// How many errors there are; a background run's stored report lists the first 1 000.
    pub errors_total: usize,
    /// New graduates (would be) added.
    pub inserted: usize,
    /// Graduates whose record (would) change.
    pub updated: usize,
    /// Rows identical to what is stored.
    pub unchanged: usize,
    /// Colleges in the file the university does not have: a commit creates them.
    pub new_colleges: Vec<String>,
    /// Majors the commit added to the catalog.
    pub majors_added: usize,
    pub committed: bool,
}

impl ImportReportView {
    fn new(report: ImportReport) -> Self {
        let errors_total = report.errors_total.max(report.errors.len());
        Self {
            errors_total,
            rows: report.rows,
            errors: report
                .errors
                .into_iter()
                .map(
                    |RowError {
                         row,
                         column,
                         reason,
                     }| RowErrorView {
                        row,
                        column,
                        reason,
                    },
                )
                .collect(),
            inserted: report.inserted,
            updated: report.updated,
            unchanged: report.unchanged,
            new_colleges: report.new_colleges,
            majors_added: report.majors_added,
            committed: report.committed,
        }
    }
}

/// Import the employment data report (XLSX, or CSV in UTF-8 or GBK) as the request body. A
/// school admin imports their university's graduates, a college admin their college's. With
/// `dry_run=true` nothing is written; a commit with any row error answers 422
/// `import_has_errors` with the same report and writes nothing.
#[endpoint(
    tags("employment"),
    responses((status_code = 200, description = "The import report", body = ImportReportView))
)]
pub async fn import(
    query: ImportQuery,
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?.clone();
    let upload = crate::http::upload::read(req, state.settings.server.upload_limit_mib).await?;
    let bytes = upload.bytes;
    let dry_run = query.dry_run.unwrap_or(false);
    let filename = query
        .filename
        .or(upload.filename)
        .unwrap_or_else(|| "upload".into());
    if query.background.unwrap_or(false) {
        let run = employment::start_import(
            &state.services,
            actor(depot)?,
            &filename,
            bytes,
            dry_run,
            &meta(depot),
        )
        .await?;
        let view = ImportRunView::new(employment::RunView {
            run,
            status: employment::RunStatus::Running,
            report: None,
        });
        res.status_code(StatusCode::ACCEPTED);
        res.render(Json(view));
        return Ok(());
    }
    let report = employment::import(
        &state.services,
        actor(depot)?,
        &filename,
        &bytes,
        dry_run,
        &meta(depot),
    )
    .await?;
    let failed = !dry_run && !report.errors.is_empty();
    let count = report.errors.len();
    let mut body = serde_json::to_value(ImportReportView::new(report))
        .map_err(|e| ApiError(AppError::internal(e.to_string())))?;
    if failed {
        // The error shape every client knows, with the report that says where to fix the file.
        body["code"] = "import_has_errors".into();
        body["message"] = format!("文件中有 {count} 处错误，未导入任何数据，请修改后重试").into();
        body["field"] = "file".into();
        res.status_code(StatusCode::UNPROCESSABLE_ENTITY);
    }
    res.render(Json(body));
    Ok(())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRunView {
    pub id: i32,
    pub filename: String,
    /// running | done | failed | interrupted (its instance stopped; nothing was written)
    pub status: String,
    pub dry_run: bool,
    /// Rows checked so far, of `total` (0 until the file is read).
    pub processed: i32,
    pub total: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The report once the run has finished; `committed` says whether data was written.
    pub report: Option<ImportReportView>,
}

impl ImportRunView {
    fn new(view: employment::RunView) -> Self {
        Self {
            id: view.run.id,
            filename: view.run.filename,
            status: view.status.as_str().to_string(),
            dry_run: view.run.dry_run,
            processed: view.run.processed,
            total: view.run.total,
            created_at: view.run.created_at,
            finished_at: view.run.finished_at,
            report: view.report.map(ImportReportView::new),
        }
    }
}

/// One import run: its progress while running, its report when finished. Visible to whoever
/// started it and to admins over its university.
#[endpoint(tags("employment"))]
pub async fn run_status(id: PathParam<i32>, depot: &mut Depot) -> ApiResult<Json<ImportRunView>> {
    let state = AppState::from_depot(depot)?;
    let run = employment::import_status(&state.services, actor(depot)?, id.into_inner()).await?;
    Ok(Json(ImportRunView::new(run)))
}

/// The latest 50 import runs in the admin's scope, newest first.
#[endpoint(tags("employment"))]
pub async fn history(depot: &mut Depot) -> ApiResult<Json<Vec<ImportRunView>>> {
    let state = AppState::from_depot(depot)?;
    let runs = employment::import_history(&state.services, actor(depot)?).await?;
    Ok(Json(runs.into_iter().map(ImportRunView::new).collect()))
}

/// The template to fill in: one sheet with the report's headers.
#[endpoint(tags("employment"), responses((status_code = 200, description = "XLSX workbook")))]
pub async fn template(res: &mut Response) -> ApiResult<()> {
    crate::http::template_file::send(
        res,
        "就业数据",
        &employment::template_headers(),
        "employment-template.xlsx",
    )
}

#[derive(Debug, Deserialize, ToParameters)]
#[salvo(parameters(default_parameter_in = Query))]
pub struct DiagnosticsQuery {
    /// 届别; the latest cohort with data when absent.
    pub cohort: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountMismatchView {
    pub account_id: i32,
    pub name: String,
    pub college: String,
    /// Why this counselor would see no (or too few) figures.
    pub reasons: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UncoveredMajorView {
    pub college: String,
    pub education_level: String,
    pub major: String,
    pub graduates: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CollegeCountView {
    pub college: String,
    pub graduates: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiagnosticsView {
    pub cohort: Option<i32>,
    /// Counselors whose college or majors match no graduate of the cohort.
    pub accounts: Vec<AccountMismatchView>,
    /// Majors with graduates but no counselor responsible for them.
    pub majors_without_counselor: Vec<UncoveredMajorView>,
    /// College names in the data that match no college of the university.
    pub colleges_without_unit: Vec<CollegeCountView>,
}

/// Where account names and the employment data disagree (school and college admins).
#[endpoint(tags("employment"))]
pub async fn diagnostics(
    query: DiagnosticsQuery,
    depot: &mut Depot,
) -> ApiResult<Json<DiagnosticsView>> {
    let state = AppState::from_depot(depot)?;
    let found = crate::service::employment::diagnostics::check(
        &state.services,
        actor(depot)?,
        query.cohort,
    )
    .await?;
    Ok(Json(DiagnosticsView {
        cohort: found.cohort,
        accounts: found
            .accounts
            .into_iter()
            .map(|a| AccountMismatchView {
                account_id: a.account_id,
                name: a.name,
                college: a.college,
                reasons: a.reasons,
            })
            .collect(),
        majors_without_counselor: found
            .majors_without_counselor
            .into_iter()
            .map(|m| UncoveredMajorView {
                college: m.college,
                education_level: m.education_level,
                major: m.major,
                graduates: m.graduates,
            })
            .collect(),
        colleges_without_unit: found
            .colleges_without_unit
            .into_iter()
            .map(|(college, graduates)| CollegeCountView { college, graduates })
            .collect(),
    }))
}
