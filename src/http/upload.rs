//! Reading an uploaded file: the raw request body (scripts, curl) or the `file` part of a
//! `multipart/form-data` request (the mini program's `wx.uploadFile` can send nothing else).

use salvo::http::header::CONTENT_TYPE;
use salvo::prelude::*;

use crate::domain::Invalid;
use crate::error::AppError;

/// An uploaded file, read whole: uploads are bounded by `server.upload_limit_mib`.
pub struct Upload {
    /// The name the client gave the file, when it gave one.
    pub filename: Option<String>,
    pub bytes: Vec<u8>,
}

fn unreadable() -> AppError {
    Invalid::new("file", "上传的文件不完整或格式错误，请重新上传").into()
}

/// Read the file; 413 `payload_too_large` past `limit_mib`.
pub async fn read(req: &mut Request, limit_mib: u64) -> Result<Upload, AppError> {
    let limit = usize::try_from(limit_mib.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX);
    let multipart = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !multipart {
        let bytes = req.payload_with_max_size(limit).await.map_err(|e| {
            if matches!(e, salvo::http::ParseError::PayloadTooLarge) {
                AppError::FileTooLarge { limit_mib }
            } else {
                unreadable()
            }
        })?;
        return Ok(Upload {
            filename: None,
            bytes: bytes.to_vec(),
        });
    }
    req.limit_body(limit);
    let part = req
        .form_data()
        .await
        .map_err(|e| {
            if e.to_string().to_ascii_lowercase().contains("size") {
                AppError::FileTooLarge { limit_mib }
            } else {
                unreadable()
            }
        })?
        .files
        .get("file")
        .map(|part| (part.name().map(str::to_string), part.path().clone()));
    let Some((filename, path)) = part else {
        return Err(Invalid::new("file", "请选择要上传的文件（表单字段 file）").into());
    };
    let bytes = tokio::fs::read(&path).await.map_err(|_| unreadable())?;
    Ok(Upload { filename, bytes })
}
