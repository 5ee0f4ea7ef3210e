//! The catalog kept true to the employment data: imports add the colleges and majors they
//! find, and fixing a name (rename, or merge into the right entry) carries the
//! counselors' accounts along, so a counselor's majors keep matching their graduates.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use serde_json::json;

use crate::db::entities::{account_majors, majors, org_units};
use crate::domain::employment::GraduateRow;
use crate::domain::org::parse_unit_name;
use crate::domain::org::OrgKind;
use crate::domain::scope::Actor;
use crate::error::{AppError, AppResult, Conflict};
use crate::service::org::{insert_unit_unchecked, parse_major_name, visible_college, NewUnit};
use crate::service::{audit, RequestMeta, Services};

async fn colleges_of<C: ConnectionTrait>(
    conn: &C,
    university: &org_units::Model,
) -> AppResult<Vec<org_units::Model>> {
    Ok(org_units::Entity::find()
        .filter(org_units::Column::ParentId.eq(university.id))
        .filter(org_units::Column::Kind.eq(OrgKind::College))
        .all(conn)
        .await?)
}

/// College names in the rows that the university has no college for, sorted.
pub async fn missing_colleges<C: ConnectionTrait>(
    conn: &C,
    university: &org_units::Model,
    rows: &[GraduateRow],
) -> AppResult<Vec<String>> {
    let known: HashSet<String> = colleges_of(conn, university)
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect();
    let mut missing: Vec<String> = rows
        .iter()
        .filter(|row| !known.contains(&row.college))
        .map(|row| row.college.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    missing.sort();
    Ok(missing)
}

/// Create the named colleges under the university, with generated codes (`auto-1`, ...) the
/// university may change later.
pub async fn create_colleges<C: ConnectionTrait>(
    conn: &C,
    university: &org_units::Model,
    names: &[String],
) -> AppResult<()> {
    if names.is_empty() {
        return Ok(());
    }
    let taken: HashSet<String> = colleges_of(conn, university)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let mut next = 1;
    for name in names {
        while taken.contains(&format!("auto-{next}")) {
            next += 1;
        }
        let unit = NewUnit {
            kind: OrgKind::College,
            name: parse_unit_name(name)?,
            code: format!("auto-{next}"),
            parent_id: university.id,
        };
        next += 1;
        insert_unit_unchecked(conn, university, &unit).await?;
    }
    Ok(())
}

/// Add to the catalog every (college, level, major) of the rows whose college exists under the
/// university. Returns how many majors were added.
pub async fn feed<C: ConnectionTrait>(
    conn: &C,
    university: &org_units::Model,
    rows: &[&GraduateRow],
) -> AppResult<usize> {
    let colleges = colleges_of(conn, university).await?;
    let existing: HashSet<(i32, String, String)> = majors::Entity::find()
        .filter(majors::Column::CollegeId.is_in(colleges.iter().map(|c| c.id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.college_id, m.education_level, m.name))
        .collect();
    let mut wanted: HashSet<(i32, String, String)> = HashSet::new();
    for row in rows {
        if let Some(college) = colleges.iter().find(|c| c.name == row.college) {
            let key = (
                college.id,
                row.level.as_str().to_string(),
                row.major.clone(),
            );
            if !existing.contains(&key) {
                wanted.insert(key);
            }
        }
    }
    let now = Utc::now();
    let added = wanted.len();
    for (college_id, level, name) in wanted {
        majors::ActiveModel {
            college_id: Set(college_id),
            education_level: Set(level),
            name: Set(name),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(added)
}

async fn major_of<C: ConnectionTrait>(
    conn: &C,
    college_id: i32,
    major_id: i32,
) -> AppResult<majors::Model> {
    majors::Entity::find_by_id(major_id)
        .one(conn)
        .await?
        .filter(|m| m.college_id == college_id)
        .ok_or(AppError::not_found("专业"))
}

/// Rename a major; the counselors responsible for it keep it under the new name.
pub async fn rename(
    services: &Services,
    actor: &Actor,
    college_id: i32,
    major_id: i32,
    name: &str,
    meta: &RequestMeta,
) -> AppResult<super::Major> {
    let name = parse_major_name(name)?;
    let txn = services.db.begin().await?;
    let college = visible_college(&txn, actor, college_id).await?;
    let major = major_of(&txn, college.id, major_id).await?;
    let clash = majors::Entity::find()
        .filter(majors::Column::CollegeId.eq(college.id))
        .filter(majors::Column::EducationLevel.eq(major.education_level.as_str()))
        .filter(majors::Column::Name.eq(name.as_str()))
        .one(&txn)
        .await?;
    if let Some(clash) = clash.filter(|c| c.id != major.id) {
        return Err(Conflict::MajorNameInUse {
            name: clash.name,
            id: clash.id,
        }
        .into());
    }
    let old = major.name.clone();
    let mut active: majors::ActiveModel = major.into();
    active.name = Set(name.clone());
    let major = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "major.rename",
            target_type: "major",
            target_id: Some(major.id.to_string()),
            org_path: &college.path,
            detail: json!({ "from": old, "to": name }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(major.into())
}

/// Merge a major into another of the same college and level: its counselors move to `into`,
/// and the merged entry leaves the catalog. Returns the accounts moved.
pub async fn merge(
    services: &Services,
    actor: &Actor,
    college_id: i32,
    major_id: i32,
    into_id: i32,
    meta: &RequestMeta,
) -> AppResult<u64> {
    if major_id == into_id {
        return Err(crate::domain::Invalid::new("into_id", "不能把专业合并到它自己").into());
    }
    let txn = services.db.begin().await?;
    let college = visible_college(&txn, actor, college_id).await?;
    let from = major_of(&txn, college.id, major_id).await?;
    let into = major_of(&txn, college.id, into_id).await?;
    if from.education_level != into.education_level {
        return Err(crate::domain::Invalid::new("into_id", "只能合并同一学历层次的专业").into());
    }
    // Accounts that already have both keep one link.
    let has_into: Vec<i32> = account_majors::Entity::find()
        .filter(account_majors::Column::MajorId.eq(into.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|link| link.account_id)
        .collect();
    account_majors::Entity::delete_many()
        .filter(account_majors::Column::MajorId.eq(from.id))
        .filter(account_majors::Column::AccountId.is_in(has_into))
        .exec(&txn)
        .await?;
    let moved = account_majors::Entity::update_many()
        .col_expr(account_majors::Column::MajorId, Expr::value(into.id))
        .filter(account_majors::Column::MajorId.eq(from.id))
        .exec(&txn)
        .await?
        .rows_affected;
    majors::Entity::delete_by_id(from.id).exec(&txn).await?;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "major.merge",
            target_type: "major",
            target_id: Some(into.id.to_string()),
            org_path: &college.path,
            detail: json!({ "merged": from.name, "merged_id": from.id, "into": into.name, "accounts_moved": moved }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(moved)
}
