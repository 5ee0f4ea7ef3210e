//! What an account of a role may do, in one place, so that clients show exactly the actions the
//! server will accept instead of keeping their own copy of the rules.

use super::education::EducationLevel;
use super::org::OrgKind;
use super::role::Role;
use super::task::{target_kinds, TaskKind};

/// The rules of PRODUCT.md's "Roles and scope" table for one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    /// Roles whose accounts this role creates, edits, disables and resets.
    pub creatable_roles: &'static [Role],
    /// Roles whose accounts this role lists and reads within its subtree.
    pub readable_roles: Vec<Role>,
    /// Task kinds this role may publish (none for counselors).
    pub task_kinds: &'static [TaskKind],
    /// Unit kinds this role may pick as a task's target (none = everyone in scope).
    pub target_unit_kinds: &'static [OrgKind],
    /// Education levels a task's target or a counselor's duties may name.
    pub levels: &'static [EducationLevel],
    /// Imports the employment data report (就业数据上报) for its unit.
    pub imports_employment: bool,
    /// Creates accounts from a spreadsheet.
    pub imports_accounts: bool,
    /// The kind of unit whose statistics this role reads first.
    pub unit_kind: OrgKind,
}

impl Capabilities {
    pub fn of(role: Role) -> Self {
        let publishes = role.is_admin();
        Self {
            creatable_roles: role.manages(),
            readable_roles: if publishes {
                Role::ALL
                    .into_iter()
                    .filter(|other| other.rank() > role.rank())
                    .collect()
            } else {
                Vec::new()
            },
            task_kinds: if publishes { &TaskKind::ALL } else { &[] },
            target_unit_kinds: target_kinds(role),
            levels: &EducationLevel::ALL,
            imports_employment: role.imports_employment(),
            imports_accounts: role.imports_accounts(),
            unit_kind: role.unit_kind(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counselors_publish_and_manage_nothing() {
        let caps = Capabilities::of(Role::Counselor);
        assert!(caps.creatable_roles.is_empty());
        assert!(caps.readable_roles.is_empty());
        assert!(caps.task_kinds.is_empty());
        assert!(!caps.imports_accounts && !caps.imports_employment);
    }

    #[test]
    fn a_school_reads_every_role_below_it_and_creates_two() {
        let caps = Capabilities::of(Role::SchoolAdmin);
        assert_eq!(caps.readable_roles, [Role::CollegeAdmin, Role::Counselor]);
        assert_eq!(caps.creatable_roles, [Role::CollegeAdmin, Role::Counselor]);
        assert_eq!(caps.target_unit_kinds, [OrgKind::College]);
        assert_eq!(caps.unit_kind, OrgKind::University);
        assert!(caps.imports_accounts && caps.imports_employment);
    }

    #[test]
    fn the_ministry_reads_every_admin_and_counselor() {
        let caps = Capabilities::of(Role::MinistryAdmin);
        assert_eq!(caps.readable_roles.len(), 4);
        assert_eq!(caps.task_kinds, TaskKind::ALL);
        assert!(!caps.imports_accounts && !caps.imports_employment);
    }
}
