//! The mini-program OpenID that lets an account log in silently (`wx-login`). It is created by
//! a password login with a `wx.login` code (see `mini_login`) and ends
//! whenever the password stops being what proved it: a change, an admin reset, a disabled
//! account, or the owner unlinking.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::json;

use crate::db::entities::account_wechat;
use crate::domain::scope::Actor;
use crate::error::AppResult;
use crate::service::{audit, RequestMeta, Services};

/// End silent login for an account; true when there was a link. The official-account binding
/// (template messages) is another matter and stays.
pub async fn forget<C: ConnectionTrait>(conn: &C, account_id: i32) -> AppResult<bool> {
    let result = account_wechat::Entity::update_many()
        .col_expr(
            account_wechat::Column::MpOpenid,
            Expr::value(Option::<String>::None),
        )
        .col_expr(account_wechat::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(account_wechat::Column::AccountId.eq(account_id))
        .filter(account_wechat::Column::MpOpenid.is_not_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected > 0)
}

/// The owner ends silent login from the 我的 page (a shared or lost phone).
pub async fn unlink_own(services: &Services, actor: &Actor, meta: &RequestMeta) -> AppResult<()> {
    let txn = services.db.begin().await?;
    if forget(&txn, actor.account_id).await? {
        audit::record(
            &txn,
            Some(actor),
            meta,
            audit::Entry {
                action: "wechat.mini_unlink",
                target_type: "account",
                target_id: Some(actor.account_id.to_string()),
                org_path: actor.org_path.as_str(),
                detail: json!({ "username": actor.username }),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}
