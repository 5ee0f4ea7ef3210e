//! Pre-aggregated graduate counts per university, cohort, dimension value and destination
//! code, kept consistent with every import (rebuilt in the import's transaction for the cohorts
//! it touched). Provinces and the nation read these instead of millions of graduates.

use sea_orm::sea_query::{Alias, Expr, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, StatementBuilder};

use crate::db::entities::{employment_tallies, graduates};
use crate::error::{AppError, AppResult};

/// The dimensions kept, and the graduates' expression each one groups by.
pub const DIMENSIONS: [&str; 5] = ["college", "level", "region", "industry", "employer"];

fn expression(dim: &str) -> SimpleExpr {
    match dim {
        "college" => Expr::col(graduates::Column::CollegeName).into(),
        "level" => Expr::col(graduates::Column::EducationLevel).into(),
        "region" => Expr::cust("COALESCE(SUBSTR(region_code, 1, 2), '')"),
        "industry" => Expr::cust("COALESCE(industry_code, '')"),
        _ => Expr::cust("COALESCE(employer_type_code, '')"),
    }
}

/// Rebuild one university's tallies for one cohort from its graduates.
pub async fn rebuild<C: ConnectionTrait>(
    conn: &C,
    university_id: i32,
    cohort: i32,
) -> AppResult<()> {
    employment_tallies::Entity::delete_many()
        .filter(employment_tallies::Column::UniversityId.eq(university_id))
        .filter(employment_tallies::Column::Cohort.eq(cohort))
        .exec(conn)
        .await?;
    let backend = conn.get_database_backend();
    for dim in DIMENSIONS {
        let value = expression(dim);
        let mut select = Query::select();
        select
            .expr(Expr::val(university_id))
            .expr(Expr::val(cohort))
            .expr(Expr::val(dim))
            .expr(value.clone())
            .column(graduates::Column::DestinationCode)
            .expr(Expr::col(graduates::Column::Id).count())
            .from(graduates::Entity)
            .and_where(graduates::Column::UniversityId.eq(university_id))
            .and_where(graduates::Column::Cohort.eq(cohort))
            .add_group_by([value, Expr::col(graduates::Column::DestinationCode).into()]);
        let insert = Query::insert()
            .into_table(employment_tallies::Entity)
            .columns([
                employment_tallies::Column::UniversityId,
                employment_tallies::Column::Cohort,
                employment_tallies::Column::Dim,
                employment_tallies::Column::DimValue,
                employment_tallies::Column::DestinationCode,
                employment_tallies::Column::N,
            ])
            .select_from(select)
            .map_err(|e| AppError::internal(format!("tally insert: {e}")))?
            .to_owned();
        conn.execute(StatementBuilder::build(&insert, &backend))
            .await?;
    }
    Ok(())
}

/// `SUM(n)` as a BIGINT on every backend.
pub fn sum_n<C: ConnectionTrait>(conn: &C) -> SimpleExpr {
    match conn.get_database_backend() {
        sea_orm::DbBackend::MySql => Expr::cust("CAST(SUM(n) AS SIGNED)"),
        sea_orm::DbBackend::Postgres => Expr::cust("CAST(SUM(n) AS BIGINT)"),
        sea_orm::DbBackend::Sqlite => Expr::cust("SUM(n)"),
    }
}

pub fn alias(name: &str) -> Alias {
    Alias::new(name)
}
