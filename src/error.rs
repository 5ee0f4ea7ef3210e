//! The errors of every use case. Each has a stable `code()` for programs and a Chinese
//! `Display` for people; `http::error` is the one place that turns them into HTTP.

use crate::domain::Invalid;

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
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
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
    Internal(String),
}

impl AppError {
    pub fn not_found(what: &'static str) -> Self {
        Self::NotFound { what }
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
            Self::Conflict { code, .. } => code,
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
}

pub type AppResult<T> = Result<T, AppError>;
