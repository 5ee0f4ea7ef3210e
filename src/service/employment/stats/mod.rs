//! Employment statistics from the imported report: graduates, each 毕业去向 group, 去向落实率,
//! and breakdowns — aggregates only, never a student. Counselors see their college × levels ×
//! majors; admins their scope, rolled up by the level below. No ranking of counselors (the 2021
//! rules forbid tying the rate to counselor appraisal).

use std::collections::{BTreeMap, HashMap};

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::db::entities::{account_levels, account_majors, accounts, graduates, majors, org_units};
use crate::domain::cohort::Cohort;
use crate::domain::org::OrgKind;
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::error::{AppError, AppResult};
use crate::service::Services;

mod query;

use query::{cohorts_with_data, compute, own_cohorts, placed_by, rollup, slices, Filter, Row};

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
            kind: unit.kind,
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

/// The class a page opens on: the counselor's own (the admin's: the class under way) when it
/// has data; otherwise `None`, which the figures read as the newest class with data rather
/// than an empty page.
fn default_cohort(with_data: &[i32], preferred: Option<i32>) -> Option<i32> {
    preferred.filter(|year| with_data.contains(year))
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
    let served = accounts::Entity::find_by_id(actor.account_id)
        .one(db)
        .await?
        .and_then(|a| a.cohort);
    let cohort = cohort.or_else(|| default_cohort(&cohorts, served));
    let major = Expr::col(graduates::Column::MajorName).into();
    let mut stats = compute(db, filter, cohort, major, |k| k.to_string()).await?;
    stats.unit = Some(UnitRef::from(&college));
    stats.cohorts = cohorts;
    Ok(stats)
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
    let kind = unit.kind;
    let universities: Vec<org_units::Model> = match kind {
        OrgKind::University => vec![unit.clone()],
        OrgKind::College => org_units::Entity::find_by_id(unit.parent_id.unwrap_or_default())
            .one(db)
            .await?
            .into_iter()
            .collect(),
        OrgKind::Province | OrgKind::Ministry => {
            org_units::Entity::find()
                .filter(org_units::Column::Kind.eq(OrgKind::University))
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
    let current = Cohort::current(services.clock.now()).year();
    let cohort = cohort.or_else(|| default_cohort(&cohorts, Some(current)));
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
                .filter(org_units::Column::Kind.eq(OrgKind::Province))
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
