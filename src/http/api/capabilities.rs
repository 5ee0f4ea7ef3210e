//! The caller's profile with what their role may do, so that the mini program offers exactly
//! the actions the server accepts.

use salvo::oapi::ToSchema;
use serde::Serialize;

use crate::domain::capabilities::Capabilities;
use crate::domain::role::Role;

use super::views::{AccountView, CredentialDelivery};
use crate::domain::cohort::Cohort;
use crate::domain::outbox::SmsTemplate;
use crate::service::notifier::Notifier;

/// A code with the label people read.
#[derive(Debug, Serialize, ToSchema)]
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

/// A role the caller may create, with the kind of unit its accounts belong to.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleChoice {
    pub value: &'static str,
    pub label: &'static str,
    /// ministry | province | university | college
    pub unit_kind: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CapabilitiesView {
    /// Roles whose accounts the caller creates, edits, disables and resets.
    pub creatable_roles: Vec<RoleChoice>,
    /// Roles whose accounts the caller lists (the accounts filter).
    pub readable_roles: Vec<Choice>,
    /// Task kinds the caller may publish; empty for counselors.
    pub task_kinds: Vec<Choice>,
    /// Unit kinds a task's target may pick; empty = the caller's whole scope.
    pub target_unit_kinds: Vec<Choice>,
    /// Education levels (学历层次) a target or a counselor's duties may name.
    pub levels: Vec<Choice>,
    /// May import the employment data report.
    pub imports_employment: bool,
    /// May create accounts from a spreadsheet.
    pub imports_accounts: bool,
    /// The kind of the caller's own unit, whose statistics open first.
    pub unit_kind: &'static str,
    /// How the initial passwords of the accounts the caller creates or resets travel: by SMS,
    /// or shown to the caller once (no SMS provider configured).
    pub credentials_delivery: CredentialDelivery,
    /// May text the binding steps to counselors who have not bound WeChat (an admin, with an
    /// SMS provider and its `bind_steps` template).
    pub bind_sms: bool,
    /// The class (届) under way: new counselors serve it unless told otherwise.
    pub current_cohort: i32,
}

impl CapabilitiesView {
    pub fn of(role: Role, notifier: &dyn Notifier, current_cohort: Cohort) -> Self {
        let caps = Capabilities::of(role);
        Self {
            creatable_roles: caps
                .creatable_roles
                .iter()
                .map(|role| RoleChoice {
                    value: role.as_str(),
                    label: role.label(),
                    unit_kind: role.unit_kind().as_str(),
                })
                .collect(),
            readable_roles: caps
                .readable_roles
                .iter()
                .map(|role| Choice {
                    value: role.as_str(),
                    label: role.label(),
                })
                .collect(),
            task_kinds: caps
                .task_kinds
                .iter()
                .map(|kind| Choice {
                    value: kind.as_str(),
                    label: kind.label(),
                })
                .collect(),
            target_unit_kinds: caps
                .target_unit_kinds
                .iter()
                .map(|kind| Choice {
                    value: kind.as_str(),
                    label: kind.label(),
                })
                .collect(),
            levels: caps
                .levels
                .iter()
                .map(|level| Choice {
                    value: level.as_str(),
                    label: level.label(),
                })
                .collect(),
            imports_employment: caps.imports_employment,
            imports_accounts: caps.imports_accounts,
            unit_kind: caps.unit_kind.as_str(),
            credentials_delivery: CredentialDelivery::of(notifier.channel()),
            bind_sms: role != Role::Counselor && notifier.sends(SmsTemplate::BindSteps),
            current_cohort: current_cohort.year(),
        }
    }
}

/// GET /me: the caller's account and their capabilities.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    #[serde(flatten)]
    pub account: AccountView,
    pub capabilities: CapabilitiesView,
}
