//! The org tree and the majors catalog of each college.

pub mod catalog;
pub mod colleges;
mod records;

pub use records::{Major, Unit};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde_json::json;

use crate::db::entities::{majors, org_units};
use crate::domain::education::EducationLevel;
use crate::domain::org::{parse_unit_name, OrgKind, OrgPath};
use crate::domain::page::{Page, PageRequest};
use crate::domain::scope::Actor;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult, Conflict};
use crate::service::{audit, RequestMeta, Services};

pub const MINISTRY_NAME: &str = "中华人民共和国教育部";
pub const MINISTRY_CODE: &str = "MOE";

/// A unit to create, parsed.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub kind: OrgKind,
    pub name: String,
    pub code: String,
    pub parent_id: i32,
}

impl NewUnit {
    pub fn parse(kind: &str, name: &str, code: &str, parent_id: i32) -> Result<Self, Invalid> {
        let kind = OrgKind::from_db(kind)
            .filter(|k| *k != OrgKind::Ministry)
            .ok_or_else(|| Invalid::new("kind", "类型应为 province、university 或 college"))?;
        Ok(Self {
            kind,
            name: parse_unit_name(name)?,
            code: kind.parse_code(code)?,
            parent_id,
        })
    }
}

#[derive(Debug, Default, Clone)]
pub struct UnitFilter {
    pub parent_id: Option<i32>,
    pub kind: Option<OrgKind>,
    pub q: Option<String>,
}

/// The root unit, created on first start.
pub async fn ensure_ministry<C: ConnectionTrait>(conn: &C) -> AppResult<org_units::Model> {
    if let Some(root) = org_units::Entity::find()
        .filter(org_units::Column::Kind.eq(OrgKind::Ministry))
        .one(conn)
        .await?
    {
        return Ok(root);
    }
    let root = org_units::ActiveModel {
        kind: Set(OrgKind::Ministry),
        name: Set(MINISTRY_NAME.to_string()),
        code: Set(MINISTRY_CODE.to_string()),
        parent_id: Set(None),
        // The id is known only after insert; the path is set right after.
        path: Set(String::new()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let mut active: org_units::ActiveModel = root.clone().into();
    active.path = Set(OrgPath::root(root.id).as_str().to_string());
    Ok(active.update(conn).await?)
}

/// How a publishing unit signs its tasks: a college with its university ("江南示范大学计算机学院"),
/// any other unit by its own name. The push worker signs its notices the same way.
pub async fn publisher_names<C: ConnectionTrait>(
    conn: &C,
    unit_ids: impl IntoIterator<Item = i32>,
) -> AppResult<std::collections::HashMap<i32, String>> {
    crate::outbox::push::publisher_names(conn, unit_ids).await
}

/// Load a unit the actor may see, or `NotFound` (out-of-scope units look absent).
pub async fn visible_unit<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i32,
) -> AppResult<org_units::Model> {
    org_units::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|unit| actor.covers_unit(&unit.path))
        .ok_or(AppError::not_found("组织单位"))
}

pub async fn get_unit(services: &Services, actor: &Actor, id: i32) -> AppResult<Unit> {
    visible_unit(&services.db, actor, id).await.map(Unit::from)
}

pub async fn list_units(
    services: &Services,
    actor: &Actor,
    filter: UnitFilter,
    page: PageRequest,
) -> AppResult<Page<Unit>> {
    if !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut query =
        org_units::Entity::find().filter(org_units::Column::Path.like(actor.subtree_pattern()));
    if let Some(parent_id) = filter.parent_id {
        query = query.filter(org_units::Column::ParentId.eq(parent_id));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(org_units::Column::Kind.eq(kind));
    }
    if let Some(q) = filter.q.filter(|q| !q.trim().is_empty()) {
        let q = q.trim();
        query = query.filter(
            sea_orm::Condition::any()
                .add(org_units::Column::Name.contains(q))
                .add(org_units::Column::Code.eq(q)),
        );
    }
    let total = query.clone().count(&services.db).await?;
    let items = query
        .order_by_asc(org_units::Column::Path)
        .offset(page.offset())
        .limit(page.per_page)
        .all(&services.db)
        .await?;
    Ok(Page::new(items, page, total).map(Unit::from))
}

pub async fn create_unit(
    services: &Services,
    actor: &Actor,
    new: NewUnit,
    meta: &RequestMeta,
) -> AppResult<Unit> {
    let txn = services.db.begin().await?;
    let parent = visible_unit(&txn, actor, new.parent_id).await?;
    let parent_kind = parent.kind;
    if !actor.may_create_unit(new.kind, parent_kind, &parent.path) {
        return Err(match parent_kind.child() {
            Some(child) if child != new.kind => Invalid::new(
                "kind",
                format!("{}下只能创建{}", parent_kind.label(), child.label()),
            )
            .into(),
            None => Invalid::new("parent_id", "院系下不能再创建组织单位").into(),
            _ => AppError::Forbidden,
        });
    }
    let duplicate = org_units::Entity::find()
        .filter(org_units::Column::Kind.eq(new.kind))
        .filter(
            sea_orm::Condition::any()
                .add(org_units::Column::Code.eq(new.code.as_str()))
                .add(org_units::Column::Name.eq(new.name.as_str())),
        )
        .filter(match new.kind {
            // School codes are national: unique across the whole tree.
            OrgKind::University => org_units::Column::Kind.eq(OrgKind::University),
            _ => org_units::Column::ParentId.eq(parent.id),
        })
        .one(&txn)
        .await?;
    if let Some(existing) = duplicate {
        return Err(Conflict::OrgUnitExists {
            kind: new.kind.label(),
            name: existing.name,
            code: existing.code,
        }
        .into());
    }
    let unit = insert_unit_unchecked(&txn, &parent, &new).await?;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "org_unit.create",
            target_type: "org_unit",
            target_id: Some(unit.id.to_string()),
            org_path: &unit.path,
            detail: json!({ "kind": unit.kind, "name": unit.name, "code": unit.code, "parent_id": parent.id }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(unit.into())
}

/// A college the actor may see, or `NotFound`; a non-college unit is a bad request.
pub async fn visible_college<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i32,
) -> AppResult<org_units::Model> {
    let unit = visible_unit(conn, actor, id).await?;
    if unit.kind != OrgKind::College {
        return Err(Invalid::new("college_id", format!("“{}”不是院系", unit.name)).into());
    }
    Ok(unit)
}

pub async fn list_majors(
    services: &Services,
    actor: &Actor,
    college_id: i32,
    level: Option<EducationLevel>,
) -> AppResult<Vec<Major>> {
    visible_college(&services.db, actor, college_id).await?;
    let mut query = majors::Entity::find().filter(majors::Column::CollegeId.eq(college_id));
    if let Some(level) = level {
        query = query.filter(majors::Column::EducationLevel.eq(level.as_str()));
    }
    Ok(query
        .order_by_asc(majors::Column::EducationLevel)
        .order_by_asc(majors::Column::Name)
        .all(&services.db)
        .await?
        .into_iter()
        .map(Major::from)
        .collect())
}

pub fn parse_major_name(value: &str) -> Result<String, Invalid> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 100 {
        return Err(Invalid::new("name", "专业名称须为 1–100 个字符"));
    }
    Ok(value.to_string())
}

pub async fn add_major(
    services: &Services,
    actor: &Actor,
    college_id: i32,
    level: EducationLevel,
    name: String,
    meta: &RequestMeta,
) -> AppResult<Major> {
    let txn = services.db.begin().await?;
    let college = visible_college(&txn, actor, college_id).await?;
    if !actor.may_edit_catalog(&college.path) {
        return Err(AppError::Forbidden);
    }
    let exists = majors::Entity::find()
        .filter(majors::Column::CollegeId.eq(college_id))
        .filter(majors::Column::EducationLevel.eq(level.as_str()))
        .filter(majors::Column::Name.eq(name.as_str()))
        .one(&txn)
        .await?;
    if exists.is_some() {
        return Err(Conflict::MajorExists {
            college: college.name.clone(),
            level: level.label(),
            name: name.to_string(),
        }
        .into());
    }
    let major = insert_major_unchecked(&txn, college_id, level, name).await?;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "major.create",
            target_type: "major",
            target_id: Some(major.id.to_string()),
            org_path: &college.path,
            detail: json!({ "college_id": college_id, "education_level": major.education_level, "name": major.name }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(major.into())
}

/// Insert a unit below `parent` and set its path; scope and duplicates are the caller's job.
pub async fn insert_unit_unchecked<C: ConnectionTrait>(
    conn: &C,
    parent: &org_units::Model,
    new: &NewUnit,
) -> AppResult<org_units::Model> {
    let unit = org_units::ActiveModel {
        kind: Set(new.kind),
        name: Set(new.name.clone()),
        code: Set(new.code.clone()),
        parent_id: Set(Some(parent.id)),
        // The id is known only after insert; the path follows from it.
        path: Set(String::new()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let path = OrgPath::from_db(parent.path.clone()).child(unit.id);
    let mut active: org_units::ActiveModel = unit.into();
    active.path = Set(path.as_str().to_string());
    Ok(active.update(conn).await?)
}

pub async fn insert_major_unchecked<C: ConnectionTrait>(
    conn: &C,
    college_id: i32,
    level: EducationLevel,
    name: String,
) -> AppResult<majors::Model> {
    Ok(majors::ActiveModel {
        college_id: Set(college_id),
        education_level: Set(level.as_str().to_string()),
        name: Set(name),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}
