use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "destination_codes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub from_cohort: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub label: String,
    pub grp: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
