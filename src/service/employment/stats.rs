//! Employment statistics from the imported report: graduates, each 毕业去向 group, 去向落实率,
//! and breakdowns — aggregates only, never a student. Counselors see their college × levels ×
//! majors; admins their scope, rolled up by the level below. No ranking of counselors (the 2021
//! rules forbid tying the rate to counselor appraisal).

use std::collections::{BTreeMap, HashMap};

use sea_orm::sea_query::{Alias, Expr, Query, SelectStatement, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, StatementBuilder,
};

use crate::db::entities::{
    account_levels, account_majors, destination_codes, graduates, majors, org_units,
};
use crate::domain::employment::scheme_for;
use crate::domain::org::OrgKind;
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::error::{AppError, AppResult};
use crate::service::Services;

/// Groups that do not count as placed (落实).
const NOT_PLACED: [&str; 2] = ["seeking", "not_seeking"];

pub fn group_label(group: &str) -> &'static str {
    match group {
        "contract" => "协议和合同就业",
        "flexible" => "灵活就业",
        "startup" => "自主创业",
        "unit" => "单位就业",
        "freelance" => "自由职业",
        "further_study" => "升学",
        "seeking" => "待就业",
        "not_seeking" => "暂不就业",
        _ => "其他",
    }
}

/// Counts of one slice of graduates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub graduates: u64,
    pub placed: u64,
    /// group key → graduates.
    pub groups: BTreeMap<String, u64>,
}

impl Figures {
    fn add(&mut self, group: &str, n: u64) {
        self.graduates += n;
        if !NOT_PLACED.contains(&group) {
            self.placed += n;
        }
        *self.groups.entry(group.to_string()).or_default() += n;
    }

    /// 去向落实率 in percent, one decimal.
    pub fn rate(&self) -> f64 {
        if self.graduates == 0 {
            return 0.0;
        }
        ((self.placed as f64) * 1000.0 / (self.graduates as f64)).round() / 10.0
    }
}

#[derive(Debug, Clone)]
pub struct Slice {
    pub key: String,
    pub label: String,
    pub figures: Figures,
}

/// The unit a set of figures is about.
#[derive(Debug, Clone)]
pub struct UnitRef {
    pub id: i32,
    pub kind: OrgKind,
    pub name: String,
}

impl From<&org_units::Model> for UnitRef {
    fn from(unit: &org_units::Model) -> Self {
        Self {
            id: unit.id,
            kind: OrgKind::from_db(&unit.kind).unwrap_or(OrgKind::College),
            name: unit.name.clone(),
        }
    }
}

/// What the breakdown's rows are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakdownKind {
    Major,
    College,
    University,
    Province,
}

impl BreakdownKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Major => "major",
            Self::College => "college",
            Self::University => "university",
            Self::Province => "province",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Statistics {
    /// Set by the entry points: whose figures these are and what the breakdown lists.
    pub unit: Option<UnitRef>,
    pub breakdown_kind: BreakdownKind,
    /// Cohorts with data in the scope, newest first: what a cohort picker offers.
    pub cohorts: Vec<i32>,
    pub cohort: Option<i32>,
    /// The code scheme applied (2021, 2024, ...).
    pub scheme: Option<i32>,
    pub total: Figures,
    /// By the level below the scope (college, university, province) or, for counselors, by major.
    pub breakdown: Vec<Slice>,
    pub by_level: Vec<Slice>,
    /// Placed graduates by destination province (GB/T 2260), industry and employer type.
    pub by_region: Vec<(String, u64)>,
    pub by_industry: Vec<(String, u64)>,
    pub by_employer_type: Vec<(String, u64)>,
}

/// Which graduates a request covers.
#[derive(Debug, Clone, Default)]
struct Filter {
    university_ids: Vec<i32>,
    college: Option<String>,
    levels: Vec<String>,
    majors: Vec<String>,
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
struct Row {
    dim: Option<String>,
    code: String,
    n: i64,
}

/// Graduates per (dimension, destination code).
async fn counts<C: ConnectionTrait>(
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

async fn scheme_of<C: ConnectionTrait>(
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
async fn latest_cohort<C: ConnectionTrait>(conn: &C, filter: &Filter) -> AppResult<Option<i32>> {
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

fn slices(
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
fn placed_by(rows: &[Row], groups: &HashMap<String, String>) -> Vec<(String, u64)> {
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

async fn compute<C: ConnectionTrait>(
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
async fn tally_counts<C: ConnectionTrait>(
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
async fn rollup<C: ConnectionTrait>(
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

fn empty() -> Statistics {
    Statistics {
        unit: None,
        breakdown_kind: BreakdownKind::Major,
        cohorts: Vec::new(),
        cohort: None,
        scheme: None,
        total: Figures::default(),
        breakdown: Vec::new(),
        by_level: Vec::new(),
        by_region: Vec::new(),
        by_industry: Vec::new(),
        by_employer_type: Vec::new(),
    }
}

/// The per-dimension counts besides the breakdown.
struct Parts {
    by_level: Vec<Row>,
    by_region: Vec<Row>,
    by_industry: Vec<Row>,
    by_employer: Vec<Row>,
}

fn assemble(
    cohort: i32,
    scheme: Option<i32>,
    breakdown: Vec<Slice>,
    parts: Parts,
    groups: &HashMap<String, String>,
) -> Statistics {
    let mut total = Figures::default();
    for slice in &breakdown {
        for (group, n) in &slice.figures.groups {
            total.add(group, *n);
        }
    }
    Statistics {
        unit: None,
        breakdown_kind: BreakdownKind::Major,
        cohorts: Vec::new(),
        cohort: Some(cohort),
        scheme,
        total,
        breakdown,
        by_level: slices(&parts.by_level, groups, |k| {
            crate::domain::education::EducationLevel::parse(k)
                .map(|l| l.label().to_string())
                .unwrap_or_else(|_| k.to_string())
        }),
        by_region: placed_by(&parts.by_region, groups)
            .into_iter()
            .map(|(code, n)| (format!("{code}0000"), n))
            .collect(),
        by_industry: placed_by(&parts.by_industry, groups),
        by_employer_type: placed_by(&parts.by_employer, groups),
    }
}

/// A counselor's own figures: their college, education levels and majors.
pub async fn for_counselor(
    services: &Services,
    actor: &Actor,
    cohort: Option<i32>,
) -> AppResult<Statistics> {
    if actor.role != Role::Counselor {
        return Err(AppError::Forbidden);
    }
    let db = &services.db;
    let college = org_units::Entity::find_by_id(actor.org_unit_id)
        .one(db)
        .await?
        .ok_or(AppError::not_found("组织单位"))?;
    let levels: Vec<String> = account_levels::Entity::find()
        .filter(account_levels::Column::AccountId.eq(actor.account_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.education_level)
        .collect();
    let major_ids: Vec<i32> = account_majors::Entity::find()
        .filter(account_majors::Column::AccountId.eq(actor.account_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.major_id)
        .collect();
    let mut major_names: Vec<String> = majors::Entity::find()
        .filter(majors::Column::Id.is_in(major_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.name)
        .collect();
    major_names.sort();
    major_names.dedup();
    let filter = Filter {
        university_ids: college.parent_id.into_iter().collect(),
        college: Some(college.name.clone()),
        levels,
        // A counselor with no majors sees nothing rather than the whole college.
        majors: if major_names.is_empty() {
            vec![String::new()]
        } else {
            major_names
        },
    };
    let cohorts = own_cohorts(db, &filter).await?;
    let major = Expr::col(graduates::Column::MajorName).into();
    let mut stats = compute(db, filter, cohort, major, |k| k.to_string()).await?;
    stats.unit = Some(UnitRef::from(&college));
    stats.cohorts = cohorts;
    Ok(stats)
}

/// The cohorts with data for the universities (all when `None`), newest first. Some
/// universities: their rows of one dimension through the `(university, dim, cohort)` index.
/// All: the tallies' key leads with the cohort, so the range first, then one probe per year.
async fn cohorts_with_data<C: ConnectionTrait>(
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
async fn own_cohorts<C: ConnectionTrait>(conn: &C, filter: &Filter) -> AppResult<Vec<i32>> {
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

/// An admin's figures for their unit or a unit below it, broken down by the level below.
pub async fn for_admin(
    services: &Services,
    actor: &Actor,
    unit_id: Option<i32>,
    cohort: Option<i32>,
) -> AppResult<Statistics> {
    if !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let db = &services.db;
    let unit =
        crate::service::org::visible_unit(db, actor, unit_id.unwrap_or(actor.org_unit_id)).await?;
    let kind = crate::service::org::kind_of(&unit)?;
    let universities: Vec<org_units::Model> = match kind {
        OrgKind::University => vec![unit.clone()],
        OrgKind::College => org_units::Entity::find_by_id(unit.parent_id.unwrap_or_default())
            .one(db)
            .await?
            .into_iter()
            .collect(),
        OrgKind::Province | OrgKind::Ministry => {
            org_units::Entity::find()
                .filter(org_units::Column::Kind.eq(OrgKind::University.as_str()))
                .filter(org_units::Column::Path.like(format!("{}%", unit.path)))
                .all(db)
                .await?
        }
    };
    let filter = Filter {
        university_ids: universities.iter().map(|u| u.id).collect(),
        college: (kind == OrgKind::College).then(|| unit.name.clone()),
        ..Default::default()
    };
    let ids: Vec<i32> = universities.iter().map(|u| u.id).collect();
    let cohorts = if kind == OrgKind::College {
        own_cohorts(db, &filter).await?
    } else {
        cohorts_with_data(db, (kind != OrgKind::Ministry).then_some(ids.as_slice())).await?
    };
    let mut stats = admin_figures(db, kind, &universities, filter, cohort).await?;
    stats.unit = Some(UnitRef::from(&unit));
    stats.cohorts = cohorts;
    stats.breakdown_kind = match kind {
        OrgKind::College => BreakdownKind::Major,
        OrgKind::University => BreakdownKind::College,
        OrgKind::Province => BreakdownKind::University,
        OrgKind::Ministry => BreakdownKind::Province,
    };
    Ok(stats)
}

async fn admin_figures<C: ConnectionTrait>(
    db: &C,
    kind: OrgKind,
    universities: &[org_units::Model],
    filter: Filter,
    cohort: Option<i32>,
) -> AppResult<Statistics> {
    match kind {
        OrgKind::College => {
            let major = Expr::col(graduates::Column::MajorName).into();
            compute(db, filter, cohort, major, |k| k.to_string()).await
        }
        OrgKind::University => {
            let college = Expr::col(graduates::Column::CollegeName).into();
            compute(db, filter, cohort, college, |k| k.to_string()).await
        }
        OrgKind::Province => {
            let names: HashMap<String, String> = universities
                .iter()
                .map(|u| (u.id.to_string(), u.name.clone()))
                .collect();
            let ids: Vec<i32> = universities.iter().map(|u| u.id).collect();
            rollup(db, Some(&ids), cohort, |k| {
                names.get(k).cloned().unwrap_or_default()
            })
            .await
        }
        OrgKind::Ministry => {
            // Universities roll up to their province.
            let provinces = org_units::Entity::find()
                .filter(org_units::Column::Kind.eq(OrgKind::Province.as_str()))
                .all(db)
                .await?;
            let province_of: HashMap<String, (String, String)> = universities
                .iter()
                .filter_map(|u| {
                    let province = provinces.iter().find(|p| Some(p.id) == u.parent_id)?;
                    Some((
                        u.id.to_string(),
                        (province.id.to_string(), province.name.clone()),
                    ))
                })
                .collect();
            // The ministry's subtree is every university: nothing to filter by.
            let mut stats = rollup(db, None, cohort, |k| k.to_string()).await?;
            let mut merged: BTreeMap<String, Slice> = BTreeMap::new();
            for slice in stats.breakdown {
                let (id, name) = province_of.get(&slice.key).cloned().unwrap_or_default();
                let entry = merged.entry(id.clone()).or_insert_with(|| Slice {
                    key: id,
                    label: name,
                    figures: Figures::default(),
                });
                for (group, n) in &slice.figures.groups {
                    entry.figures.add(group, *n);
                }
            }
            stats.breakdown = merged.into_values().collect();
            Ok(stats)
        }
    }
}

fn text_type<C: ConnectionTrait>(conn: &C) -> &'static str {
    match conn.get_database_backend() {
        sea_orm::DbBackend::MySql => "CHAR",
        _ => "TEXT",
    }
}
