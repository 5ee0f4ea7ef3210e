//! Answering with an XLSX workbook as a download: one place for its content type, its file
//! name and the write of its bytes.

use salvo::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use salvo::http::HeaderValue;
use salvo::prelude::*;

use crate::error::AppError;
use crate::http::error::{ApiError, ApiResult};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `filename` is ASCII (the API's own names, such as `task-12-progress.xlsx`).
pub fn send(res: &mut Response, bytes: Vec<u8>, filename: &str) -> ApiResult<()> {
    res.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(XLSX));
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .map_err(|e| ApiError(AppError::internal(format!("file name {filename:?}: {e}"))))?;
    res.headers_mut().insert(CONTENT_DISPOSITION, disposition);
    res.write_body(bytes)
        .map_err(|e| ApiError(AppError::internal(format!("{filename} body: {e}"))))?;
    Ok(())
}
