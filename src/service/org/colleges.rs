//! Keeping the colleges of a university right: renaming one (to the name the employment data
//! uses, say) and deleting one created by mistake. A college is only deleted while nothing
//! refers to it: accounts, tasks or news it published, task assignments, or graduates reported
//! under its name; its majors go with it then.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionTrait,
};
use serde_json::json;

use super::{visible_college, Unit};
use crate::db::entities::{accounts, assignments, graduates, majors, news, org_units, tasks};
use crate::domain::org::parse_unit_name;
use crate::domain::scope::Actor;
use crate::error::{AppError, AppResult, Conflict};
use crate::service::{audit, RequestMeta, Services};

/// A college of the actor's scope that the actor manages: strictly below the actor's own unit
/// (a college admin does not rename or delete their own college).
async fn managed_college<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i32,
) -> AppResult<org_units::Model> {
    let college = visible_college(conn, actor, id).await?;
    if college.id == actor.org_unit_id || !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    Ok(college)
}

/// Rename a college; another college of the same university may not have the name.
pub async fn rename(
    services: &Services,
    actor: &Actor,
    id: i32,
    name: &str,
    meta: &RequestMeta,
) -> AppResult<Unit> {
    let name = parse_unit_name(name)?;
    let txn = services.db.begin().await?;
    let college = managed_college(&txn, actor, id).await?;
    if college.name == name {
        return Ok(college.into());
    }
    let sibling = org_units::Entity::find()
        .filter(org_units::Column::ParentId.eq(college.parent_id))
        .filter(org_units::Column::Name.eq(name.as_str()))
        .filter(org_units::Column::Id.ne(college.id))
        .one(&txn)
        .await?;
    if let Some(existing) = sibling {
        return Err(Conflict::OrgUnitExists {
            kind: existing.kind.label(),
            name: existing.name,
            code: existing.code,
        }
        .into());
    }
    let before = college.name.clone();
    let mut active: org_units::ActiveModel = college.into();
    active.name = Set(name.clone());
    let renamed = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "org_unit.rename",
            target_type: "org_unit",
            target_id: Some(renamed.id.to_string()),
            org_path: &renamed.path,
            detail: json!({ "from": before, "name": renamed.name }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(renamed.into())
}

/// What still refers to a college, in the words the refusal uses.
async fn references<C: ConnectionTrait>(
    conn: &C,
    college: &org_units::Model,
) -> AppResult<Vec<String>> {
    let mut found = Vec::new();
    let counted = [
        (
            "账号",
            accounts::Entity::find()
                .filter(accounts::Column::OrgUnitId.eq(college.id))
                .count(conn)
                .await?,
        ),
        (
            "任务",
            tasks::Entity::find()
                .filter(tasks::Column::OrgUnitId.eq(college.id))
                .count(conn)
                .await?,
        ),
        (
            "资讯",
            news::Entity::find()
                .filter(news::Column::OrgUnitId.eq(college.id))
                .count(conn)
                .await?,
        ),
        (
            "任务派发记录",
            assignments::Entity::find()
                .filter(assignments::Column::CollegeId.eq(college.id))
                .count(conn)
                .await?,
        ),
        (
            "毕业生数据",
            graduates::Entity::find()
                .filter(graduates::Column::UniversityId.eq(college.parent_id.unwrap_or_default()))
                .filter(graduates::Column::CollegeName.eq(college.name.as_str()))
                .count(conn)
                .await?,
        ),
    ];
    for (what, n) in counted {
        if n > 0 {
            found.push(format!("{what} {n} 条"));
        }
    }
    Ok(found)
}

/// Delete a college nothing refers to, with its majors.
pub async fn delete(
    services: &Services,
    actor: &Actor,
    id: i32,
    meta: &RequestMeta,
) -> AppResult<()> {
    let txn = services.db.begin().await?;
    let college = managed_college(&txn, actor, id).await?;
    let used = references(&txn, &college).await?;
    if !used.is_empty() {
        return Err(Conflict::OrgUnitInUse {
            name: college.name,
            uses: used.join("、"),
        }
        .into());
    }
    let majors = majors::Entity::delete_many()
        .filter(majors::Column::CollegeId.eq(college.id))
        .exec(&txn)
        .await?
        .rows_affected;
    org_units::Entity::delete_by_id(college.id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "org_unit.delete",
            target_type: "org_unit",
            target_id: Some(college.id.to_string()),
            org_path: &college.path,
            detail: json!({ "name": college.name, "code": college.code, "majors": majors }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
