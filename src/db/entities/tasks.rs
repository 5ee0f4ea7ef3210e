use sea_orm::entity::prelude::*;

use super::columns::JsonText;
use crate::domain::education::EducationLevel;
use crate::domain::task::{TaskKind, TaskStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: TaskKind,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    pub link: Option<String>,
    pub confidential: bool,
    pub deadline: DateTimeUtc,
    pub starts_at: Option<DateTimeUtc>,
    pub ends_at: Option<DateTimeUtc>,
    pub status: TaskStatus,
    pub org_unit_id: i32,
    pub org_path: String,
    pub created_by: i32,
    #[sea_orm(column_type = "Text")]
    pub target_unit_ids: JsonText<Vec<i32>>,
    #[sea_orm(column_type = "Text")]
    pub target_levels: JsonText<Vec<EducationLevel>>,
    /// 届 the task reaches; NULL for every class (tasks saved before classes were targeted).
    pub target_cohort: Option<i32>,
    pub share_nonce: String,
    pub published_at: Option<DateTimeUtc>,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub last_reminded_at: Option<DateTimeUtc>,
    pub auto_reminded_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
