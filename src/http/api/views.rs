//! Response shapes, built from service results; entities never leave the server as they are.

use chrono::{DateTime, Utc};
use salvo::oapi::ToSchema;
use serde::Serialize;

use crate::domain::org::OrgKind;
use crate::domain::outbox::SmsStatus;
use crate::domain::page::Page;
use crate::domain::phone::mask;
use crate::domain::role::Role;
use crate::service::accounts::{AccountDetail, Handover};
use crate::service::audit::AuditRecord;
use crate::service::notifier::CredentialChannel;
use crate::service::org::{Major, Unit};

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitView {
    pub id: i32,
    pub kind: OrgKind,
    pub name: String,
    pub code: String,
    pub parent_id: Option<i32>,
    pub created_at: DateTime<Utc>,
}

impl UnitView {
    pub fn new(unit: &Unit) -> Self {
        Self {
            id: unit.id,
            kind: unit.kind,
            name: unit.name.clone(),
            code: unit.code.clone(),
            parent_id: unit.parent_id,
            created_at: unit.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MajorView {
    pub id: i32,
    pub college_id: i32,
    /// associate | bachelor | master | doctor
    pub education_level: String,
    pub name: String,
}

impl MajorView {
    pub fn new(major: &Major) -> Self {
        Self {
            id: major.id,
            college_id: major.college_id,
            education_level: major.education_level.clone(),
            name: major.name.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitRef {
    pub id: i32,
    pub kind: OrgKind,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WechatLinkView {
    /// The official-account WeChat is bound (template messages can reach the account).
    pub bound: bool,
    /// Whether the bound WeChat follows the official account; null when not bound.
    pub following: Option<bool>,
    /// The mini program can log this account in silently.
    pub mini_linked: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialsSmsView {
    /// `logged`: the development provider wrote it to the log and sent nothing; `superseded`:
    /// a later reset's message replaced it.
    pub status: SmsStatus,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The provider's reason when not sent; a failed SMS is sent again by resetting the
    /// password.
    pub last_error: Option<String>,
}

/// How an initial password travels.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CredentialDelivery {
    /// An SMS to the account's phone is queued; nobody else sees the password.
    Sms,
    /// No SMS provider is configured: the password is in this answer and shown nowhere else,
    /// ever; the admin hands it over.
    ShowOnce,
}

/// How the initial password of a new or reset account reaches its owner.
#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialsView {
    pub delivery: CredentialDelivery,
    /// `sms`: the masked number the SMS goes to.
    pub sent_to: Option<String>,
    /// `show_once`: the initial password. It is not stored in plain text anywhere and cannot be
    /// shown again; a lost one is replaced by resetting the password.
    pub one_time_password: Option<String>,
}

impl CredentialDelivery {
    pub fn of(channel: CredentialChannel) -> Self {
        match channel {
            CredentialChannel::Sms => Self::Sms,
            CredentialChannel::ShowOnce => Self::ShowOnce,
        }
    }
}

impl CredentialsView {
    pub fn new(handover: Handover) -> Self {
        match handover {
            Handover::Sms { sent_to } => Self {
                delivery: CredentialDelivery::Sms,
                sent_to: Some(sent_to),
                one_time_password: None,
            },
            Handover::ShowOnce { password } => Self {
                delivery: CredentialDelivery::ShowOnce,
                sent_to: None,
                one_time_password: Some(password),
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: i32,
    /// Masked in lists like the phone when it is the phone number.
    pub username: String,
    pub name: String,
    /// Masked in lists (138****1234); in full in the detail view.
    pub phone: Option<String>,
    pub role: Role,
    pub role_label: String,
    pub org_unit: UnitRef,
    pub education_levels: Vec<String>,
    pub majors: Vec<MajorView>,
    /// Counselors: the class (届) served, e.g. 2027.
    pub cohort: Option<i32>,
    pub wechat: WechatLinkView,
    /// The latest credentials SMS (account created, password reset).
    pub credentials_sms: Option<CredentialsSmsView>,
    pub disabled: bool,
    pub must_change_password: bool,
    /// Too many wrong passwords from all addresses: no login until an admin unlocks it
    /// (POST /accounts/{id}/unlock).
    pub locked: bool,
    /// When the lock was set.
    pub locked_at: Option<DateTime<Utc>>,
    /// Wrong passwords from all addresses in the current window (a login clears them).
    pub failed_logins: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AccountView {
    /// `full_phone` is for the detail view of an account the caller may see.
    pub fn new(detail: &AccountDetail, full_phone: bool) -> Self {
        let account = &detail.account;
        Self {
            id: account.id,
            // A username that is the phone number would undo the mask beside it.
            username: match account.phone.as_deref() {
                Some(phone) if !full_phone && phone == account.username => mask(phone),
                _ => account.username.clone(),
            },
            name: account.name.clone(),
            phone: account
                .phone
                .as_deref()
                .map(|p| if full_phone { p.to_string() } else { mask(p) }),
            role: detail.role,
            role_label: detail.role.label().to_string(),
            org_unit: UnitRef {
                id: detail.unit.id,
                kind: detail.unit.kind,
                name: detail.unit.name.clone(),
            },
            education_levels: detail
                .levels
                .iter()
                .map(|l| l.as_str().to_string())
                .collect(),
            majors: detail.majors.iter().map(MajorView::new).collect(),
            cohort: account.cohort,
            wechat: WechatLinkView {
                bound: detail.wechat.bound,
                following: detail.wechat.following,
                mini_linked: detail.wechat.mini_linked,
            },
            credentials_sms: detail
                .credentials_sms
                .as_ref()
                .map(|sms| CredentialsSmsView {
                    status: sms.status,
                    attempts: sms.attempts,
                    created_at: sms.created_at,
                    sent_at: sms.sent_at,
                    last_error: sms.last_error.clone(),
                }),
            disabled: account.disabled,
            must_change_password: account.must_change_password,
            locked: account.locked_at.is_some(),
            locked_at: account.locked_at,
            failed_logins: account.failed_logins,
            created_at: account.created_at,
            updated_at: account.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    pub id: i32,
    pub actor_id: Option<i32>,
    pub actor_name: String,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub detail: serde_json::Value,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl AuditEntryView {
    pub fn new(entry: &AuditRecord) -> Self {
        Self {
            id: entry.id,
            actor_id: entry.actor_id,
            actor_name: entry.actor_name.clone(),
            action: entry.action.clone(),
            target_type: entry.target_type.clone(),
            target_id: entry.target_id.clone(),
            detail: entry.detail.clone(),
            ip: entry.ip.clone(),
            created_at: entry.created_at,
        }
    }
}

macro_rules! page_view {
    ($name:ident, $item:ty) => {
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Page number, from 1.
            pub page: u64,
            pub per_page: u64,
            /// Items across all pages.
            pub total: u64,
        }

        impl $name {
            pub fn new<T>(page: Page<T>, f: impl FnMut(T) -> $item) -> Self {
                let page = page.map(f);
                Self {
                    items: page.items,
                    page: page.page,
                    per_page: page.per_page,
                    total: page.total,
                }
            }
        }
    };
}

pub(crate) use page_view;

page_view!(AccountPage, AccountView);
page_view!(UnitPage, UnitView);
page_view!(AuditPage, AuditEntryView);
