//! Roles and who may manage whom (PRODUCT.md, "Roles and scope").

use serde::{Deserialize, Serialize};

use super::org::OrgKind;
use super::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    MinistryAdmin,
    ProvinceAdmin,
    SchoolAdmin,
    CollegeAdmin,
    Counselor,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::MinistryAdmin,
        Role::ProvinceAdmin,
        Role::SchoolAdmin,
        Role::CollegeAdmin,
        Role::Counselor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::MinistryAdmin => "ministry_admin",
            Self::ProvinceAdmin => "province_admin",
            Self::SchoolAdmin => "school_admin",
            Self::CollegeAdmin => "college_admin",
            Self::Counselor => "counselor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::MinistryAdmin => "教育部管理员",
            Self::ProvinceAdmin => "省级就业部门",
            Self::SchoolAdmin => "校级用户",
            Self::CollegeAdmin => "院级用户",
            Self::Counselor => "辅导员",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == value.trim())
            .ok_or_else(|| Invalid::new("role", format!("角色“{}”无效", value.trim())))
    }

    /// The kind of org unit an account of this role belongs to.
    pub fn unit_kind(self) -> OrgKind {
        match self {
            Self::MinistryAdmin => OrgKind::Ministry,
            Self::ProvinceAdmin => OrgKind::Province,
            Self::SchoolAdmin => OrgKind::University,
            Self::CollegeAdmin | Self::Counselor => OrgKind::College,
        }
    }

    pub fn is_admin(self) -> bool {
        self != Self::Counselor
    }

    /// The roles whose accounts this role creates, edits, disables and resets.
    pub fn manages(self) -> &'static [Role] {
        match self {
            Self::MinistryAdmin => &[Self::ProvinceAdmin],
            Self::ProvinceAdmin => &[Self::SchoolAdmin],
            Self::SchoolAdmin => &[Self::CollegeAdmin, Self::Counselor],
            Self::CollegeAdmin => &[Self::Counselor],
            Self::Counselor => &[],
        }
    }

    /// Imports the employment data report: a school its university's graduates, a college its
    /// own (the ministry and provinces read the figures the schools report).
    pub fn imports_employment(self) -> bool {
        matches!(self, Self::SchoolAdmin | Self::CollegeAdmin)
    }

    /// Creates accounts from a spreadsheet: a school into its colleges, a college into itself.
    pub fn imports_accounts(self) -> bool {
        matches!(self, Self::SchoolAdmin | Self::CollegeAdmin)
    }

    /// Depth in the hierarchy; an admin reads the accounts of deeper roles in their subtree.
    pub fn rank(self) -> u8 {
        match self {
            Self::MinistryAdmin => 0,
            Self::ProvinceAdmin => 1,
            Self::SchoolAdmin => 2,
            Self::CollegeAdmin => 3,
            Self::Counselor => 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn management_follows_the_product_table() {
        assert_eq!(Role::MinistryAdmin.manages(), &[Role::ProvinceAdmin]);
        assert_eq!(Role::ProvinceAdmin.manages(), &[Role::SchoolAdmin]);
        assert_eq!(
            Role::SchoolAdmin.manages(),
            &[Role::CollegeAdmin, Role::Counselor]
        );
        assert_eq!(Role::CollegeAdmin.manages(), &[Role::Counselor]);
        assert!(Role::Counselor.manages().is_empty());
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
            assert!(role.manages().iter().all(|m| m.rank() > role.rank()));
        }
    }
}
