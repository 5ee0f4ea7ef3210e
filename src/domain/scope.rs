//! The one place that decides what an account may see and change.
//!
//! Every service takes an `Actor` and asks it; queries filter with `subtree_pattern()` so nothing
//! outside the actor's org subtree is ever loaded.

use super::org::{OrgKind, OrgPath};
use super::role::Role;

/// The authenticated account on whose behalf a request runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account_id: i32,
    pub username: String,
    pub name: String,
    pub role: Role,
    pub org_unit_id: i32,
    pub org_path: OrgPath,
}

/// What scope says about an account the actor asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Outside the actor's view: answer as if it did not exist.
    Hidden,
    /// Visible, but the actor may not change it.
    ReadOnly,
    Manage,
}

impl Actor {
    pub fn is_admin(&self) -> bool {
        self.role.is_admin()
    }

    /// `LIKE` pattern of the actor's subtree.
    pub fn subtree_pattern(&self) -> String {
        self.org_path.like_pattern()
    }

    /// True for a unit inside the actor's subtree (including the actor's own unit).
    pub fn covers_unit(&self, unit_path: &str) -> bool {
        self.is_admin() && self.org_path.covers(unit_path)
    }

    /// Roles of the accounts an admin may list: every role below their own.
    pub fn visible_roles(&self) -> Vec<Role> {
        if !self.is_admin() {
            return Vec::new();
        }
        Role::ALL
            .into_iter()
            .filter(|role| role.rank() > self.role.rank())
            .collect()
    }

    pub fn access_to_account(&self, account_id: i32, role: Role, org_path: &str) -> Access {
        if account_id == self.account_id {
            // One's own profile is read through /me; changing it goes through its own endpoints.
            return Access::ReadOnly;
        }
        if !self.covers_unit(org_path) || role.rank() <= self.role.rank() {
            return Access::Hidden;
        }
        if self.role.manages().contains(&role) {
            Access::Manage
        } else {
            Access::ReadOnly
        }
    }

    /// May this actor create an account of `role` in a unit of `kind` at `unit_path`?
    pub fn may_create_account(&self, role: Role, kind: OrgKind, unit_path: &str) -> bool {
        self.covers_unit(unit_path)
            && self.role.manages().contains(&role)
            && role.unit_kind() == kind
    }

    /// May this actor add a unit of `kind` below the unit `parent_kind` at `parent_path`?
    pub fn may_create_unit(&self, kind: OrgKind, parent_kind: OrgKind, parent_path: &str) -> bool {
        self.covers_unit(parent_path) && parent_kind.child() == Some(kind)
    }

    /// May this actor edit the majors catalog of a college at `college_path`?
    pub fn may_edit_catalog(&self, college_path: &str) -> bool {
        self.covers_unit(college_path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, path: OrgPath) -> Actor {
        Actor {
            account_id: 1,
            username: "a".into(),
            name: "a".into(),
            role,
            org_unit_id: *path.ids().last().unwrap(),
            org_path: path,
        }
    }

    #[test]
    fn a_school_admin_sees_only_their_university() {
        let school_a = OrgPath::root(1).child(2).child(3);
        let school_b = OrgPath::root(1).child(2).child(4);
        let admin = actor(Role::SchoolAdmin, school_a.clone());
        let college_a = school_a.child(10);
        let college_b = school_b.child(11);
        assert_eq!(
            admin.access_to_account(9, Role::Counselor, college_a.as_str()),
            Access::Manage
        );
        assert_eq!(
            admin.access_to_account(9, Role::Counselor, college_b.as_str()),
            Access::Hidden
        );
        assert_eq!(
            admin.access_to_account(9, Role::SchoolAdmin, school_a.as_str()),
            Access::Hidden
        );
        assert!(admin.may_create_account(Role::Counselor, OrgKind::College, college_a.as_str()));
        assert!(!admin.may_create_account(Role::Counselor, OrgKind::College, college_b.as_str()));
        assert!(!admin.may_create_account(
            Role::SchoolAdmin,
            OrgKind::University,
            school_a.as_str()
        ));
    }

    #[test]
    fn a_ministry_admin_reads_counselors_but_manages_province_admins() {
        let ministry = OrgPath::root(1);
        let admin = actor(Role::MinistryAdmin, ministry.clone());
        let college = ministry.child(2).child(3).child(4);
        assert_eq!(
            admin.access_to_account(9, Role::Counselor, college.as_str()),
            Access::ReadOnly
        );
        assert_eq!(
            admin.access_to_account(9, Role::ProvinceAdmin, ministry.child(2).as_str()),
            Access::Manage
        );
    }

    #[test]
    fn a_counselor_sees_no_one() {
        let college = OrgPath::root(1).child(2).child(3).child(4);
        let counselor = actor(Role::Counselor, college.clone());
        assert_eq!(
            counselor.access_to_account(9, Role::Counselor, college.as_str()),
            Access::Hidden
        );
        assert!(counselor.visible_roles().is_empty());
        assert!(!counselor.may_edit_catalog(college.as_str()));
    }
}
