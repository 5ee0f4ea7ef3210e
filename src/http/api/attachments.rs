//! Task attachments: upload and remove (the publisher), list and download (whoever may read
//! the task), and downloads through the share link for non-confidential tasks.

use chrono::{DateTime, Utc};
use salvo::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use salvo::http::HeaderValue;
use salvo::oapi::extract::{PathParam, QueryParam};
use salvo::oapi::ToSchema;
use salvo::prelude::*;
use serde::Serialize;

use crate::error::AppError;
use crate::http::auth::{actor, meta};
use crate::http::error::{ApiError, ApiResult};
use crate::http::state::AppState;
use crate::service::tasks::attachments::{self, Attachment, Limits};

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: i32,
    pub filename: String,
    /// The type read from the content.
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    /// Where to download it (relative to the API host).
    pub url: String,
}

impl AttachmentView {
    pub fn new(row: Attachment, url: String) -> Self {
        Self {
            id: row.id,
            filename: row.filename,
            content_type: row.content_type,
            size: row.size,
            sha256: row.sha256,
            created_at: row.created_at,
            url,
        }
    }

    fn of_task(row: Attachment) -> Self {
        let url = format!("/api/v1/tasks/{}/attachments/{}", row.task_id, row.id);
        Self::new(row, url)
    }

    pub fn shared(row: Attachment, token: &str) -> Self {
        let url = format!("/api/v1/share/{token}/attachments/{}", row.id);
        Self::new(row, url)
    }
}

/// Attach a file (PDF, Word, Excel, PNG, JPEG, GIF; the type is read from the content) to a
/// task your unit published. The file is the body (name in `filename`) or the `file` part of
/// a multipart form.
#[endpoint(tags("tasks"), status_codes(201))]
pub async fn upload(
    id: PathParam<i32>,
    filename: QueryParam<String, false>,
    req: &mut Request,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<Json<AttachmentView>> {
    let state = AppState::from_depot(depot)?.clone();
    let limit_mib = state.settings.tasks.attachment_limit_mib;
    let file = crate::http::upload::read(req, limit_mib).await?;
    let name = filename.into_inner().or(file.filename).unwrap_or_default();
    let row = attachments::upload(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        &name,
        &file.bytes,
        Limits {
            max_bytes: limit_mib.saturating_mul(1024 * 1024),
            per_task: u64::from(state.settings.tasks.attachments_per_task),
        },
        &meta(depot),
    )
    .await?;
    res.status_code(StatusCode::CREATED);
    Ok(Json(AttachmentView::of_task(row)))
}

#[endpoint(tags("tasks"))]
pub async fn list(id: PathParam<i32>, depot: &mut Depot) -> ApiResult<Json<Vec<AttachmentView>>> {
    let state = AppState::from_depot(depot)?;
    let rows = attachments::list(&state.services, actor(depot)?, id.into_inner()).await?;
    Ok(Json(
        rows.into_iter().map(AttachmentView::of_task).collect(),
    ))
}

/// The file, as stored.
#[endpoint(tags("tasks"), responses((status_code = 200, description = "The file")))]
pub async fn download(
    id: PathParam<i32>,
    attachment_id: PathParam<i32>,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    let (row, bytes) = attachments::download(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        attachment_id.into_inner(),
    )
    .await?;
    send_file(res, &row, bytes)
}

#[endpoint(tags("tasks"), status_codes(204))]
pub async fn remove(
    id: PathParam<i32>,
    attachment_id: PathParam<i32>,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    attachments::remove(
        &state.services,
        actor(depot)?,
        id.into_inner(),
        attachment_id.into_inner(),
        &meta(depot),
    )
    .await?;
    res.status_code(StatusCode::NO_CONTENT);
    Ok(())
}

/// An attachment through a share link: only for tasks the link opens (not confidential).
#[endpoint(tags("tasks"), responses((status_code = 200, description = "The file")))]
pub async fn shared_download(
    token: PathParam<String>,
    attachment_id: PathParam<i32>,
    depot: &mut Depot,
    res: &mut Response,
) -> ApiResult<()> {
    let state = AppState::from_depot(depot)?;
    let (row, bytes) = attachments::download_shared(
        &state.services,
        &token.into_inner(),
        attachment_id.into_inner(),
    )
    .await?;
    send_file(res, &row, bytes)
}

/// RFC 5987 form, so Chinese names survive every client.
fn disposition(filename: &str) -> String {
    let mut encoded = String::new();
    for byte in filename.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename*=UTF-8''{encoded}")
}

fn send_file(res: &mut Response, row: &Attachment, bytes: Vec<u8>) -> ApiResult<()> {
    let header = |value: &str| {
        HeaderValue::from_str(value).map_err(|e| ApiError(AppError::internal(e.to_string())))
    };
    res.headers_mut()
        .insert(CONTENT_TYPE, header(&row.content_type)?);
    res.headers_mut()
        .insert(CONTENT_DISPOSITION, header(&disposition(&row.filename))?);
    res.headers_mut()
        .insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res.write_body(bytes)
        .map_err(|e| ApiError(AppError::internal(format!("file body: {e}"))))?;
    Ok(())
}
