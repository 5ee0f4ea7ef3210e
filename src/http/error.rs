//! The only place where errors become HTTP: a status, and `{ "code", "message" }` in JSON.

use salvo::http::header::{HeaderValue, RETRY_AFTER};
use salvo::http::ResBody;
use salvo::http::StatusCode;
use salvo::oapi::{self, Components, EndpointOutRegister, Operation, ToSchema};
use salvo::prelude::*;
use serde::Serialize;

use crate::error::{AppError, Conflict};

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `invalid_input`, `password_change_required`.
    pub code: String,
    /// Message in Chinese, fit to show to the user as it is.
    pub message: String,
    /// The request field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        Self(error.into())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

fn status_of(error: &AppError) -> StatusCode {
    match error {
        AppError::Unauthenticated | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
        AppError::AccountLocked => StatusCode::LOCKED,
        AppError::AccountDisabled | AppError::PasswordChangeRequired | AppError::Forbidden => {
            StatusCode::FORBIDDEN
        }
        AppError::WrongOldPassword | AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::NotFound { .. } => StatusCode::NOT_FOUND,
        AppError::TooManyRequests | AppError::TooManyAttempts { .. } => {
            StatusCode::TOO_MANY_REQUESTS
        }
        AppError::FileTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Database(_) | AppError::WechatUnavailable | AppError::Busy => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        AppError::WechatNotLinked | AppError::ShareUnavailable => StatusCode::NOT_FOUND,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ApiError {
    /// Write the error into a response; hoops use this directly.
    pub fn render_into(&self, res: &mut Response) {
        let status = status_of(&self.0);
        if status.is_server_error() {
            // The one place a server error is logged: the cause goes there, the client gets
            // the stable code.
            tracing::error!(code = self.0.code(), cause = %self.0.detail(), "request failed");
        }
        res.status_code(status);
        if let AppError::TooManyAttempts { retry_after_secs } = &self.0 {
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                res.headers_mut().insert(RETRY_AFTER, value);
            }
        }
        res.render(Json(ErrorBody {
            code: self.0.code().to_string(),
            message: self.0.to_string(),
            field: self.0.field().map(str::to_string),
        }));
    }
}

#[async_trait]
impl Writer for ApiError {
    async fn write(self, _req: &mut Request, _depot: &mut Depot, res: &mut Response) {
        self.render_into(res);
    }
}

impl EndpointOutRegister for ApiError {
    fn register(components: &mut Components, operation: &mut Operation) {
        let schema = ErrorBody::to_schema(components);
        let conflicts = format!("与当前状态冲突 ({})", Conflict::codes().join(", "));
        for (status, description) in [
            ("401", "未登录或会话已失效 (unauthenticated, invalid_credentials)"),
            ("403", "无权操作、账号停用或须先改密码 (forbidden, account_disabled, password_change_required)"),
            ("404", "不存在或不在管理范围内 (not_found, wechat_not_linked, share_unavailable)"),
            ("409", conflicts.as_str()),
            ("413", "请求体过大 (payload_too_large)"),
            ("422", "输入不合法 (invalid_input, wrong_old_password)"),
            ("423", "账号已锁定 (account_locked)"),
            ("429", "尝试过于频繁，Retry-After 给出等待秒数 (too_many_requests, too_many_attempts)"),
            ("503", "数据库或微信服务不可用 (database_unavailable, wechat_unavailable)"),
        ] {
            operation.responses.insert(
                status,
                oapi::Response::new(description)
                    .add_content("application/json", oapi::Content::new(schema.clone())),
            );
        }
    }
}

/// Catcher goal: errors salvo raises itself (unknown route, bad JSON, body too large,
/// timeout, panic) get the same JSON shape as ours.
pub struct JsonErrors;

#[async_trait]
impl Handler for JsonErrors {
    async fn handle(
        &self,
        req: &mut Request,
        _depot: &mut Depot,
        res: &mut Response,
        _ctrl: &mut FlowCtrl,
    ) {
        let status = res.status_code.unwrap_or(StatusCode::NOT_FOUND);
        if !(status.is_client_error() || status.is_server_error()) {
            return;
        }
        if !(res.body.is_none() || res.body.is_error()) {
            return;
        }
        let detail = match &res.body {
            // A body that failed to parse keeps serde's words in the cause.
            ResBody::Error(error) => error
                .detail
                .clone()
                .or_else(|| error.cause.as_ref().map(|cause| cause.to_string())),
            _ => None,
        };
        if status == StatusCode::BAD_REQUEST {
            // The body was read (and kept) by the extractor that failed on it.
            let body = req.payload().await.map(|b| b.to_vec()).unwrap_or_default();
            if let Some((field, message)) = detail
                .as_deref()
                .and_then(|d| super::body_errors::explain(d, &body))
            {
                res.status_code(StatusCode::UNPROCESSABLE_ENTITY);
                res.render(Json(ErrorBody {
                    code: "invalid_input".to_string(),
                    message,
                    field: Some(field),
                }));
                return;
            }
        }
        let (code, message) = match status {
            StatusCode::BAD_REQUEST => ("bad_request", "请求格式错误，请检查提交的数据"),
            StatusCode::NOT_FOUND => ("not_found", "请求的接口不存在"),
            StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "不支持的请求方法"),
            StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "提交的数据过大"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                ("unsupported_media_type", "请以 JSON 格式提交数据")
            }
            StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE => {
                ("timeout", "服务繁忙，请稍后再试")
            }
            s if s.is_server_error() => ("internal", "服务内部错误，请稍后再试"),
            _ => ("bad_request", "请求无法处理"),
        };
        if let Some(detail) = &detail {
            tracing::debug!(%status, detail, "request rejected by the framework");
        }
        res.status_code(status);
        res.render(Json(ErrorBody {
            code: code.to_string(),
            message: message.to_string(),
            field: None,
        }));
    }
}
