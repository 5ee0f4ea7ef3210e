//! What the push worker reads to build a batch's messages: tasks and their publishers, the
//! recipients' current OpenIDs, who is done already, an account's pending tasks.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, QueryFilter, QuerySelect, Set, StatementBuilder,
};

use crate::db::entities::{account_wechat, accounts, assignments, followers, org_units, tasks};
use crate::domain::org::OrgKind;
use crate::domain::task::TaskStatus;
use crate::error::AppResult;

/// How many tasks the account has pending (published, not done, not overdue), and the
/// nearest deadline among them.
pub async fn pending_summary<C: ConnectionTrait>(
    conn: &C,
    account_id: i32,
    now: DateTime<Utc>,
) -> AppResult<(u64, Option<DateTime<Utc>>)> {
    #[derive(FromQueryResult)]
    struct Row {
        n: i64,
        nearest: Option<DateTime<Utc>>,
    }
    let mut query = Query::select();
    query
        .expr_as(
            Expr::col((assignments::Entity, assignments::Column::Id)).count(),
            Alias::new("n"),
        )
        .expr_as(
            Expr::col((tasks::Entity, tasks::Column::Deadline)).min(),
            Alias::new("nearest"),
        )
        .from(assignments::Entity)
        .inner_join(
            tasks::Entity,
            Expr::col((tasks::Entity, tasks::Column::Id))
                .equals((assignments::Entity, assignments::Column::TaskId)),
        )
        .and_where(Expr::col((assignments::Entity, assignments::Column::AccountId)).eq(account_id))
        .and_where(Expr::col((assignments::Entity, assignments::Column::DoneAt)).is_null())
        .and_where(
            Expr::col((tasks::Entity, tasks::Column::Status)).eq(TaskStatus::Published.as_str()),
        )
        .and_where(Expr::col((tasks::Entity, tasks::Column::Deadline)).gt(now));
    let backend = conn.get_database_backend();
    let row = Row::find_by_statement(StatementBuilder::build(&query, &backend))
        .one(conn)
        .await?;
    Ok(row
        .map(|r| (r.n.max(0) as u64, r.nearest))
        .unwrap_or((0, None)))
}

/// How a publishing unit signs its tasks: a college with its university ("江南示范大学计算机学院"),
/// any other unit by its own name.
pub async fn publisher_names<C: ConnectionTrait>(
    conn: &C,
    unit_ids: impl IntoIterator<Item = i32>,
) -> AppResult<HashMap<i32, String>> {
    let units = org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(unit_ids))
        .all(conn)
        .await?;
    let parent_ids: Vec<i32> = units
        .iter()
        .filter(|u| u.kind == OrgKind::College)
        .filter_map(|u| u.parent_id)
        .collect();
    let parents = org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(parent_ids))
        .all(conn)
        .await?;
    Ok(units
        .iter()
        .map(|unit| {
            let parent = parents.iter().find(|p| Some(p.id) == unit.parent_id);
            let name = match parent {
                Some(parent) if unit.kind == OrgKind::College => {
                    format!("{}{}", parent.name, unit.name)
                }
                _ => unit.name.clone(),
            };
            (unit.id, name)
        })
        .collect())
}

/// What a batch's messages need: its tasks with publisher names.
pub async fn tasks_of(
    db: &DatabaseConnection,
    ids: Vec<i32>,
) -> AppResult<Vec<(tasks::Model, String)>> {
    let rows = tasks::Entity::find()
        .filter(tasks::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let names = publisher_names(db, rows.iter().map(|t| t.org_unit_id)).await?;
    Ok(rows
        .into_iter()
        .map(|task| {
            let name = names.get(&task.org_unit_id).cloned().unwrap_or_default();
            (task, name)
        })
        .collect())
}

/// For each account of a batch: its current official-account OpenID, if it is enabled.
pub async fn current_openids(
    db: &DatabaseConnection,
    account_ids: Vec<i32>,
) -> AppResult<Vec<(i32, String)>> {
    let enabled: Vec<i32> = accounts::Entity::find()
        .select_only()
        .column(accounts::Column::Id)
        .filter(accounts::Column::Id.is_in(account_ids.clone()))
        .filter(accounts::Column::Disabled.eq(false))
        .into_tuple()
        .all(db)
        .await?;
    let links = account_wechat::Entity::find()
        .filter(account_wechat::Column::AccountId.is_in(enabled))
        .all(db)
        .await?;
    Ok(links
        .into_iter()
        .filter_map(|l| l.oa_openid.map(|openid| (l.account_id, openid)))
        .collect())
}

/// Of the given reminder recipients, those who are done already: `(task id, account id)`.
pub async fn done_pairs(
    db: &DatabaseConnection,
    task_ids: Vec<i32>,
    account_ids: Vec<i32>,
) -> AppResult<Vec<(i32, i32)>> {
    if task_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(assignments::Entity::find()
        .select_only()
        .column(assignments::Column::TaskId)
        .column(assignments::Column::AccountId)
        .filter(assignments::Column::TaskId.is_in(task_ids))
        .filter(assignments::Column::AccountId.is_in(account_ids))
        .filter(assignments::Column::DoneAt.is_not_null())
        .into_tuple()
        .all(db)
        .await?)
}

/// WeChat says the recipient does not follow the official account (43004): remember it, so
/// later notices skip them until they follow again.
pub async fn mark_unfollowed(
    db: &DatabaseConnection,
    openid: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let updated = followers::Entity::update_many()
        .col_expr(followers::Column::Following, Expr::value(false))
        .col_expr(followers::Column::UnsubscribedAt, Expr::value(now))
        .col_expr(followers::Column::UpdatedAt, Expr::value(now))
        .filter(followers::Column::Openid.eq(openid))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        let inserted = followers::ActiveModel {
            openid: Set(openid.to_string()),
            following: Set(false),
            unionid: Set(None),
            subscribed_at: Set(None),
            unsubscribed_at: Set(Some(now)),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await;
        // A subscribe event raced us to the row: it is the newer truth.
        if let Err(error) = inserted {
            if error.sql_err().is_none() {
                return Err(error.into());
            }
        }
    }
    Ok(())
}
