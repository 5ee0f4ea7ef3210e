//! Who follows the official account, kept true by subscribe/unsubscribe events; and the
//! follow-and-bind status of counselors per scope.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Set,
    StatementBuilder,
};

use crate::db::entities::{account_wechat, accounts, followers, org_units};
use crate::domain::page::{Page, PageRequest};
use crate::domain::role::Role;
use crate::domain::scope::Actor;
use crate::error::{AppError, AppResult};
use crate::service::{org, Services};

/// Record a follow or unfollow; idempotent for retried events.
pub async fn record(
    services: &Services,
    openid: &str,
    following: bool,
    at: DateTime<Utc>,
) -> AppResult<followers::Model> {
    let existing = followers::Entity::find()
        .filter(followers::Column::Openid.eq(openid))
        .one(&services.db)
        .await?;
    let now = Utc::now();
    let row = match existing {
        Some(row) => {
            let mut active: followers::ActiveModel = row.into();
            active.following = Set(following);
            if following {
                active.subscribed_at = Set(Some(at));
            } else {
                active.unsubscribed_at = Set(Some(at));
            }
            active.updated_at = Set(now);
            active.update(&services.db).await?
        }
        None => {
            let inserted = followers::ActiveModel {
                openid: Set(openid.to_string()),
                following: Set(following),
                unionid: Set(None),
                subscribed_at: Set(following.then_some(at)),
                unsubscribed_at: Set((!following).then_some(at)),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&services.db)
            .await;
            match inserted {
                Ok(row) => row,
                // A retry of the same event raced us to the insert: the row is there now.
                Err(error) if crate::db::is_unique_violation(&error) => {
                    return Box::pin(record(services, openid, following, at)).await;
                }
                Err(error) => return Err(error.into()),
            }
        }
    };
    Ok(row)
}

pub async fn set_unionid(services: &Services, openid: &str, unionid: &str) -> AppResult<()> {
    followers::Entity::update_many()
        .col_expr(followers::Column::Unionid, Expr::value(unionid))
        .filter(followers::Column::Openid.eq(openid))
        .exec(&services.db)
        .await?;
    Ok(())
}

pub async fn find(services: &Services, openid: &str) -> AppResult<Option<followers::Model>> {
    Ok(followers::Entity::find()
        .filter(followers::Column::Openid.eq(openid))
        .one(&services.db)
        .await?)
}

/// Counts for a scope. Following is known only for bound counselors: an OpenID is what ties a
/// follower to an account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub counselors: u64,
    pub bound: u64,
    pub following: u64,
    pub not_bound: u64,
    pub unfollowed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    All,
    NotBound,
    Unfollowed,
    Following,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct CounselorStatus {
    pub id: i32,
    pub name: String,
    pub phone: Option<String>,
    pub org_unit_id: i32,
    pub college: String,
    pub oa_openid: Option<String>,
    pub following: Option<bool>,
    pub bound_at: Option<DateTime<Utc>>,
}

fn base_query(pattern: &str) -> sea_orm::sea_query::SelectStatement {
    let mut query = Query::select();
    query
        .from(accounts::Entity)
        .left_join(
            account_wechat::Entity,
            Expr::col((account_wechat::Entity, account_wechat::Column::AccountId))
                .equals((accounts::Entity, accounts::Column::Id)),
        )
        .left_join(
            followers::Entity,
            Expr::col((followers::Entity, followers::Column::Openid))
                .equals((account_wechat::Entity, account_wechat::Column::OaOpenid)),
        )
        .inner_join(
            org_units::Entity,
            Expr::col((org_units::Entity, org_units::Column::Id))
                .equals((accounts::Entity, accounts::Column::OrgUnitId)),
        )
        .and_where(
            Expr::col((accounts::Entity, accounts::Column::Role)).eq(Role::Counselor.as_str()),
        )
        .and_where(Expr::col((accounts::Entity, accounts::Column::Disabled)).eq(false))
        .and_where(Expr::col((accounts::Entity, accounts::Column::OrgPath)).like(pattern));
    query
}

fn apply(query: &mut sea_orm::sea_query::SelectStatement, filter: StatusFilter) {
    let oa = Expr::col((account_wechat::Entity, account_wechat::Column::OaOpenid));
    let following = Expr::col((followers::Entity, followers::Column::Following));
    match filter {
        StatusFilter::All => {}
        StatusFilter::NotBound => {
            query.and_where(oa.is_null());
        }
        StatusFilter::Unfollowed => {
            query.and_where(oa.is_not_null()).cond_where(
                sea_orm::Condition::any()
                    .add(following.clone().eq(false))
                    .add(following.is_null()),
            );
        }
        StatusFilter::Following => {
            query
                .and_where(oa.is_not_null())
                .and_where(following.eq(true));
        }
    }
}

async fn count(services: &Services, pattern: &str, filter: StatusFilter) -> AppResult<u64> {
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    let mut query = base_query(pattern);
    query.expr_as(
        Expr::col((accounts::Entity, accounts::Column::Id)).count(),
        Alias::new("n"),
    );
    apply(&mut query, filter);
    let backend = services.db.get_database_backend();
    let row = Count::find_by_statement(StatementBuilder::build(&query, &backend))
        .one(&services.db)
        .await?;
    Ok(row.map(|r| r.n.max(0) as u64).unwrap_or(0))
}

/// The unit whose subtree a status request covers: the given one (checked) or the actor's own.
async fn subtree(services: &Services, actor: &Actor, unit_id: Option<i32>) -> AppResult<String> {
    if !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    match unit_id {
        Some(id) => Ok(format!(
            "{}%",
            org::visible_unit(&services.db, actor, id).await?.path
        )),
        None => Ok(actor.subtree_pattern()),
    }
}

pub async fn status_counts(
    services: &Services,
    actor: &Actor,
    unit_id: Option<i32>,
) -> AppResult<StatusCounts> {
    let pattern = subtree(services, actor, unit_id).await?;
    let counselors = count(services, &pattern, StatusFilter::All).await?;
    let not_bound = count(services, &pattern, StatusFilter::NotBound).await?;
    let following = count(services, &pattern, StatusFilter::Following).await?;
    let unfollowed = count(services, &pattern, StatusFilter::Unfollowed).await?;
    Ok(StatusCounts {
        counselors,
        bound: counselors - not_bound,
        following,
        not_bound,
        unfollowed,
    })
}

pub async fn status_list(
    services: &Services,
    actor: &Actor,
    unit_id: Option<i32>,
    filter: StatusFilter,
    page: PageRequest,
) -> AppResult<Page<CounselorStatus>> {
    let pattern = subtree(services, actor, unit_id).await?;
    let total = count(services, &pattern, filter).await?;
    let mut query = base_query(&pattern);
    query
        .column((accounts::Entity, accounts::Column::Id))
        .column((accounts::Entity, accounts::Column::Name))
        .column((accounts::Entity, accounts::Column::Phone))
        .column((accounts::Entity, accounts::Column::OrgUnitId))
        .expr_as(
            Expr::col((org_units::Entity, org_units::Column::Name)),
            Alias::new("college"),
        )
        .column((account_wechat::Entity, account_wechat::Column::OaOpenid))
        .column((followers::Entity, followers::Column::Following))
        .column((account_wechat::Entity, account_wechat::Column::BoundAt))
        .order_by(
            (accounts::Entity, accounts::Column::OrgPath),
            sea_orm::Order::Asc,
        )
        .order_by(
            (accounts::Entity, accounts::Column::Id),
            sea_orm::Order::Asc,
        )
        .limit(page.per_page)
        .offset(page.offset());
    apply(&mut query, filter);
    let backend = services.db.get_database_backend();
    let items = CounselorStatus::find_by_statement(StatementBuilder::build(&query, &backend))
        .all(&services.db)
        .await?;
    Ok(Page::new(items, page, total))
}
