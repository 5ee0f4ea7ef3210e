//! First start: the root unit and one ministry admin with a one-time password.

use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, TransactionTrait};

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

/// With no account at all, create the ministry unit and its first admin. Returns the
/// credentials only when this call created them.
pub async fn ensure_first_admin(db: &DatabaseConnection) -> AppResult<Option<InitialAdmin>> {
    if account_rows::Entity::find().count(db).await? > 0 {
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
        // Another instance starting at the same moment won the race.
        Err(AppError::Conflict(_)) => Ok(None),
        Err(error) => Err(error),
    }
}
