//! Year turnover (换届): the graduating class changes every year. An admin carries chosen
//! counselors of last year's class over to the next one — same login, WeChat binding and
//! history — and disables the rest in the same action. The action is audited with every account
//! it touched, and can be undone by naming that entry.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::entities::{accounts, audit_log};
use crate::domain::cohort::Cohort;
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult};
use crate::service::identity::auth;
use crate::service::{audit, RequestMeta, Services};

const ACTION: &str = "account.turnover";
const UNDO_ACTION: &str = "account.turnover_undo";
/// Counselors one turnover may carry over by name (a university's whole class fits).
pub const MAX_CARRIED: usize = 5000;

/// What to do with the counselors of class `from`.
#[derive(Debug, Clone)]
pub struct Turnover {
    pub from: Cohort,
    /// Carried over to the next class.
    pub carry: Vec<i32>,
    /// Disable everyone else of class `from`.
    pub disable_rest: bool,
}

/// What a turnover changed: kept in its audit entry, which is what undo reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnoverRecord {
    pub from: i32,
    pub to: i32,
    pub carried: Vec<i32>,
    pub disabled: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnoverOutcome {
    /// The audit entry: undo names it.
    pub id: i64,
    pub record: TurnoverRecord,
}

fn require_admin(actor: &Actor) -> AppResult<()> {
    if actor.is_admin() && !actor.role.manages().is_empty() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Counselors of `cohort` in the actor's subtree whom the actor manages, enabled ones only.
async fn class_of<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    cohort: Cohort,
) -> AppResult<Vec<accounts::Model>> {
    if !actor.role.manages().contains(&Role::Counselor) {
        return Err(AppError::Forbidden);
    }
    Ok(accounts::Entity::find()
        .filter(accounts::Column::OrgPath.like(actor.subtree_pattern()))
        .filter(accounts::Column::Role.eq(Role::Counselor))
        .filter(accounts::Column::Cohort.eq(cohort.year()))
        .filter(accounts::Column::Disabled.eq(false))
        .all(conn)
        .await?)
}

pub async fn run(
    services: &Services,
    actor: &Actor,
    turnover: Turnover,
    meta: &RequestMeta,
) -> AppResult<TurnoverOutcome> {
    require_admin(actor)?;
    let mut carry = turnover.carry.clone();
    carry.sort_unstable();
    carry.dedup();
    if carry.len() > MAX_CARRIED {
        return Err(Invalid::new("carry", format!("一次最多留任 {MAX_CARRIED} 名辅导员")).into());
    }
    if carry.is_empty() && !turnover.disable_rest {
        return Err(Invalid::new("carry", "请选择留任的辅导员，或选择停用其余账号").into());
    }
    let to = turnover.from.next();
    let txn = services.db.begin().await?;
    let class = class_of(&txn, actor, turnover.from).await?;
    let in_class: Vec<i32> = class.iter().map(|a| a.id).collect();
    if let Some(stranger) = carry.iter().find(|id| !in_class.contains(id)) {
        return Err(Invalid::new(
            "carry",
            format!(
                "账号 {stranger} 不是本单位 {} 届的在用辅导员",
                turnover.from.year()
            ),
        )
        .into());
    }
    let now = services.clock.now();
    if !carry.is_empty() {
        accounts::Entity::update_many()
            .col_expr(accounts::Column::Cohort, Expr::value(to.year()))
            .col_expr(accounts::Column::UpdatedAt, Expr::value(now))
            .filter(accounts::Column::Id.is_in(carry.clone()))
            .exec(&txn)
            .await?;
    }
    let disabled: Vec<i32> = if turnover.disable_rest {
        in_class
            .iter()
            .copied()
            .filter(|id| !carry.contains(id))
            .collect()
    } else {
        Vec::new()
    };
    if !disabled.is_empty() {
        accounts::Entity::update_many()
            .col_expr(accounts::Column::Disabled, Expr::value(true))
            .col_expr(accounts::Column::UpdatedAt, Expr::value(now))
            .filter(accounts::Column::Id.is_in(disabled.clone()))
            .exec(&txn)
            .await?;
        auth::revoke_all_of(&txn, &disabled).await?;
    }
    let record = TurnoverRecord {
        from: turnover.from.year(),
        to: to.year(),
        carried: carry,
        disabled,
    };
    let id = audit::record_with_id(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: ACTION,
            target_type: "org_unit",
            target_id: Some(actor.org_unit_id.to_string()),
            org_path: actor.org_path.as_str(),
            detail: json!(record),
        },
    )
    .await?;
    txn.commit().await?;
    for account in &record.disabled {
        services.sessions.forget_account(*account);
        services.bound_accounts.forget_account(*account);
    }
    Ok(TurnoverOutcome { id, record })
}

/// Undo a turnover: carried counselors go back to their class (unless moved again since),
/// disabled ones are enabled (unless enabled since). Once; audited.
pub async fn undo(
    services: &Services,
    actor: &Actor,
    id: i64,
    meta: &RequestMeta,
) -> AppResult<TurnoverRecord> {
    require_admin(actor)?;
    let txn = services.db.begin().await?;
    let entry = audit_log::Entity::find_by_id(
        i32::try_from(id).map_err(|_| AppError::not_found("换届记录"))?,
    )
    .filter(audit_log::Column::Action.eq(ACTION))
    .filter(audit_log::Column::OrgPath.like(actor.subtree_pattern()))
    .one(&txn)
    .await?
    .ok_or(AppError::not_found("换届记录"))?;
    let undone = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(UNDO_ACTION))
        .filter(audit_log::Column::TargetId.eq(id.to_string()))
        .one(&txn)
        .await?;
    if undone.is_some() {
        return Err(Invalid::new("id", "这次换届已经撤销过").into());
    }
    let record: TurnoverRecord = serde_json::from_str(&entry.detail)
        .map_err(|e| AppError::internal(format!("turnover entry {id}: {e}")))?;
    let now = services.clock.now();
    // Only the accounts still in scope: one moved out since is not reached back into.
    let pattern = actor.subtree_pattern();
    if !record.carried.is_empty() {
        accounts::Entity::update_many()
            .col_expr(accounts::Column::Cohort, Expr::value(record.from))
            .col_expr(accounts::Column::UpdatedAt, Expr::value(now))
            .filter(accounts::Column::Id.is_in(record.carried.clone()))
            .filter(accounts::Column::Cohort.eq(record.to))
            .filter(accounts::Column::OrgPath.like(pattern.clone()))
            .exec(&txn)
            .await?;
    }
    if !record.disabled.is_empty() {
        accounts::Entity::update_many()
            .col_expr(accounts::Column::Disabled, Expr::value(false))
            .col_expr(accounts::Column::UpdatedAt, Expr::value(now))
            .filter(accounts::Column::Id.is_in(record.disabled.clone()))
            .filter(accounts::Column::OrgPath.like(pattern))
            .exec(&txn)
            .await?;
    }
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: UNDO_ACTION,
            target_type: "audit_log",
            target_id: Some(id.to_string()),
            org_path: actor.org_path.as_str(),
            detail: json!({ "from": record.from, "to": record.to,
                            "carried": record.carried.len(), "enabled": record.disabled.len() }),
        },
    )
    .await?;
    txn.commit().await?;
    for account in record.carried.iter().chain(&record.disabled) {
        services.bound_accounts.forget_account(*account);
    }
    Ok(record)
}
