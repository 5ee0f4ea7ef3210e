//! The queries behind the statistics: which graduates a request covers, their counts per
//! dimension and destination code (from `graduates`, or added up from the tallies for large
//! scopes), and the cohorts a scope has data for.

use std::collections::{BTreeMap, HashMap};

use sea_orm::sea_query::{Alias, Expr, Query, SelectStatement, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, StatementBuilder,
};

use super::{assemble, empty, Figures, Parts, Slice, Statistics, NOT_PLACED};
use crate::db::entities::{destination_codes, graduates};
use crate::domain::employment::scheme_for;
use crate::error::AppResult;

/// Which graduates a request covers.
#[derive(Debug, Clone, Default)]
pub(super) struct Filter {
    pub(super) university_ids: Vec<i32>,
    pub(super) college: Option<String>,
    pub(super) levels: Vec<String>,
    pub(super) majors: Vec<String>,
}

impl Filter {
    fn apply(&self, query: &mut SelectStatement, cohort: i32) {
        self.apply_all_cohorts(query);
        query.and_where(graduates::Column::Cohort.eq(cohort));
    }

    fn apply_all_cohorts(&self, query: &mut SelectStatement) {
        query
            .from(graduates::Entity)
            .and_where(graduates::Column::UniversityId.is_in(self.university_ids.clone()));
        if let Some(college) = &self.college {
            query.and_where(graduates::Column::CollegeName.eq(college.as_str()));
        }
        if !self.levels.is_empty() {
            query.and_where(graduates::Column::EducationLevel.is_in(self.levels.clone()));
        }
        if !self.majors.is_empty() {
            query.and_where(graduates::Column::MajorName.is_in(self.majors.clone()));
        }
    }
}

#[derive(FromQueryResult)]
pub(super) struct Row {
    pub(super) dim: Option<String>,
    pub(super) code: String,
    pub(super) n: i64,
}

/// Graduates per (dimension, destination code).
pub(super) async fn counts<C: ConnectionTrait>(
    conn: &C,
    filter: &Filter,
    cohort: i32,
    dimension: SimpleExpr,
) -> AppResult<Vec<Row>> {
    let mut query = Query::select();
    query
        .expr_as(dimension.clone(), Alias::new("dim"))
        .expr_as(
            Expr::col(graduates::Column::DestinationCode),
            Alias::new("code"),
        )
        .expr_as(Expr::col(graduates::Column::Id).count(), Alias::new("n"));
    filter.apply(&mut query, cohort);
    query.add_group_by([
        dimension,
        Expr::col(graduates::Column::DestinationCode).into(),
    ]);
    let backend = conn.get_database_backend();
    Ok(
        Row::find_by_statement(StatementBuilder::build(&query, &backend))
            .all(conn)
            .await?,
    )
}

pub(super) async fn scheme_of<C: ConnectionTrait>(
    conn: &C,
    cohort: i32,
) -> AppResult<(Option<i32>, HashMap<String, String>)> {
    let codes = destination_codes::Entity::find().all(conn).await?;
    let scheme = scheme_for(codes.iter().map(|c| c.from_cohort), cohort);
    let groups = codes
        .into_iter()
        .filter(|c| Some(c.from_cohort) == scheme)
        .map(|c| (c.code, c.grp))
        .collect();
    Ok((scheme, groups))
}

/// The newest cohort with graduates the filter covers (a counselor's own, a college's).
pub(super) async fn latest_cohort<C: ConnectionTrait>(
    conn: &C,
    filter: &Filter,
) -> AppResult<Option<i32>> {
    #[derive(FromQueryResult)]
    struct Latest {
        cohort: i32,
    }
    let mut query = Query::select();
    query.column(graduates::Column::Cohort);
    filter.apply_all_cohorts(&mut query);
    query
        .order_by(graduates::Column::Cohort, sea_orm::Order::Desc)
        .limit(1);
    let backend = conn.get_database_backend();
    Ok(
        Latest::find_by_statement(StatementBuilder::build(&query, &backend))
            .one(conn)
            .await?
            .map(|row| row.cohort),
    )
}

pub(super) fn slices(
    rows: &[Row],
    groups: &HashMap<String, String>,
    label: impl Fn(&str) -> String,
) -> Vec<Slice> {
    let mut by: BTreeMap<String, Figures> = BTreeMap::new();
    for row in rows {
        let group = groups.get(&row.code).map(String::as_str).unwrap_or("other");
        by.entry(row.dim.clone().unwrap_or_default())
            .or_default()
            .add(group, row.n.max(0) as u64);
    }
    by.into_iter()
        .map(|(key, figures)| Slice {
            label: label(&key),
            key,
            figures,
        })
        .collect()
}

/// Placed graduates per value of a destination dimension (unknown values left out).
pub(super) fn placed_by(rows: &[Row], groups: &HashMap<String, String>) -> Vec<(String, u64)> {
    let mut by: BTreeMap<String, u64> = BTreeMap::new();
    for row in rows {
        let group = groups.get(&row.code).map(String::as_str).unwrap_or("other");
        if NOT_PLACED.contains(&group) {
            continue;
        }
        if let Some(key) = row.dim.clone().filter(|k| !k.is_empty()) {
            *by.entry(key).or_default() += row.n.max(0) as u64;
        }
    }
    let mut list: Vec<(String, u64)> = by.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list
}

pub(super) async fn compute<C: ConnectionTrait>(
    conn: &C,
    filter: Filter,
    cohort: Option<i32>,
    breakdown: SimpleExpr,
    label: impl Fn(&str) -> String,
) -> AppResult<Statistics> {
    let cohort = match cohort {
        Some(cohort) => Some(cohort),
        None => latest_cohort(conn, &filter).await?,
    };
    let Some(cohort) = cohort.filter(|_| !filter.university_ids.is_empty()) else {
        return Ok(empty());
    };
    let (scheme, groups) = scheme_of(conn, cohort).await?;
    let breakdown = slices(
        &counts(conn, &filter, cohort, breakdown).await?,
        &groups,
        label,
    );
    let column = |c: graduates::Column| -> SimpleExpr { Expr::col(c).into() };
    let parts = Parts {
        by_level: counts(
            conn,
            &filter,
            cohort,
            column(graduates::Column::EducationLevel),
        )
        .await?,
        by_region: counts(
            conn,
            &filter,
            cohort,
            Expr::cust("SUBSTR(region_code, 1, 2)"),
        )
        .await?,
        by_industry: counts(
            conn,
            &filter,
            cohort,
            column(graduates::Column::IndustryCode),
        )
        .await?,
        by_employer: counts(
            conn,
            &filter,
            cohort,
            column(graduates::Column::EmployerTypeCode),
        )
        .await?,
    };
    Ok(assemble(cohort, scheme, breakdown, parts, &groups))
}

/// Rows from the tallies: per `dim_value`, or per university for `by_university`.
pub(super) async fn tally_counts<C: ConnectionTrait>(
    conn: &C,
    universities: Option<&[i32]>,
    cohort: i32,
    dim: &str,
    by_university: bool,
) -> AppResult<Vec<Row>> {
    use crate::db::entities::employment_tallies as t;
    let value: SimpleExpr = if by_university {
        Expr::col(t::Column::UniversityId).cast_as(Alias::new(text_type(conn)))
    } else {
        Expr::col(t::Column::DimValue).into()
    };
    let mut query = Query::select();
    query
        .expr_as(value.clone(), Alias::new("dim"))
        .expr_as(Expr::col(t::Column::DestinationCode), Alias::new("code"))
        .expr_as(
            crate::service::employment::tallies::sum_n(conn),
            Alias::new("n"),
        )
        .from(t::Entity)
        .and_where(t::Column::Cohort.eq(cohort))
        .and_where(t::Column::Dim.eq(dim))
        .add_group_by([value, Expr::col(t::Column::DestinationCode).into()]);
    if let Some(ids) = universities {
        query.and_where(t::Column::UniversityId.is_in(ids.to_vec()));
    }
    Ok(Row::find_by_statement(crate::db::inlined(conn, &query))
        .all(conn)
        .await?)
}

/// Province and nation figures added up from the tallies, broken down by university.
pub(super) async fn rollup<C: ConnectionTrait>(
    conn: &C,
    universities: Option<&[i32]>,
    cohort: Option<i32>,
    label: impl Fn(&str) -> String,
) -> AppResult<Statistics> {
    use crate::db::entities::employment_tallies as t;
    let cohort = match cohort {
        Some(cohort) => Some(cohort),
        None => {
            let mut query = t::Entity::find()
                .select_only()
                .column(t::Column::Cohort)
                .order_by_desc(t::Column::Cohort)
                .limit(1);
            if let Some(ids) = universities {
                query = query.filter(t::Column::UniversityId.is_in(ids.to_vec()));
            }
            query.into_tuple::<i32>().one(conn).await?
        }
    };
    let Some(cohort) = cohort else {
        return Ok(empty());
    };
    let (scheme, groups) = scheme_of(conn, cohort).await?;
    let breakdown = tally_counts(conn, universities, cohort, "college", true).await?;
    let breakdown = slices(&breakdown, &groups, label);
    let parts = Parts {
        by_level: tally_counts(conn, universities, cohort, "level", false).await?,
        by_region: tally_counts(conn, universities, cohort, "region", false).await?,
        by_industry: tally_counts(conn, universities, cohort, "industry", false).await?,
        by_employer: tally_counts(conn, universities, cohort, "employer", false).await?,
    };
    Ok(assemble(cohort, scheme, breakdown, parts, &groups))
}

/// The cohorts with data for the universities (all when `None`), newest first. Some
/// universities: their rows of one dimension through the `(university, dim, cohort)` index.
/// All: the tallies' key leads with the cohort, so the range first, then one probe per year.
pub(super) async fn cohorts_with_data<C: ConnectionTrait>(
    conn: &C,
    universities: Option<&[i32]>,
) -> AppResult<Vec<i32>> {
    use crate::db::entities::employment_tallies as t;
    let level_rows = || t::Entity::find().filter(t::Column::Dim.eq("level"));
    if let Some(ids) = universities {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut cohorts: Vec<i32> = level_rows()
            .filter(t::Column::UniversityId.is_in(ids.to_vec()))
            .select_only()
            .column(t::Column::Cohort)
            .distinct()
            .into_tuple()
            .all(conn)
            .await?;
        cohorts.sort_unstable_by(|a, b| b.cmp(a));
        return Ok(cohorts);
    }
    let edge = |newest: bool| {
        let query = level_rows().select_only().column(t::Column::Cohort);
        let query = if newest {
            query.order_by_desc(t::Column::Cohort)
        } else {
            query.order_by_asc(t::Column::Cohort)
        };
        query.limit(1).into_tuple::<i32>().one(conn)
    };
    let (Some(newest), Some(oldest)) = (edge(true).await?, edge(false).await?) else {
        return Ok(Vec::new());
    };
    let mut found = vec![newest];
    // A picker needs recent years; a range wider than this is a data error upstream.
    for year in (oldest.max(newest - 30)..newest).rev() {
        let hit: Option<i32> = level_rows()
            .filter(t::Column::Cohort.eq(year))
            .select_only()
            .column(t::Column::Cohort)
            .limit(1)
            .into_tuple()
            .one(conn)
            .await?;
        found.extend(hit);
    }
    Ok(found)
}

/// The cohorts with graduates the filter covers (a counselor's own, a college's): the
/// universities' cohorts, each probed once through the graduates' scope index.
pub(super) async fn own_cohorts<C: ConnectionTrait>(
    conn: &C,
    filter: &Filter,
) -> AppResult<Vec<i32>> {
    #[derive(FromQueryResult)]
    struct Hit {
        #[allow(dead_code)]
        cohort: i32,
    }
    let backend = conn.get_database_backend();
    let mut found = Vec::new();
    for cohort in cohorts_with_data(conn, Some(&filter.university_ids)).await? {
        let mut query = Query::select();
        query.column(graduates::Column::Cohort);
        filter.apply(&mut query, cohort);
        query.limit(1);
        let hit = Hit::find_by_statement(StatementBuilder::build(&query, &backend))
            .one(conn)
            .await?;
        if hit.is_some() {
            found.push(cohort);
        }
    }
    Ok(found)
}

pub(super) fn text_type<C: ConnectionTrait>(conn: &C) -> &'static str {
    match conn.get_database_backend() {
        sea_orm::DbBackend::MySql => "CHAR",
        _ => "TEXT",
    }
}
