//! The name trap made visible: counselors see no statistics when the college or major names in
//! their accounts differ from the employment data. For a scope and cohort this lists the
//! counselors whose college or majors match no graduate, the majors with graduates but no
//! counselor, and the colleges in the data that have no unit.

use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, StatementBuilder,
};

use crate::db::entities::{account_levels, account_majors, accounts, graduates, majors, org_units};
use crate::domain::education::EducationLevel;
use crate::domain::org::OrgKind;
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::error::{AppError, AppResult};
use crate::service::Services;

#[derive(Debug, Clone)]
pub struct AccountMismatch {
    pub account_id: i32,
    pub name: String,
    pub college: String,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct UncoveredMajor {
    pub college: String,
    pub education_level: String,
    pub major: String,
    pub graduates: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    pub cohort: Option<i32>,
    pub accounts: Vec<AccountMismatch>,
    pub majors_without_counselor: Vec<UncoveredMajor>,
    /// College names in the data with no college unit (graduates per name).
    pub colleges_without_unit: Vec<(String, u64)>,
}

#[derive(FromQueryResult)]
struct DataRow {
    college_name: String,
    education_level: String,
    major_name: String,
    n: i64,
}

fn level_label(code: &str) -> String {
    EducationLevel::parse(code)
        .map(|l| l.label().to_string())
        .unwrap_or_else(|_| code.to_string())
}

/// The university whose data an admin checks, and for a college admin their college.
async fn scope_of(db: &DatabaseConnection, actor: &Actor) -> AppResult<(i32, Option<String>)> {
    let unit = org_units::Entity::find_by_id(actor.org_unit_id)
        .one(db)
        .await?
        .ok_or(AppError::not_found("组织单位"))?;
    match actor.role {
        Role::SchoolAdmin => Ok((unit.id, None)),
        Role::CollegeAdmin => Ok((unit.parent_id.unwrap_or_default(), Some(unit.name))),
        _ => Err(AppError::Forbidden),
    }
}

async fn latest_cohort(db: &DatabaseConnection, university_id: i32) -> AppResult<Option<i32>> {
    Ok(graduates::Entity::find()
        .select_only()
        .column(graduates::Column::Cohort)
        .filter(graduates::Column::UniversityId.eq(university_id))
        .order_by_desc(graduates::Column::Cohort)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?)
}

/// Graduates per (college, level, major) of a cohort in the data.
async fn data_rows(
    db: &DatabaseConnection,
    university_id: i32,
    cohort: i32,
    only_college: Option<&str>,
) -> AppResult<Vec<DataRow>> {
    let mut query = Query::select();
    query
        .columns([
            graduates::Column::CollegeName,
            graduates::Column::EducationLevel,
            graduates::Column::MajorName,
        ])
        .expr_as(Expr::col(graduates::Column::Id).count(), Alias::new("n"))
        .from(graduates::Entity)
        .and_where(graduates::Column::UniversityId.eq(university_id))
        .and_where(graduates::Column::Cohort.eq(cohort))
        .group_by_columns([
            graduates::Column::CollegeName,
            graduates::Column::EducationLevel,
            graduates::Column::MajorName,
        ]);
    if let Some(college) = only_college {
        query.and_where(graduates::Column::CollegeName.eq(college));
    }
    let backend = db.get_database_backend();
    Ok(
        DataRow::find_by_statement(StatementBuilder::build(&query, &backend))
            .all(db)
            .await?,
    )
}

/// The active counselors in the actor's subtree with their levels and catalog majors.
struct Counselors {
    accounts: Vec<accounts::Model>,
    levels: Vec<account_levels::Model>,
    links: Vec<account_majors::Model>,
    catalog: HashMap<i32, majors::Model>,
}

async fn counselors(db: &DatabaseConnection, actor: &Actor) -> AppResult<Counselors> {
    let accounts = accounts::Entity::find()
        .filter(accounts::Column::Role.eq(Role::Counselor.as_str()))
        .filter(accounts::Column::Disabled.eq(false))
        .filter(accounts::Column::OrgPath.like(actor.subtree_pattern()))
        .order_by_asc(accounts::Column::OrgPath)
        .order_by_asc(accounts::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = accounts.iter().map(|a| a.id).collect();
    let levels = account_levels::Entity::find()
        .filter(account_levels::Column::AccountId.is_in(ids.clone()))
        .all(db)
        .await?;
    let links = account_majors::Entity::find()
        .filter(account_majors::Column::AccountId.is_in(ids))
        .all(db)
        .await?;
    let catalog = majors::Entity::find()
        .filter(majors::Column::Id.is_in(links.iter().map(|l| l.major_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    Ok(Counselors {
        accounts,
        levels,
        links,
        catalog,
    })
}

/// What the data of one cohort holds, for lookups by name.
struct Data<'a> {
    cohort: i32,
    colleges: HashSet<&'a str>,
    majors: HashSet<(&'a str, &'a str, &'a str)>,
}

impl<'a> Data<'a> {
    fn of(cohort: i32, rows: &'a [DataRow]) -> Self {
        Data {
            cohort,
            colleges: rows.iter().map(|d| d.college_name.as_str()).collect(),
            majors: rows
                .iter()
                .map(|d| {
                    (
                        d.college_name.as_str(),
                        d.education_level.as_str(),
                        d.major_name.as_str(),
                    )
                })
                .collect(),
        }
    }
}

type MajorKey = (String, String, String);

/// Why a counselor sees no figures for their college or some of their majors; the majors
/// of theirs that do have graduates go into `covered`.
fn mismatch(
    account: &accounts::Model,
    college: String,
    counselors: &Counselors,
    data: &Data<'_>,
    covered: &mut HashSet<MajorKey>,
) -> Option<AccountMismatch> {
    let cohort = data.cohort;
    let mut reasons = Vec::new();
    if !data.colleges.contains(college.as_str()) {
        reasons.push(format!("院系“{college}”在 {cohort} 届就业数据中没有毕业生"));
    }
    let account_levels: Vec<&str> = counselors
        .levels
        .iter()
        .filter(|l| l.account_id == account.id)
        .map(|l| l.education_level.as_str())
        .collect();
    for link in counselors
        .links
        .iter()
        .filter(|l| l.account_id == account.id)
    {
        let Some(major) = counselors.catalog.get(&link.major_id) else {
            continue;
        };
        if !account_levels.contains(&major.education_level.as_str()) {
            continue;
        }
        let key = (
            college.as_str(),
            major.education_level.as_str(),
            major.name.as_str(),
        );
        if data.majors.contains(&key) {
            covered.insert((
                college.clone(),
                major.education_level.clone(),
                major.name.clone(),
            ));
        } else if data.colleges.contains(college.as_str()) {
            reasons.push(format!(
                "专业“{}”（{}）在 {cohort} 届就业数据中没有毕业生",
                major.name,
                level_label(&major.education_level)
            ));
        }
    }
    (!reasons.is_empty()).then(|| AccountMismatch {
        account_id: account.id,
        name: account.name.clone(),
        college,
        reasons,
    })
}

pub async fn check(
    services: &Services,
    actor: &Actor,
    cohort: Option<i32>,
) -> AppResult<Diagnostics> {
    let db = &services.db;
    let (university_id, only_college) = scope_of(db, actor).await?;
    let cohort = match cohort {
        Some(cohort) => Some(cohort),
        None => latest_cohort(db, university_id).await?,
    };
    let Some(cohort) = cohort else {
        return Ok(Diagnostics::default());
    };
    let rows = data_rows(db, university_id, cohort, only_college.as_deref()).await?;
    let data = Data::of(cohort, &rows);
    let colleges = org_units::Entity::find()
        .filter(org_units::Column::ParentId.eq(university_id))
        .filter(org_units::Column::Kind.eq(OrgKind::College))
        .all(db)
        .await?;
    let college_names: HashMap<i32, String> =
        colleges.iter().map(|c| (c.id, c.name.clone())).collect();
    let counselors = counselors(db, actor).await?;

    let mut report = Diagnostics {
        cohort: Some(cohort),
        ..Default::default()
    };
    let mut covered: HashSet<MajorKey> = HashSet::new();
    for account in &counselors.accounts {
        let college = college_names
            .get(&account.org_unit_id)
            .cloned()
            .unwrap_or_default();
        report
            .accounts
            .extend(mismatch(account, college, &counselors, &data, &mut covered));
    }
    let unit_names: HashSet<&str> = colleges.iter().map(|c| c.name.as_str()).collect();
    let mut without_unit: BTreeMap<String, u64> = BTreeMap::new();
    for row in &rows {
        let n = row.n.max(0) as u64;
        if !unit_names.contains(row.college_name.as_str()) {
            *without_unit.entry(row.college_name.clone()).or_default() += n;
            continue;
        }
        let key = (
            row.college_name.clone(),
            row.education_level.clone(),
            row.major_name.clone(),
        );
        if !covered.contains(&key) {
            report.majors_without_counselor.push(UncoveredMajor {
                college: row.college_name.clone(),
                education_level: row.education_level.clone(),
                major: row.major_name.clone(),
                graduates: n,
            });
        }
    }
    report.colleges_without_unit = without_unit.into_iter().collect();
    Ok(report)
}
