use sea_orm::entity::prelude::*;

/// One wrong bind code sent in chat; rows older than the counting window are pruned.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bind_failures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub openid: String,
    pub failed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
