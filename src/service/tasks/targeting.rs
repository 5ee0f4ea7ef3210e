//! Who a task reaches: its stored target, the subtree patterns a target covers (checked
//! against the actor's scope), and the counselors those patterns match.

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use super::require_dispatcher;
use crate::db::entities::columns::JsonText;
use crate::db::entities::{account_levels, account_wechat, accounts, org_units, tasks};
use crate::domain::education::EducationLevel;
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::domain::task::{target_kinds, Target};
use crate::domain::Invalid;
use crate::error::AppResult;
use crate::service::{count_rows, Services};

/// How many counselors a target reaches, and how many of them can get a template message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reach {
    pub matched: u64,
    pub bound: u64,
}

pub(super) fn target_json(target: &Target) -> (JsonText<Vec<i32>>, JsonText<Vec<EducationLevel>>) {
    (
        JsonText(target.unit_ids.clone()),
        JsonText(target.levels.clone()),
    )
}

/// The stored target. The columns are typed: a row whose target does not parse never loads,
/// so it cannot fall back to the empty target, which means the whole subtree.
pub(super) fn target_of(task: &tasks::Model) -> Target {
    Target {
        unit_ids: task.target_unit_ids.0.clone(),
        levels: task.target_levels.0.clone(),
    }
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

/// Counselors reached by the patterns and levels: enabled, inside the actor's subtree.
pub(super) fn matching_counselors(
    actor: &Actor,
    patterns: &[String],
    levels: &[EducationLevel],
) -> Condition {
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
    reach(
        &services.db,
        matching_counselors(actor, &patterns, &target.levels),
    )
    .await
}
