use sea_orm::entity::prelude::*;

use crate::domain::push::{JobKind, JobStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "push_jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: JobKind,
    pub task_id: Option<i32>,
    pub account_id: i32,
    pub openid: String,
    pub status: JobStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub deadline_at: DateTimeUtc,
    pub lease_until: Option<DateTimeUtc>,
    pub claim_token: Option<String>,
    pub msgid: Option<i64>,
    pub delivery: Option<String>,
    pub error_code: Option<i64>,
    pub error_text: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// A change notice: what changed (`TaskChanges` as text), merged across quick edits.
    pub changes: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
