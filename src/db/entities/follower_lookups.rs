use sea_orm::entity::prelude::*;

use crate::domain::outbox::LookupStatus;

/// A follower profile (UnionID) to look up after a subscribe.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "follower_lookups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub openid: String,
    pub status: LookupStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTimeUtc>,
    pub lease_until: Option<DateTimeUtc>,
    pub claim_token: Option<String>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
