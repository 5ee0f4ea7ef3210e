//! GET /me says what the caller's role may do, and the server accepts exactly that: the mini
//! program shows its buttons and pickers from these answers instead of its own copy of the rules.

use serde::Deserialize;
use serde_json::json;

use crate::helpers::{each_backend, TestApp};

#[derive(Debug, Deserialize)]
struct Choice {
    value: String,
    label: String,
}

#[derive(Debug, Deserialize)]
struct RoleChoice {
    value: String,
    unit_kind: String,
}

#[derive(Debug, Deserialize)]
struct Capabilities {
    creatable_roles: Vec<RoleChoice>,
    readable_roles: Vec<Choice>,
    task_kinds: Vec<Choice>,
    target_unit_kinds: Vec<Choice>,
    levels: Vec<Choice>,
    imports_employment: bool,
    imports_accounts: bool,
    unit_kind: String,
    credentials_delivery: String,
    current_cohort: i32,
}

#[derive(Debug, Deserialize)]
struct Me {
    role: String,
    capabilities: Capabilities,
}

async fn me(app: &TestApp, token: &str) -> Me {
    serde_json::from_value(app.get("/api/v1/me", token).await.expect(200)).expect("GET /me body")
}

fn values<T>(list: &[T], value: impl Fn(&T) -> &str) -> Vec<String> {
    list.iter().map(|item| value(item).to_string()).collect()
}

#[tokio::test]
async fn each_role_is_told_what_it_may_do() {
    each_backend(|app| async move {
        let w = app.world().await;
        let ministry = me(&app, &w.ministry).await;
        assert_eq!(ministry.role, "ministry_admin");
        let caps = ministry.capabilities;
        assert_eq!(
            values(&caps.creatable_roles, |r| &r.value),
            ["province_admin"]
        );
        assert_eq!(caps.creatable_roles[0].unit_kind, "province");
        assert_eq!(caps.readable_roles.len(), 4);
        assert_eq!(
            values(&caps.target_unit_kinds, |c| &c.value),
            ["province", "university"]
        );
        assert_eq!(caps.unit_kind, "ministry");
        assert_eq!(
            caps.credentials_delivery, "sms",
            "the test apps configure a provider"
        );
        let class = fudao::domain::cohort::Cohort::current(chrono::Utc::now()).year();
        assert_eq!(caps.current_cohort, class);

        let school = me(&app, &w.school_a).await.capabilities;
        assert_eq!(
            values(&school.creatable_roles, |r| &r.value),
            ["college_admin", "counselor"]
        );
        assert!(school
            .creatable_roles
            .iter()
            .all(|r| r.unit_kind == "college"));
        assert_eq!(
            values(&school.readable_roles, |c| &c.value),
            ["college_admin", "counselor"]
        );
        assert_eq!(school.readable_roles[1].label, "辅导员");
        assert_eq!(values(&school.task_kinds, |c| &c.value).len(), 5);
        assert!(school
            .task_kinds
            .iter()
            .any(|k| k.label == "就业创业直播课"));
        assert_eq!(values(&school.levels, |c| &c.value).len(), 4);
        assert_eq!(school.unit_kind, "university");

        let counselor = me(&app, &w.counselor_a1).await.capabilities;
        assert!(counselor.creatable_roles.is_empty());
        assert!(counselor.readable_roles.is_empty());
        assert!(counselor.task_kinds.is_empty());
        assert!(!counselor.imports_accounts && !counselor.imports_employment);
    })
    .await;
}

/// The answers agree with what the endpoints accept: an import the capabilities deny is
/// refused as forbidden, one they allow gets past the role check.
#[tokio::test]
async fn the_server_accepts_exactly_what_it_announces() {
    each_backend(|app| async move {
        let w = app.world().await;
        for token in [
            &w.ministry,
            &w.province,
            &w.school_a,
            &w.college_admin_a1,
            &w.counselor_a1,
        ] {
            let caps = me(&app, token).await.capabilities;
            let accounts = app
                .upload_body(
                    "/api/v1/accounts/imports?dry_run=true&filename=a.csv",
                    token,
                    "姓名,手机号,角色,院系,学历层次,负责专业,用户名\n"
                        .as_bytes()
                        .to_vec(),
                )
                .await;
            assert_eq!(
                accounts.status.as_u16() == 403,
                !caps.imports_accounts,
                "account import: {}",
                accounts.status
            );
            let employment = app
                .upload_body(
                    "/api/v1/employment/imports?dry_run=true&filename=r.csv",
                    token,
                    b"x\n".to_vec(),
                )
                .await;
            assert_eq!(
                employment.status.as_u16() == 403,
                !caps.imports_employment,
                "employment import: {}",
                employment.status
            );
            let task = app
                .post(
                    "/api/v1/tasks",
                    token,
                    json!({"kind": "policy", "title": "通知", "content": "请转发。",
                           "deadline": "2099-01-01T00:00:00Z"}),
                )
                .await;
            assert_eq!(
                task.status.as_u16() == 403,
                caps.task_kinds.is_empty(),
                "task draft: {}",
                task.status
            );
        }
    })
    .await;
}
