use sea_orm::entity::prelude::*;

use crate::domain::outbox::SmsStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sms_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub phone: String,
    pub template: String,
    #[sea_orm(column_type = "Text")]
    pub params: String,
    pub status: SmsStatus,
    pub attempts: i32,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// When a pending message may next be tried (null: at once).
    pub next_attempt_at: Option<DateTimeUtc>,
    /// While `sending`: when the claim lapses if its instance died.
    pub lease_until: Option<DateTimeUtc>,
    /// While `sending`: the claim that holds it (null for claims older than the column).
    pub claim_token: Option<String>,
    pub last_error: Option<String>,
    /// Which provider sent it, and its id for the message (Aliyun BizId, Tencent SerialNo).
    pub provider: Option<String>,
    pub provider_ref: Option<String>,
    /// The account the message was written for (null only for messages older than the
    /// column whose account could not be told).
    pub account_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
