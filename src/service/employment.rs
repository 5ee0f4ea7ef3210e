//! Importing the employment data report: a dry run that lists every row error and writes
//! nothing, and a commit that upserts by (university, cohort, student number) in one
//! transaction. Re-importing the same file changes nothing.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use serde_json::json;

use super::{audit, employment_file, RequestMeta, Services};
use crate::db::entities::{destination_codes, employment_imports, graduates, org_units};
use crate::domain::employment::{parse_row, scheme_for, GraduateRow, Layout, RowError};
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::error::{AppError, AppResult};

/// What an import found and (when committed) did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub rows: usize,
    pub errors: Vec<RowError>,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Majors added to the catalog of existing colleges.
    pub majors_added: usize,
    pub committed: bool,
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

pub async fn import(
    services: &Services,
    actor: &Actor,
    filename: &str,
    bytes: &[u8],
    dry_run: bool,
    meta: &RequestMeta,
) -> AppResult<ImportReport> {
    let scope = scope_of(&services.db, actor).await?;
    let rows = employment_file::read_rows(bytes)?;
    let mut report = ImportReport {
        rows: rows.len() - 1,
        ..Default::default()
    };
    let layout = match Layout::parse(&rows[0]) {
        Ok(layout) => layout,
        Err(errors) => {
            report.errors = errors;
            return Ok(report);
        }
    };
    let codes = destination_codes::Entity::find().all(&services.db).await?;
    let known = code_lookup(&codes);
    let mut parsed: Vec<GraduateRow> = Vec::with_capacity(rows.len());
    let mut seen: HashMap<(i32, String), usize> = HashMap::new();
    for (index, cells) in rows.iter().enumerate().skip(1) {
        let row_no = index + 1;
        match parse_row(row_no, cells, &layout, &known) {
            Ok(row) => {
                if let Some(college) = &scope.college {
                    if &row.college != college {
                        report.errors.push(RowError {
                            row: row_no,
                            column: "院系".into(),
                            reason: format!("只能导入本院系（{college}）的毕业生"),
                        });
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
            }
            Err(errors) => report.errors.extend(errors),
        }
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
    if dry_run || !report.errors.is_empty() {
        return Ok(report);
    }

    let now = Utc::now();
    let txn = services.db.begin().await?;
    let run = employment_imports::ActiveModel {
        university_id: Set(scope.university.id),
        org_path: Set(scope.university.path.clone()),
        actor_id: Set(actor.account_id),
        filename: Set(filename.chars().take(255).collect()),
        rows: Set(report.rows as i32),
        inserted: Set(report.inserted as i32),
        updated: Set(report.updated as i32),
        unchanged: Set(report.unchanged as i32),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
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
        import_id: Set(Some(run.id)),
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
        active.update(&txn).await?;
    }
    let mut touched: Vec<i32> = parsed.iter().map(|r| r.cohort).collect();
    touched.sort_unstable();
    touched.dedup();
    for cohort in touched {
        super::employment_tallies::rebuild(&txn, scope.university.id, cohort).await?;
    }
    // The majors found feed the catalog account forms choose from.
    let majors_added =
        super::catalog::feed(&txn, &scope.university, &parsed.iter().collect::<Vec<_>>()).await?;
    report.majors_added = majors_added;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "employment.import",
            target_type: "employment_import",
            target_id: Some(run.id.to_string()),
            org_path: &scope.university.path,
            detail: json!({
                "filename": filename,
                "rows": report.rows,
                "inserted": report.inserted,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "majors_added": majors_added,
            }),
        },
    )
    .await?;
    txn.commit().await?;
    report.committed = true;
    Ok(report)
}

/// The headers of the downloadable template, in order.
pub fn template_headers() -> Vec<&'static str> {
    crate::domain::employment::Column::ALL
        .iter()
        .map(|c| c.header())
        .collect()
}
