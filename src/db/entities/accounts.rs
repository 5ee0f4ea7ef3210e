use sea_orm::entity::prelude::*;

use crate::domain::role::Role;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub org_unit_id: i32,
    pub org_path: String,
    pub name: String,
    pub phone: Option<String>,
    pub must_change_password: bool,
    pub disabled: bool,
    /// Wrong passwords from all addresses in the current window, copied from `login_failures`
    /// for admins to see.
    pub failed_logins: i32,
    /// When the failure ceiling locked the account (the lock lasts until an admin lifts it;
    /// the column is named after the timed lockout it replaced).
    pub locked_until: Option<DateTimeUtc>,
    /// The graduating class (届) a counselor serves, e.g. 2027; none for admins.
    pub cohort: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
