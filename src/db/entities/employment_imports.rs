use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "employment_imports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub university_id: i32,
    pub org_path: String,
    pub actor_id: i32,
    pub filename: String,
    pub rows: i32,
    pub inserted: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub created_at: DateTimeUtc,
    /// running | done | failed
    pub status: String,
    pub dry_run: bool,
    /// Rows checked so far, of `total`.
    pub processed: i32,
    pub total: i32,
    /// The import report as JSON, once finished.
    #[sea_orm(column_type = "Text", nullable)]
    pub report: Option<String>,
    pub heartbeat_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
