use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assignments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub task_id: i32,
    pub account_id: i32,
    pub college_id: i32,
    pub org_path: String,
    pub viewed_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
    pub signed_in_at: Option<DateTimeUtc>,
    pub done_at: Option<DateTimeUtc>,
    pub levels: i32,
    pub bound: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
