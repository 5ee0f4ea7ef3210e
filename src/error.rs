//! The errors of every use case. Each has a stable `code()` for programs and a Chinese
//! `Display` for people; `http::error` is the one place that turns them into HTTP.

use chrono::{DateTime, Utc};

use crate::domain::time;
use crate::domain::Invalid;

/// An internal error's cause, kept for the log (never shown to a user).
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("请先登录")]
    Unauthenticated,
    #[error("用户名或密码错误")]
    InvalidCredentials,
    #[error("密码错误次数过多，账号已锁定，请联系管理员解锁")]
    AccountLocked,
    #[error("账号已停用，请联系管理员")]
    AccountDisabled,
    #[error("首次登录请先修改初始密码")]
    PasswordChangeRequired,
    #[error("尝试过于频繁，请稍后再试")]
    TooManyRequests,
    /// Wrong passwords for this username from this address: the next try waits.
    #[error("密码错误次数过多，请 {retry_after_secs} 秒后再试")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("文件过大（上限 {limit_mib} MB）")]
    FileTooLarge { limit_mib: u64 },
    #[error("原密码错误")]
    WrongOldPassword,
    #[error("无权进行此操作")]
    Forbidden,
    #[error("{what}不存在或无权查看")]
    NotFound { what: &'static str },
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Conflict(#[from] Conflict),
    #[error("微信服务暂时不可用，请稍后再试")]
    WechatUnavailable,
    #[error("该微信尚未关联账号，请先用账号密码登录")]
    WechatNotLinked,
    #[error("分享链接无效，或该任务不可转发")]
    ShareUnavailable,
    #[error("正在处理其他导入文件，请稍后再试")]
    Busy,
    #[error("服务暂时不可用，请稍后再试")]
    Database(#[from] sea_orm::DbErr),
    #[error("服务内部错误，请稍后再试")]
    Internal(#[source] Cause),
}

impl AppError {
    pub fn not_found(what: &'static str) -> Self {
        Self::NotFound { what }
    }

    /// A fault of the server; `cause` (a message or an error) goes to the log only.
    pub fn internal(cause: impl Into<Cause>) -> Self {
        Self::Internal(cause.into())
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidCredentials => "invalid_credentials",
            Self::AccountLocked => "account_locked",
            Self::AccountDisabled => "account_disabled",
            Self::PasswordChangeRequired => "password_change_required",
            Self::TooManyRequests => "too_many_requests",
            Self::TooManyAttempts { .. } => "too_many_attempts",
            Self::FileTooLarge { .. } => "payload_too_large",
            Self::WrongOldPassword => "wrong_old_password",
            Self::Forbidden => "forbidden",
            Self::NotFound { .. } => "not_found",
            Self::Invalid(_) => "invalid_input",
            Self::Conflict(conflict) => conflict.code(),
            Self::WechatUnavailable => "wechat_unavailable",
            Self::WechatNotLinked => "wechat_not_linked",
            Self::ShareUnavailable => "share_unavailable",
            Self::Busy => "busy",
            Self::Database(_) => "database_unavailable",
            Self::Internal(_) => "internal",
        }
    }

    /// The input field at fault, for forms to highlight.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Invalid(invalid) => Some(invalid.field),
            _ => None,
        }
    }

    /// What an operator reads on the console or in the log: the cause itself for internal and
    /// database errors (whose `Display` is the user's "try again later"), the message otherwise.
    pub fn detail(&self) -> String {
        match self {
            Self::Internal(cause) => cause.to_string(),
            Self::Database(error) => format!("database error: {error}"),
            other => other.to_string(),
        }
    }
}

/// Declares `Conflict` and, from the same list, `code()` and `Conflict::codes()`, so the
/// OpenAPI document names every code a 409 can carry.
macro_rules! conflicts {
    ($(
        $(#[$meta:meta])*
        $variant:ident $({ $($field:ident : $ty:ty),* $(,)? })? => $code:literal,
    )*) => {
        /// A request that clashes with the current state (HTTP 409). Several variants share a
        /// code where clients act the same and only the message differs.
        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
        pub enum Conflict {
            $( $(#[$meta])* $variant $({ $($field: $ty),* })?, )*
        }

        impl Conflict {
            /// Every code a conflict can carry, in declaration order, each once.
            pub fn codes() -> Vec<&'static str> {
                let mut codes: Vec<&'static str> = Vec::new();
                for code in [$($code),*] {
                    if !codes.contains(&code) {
                        codes.push(code);
                    }
                }
                codes
            }

            /// The stable machine-readable code.
            pub fn code(&self) -> &'static str {
                match self {
                    $( Self::$variant { .. } => $code, )*
                }
            }
        }
    };
}

conflicts! {
    #[error("用户名“{username}”已被使用")]
    UsernameTaken { username: String } => "username_taken",
    /// The owner is named only to an admin who can see that account, never across scopes.
    #[error("{}", match owner {
        Some(owner) => format!("手机号已被账号“{owner}”使用"),
        None => "手机号已被其他账号使用".to_string(),
    })]
    PhoneTaken { owner: Option<String> } => "phone_taken",
    #[error("{kind}“{name}”（代码 {code}）已存在")]
    OrgUnitExists { kind: &'static str, name: String, code: String } => "org_unit_exists",
    /// A college that something still refers to is not deleted.
    #[error("“{name}”仍有{uses}，不能删除；可改名，或先移走这些内容")]
    OrgUnitInUse { name: String, uses: String } => "org_unit_in_use",
    #[error("{college}{level}专业“{name}”已在目录中")]
    MajorExists { college: String, level: &'static str, name: String } => "major_exists",
    /// A rename onto a name another major of the catalog has.
    #[error("“{name}”已在专业目录中（编号 {id}），请改用合并")]
    MajorNameInUse { name: String, id: i32 } => "major_exists",
    #[error("任务已发布或已撤回")]
    TaskNotDraft => "task_not_draft",
    #[error("只能删除草稿；已发布的任务请撤回")]
    OnlyDraftsDeleted => "task_not_draft",
    #[error("只有已发布的任务可以撤回")]
    WithdrawUnpublished => "task_not_published",
    #[error("只有已发布的任务可以催办")]
    RemindUnpublished => "task_not_published",
    #[error("任务已撤回，不能修改")]
    TaskWithdrawn => "task_withdrawn",
    #[error("任务已撤回，不能再修改附件")]
    AttachmentsOfWithdrawnTask => "task_withdrawn",
    #[error("每个任务每 {interval_minutes} 分钟最多催办一次，请于 {} 后再试", time::clock(*next))]
    RemindTooSoon { interval_minutes: i64, next: DateTime<Utc> } => "remind_too_soon",
    #[error("签到尚未开始，请于 {} 后签到", time::month_day_clock(*opens_at))]
    SignInNotOpen { opens_at: DateTime<Utc> } => "sign_in_not_open",
    #[error("直播已结束，签到已关闭")]
    SignInClosed => "sign_in_closed",
    #[error("只有直播课需要签到")]
    NotALiveCourse => "not_a_live_course",
    #[error("每个任务最多 {per_task} 个附件")]
    TooManyAttachments { per_task: u64 } => "too_many_attachments",
    #[error("演示数据已加载（江苏省已存在）")]
    DemoLoaded => "demo_loaded",
    /// A one-time credentials file that was fetched already or has expired.
    #[error("初始密码文件只能下载一次，且须在 {ttl_minutes} 分钟内下载；如未保存，请为相关账号重置密码")]
    CredentialsGone { ttl_minutes: i64 } => "credentials_gone",
}

pub type AppResult<T> = Result<T, AppError>;

/// Why the process could not start, said as what it is: the operator reads this on the
/// console, not the users' "服务内部错误".
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot open database {url}: {source}")]
    Database {
        /// The configured URL without its password.
        url: String,
        #[source]
        source: Box<sea_orm::DbErr>,
    },
    #[error("cannot migrate the database: {0}")]
    Migrate(#[source] Box<sea_orm::DbErr>),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        #[source]
        source: Box<salvo::Error>,
    },
    #[error("setting {setting}: {cause}")]
    Setting {
        setting: &'static str,
        #[source]
        cause: Cause,
    },
    #[error("first start: {}", .0.detail())]
    Bootstrap(#[source] Box<AppError>),
}

/// A tool command that starts parts of the application (the CLI) carries a startup error on as
/// an internal one; `AppError::detail` still says what it is.
impl From<StartupError> for AppError {
    fn from(error: StartupError) -> Self {
        Self::internal(error)
    }
}

impl StartupError {
    pub fn setting(setting: &'static str, cause: impl Into<Cause>) -> Self {
        Self::Setting {
            setting,
            cause: cause.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_conflict_code_is_listed_once() {
        for conflict in [
            Conflict::TooManyAttachments { per_task: 3 },
            Conflict::DemoLoaded,
            Conflict::PhoneTaken { owner: None },
            Conflict::OnlyDraftsDeleted,
        ] {
            assert!(Conflict::codes().contains(&conflict.code()), "{conflict:?}");
        }
        let codes = Conflict::codes();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
    }

    #[test]
    fn conflict_messages_name_the_clash() {
        let taken = AppError::from(Conflict::PhoneTaken {
            owner: Some("li".into()),
        });
        assert_eq!(taken.code(), "phone_taken");
        assert_eq!(taken.to_string(), "手机号已被账号“li”使用");
        let soon = Conflict::RemindTooSoon {
            interval_minutes: 30,
            next: "2026-11-29T02:05:00Z".parse().expect("time"),
        };
        assert_eq!(
            soon.to_string(),
            "每个任务每 30 分钟最多催办一次，请于 10:05 后再试"
        );
    }

    #[test]
    fn an_internal_error_keeps_its_cause_for_the_operator() {
        let io = std::io::Error::new(std::io::ErrorKind::AddrInUse, "address already in use");
        let error = AppError::internal(io);
        assert_eq!(error.to_string(), "服务内部错误，请稍后再试");
        assert_eq!(error.detail(), "address already in use");
        let source = std::error::Error::source(&error).expect("source kept");
        assert_eq!(source.to_string(), "address already in use");
    }
}
