//! The students' share view: a non-confidential task opened from a forwarded mini-program card
//! without an account. The token carries the task id and an HMAC over it and the task's own
//! nonce, keyed by a server key kept in the database (so every instance agrees on it).

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use tokio::sync::OnceCell;

use crate::db::entities::{server_keys, tasks};
use crate::domain::task::TaskStatus;
use crate::error::{AppError, AppResult};
use crate::service::Services;

const KEY_NAME: &str = "share_token";
const MAC_BYTES: usize = 16;

/// The share key, loaded (or created) once per process.
#[derive(Clone, Default)]
pub struct ShareKey(Arc<OnceCell<Vec<u8>>>);

impl ShareKey {
    async fn get(&self, services: &Services) -> AppResult<&[u8]> {
        self.0
            .get_or_try_init(|| load_or_create(services))
            .await
            .map(Vec::as_slice)
    }
}

async fn load_or_create(services: &Services) -> AppResult<Vec<u8>> {
    if let Some(row) = server_keys::Entity::find_by_id(KEY_NAME.to_string())
        .one(&services.db)
        .await?
    {
        return decode_key(&row.value);
    }
    let bytes = crate::infra::random::bytes::<32>();
    let inserted = server_keys::ActiveModel {
        name: Set(KEY_NAME.to_string()),
        value: Set(hex::encode(bytes)),
        created_at: Set(Utc::now()),
    }
    .insert(&services.db)
    .await;
    if inserted.is_ok() {
        return Ok(bytes.to_vec());
    }
    // Another instance created the key first: use theirs.
    let row = server_keys::Entity::find_by_id(KEY_NAME.to_string())
        .one(&services.db)
        .await?
        .ok_or_else(|| AppError::internal("share key missing after insert"))?;
    decode_key(&row.value)
}

fn decode_key(value: &str) -> AppResult<Vec<u8>> {
    hex::decode(value).map_err(|_| AppError::internal("share key is not hex"))
}

fn mac(key: &[u8], task_id: i32, nonce: &str) -> AppResult<Vec<u8>> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key).map_err(|_| AppError::internal("share key length"))?;
    mac.update(b"fudao-share\0");
    mac.update(&task_id.to_be_bytes());
    mac.update(nonce.as_bytes());
    Ok(mac.finalize().into_bytes()[..MAC_BYTES].to_vec())
}

/// The share token of a task, or `None` for a confidential one.
pub async fn token_for(services: &Services, task: &tasks::Model) -> AppResult<Option<String>> {
    token_for_parts(services, task.id, &task.share_nonce, task.confidential).await
}

pub async fn token_for_parts(
    services: &Services,
    task_id: i32,
    nonce: &str,
    confidential: bool,
) -> AppResult<Option<String>> {
    if confidential {
        return Ok(None);
    }
    let key = services.share_key.get(services).await?;
    let mut bytes = task_id.to_be_bytes().to_vec();
    bytes.extend(mac(key, task_id, nonce)?);
    Ok(Some(URL_SAFE_NO_PAD.encode(bytes)))
}

/// What a student sees.
#[derive(Debug, Clone)]
pub struct SharedTask {
    pub task: tasks::Model,
    pub publisher: String,
}

fn refused() -> AppError {
    AppError::ShareUnavailable
}

/// Open a share token. Forged tokens, confidential, withdrawn and draft tasks all answer the
/// same refusal, so a token reveals nothing about tasks it does not open.
pub async fn open(services: &Services, token: &str) -> AppResult<SharedTask> {
    let bytes = URL_SAFE_NO_PAD
        .decode(token.trim())
        .map_err(|_| refused())?;
    if bytes.len() != 4 + MAC_BYTES {
        return Err(refused());
    }
    let (id, given) = bytes.split_at(4);
    let task_id = i32::from_be_bytes([id[0], id[1], id[2], id[3]]);
    let task = tasks::Entity::find_by_id(task_id)
        .one(&services.db)
        .await?
        .ok_or_else(refused)?;
    let key = services.share_key.get(services).await?;
    let expected = mac(key, task.id, &task.share_nonce)?;
    if !bool::from(expected.as_slice().ct_eq(given)) {
        return Err(refused());
    }
    if task.confidential || task.status != TaskStatus::Published {
        return Err(refused());
    }
    let publisher = crate::service::org::publisher_names(&services.db, [task.org_unit_id])
        .await?
        .remove(&task.org_unit_id)
        .unwrap_or_default();
    Ok(SharedTask { task, publisher })
}
