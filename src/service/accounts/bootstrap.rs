//! The first ministry admin: the root unit and one ministry admin with a one-time password,
//! whenever the database has no ministry admin (a fresh database, or one the demo filled first).

use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait,
};

use crate::db::entities::accounts as account_rows;
use crate::domain::role::Role;
use crate::domain::username::Username;
use crate::error::{AppError, AppResult};
use crate::service::{accounts, org};

pub const FIRST_ADMIN_USERNAME: &str = "admin";

/// Credentials shown once, on the console that started the server.
#[derive(Debug, Clone)]
pub struct InitialAdmin {
    pub username: String,
    pub password: String,
}

/// With no ministry admin (in any state: a disabled one is re-enabled by `fudao admin`, not
/// replaced behind the operator's back), create the ministry unit and its first admin. Returns
/// the credentials only when this call created them.
pub async fn ensure_first_admin(db: &DatabaseConnection) -> AppResult<Option<InitialAdmin>> {
    let ministry_admins = account_rows::Entity::find()
        .filter(account_rows::Column::Role.eq(Role::MinistryAdmin))
        .count(db)
        .await?;
    if ministry_admins > 0 {
        return Ok(None);
    }
    let txn = db.begin().await?;
    let ministry = org::ensure_ministry(&txn).await?;
    let username = Username::parse(FIRST_ADMIN_USERNAME)?;
    let created = accounts::create_unchecked(
        &txn,
        Role::MinistryAdmin,
        &ministry,
        &username,
        "系统管理员",
        None,
        None,
    )
    .await;
    match created {
        Ok((account, password)) => {
            txn.commit().await?;
            Ok(Some(InitialAdmin {
                username: account.username,
                password,
            }))
        }
        // Another instance starting at the same moment won the race (or someone else holds the
        // name `admin`: `fudao admin create` makes a ministry admin under another name).
        Err(AppError::Conflict(_)) => {
            tracing::warn!(
                "no ministry admin, and the username `{FIRST_ADMIN_USERNAME}` is taken: \
                 create one with `fudao admin create --role ministry_admin`"
            );
            Ok(None)
        }
        Err(error) => Err(error),
    }
}
