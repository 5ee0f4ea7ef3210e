//! Org units and majors as the services hand them to the adapters: values, not rows.

use chrono::{DateTime, Utc};

use crate::db::entities::{majors, org_units};
use crate::domain::org::OrgKind;

/// An org unit: the ministry, a province, a university or a college.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: i32,
    pub kind: OrgKind,
    pub name: String,
    pub code: String,
    pub parent_id: Option<i32>,
    pub created_at: DateTime<Utc>,
}

impl From<org_units::Model> for Unit {
    fn from(unit: org_units::Model) -> Self {
        Self {
            id: unit.id,
            kind: unit.kind,
            name: unit.name,
            code: unit.code,
            parent_id: unit.parent_id,
            created_at: unit.created_at,
        }
    }
}

/// A major of a college, at one education level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Major {
    pub id: i32,
    pub college_id: i32,
    /// The level's code (associate, bachelor, master, doctor).
    pub education_level: String,
    pub name: String,
}

impl From<majors::Model> for Major {
    fn from(major: majors::Model) -> Self {
        Self {
            id: major.id,
            college_id: major.college_id,
            education_level: major.education_level,
            name: major.name,
        }
    }
}
