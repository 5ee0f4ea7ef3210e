//! 短信提醒绑定: on an admin's request from the follow-and-bind page, counselors in scope who
//! have not bound WeChat get one SMS with the binding steps (template `bind_steps`), at most
//! once a day each, through the SMS outbox. Offered only with an SMS provider and that template.

use chrono::TimeDelta;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::json;

use crate::db::entities::{account_wechat, accounts, sms_outbox};
use crate::domain::outbox::SmsTemplate;
use crate::domain::phone::MobilePhone;
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult};
use crate::service::notifier::OtherSms;
use crate::service::{audit, RequestMeta, Services};

/// Counselors one request may name (a page of the follow-and-bind list is far fewer).
pub const MAX_ACCOUNTS: usize = 500;

/// What a request did, per counselor named.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BindStepsOutcome {
    pub queued: u64,
    /// Bound already: nothing to remind.
    pub already_bound: u64,
    /// Reminded by SMS within the last 24 hours.
    pub sent_today: u64,
    /// No mobile number on the account.
    pub no_phone: u64,
}

/// Queue the binding steps for `account_ids`, every one a counselor the actor manages or
/// oversees (else 404, nothing queued).
pub async fn send(
    services: &Services,
    actor: &Actor,
    account_ids: &[i32],
    meta: &RequestMeta,
) -> AppResult<BindStepsOutcome> {
    if !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut ids = account_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_ACCOUNTS {
        return Err(
            Invalid::new("account_ids", format!("请选择 1–{MAX_ACCOUNTS} 名辅导员")).into(),
        );
    }
    if !services.notifier.sends(SmsTemplate::BindSteps) {
        return Err(Invalid::new(
            "account_ids",
            "未开通绑定提醒短信，请通知辅导员在小程序「我的」页面获取绑定码后发送到服务号",
        )
        .into());
    }
    let now = services.clock.now();
    let txn = services.db.begin().await?;
    let counselors = accounts::Entity::find()
        .filter(accounts::Column::Id.is_in(ids.clone()))
        .filter(accounts::Column::OrgPath.like(actor.subtree_pattern()))
        .filter(accounts::Column::Role.eq(Role::Counselor))
        .filter(accounts::Column::Disabled.eq(false))
        .all(&txn)
        .await?;
    if counselors.len() != ids.len() {
        return Err(AppError::not_found("辅导员"));
    }
    let bound: Vec<i32> = account_wechat::Entity::find()
        .filter(account_wechat::Column::AccountId.is_in(ids.clone()))
        .filter(account_wechat::Column::OaOpenid.is_not_null())
        .all(&txn)
        .await?
        .into_iter()
        .map(|link| link.account_id)
        .collect();
    let reminded: Vec<Option<i32>> = sms_outbox::Entity::find()
        .filter(sms_outbox::Column::AccountId.is_in(ids.clone()))
        .filter(sms_outbox::Column::Template.eq(SmsTemplate::BindSteps.as_str()))
        .filter(sms_outbox::Column::CreatedAt.gt(now - TimeDelta::hours(24)))
        .all(&txn)
        .await?
        .into_iter()
        .map(|row| row.account_id)
        .collect();
    let mut outcome = BindStepsOutcome::default();
    for counselor in &counselors {
        if bound.contains(&counselor.id) {
            outcome.already_bound += 1;
            continue;
        }
        if reminded.contains(&Some(counselor.id)) {
            outcome.sent_today += 1;
            continue;
        }
        let Some(phone) = counselor
            .phone
            .as_deref()
            .and_then(|p| MobilePhone::parse(p).ok())
        else {
            outcome.no_phone += 1;
            continue;
        };
        let message = OtherSms {
            account_id: counselor.id,
            template: SmsTemplate::BindSteps,
            name: &counselor.name,
            username: &counselor.username,
            code: None,
        };
        services.notifier.send(&txn, &phone, message).await?;
        outcome.queued += 1;
    }
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "wechat.bind_sms",
            target_type: "org_unit",
            target_id: Some(actor.org_unit_id.to_string()),
            org_path: actor.org_path.as_str(),
            detail: json!({
                "accounts": ids.len(),
                "queued": outcome.queued,
                "already_bound": outcome.already_bound,
                "sent_today": outcome.sent_today,
                "no_phone": outcome.no_phone,
            }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(outcome)
}
