//! An employment file through the import pipeline: each row parsed against the code tables,
//! then the parsed rows validated (the importer's college, one row per student) and diffed
//! against the graduates the university already has.

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{runs, ImportReport, ImportScope, Mode, Run};
use crate::db::entities::{destination_codes, graduates};
use crate::domain::employment::{parse_row, scheme_for, GraduateRow, Layout, RowError};
use crate::error::AppResult;
use crate::infra::sheet_file::SheetRow;
use crate::service::imports::SheetImport;

/// An import of one file, with the code tables its rows are checked against.
pub(super) struct EmploymentImport<'a> {
    pub run: &'a Run<'a>,
    codes: Vec<destination_codes::Model>,
}

/// What a commit writes, and the report of it.
pub(super) struct Plan {
    pub report: ImportReport,
    /// Every valid row of the file, new, changed or not.
    pub rows: Vec<GraduateRow>,
    /// Indexes into `rows` of the graduates to insert.
    pub inserts: Vec<usize>,
    /// (graduate id, index into `rows`) of the graduates that changed.
    pub updates: Vec<(i32, usize)>,
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

type Existing = HashMap<(i32, String), graduates::Model>;

impl<'a> EmploymentImport<'a> {
    pub async fn new(run: &'a Run<'a>) -> AppResult<Self> {
        let codes = destination_codes::Entity::find()
            .all(&run.services.db)
            .await?;
        Ok(Self { run, codes })
    }

    fn scope(&self) -> &ImportScope {
        self.run.scope
    }

    /// Whether a code is in the code table of a cohort's scheme.
    fn known(&self, cohort: i32, code: &str) -> bool {
        let scheme = scheme_for(self.codes.iter().map(|c| c.from_cohort), cohort);
        scheme.is_some_and(|from| {
            self.codes
                .iter()
                .any(|c| c.from_cohort == from && c.code == code)
        })
    }

    /// The rows this importer may write, each student once: another college's row (for a
    /// college admin) and a repeated 学号 are row errors.
    fn validate(
        &self,
        parsed: Vec<(usize, GraduateRow)>,
        errors: &mut Vec<RowError>,
    ) -> Vec<(usize, GraduateRow)> {
        let mut seen: HashMap<(i32, String), usize> = HashMap::new();
        let mut valid = Vec::with_capacity(parsed.len());
        for (row_no, row) in parsed {
            if let Some(college) = &self.scope().college {
                if &row.college != college {
                    errors.push(not_own_college(row_no, college));
                    continue;
                }
            }
            if let Some(first) = seen.insert((row.cohort, row.student_no.clone()), row_no) {
                errors.push(RowError {
                    row: row_no,
                    column: "学号".into(),
                    reason: format!("学号与第 {first} 行重复"),
                });
                continue;
            }
            valid.push((row_no, row));
        }
        valid
    }

    /// The university's graduates of the file's cohorts, by (cohort, student number).
    async fn existing(&self, rows: &[(usize, GraduateRow)]) -> AppResult<Existing> {
        let cohorts: Vec<i32> = rows
            .iter()
            .map(|(_, r)| r.cohort)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        Ok(graduates::Entity::find()
            .filter(graduates::Column::UniversityId.eq(self.scope().university.id))
            .filter(graduates::Column::Cohort.is_in(cohorts))
            .all(&self.run.services.db)
            .await?
            .into_iter()
            .map(|g| ((g.cohort, g.student_no.clone()), g))
            .collect())
    }

    /// Compare the valid rows with what the university has: new, changed or unchanged.
    async fn diff(
        &self,
        mut report: ImportReport,
        valid: Vec<(usize, GraduateRow)>,
    ) -> AppResult<Plan> {
        let existing = self.existing(&valid).await?;
        let rows: Vec<GraduateRow> = match &self.scope().college {
            // A college admin's row may not touch another college's graduate: refused like a
            // row of another college, so the report says no more than that about who holds
            // the number.
            Some(college) => {
                let mut own = Vec::with_capacity(valid.len());
                for (row_no, row) in valid {
                    let foreign = existing
                        .get(&(row.cohort, row.student_no.clone()))
                        .is_some_and(|old| &old.college_name != college);
                    if foreign {
                        report.errors.push(not_own_college(row_no, college));
                    } else {
                        own.push(row);
                    }
                }
                report.errors.sort_by_key(|e| e.row);
                own
            }
            None => valid.into_iter().map(|(_, row)| row).collect(),
        };
        let mut inserts = Vec::new();
        let mut updates = Vec::new();
        for (index, row) in rows.iter().enumerate() {
            match existing.get(&(row.cohort, row.student_no.clone())) {
                None => inserts.push(index),
                Some(old) if differs(old, row) => updates.push((old.id, index)),
                Some(_) => report.unchanged += 1,
            }
        }
        report.inserted = inserts.len();
        report.updated = updates.len();
        report.new_colleges = crate::service::org::catalog::missing_colleges(
            &self.run.services.db,
            &self.scope().university,
            &rows,
        )
        .await?;
        Ok(Plan {
            report,
            rows,
            inserts,
            updates,
        })
    }
}

impl SheetImport for EmploymentImport<'_> {
    type Layout = Layout;
    type Row = GraduateRow;
    type Plan = Plan;
    type Report = ImportReport;

    fn layout(&self, headers: &[String]) -> Result<Layout, Vec<RowError>> {
        Layout::parse(headers)
    }

    fn header_rejected(&self, rows: usize, errors: Vec<RowError>) -> ImportReport {
        ImportReport {
            rows,
            errors,
            ..Default::default()
        }
    }

    fn parse(&self, row: &SheetRow, layout: &Layout) -> Result<GraduateRow, Vec<RowError>> {
        parse_row(row.number, &row.cells, layout, |cohort: i32, code: &str| {
            self.known(cohort, code)
        })
    }

    async fn progress(&self, done: usize, total: usize) -> AppResult<()> {
        match self.run.mode {
            Mode::Background { run_id } => {
                runs::progress(&self.run.services.db, run_id, done, total).await
            }
            Mode::Inline => Ok(()),
        }
    }

    async fn plan(
        &self,
        rows: usize,
        parsed: Vec<(usize, GraduateRow)>,
        mut errors: Vec<RowError>,
    ) -> AppResult<Plan> {
        let valid = self.validate(parsed, &mut errors);
        // Rows that did not parse and rows that parsed but may not be written, in row order
        // (one row has errors of one kind only).
        errors.sort_by_key(|e| e.row);
        let report = ImportReport {
            rows,
            errors,
            ..Default::default()
        };
        self.diff(report, valid).await
    }

    /// A file with any row error writes nothing.
    fn writes(plan: &Plan) -> bool {
        plan.report.errors.is_empty()
    }

    fn report(plan: Plan) -> ImportReport {
        plan.report
    }

    async fn commit(&self, plan: Plan) -> AppResult<ImportReport> {
        super::commit::commit(self.run, plan).await
    }
}
