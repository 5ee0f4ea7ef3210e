//! The one way a spreadsheet is imported, whatever it holds: read the file in a turn of the
//! parse gate, check the header, parse every row, check the parsed rows against the database
//! (the plan), then either report the plan (a dry run, or a file that may not be written) or
//! commit it in one transaction. Every row error is reported, not only the first.
//!
//! What differs between imports (which columns, what a row must satisfy, what a commit writes,
//! whether progress is recorded) is a [`SheetImport`].

use std::future::Future;

use crate::domain::sheet::RowError;
use crate::error::{AppError, AppResult};
use crate::infra::sheet_file::{ParsePermit, SheetRow};

/// Rows parsed between two progress reports.
pub const PROGRESS_EVERY: usize = 2000;

/// One kind of spreadsheet import.
pub trait SheetImport: Sync {
    /// Where each column is, from the header row.
    type Layout: Sync;
    /// A data row that parsed.
    type Row: Send;
    /// What a commit would write, with the report a dry run answers.
    type Plan: Send;
    type Report: Send;

    /// Refuse a file by its size before any row is looked at.
    fn admit(&self, _rows: usize) -> AppResult<()> {
        Ok(())
    }

    fn layout(&self, headers: &[String]) -> Result<Self::Layout, Vec<RowError>>;

    /// The answer to a file whose header is wrong: its row errors, nothing else checked.
    fn header_rejected(&self, rows: usize, errors: Vec<RowError>) -> Self::Report;

    fn parse(&self, row: &SheetRow, layout: &Self::Layout) -> Result<Self::Row, Vec<RowError>>;

    /// `done` of `total` rows parsed; a run others watch records it.
    fn progress(&self, _done: usize, _total: usize) -> impl Future<Output = AppResult<()>> + Send {
        async { Ok(()) }
    }

    /// Check the parsed rows (with their sheet row numbers) against each other and the
    /// database. `errors` are the rows that did not parse, in row order.
    fn plan(
        &self,
        rows: usize,
        parsed: Vec<(usize, Self::Row)>,
        errors: Vec<RowError>,
    ) -> impl Future<Output = AppResult<Self::Plan>> + Send;

    /// Whether committing the plan is allowed and would write anything.
    fn writes(plan: &Self::Plan) -> bool;

    /// The report of a plan that is not committed.
    fn report(plan: Self::Plan) -> Self::Report;

    /// Write the plan in one transaction.
    fn commit(&self, plan: Self::Plan) -> impl Future<Output = AppResult<Self::Report>> + Send;
}

/// Run an import over an uploaded file: read, parse, plan, and unless `dry_run` commit.
pub async fn run<I: SheetImport>(
    import: &I,
    permit: ParsePermit,
    bytes: &[u8],
    dry_run: bool,
) -> AppResult<I::Report> {
    let sheet = permit.read_rows(bytes).await?;
    // The reader answers a file without a data row as invalid; an empty list is its bug.
    let Some((header, rows)) = sheet.split_first() else {
        return Err(AppError::Internal(
            "spreadsheet read without a header row".into(),
        ));
    };
    let total = rows.len();
    import.admit(total)?;
    let layout = match import.layout(&header.cells) {
        Ok(layout) => layout,
        Err(errors) => return Ok(import.header_rejected(total, errors)),
    };
    let mut parsed = Vec::with_capacity(total);
    let mut errors = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        // Counted as the sheet counts, header included.
        let read = index + 1;
        if read % PROGRESS_EVERY == 0 {
            import.progress(read, total).await?;
        }
        match import.parse(row, &layout) {
            Ok(value) => parsed.push((row.number, value)),
            Err(row_errors) => errors.extend(row_errors),
        }
    }
    import.progress(total, total).await?;
    let plan = import.plan(total, parsed, errors).await?;
    if dry_run || !I::writes(&plan) {
        return Ok(I::report(plan));
    }
    import.commit(plan).await
}
