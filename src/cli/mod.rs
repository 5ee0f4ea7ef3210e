//! Command line: serve (default), migrate, admin create, demo.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use sea_orm::{EntityTrait, TransactionTrait};

use crate::app::{self, Application};
use crate::config::Settings;
use crate::db;
use crate::db::entities::org_units;
use crate::domain::phone::MobilePhone;
use crate::domain::role::Role;
use crate::domain::username::Username;
use crate::error::{AppError, AppResult};
use crate::service::{accounts, demo, org};

mod wechat_tools;

#[derive(Debug, Parser)]
#[command(
    name = "fudao",
    version,
    about = "辅导员就业工作平台 — server and tools"
)]
pub struct Cli {
    /// Settings file layered over the defaults (also FUDAO_CONFIG).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Apply, revert or list database migrations.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Manage admin accounts from the console.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Load a demo data set (a province, two universities, admins, ~50 counselors).
    Demo,
    /// WeChat tools: menu sync, callback simulation, the API mock.
    Wechat {
        #[command(subcommand)]
        action: WechatAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum WechatAction {
    /// The official account's custom menu.
    Menu {
        #[command(subcommand)]
        action: MenuAction,
    },
    /// Send a correctly signed (and in safe mode encrypted) message to a callback URL as a
    /// given OpenID and print the decrypted reply.
    Simulate {
        /// Callback URL, e.g. http://127.0.0.1:8080/wechat/callback
        #[arg(long)]
        url: String,
        /// Sender OpenID.
        #[arg(long)]
        openid: String,
        /// Send this text message.
        #[arg(long, conflicts_with = "event")]
        text: Option<String>,
        /// Send this event instead (subscribe, unsubscribe, CLICK, ...).
        #[arg(long)]
        event: Option<String>,
        /// EventKey of the event (menu key for CLICK).
        #[arg(long)]
        event_key: Option<String>,
        /// plain | compatible | safe
        #[arg(long, default_value = "safe")]
        mode: String,
        /// Original id of the official account (ToUserName).
        #[arg(long, default_value = "gh_fudao")]
        to: String,
    },
    /// Serve the WeChat API mock (for benchmarks and the mini-program tests).
    Mock {
        #[arg(long, default_value = "127.0.0.1:9900")]
        addr: std::net::SocketAddr,
    },
}

#[derive(Debug, Subcommand)]
pub enum MenuAction {
    /// Push the custom menu (placeholders filled from settings) through menu/create: the one
    /// built into the binary (config/menu.json of this release), or `--file`.
    Sync {
        #[arg(long)]
        file: Option<PathBuf>,
        /// Print the menu that would be sent, and send nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Revert the last migrations.
    Down {
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List migrations and whether each is applied.
    Status,
}

#[derive(Debug, Subcommand)]
pub enum AdminAction {
    /// Create an admin of any level and print its one-time password.
    Create {
        /// ministry_admin | province_admin | school_admin | college_admin
        #[arg(long)]
        role: String,
        /// Id of the org unit (ministry admins default to the ministry).
        #[arg(long)]
        unit: Option<i32>,
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        phone: Option<String>,
    },
}

/// A failed command as the operator reads it: what went wrong ("cannot listen on …: Address
/// already in use"), not the "try again later" a user of the API would get.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.detail())]
pub struct CliError(#[from] pub AppError);

impl CliError {
    pub fn code(&self) -> &'static str {
        self.0.code()
    }
}

/// Run the parsed command; the error's `Display` is what the operator sees.
pub async fn run(cli: Cli, settings: Settings) -> Result<(), CliError> {
    Ok(dispatch(cli, settings).await?)
}

async fn dispatch(cli: Cli, settings: Settings) -> AppResult<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Migrate { action } => migrate(settings, action).await,
        Command::Admin {
            action:
                AdminAction::Create {
                    role,
                    unit,
                    username,
                    name,
                    phone,
                },
        } => create_admin(settings, &role, unit, &username, &name, phone.as_deref()).await,
        Command::Demo => load_demo(settings).await,
        Command::Wechat { action } => wechat_tools::run(settings, action).await,
    }
}

async fn serve(settings: Settings) -> AppResult<()> {
    let application = Application::build(settings).await?;
    if let Some(admin) = application.initial_admin() {
        // Printed once, on the console only, like a fresh Grafana: never logged.
        println!();
        println!("================ 首次启动 / first start ================");
        println!("  教育部管理员账号 / ministry admin:  {}", admin.username);
        println!("  初始密码 / one-time password:       {}", admin.password);
        println!("  首次登录须修改密码；此密码不会再次显示。");
        println!("========================================================");
        println!();
    }
    tracing::info!(addr = %application.local_addr(), "fudao listening");
    application.run_until_stopped().await;
    Ok(())
}

async fn migrate(settings: Settings, action: MigrateAction) -> AppResult<()> {
    let conn = app::database(&settings).await?;
    match action {
        MigrateAction::Up => {
            db::migrate_up(&conn).await?;
            println!("migrations applied");
        }
        MigrateAction::Down { steps } => {
            db::migrate_down(&conn, steps).await?;
            println!("reverted {steps} migration(s)");
        }
        MigrateAction::Status => {
            for (name, applied) in db::migration_status(&conn).await? {
                println!("{} {name}", if applied { "applied" } else { "pending" });
            }
        }
    }
    Ok(())
}

async fn create_admin(
    settings: Settings,
    role: &str,
    unit: Option<i32>,
    username: &str,
    name: &str,
    phone: Option<&str>,
) -> AppResult<()> {
    let role = Role::parse(role)?;
    if !role.is_admin() {
        return Err(crate::domain::Invalid::new("role", "辅导员账号请在管理后台创建").into());
    }
    let username = Username::parse(username)?;
    let name = accounts::parse_person_name(name)?;
    let phone = phone.map(MobilePhone::parse).transpose()?;
    let services = app::services(&settings).await?;
    let txn = services.db.begin().await?;
    let ministry = org::ensure_ministry(&txn).await?;
    let unit = match unit {
        Some(id) => org_units::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| crate::domain::Invalid::new("unit", format!("组织单位 {id} 不存在")))?,
        None if role == Role::MinistryAdmin => ministry,
        None => {
            return Err(crate::domain::Invalid::new("unit", "请用 --unit 指定组织单位编号").into())
        }
    };
    let kind = unit.kind;
    if kind != role.unit_kind() {
        return Err(crate::domain::Invalid::new(
            "unit",
            format!(
                "{}须属于{}，“{}”是{}",
                role.label(),
                role.unit_kind().label(),
                unit.name,
                kind.label()
            ),
        )
        .into());
    }
    let (account, password) =
        accounts::create_unchecked(&txn, role, &unit, &username, &name, phone.as_ref(), None)
            .await?;
    crate::service::audit::record(
        &txn,
        None,
        &Default::default(),
        crate::service::audit::Entry {
            action: "account.create",
            target_type: "account",
            target_id: Some(account.id.to_string()),
            org_path: &account.org_path,
            detail: serde_json::json!({ "username": account.username, "role": account.role, "via": "cli" }),
        },
    )
    .await?;
    txn.commit().await?;
    println!(
        "created {} {} at {}",
        role.as_str(),
        account.username,
        unit.name
    );
    println!("one-time password: {password}");
    println!("(the password must be changed at first login)");
    Ok(())
}

async fn load_demo(settings: Settings) -> AppResult<()> {
    let services = app::services(&settings).await?;
    // On a fresh database the demo comes first; the ministry admin `serve` would create is
    // made here, so its password is printed with the others.
    let first_admin = accounts::bootstrap::ensure_first_admin(&services.db).await?;
    let logins = demo::load(&services).await?;
    println!(
        "{:<14} {:<24} {:<16} {:<14} 单位",
        "角色", "用户名", "初始密码", "姓名"
    );
    if let Some(admin) = &first_admin {
        println!(
            "{:<14} {:<24} {:<16} {:<14} {}",
            Role::MinistryAdmin.as_str(),
            admin.username,
            admin.password,
            "系统管理员",
            org::MINISTRY_NAME
        );
    }
    for login in &logins {
        println!(
            "{:<14} {:<24} {:<16} {:<14} {}",
            login.role.as_str(),
            login.username,
            login.password,
            login.name,
            login.unit
        );
    }
    println!(
        "{} accounts created; each must change the password at first login.",
        logins.len() + usize::from(first_admin.is_some())
    );
    Ok(())
}
