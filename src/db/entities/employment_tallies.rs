use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "employment_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cohort: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub dim: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub university_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub dim_value: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub destination_code: String,
    pub n: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
