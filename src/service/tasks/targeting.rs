//! Who a task reaches: its stored target, the subtree patterns a target covers (checked
//! against the actor's scope), and the counselors those patterns match.

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use super::require_dispatcher;
use crate::db::entities::columns::JsonText;
use crate::db::entities::{account_levels, account_wechat, accounts, org_units, tasks};
use crate::domain::cohort::Cohort;
use crate::domain::education::EducationLevel;
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::domain::task::{target_kinds, Target};
use crate::domain::Invalid;
use crate::error::{AppError, AppResult};
use crate::service::{count_rows, Services};

/// How many counselors a target reaches, and how many of them can get a template message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reach {
    pub matched: u64,
    pub bound: u64,
}

/// The target as the task row stores it.
pub(super) struct StoredTarget {
    pub unit_ids: JsonText<Vec<i32>>,
    pub levels: JsonText<Vec<EducationLevel>>,
    pub cohort: Option<i32>,
}

pub(super) fn target_columns(target: &Target) -> StoredTarget {
    StoredTarget {
        unit_ids: JsonText(target.unit_ids.clone()),
        levels: JsonText(target.levels.clone()),
        cohort: target.cohort.map(Cohort::year),
    }
}

/// The stored target. The columns are typed: a row whose target does not parse never loads,
/// so it cannot fall back to the empty target, which means the whole subtree; a stored class
/// that is no year is an error for the same reason (NULL, not garbage, means every class).
pub(super) fn target_of(task: &tasks::Model) -> AppResult<Target> {
    let cohort = match task.target_cohort {
        None => None,
        Some(year) => Some(Cohort::from_year(year).ok_or_else(|| {
            AppError::internal(format!("task {} stores target cohort {year}", task.id))
        })?),
    };
    Ok(Target {
        unit_ids: task.target_unit_ids.0.clone(),
        levels: task.target_levels.0.clone(),
        cohort,
    })
}

/// The subtree patterns a target covers, after checking every unit against the actor's scope
/// and the kinds their role may pick.
pub(super) async fn target_patterns<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    target: &Target,
) -> AppResult<Vec<String>> {
    if target.unit_ids.is_empty() {
        return Ok(vec![actor.subtree_pattern()]);
    }
    let allowed = target_kinds(actor.role);
    if allowed.is_empty() {
        return Err(Invalid::new("unit_ids", "院级用户只能按学历层次选择派发对象").into());
    }
    let units = org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(target.unit_ids.clone()))
        .all(conn)
        .await?;
    let mut patterns = Vec::with_capacity(units.len());
    for id in &target.unit_ids {
        let unit = units
            .iter()
            .find(|u| u.id == *id)
            .filter(|u| actor.covers_unit(&u.path))
            .ok_or_else(|| {
                Invalid::new(
                    "unit_ids",
                    format!("单位（编号 {id}）不存在或不在您的管理范围内"),
                )
            })?;
        let kind = unit.kind;
        if !allowed.contains(&kind) {
            let names: Vec<&str> = allowed.iter().map(|k| k.label()).collect();
            return Err(Invalid::new(
                "unit_ids",
                format!(
                    "“{}”不能作为派发对象，可选：{}",
                    unit.name,
                    names.join("、")
                ),
            )
            .into());
        }
        patterns.push(format!("{}%", unit.path));
    }
    Ok(patterns)
}

/// Counselors reached by the patterns, levels and class: enabled, inside the actor's subtree.
pub(super) fn matching_counselors(
    actor: &Actor,
    patterns: &[String],
    target: &Target,
) -> Condition {
    let levels = &target.levels;
    let path = || Expr::col((accounts::Entity, accounts::Column::OrgPath));
    let mut units = Condition::any();
    for pattern in patterns {
        units = units.add(path().like(pattern.as_str()));
    }
    let mut condition = Condition::all()
        .add(Expr::col((accounts::Entity, accounts::Column::Role)).eq(Role::Counselor))
        .add(Expr::col((accounts::Entity, accounts::Column::Disabled)).eq(false))
        .add(path().like(actor.subtree_pattern()))
        .add(units);
    if let Some(cohort) = target.cohort {
        condition = condition
            .add(Expr::col((accounts::Entity, accounts::Column::Cohort)).eq(cohort.year()));
    }
    if !levels.is_empty() {
        let mut sub = Query::select();
        sub.column(account_levels::Column::AccountId)
            .from(account_levels::Entity)
            .and_where(
                account_levels::Column::EducationLevel
                    .is_in(levels.iter().map(|l| l.as_str()).collect::<Vec<_>>()),
            );
        condition =
            condition.add(Expr::col((accounts::Entity, accounts::Column::Id)).in_subquery(sub));
    }
    condition
}

pub(super) async fn reach<C: ConnectionTrait>(conn: &C, condition: Condition) -> AppResult<Reach> {
    let mut matched = Query::select();
    matched.from(accounts::Entity).cond_where(condition.clone());
    let mut bound = matched.clone();
    bound
        .inner_join(
            account_wechat::Entity,
            Expr::col((account_wechat::Entity, account_wechat::Column::AccountId))
                .equals((accounts::Entity, accounts::Column::Id)),
        )
        .and_where(
            Expr::col((account_wechat::Entity, account_wechat::Column::OaOpenid)).is_not_null(),
        );
    Ok(Reach {
        matched: count_rows(conn, matched, (accounts::Entity, accounts::Column::Id)).await?,
        bound: count_rows(conn, bound, (accounts::Entity, accounts::Column::Id)).await?,
    })
}

/// How many counselors a target would reach, before anything is written.
pub async fn preview(services: &Services, actor: &Actor, target: &Target) -> AppResult<Reach> {
    require_dispatcher(actor)?;
    let patterns = target_patterns(&services.db, actor, target).await?;
    reach(&services.db, matching_counselors(actor, &patterns, target)).await
}
