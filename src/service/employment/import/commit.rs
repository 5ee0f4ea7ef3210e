//! Writing a planned employment import in one transaction: the graduates, the tallies of the
//! cohorts it touched, the colleges and majors it brought, the audit entry and the run's end.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use serde_json::json;

use super::sheet::Plan;
use super::{runs, ImportReport, ImportScope, Mode, Run};
use crate::db::entities::graduates;
use crate::domain::employment::GraduateRow;
use crate::domain::Invalid;
use crate::error::AppResult;
use crate::service::audit;
use crate::service::employment::tallies;
use crate::service::org::catalog;

/// Graduates inserted by one statement.
const INSERT_CHUNK: usize = 500;

fn graduate(
    scope: &ImportScope,
    run_id: i32,
    now: DateTime<Utc>,
    row: &GraduateRow,
) -> graduates::ActiveModel {
    graduates::ActiveModel {
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
    }
}

/// Insert the new graduates and update the changed ones, all marked with the run.
async fn write_graduates(
    txn: &DatabaseTransaction,
    scope: &ImportScope,
    run_id: i32,
    rows: &[GraduateRow],
    inserts: &[usize],
    updates: &[(i32, usize)],
) -> AppResult<()> {
    let now = Utc::now();
    for chunk in inserts.chunks(INSERT_CHUNK) {
        graduates::Entity::insert_many(
            chunk
                .iter()
                .map(|&index| graduate(scope, run_id, now, &rows[index])),
        )
        .exec(txn)
        .await?;
    }
    for &(id, index) in updates {
        let mut active = graduate(scope, run_id, now, &rows[index]);
        active.id = Set(id);
        let mut update = graduates::Entity::update(active);
        if let Some(college) = &scope.college {
            // Checked again in the write: a school admin may have moved the graduate since.
            update = update.filter(graduates::Column::CollegeName.eq(college.as_str()));
        }
        match update.exec(txn).await {
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
    Ok(())
}

pub(super) async fn commit(run: &Run<'_>, plan: Plan) -> AppResult<ImportReport> {
    let Plan {
        mut report,
        rows,
        inserts,
        updates,
    } = plan;
    let scope = run.scope;
    let txn = run.services.db.begin().await?;
    let run_id = match run.mode {
        Mode::Background { run_id } => run_id,
        Mode::Inline => {
            runs::create(&txn, run.actor, scope, run.filename, false, &report)
                .await?
                .id
        }
    };
    write_graduates(&txn, scope, run_id, &rows, &inserts, &updates).await?;
    let mut touched: Vec<i32> = rows.iter().map(|r| r.cohort).collect();
    touched.sort_unstable();
    touched.dedup();
    for cohort in touched {
        tallies::rebuild(&txn, scope.university.id, cohort).await?;
    }
    // The colleges and majors found feed the catalog account forms choose from.
    catalog::create_colleges(&txn, &scope.university, &report.new_colleges).await?;
    report.majors_added =
        catalog::feed(&txn, &scope.university, &rows.iter().collect::<Vec<_>>()).await?;
    report.committed = true;
    audit::record(
        &txn,
        Some(run.actor),
        run.meta,
        audit::Entry {
            action: "employment.import",
            target_type: "employment_import",
            target_id: Some(run_id.to_string()),
            org_path: &scope.university.path,
            detail: json!({
                "filename": run.filename,
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
    runs::finish(&txn, run_id, runs::RunStatus::Done, &report).await?;
    txn.commit().await?;
    Ok(report)
}
