//! The name trap made visible: counselors see no statistics when the college or major names in
//! their accounts differ from the employment data. For a scope and cohort this lists the
//! counselors whose college or majors match no graduate, the majors with graduates but no
//! counselor, and the colleges in the data that have no unit.

use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, StatementBuilder,
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

pub async fn check(
    services: &Services,
    actor: &Actor,
    cohort: Option<i32>,
) -> AppResult<Diagnostics> {
    let db = &services.db;
    let unit = org_units::Entity::find_by_id(actor.org_unit_id)
        .one(db)
        .await?
        .ok_or(AppError::not_found("组织单位"))?;
    let (university_id, only_college) = match actor.role {
        Role::SchoolAdmin => (unit.id, None),
        Role::CollegeAdmin => (unit.parent_id.unwrap_or_default(), Some(unit.name.clone())),
        _ => return Err(AppError::Forbidden),
    };
    let cohort = match cohort {
        Some(cohort) => Some(cohort),
        None => {
            graduates::Entity::find()
                .select_only()
                .column(graduates::Column::Cohort)
                .filter(graduates::Column::UniversityId.eq(university_id))
                .order_by_desc(graduates::Column::Cohort)
                .limit(1)
                .into_tuple()
                .one(db)
                .await?
        }
    };
    let Some(cohort) = cohort else {
        return Ok(Diagnostics::default());
    };

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
    if let Some(college) = &only_college {
        query.and_where(graduates::Column::CollegeName.eq(college.as_str()));
    }
    let backend = db.get_database_backend();
    let data = DataRow::find_by_statement(StatementBuilder::build(&query, &backend))
        .all(db)
        .await?;
    let data_colleges: HashSet<&str> = data.iter().map(|d| d.college_name.as_str()).collect();
    let data_majors: HashSet<(&str, &str, &str)> = data
        .iter()
        .map(|d| {
            (
                d.college_name.as_str(),
                d.education_level.as_str(),
                d.major_name.as_str(),
            )
        })
        .collect();

    let colleges = org_units::Entity::find()
        .filter(org_units::Column::ParentId.eq(university_id))
        .filter(org_units::Column::Kind.eq(OrgKind::College.as_str()))
        .all(db)
        .await?;
    let college_names: HashMap<i32, String> =
        colleges.iter().map(|c| (c.id, c.name.clone())).collect();

    let counselors = accounts::Entity::find()
        .filter(accounts::Column::Role.eq(Role::Counselor.as_str()))
        .filter(accounts::Column::Disabled.eq(false))
        .filter(accounts::Column::OrgPath.like(actor.subtree_pattern()))
        .order_by_asc(accounts::Column::OrgPath)
        .order_by_asc(accounts::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = counselors.iter().map(|a| a.id).collect();
    let levels = account_levels::Entity::find()
        .filter(account_levels::Column::AccountId.is_in(ids.clone()))
        .all(db)
        .await?;
    let links = account_majors::Entity::find()
        .filter(account_majors::Column::AccountId.is_in(ids))
        .all(db)
        .await?;
    let catalog: HashMap<i32, majors::Model> = majors::Entity::find()
        .filter(majors::Column::Id.is_in(links.iter().map(|l| l.major_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();

    let mut report = Diagnostics {
        cohort: Some(cohort),
        ..Default::default()
    };
    let mut covered: HashSet<(String, String, String)> = HashSet::new();
    for account in &counselors {
        let college = college_names
            .get(&account.org_unit_id)
            .cloned()
            .unwrap_or_default();
        let mut reasons = Vec::new();
        if !data_colleges.contains(college.as_str()) {
            reasons.push(format!("院系“{college}”在 {cohort} 届就业数据中没有毕业生"));
        }
        let account_levels: Vec<&str> = levels
            .iter()
            .filter(|l| l.account_id == account.id)
            .map(|l| l.education_level.as_str())
            .collect();
        for link in links.iter().filter(|l| l.account_id == account.id) {
            let Some(major) = catalog.get(&link.major_id) else {
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
            if data_majors.contains(&key) {
                covered.insert((
                    college.clone(),
                    major.education_level.clone(),
                    major.name.clone(),
                ));
            } else if data_colleges.contains(college.as_str()) {
                reasons.push(format!(
                    "专业“{}”（{}）在 {cohort} 届就业数据中没有毕业生",
                    major.name,
                    level_label(&major.education_level)
                ));
            }
        }
        if !reasons.is_empty() {
            report.accounts.push(AccountMismatch {
                account_id: account.id,
                name: account.name.clone(),
                college,
                reasons,
            });
        }
    }
    let unit_names: HashSet<&str> = colleges.iter().map(|c| c.name.as_str()).collect();
    let mut without_unit: BTreeMap<String, u64> = BTreeMap::new();
    for row in &data {
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
