//! Bulk accounts: a spreadsheet of counselors (and college admins) checked, then created.

use chrono::{DateTime, Utc};
use salvo::oapi::extract::{PathParam, QueryParam};
use salvo::oapi::ToSchema;
use salvo::prelude::*;
use serde::Serialize;

use crate::http::auth::{actor, meta};
use crate::http::error::ApiResult;
use crate::http::private::no_store;
use crate::http::state::AppState;
use crate::service::accounts::handover;
use crate::service::accounts::import::{self as account_import, AccountImportReport};

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountRowErrorView {
    /// Spreadsheet row, 1 = the header row.
    pub row: usize,
    pub column: String,
    pub reason: String,
    /// Catalog names the row may have meant (colleges, majors), closest first.
    pub suggestions: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlannedAccountView {
    pub row: usize,
    pub name: String,
    pub username: String,
    /// counselor | college_admin
    pub role: String,
    pub college: String,
    pub phone_masked: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountImportView {
    /// Data rows in the file (blank rows not counted).
    pub rows: usize,
    /// Rows that cannot be created, every problem listed.
    pub errors: Vec<AccountRowErrorView>,
    /// Rows that are (or, in a dry run, would be) created.
    pub accounts: Vec<PlannedAccountView>,
    pub created: usize,
    pub committed: bool,
    /// Without an SMS provider: the created accounts' initial passwords, to download once.
    pub credentials_download: Option<CredentialsDownloadView>,
}

/// A one-time download of initial passwords (XLSX), for the admin who imported them.
#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialsDownloadView {
    /// GET it with the session, once; a second GET, or one after `expires_at`, answers 409
    /// `credentials_gone`.
    pub url: String,
    pub expires_at: DateTime<Utc>,
    /// Accounts in the file.
    pub accounts: usize,
}

impl AccountImportView {
    fn new(report: AccountImportReport) -> Self {
        Self {
            rows: report.rows,
            errors: report
                .errors
                .into_iter()
                .map(|e| AccountRowErrorView {
                    row: e.error.row,
                    column: e.error.column,
                    reason: e.error.reason,
                    suggestions: e.suggestions,
                })
                .collect(),
            accounts: report
                .accounts
                .into_iter()
                .map(|p| PlannedAccountView {
                    row: p.row.row,
                    name: p.row.name,
                    username: p.row.username.as_str().to_string(),
                    role: p.row.role.as_str().to_string(),
                    college: p.college.name,
                    phone_masked: p.row.phone.masked(),
                })
                .collect(),
            created: report.created,
            committed: report.committed,
            credentials_download: report.credentials.map(|c| CredentialsDownloadView {
                url: format!("/api/v1/accounts/credentials/{}", c.token),
                expires_at: c.expires_at,
                accounts: c.accounts,
            }),
        }
    }
}

/// Import accounts from XLSX or CSV (UTF-8 or GBK): the body, or the `file` part of a
/// multipart form. School admins import into their university's colleges, college admins into
/// their college. `dry_run=true` checks and writes nothing; otherwise every valid row is
/// created in one transaction (each new account gets its credentials by SMS) and the rest are
/// reported.
#[endpoint(tags("accounts"))]
pub async fn import(
    dry_run: QueryParam<bool, false>,
    filename: QueryParam<String, false>,
    req: &mut Request,
    depot: &mut Depot,
) -> ApiResult<Json<AccountImportView>> {
    let state = AppState::from_depot(depot)?.clone();
    let file = crate::http::upload::read(req, state.settings.server.upload_limit_mib).await?;
    let filename = filename
        .into_inner()
        .or(file.filename)
        .unwrap_or_else(|| "upload".into());
    let report = account_import::import(
        &state.services,
        actor(depot)?,
        &filename,
        &file.bytes,
        dry_run.into_inner().unwrap_or(false),
        &meta(depot),
    )
    .await?;
    Ok(Json(AccountImportView::new(report)))
}

/// The initial passwords of a committed import, when no SMS provider delivers them: an XLSX
/// for the importing admin, fetched once within ten minutes of the import.
#[endpoint(
    tags("accounts"),
    responses((status_code = 200, description = "XLSX workbook"))
)]
pub async fn credentials(
    token: PathParam<String>,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    let rows = handover::fetch(
        &state.services,
        actor(depot)?,
        &token.into_inner(),
        &meta(depot),
    )
    .await?;
    no_store(res);
    crate::http::api::credentials_file::send(res, &rows)
}

/// The spreadsheet to fill in.
#[endpoint(tags("accounts"), responses((status_code = 200, description = "XLSX workbook")))]
pub async fn template(res: &mut Response) -> ApiResult<()> {
    crate::http::template_file::send(
        res,
        "账号",
        &account_import::template_headers(),
        "accounts-template.xlsx",
    )
}
