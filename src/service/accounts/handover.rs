//! Initial passwords handed to the admin when no SMS provider delivers them. A single create or
//! reset shows the password once in its answer; a bulk import leaves one file to fetch once
//! within ten minutes. The file is sealed (AES-256-GCM) with a key derived from the download
//! token, and the database keeps only the token's hash: neither the database nor the file store
//! alone gives a password away, and nothing is readable once the token is spent or lost.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::entities::credential_handovers;
use crate::domain::scope::Actor;
use crate::error::{AppError, AppResult, Conflict};
use crate::infra::random;
use crate::service::{audit, RequestMeta, Services};

/// How long a bulk import's credentials can be fetched.
pub const DOWNLOAD_MINUTES: i64 = 10;
const NONCE_BYTES: usize = 12;
/// Expired files removed per call, so one request never carries a large clean-up.
const PURGE_BATCH: u64 = 50;
/// Where the sealed files live in the file store.
const FOLDER: &str = "credentials";

/// How one account's initial password reached its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handover {
    /// An SMS to this (masked) number is queued.
    Sms { sent_to: String },
    /// No SMS provider: the admin is shown the password now, and never again.
    ShowOnce { password: String },
}

/// One account's credentials in a bulk import's file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCredential {
    /// The spreadsheet row the account came from.
    pub row: usize,
    pub name: String,
    pub username: String,
    pub role: String,
    pub college: String,
    pub phone_masked: String,
    pub password: String,
}

/// A file waiting to be fetched: the token is given to the importing admin only.
#[derive(Debug, Clone)]
pub struct CredentialsDownload {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub accounts: usize,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn cipher(token: &str) -> Aes256Gcm {
    // A different derivation from the stored hash, so the hash gives no key.
    let key = Sha256::new()
        .chain_update(b"fudao credentials file key\0")
        .chain_update(token.as_bytes())
        .finalize();
    Aes256Gcm::new(&key)
}

fn seal(token: &str, rows: &[IssuedCredential]) -> AppResult<Vec<u8>> {
    let plain = serde_json::to_vec(rows).map_err(AppError::internal)?;
    let nonce_bytes = random::bytes::<NONCE_BYTES>();
    let nonce = Nonce::from(nonce_bytes);
    let sealed = cipher(token)
        .encrypt(&nonce, plain.as_slice())
        .map_err(|_| AppError::internal("credentials file: sealing failed"))?;
    let mut out = nonce_bytes.to_vec();
    out.extend_from_slice(&sealed);
    Ok(out)
}

fn open(token: &str, sealed: &[u8]) -> AppResult<Vec<IssuedCredential>> {
    let (nonce, body) = sealed
        .split_at_checked(NONCE_BYTES)
        .ok_or_else(|| AppError::internal("credentials file: truncated"))?;
    let nonce: [u8; NONCE_BYTES] = nonce
        .try_into()
        .map_err(|_| AppError::internal("credentials file: truncated"))?;
    let plain = cipher(token)
        .decrypt(&Nonce::from(nonce), body)
        .map_err(|_| AppError::internal("credentials file: does not open with its token"))?;
    serde_json::from_slice(&plain).map_err(AppError::internal)
}

fn gone() -> AppError {
    Conflict::CredentialsGone {
        ttl_minutes: DOWNLOAD_MINUTES,
    }
    .into()
}

/// Seal the credentials into a file for `owner`, recorded in `txn` (the import's own
/// transaction: no file is offered for accounts that were not created). The row is written
/// before the file, so a failed write leaves no row behind; a file whose transaction then
/// fails has no row, and the sweep in `purge_expired` removes it.
pub async fn stash(
    services: &Services,
    txn: &DatabaseTransaction,
    owner: &Actor,
    rows: &[IssuedCredential],
) -> AppResult<CredentialsDownload> {
    let now = services.clock.now();
    purge_expired(services, txn, now).await?;
    let token = random::hex_token::<32>();
    let file_key = format!("{FOLDER}/{}", random::hex_token::<16>());
    let expires_at = now + TimeDelta::minutes(DOWNLOAD_MINUTES);
    credential_handovers::ActiveModel {
        token_hash: Set(token_hash(&token)),
        owner_account_id: Set(owner.account_id),
        file_key: Set(file_key.clone()),
        accounts: Set(i32::try_from(rows.len()).unwrap_or(i32::MAX)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    services
        .files
        .put(&file_key, &seal(&token, rows)?)
        .await
        .map_err(AppError::internal)?;
    Ok(CredentialsDownload {
        token,
        expires_at,
        accounts: rows.len(),
    })
}

/// The credentials behind `token`, for the admin who imported them, once: the row is taken
/// in a transaction (of two racing requests one wins), the file erased, the fetch audited.
pub async fn fetch(
    services: &Services,
    actor: &Actor,
    token: &str,
    meta: &RequestMeta,
) -> AppResult<Vec<IssuedCredential>> {
    // Tokens are 64 hex digits; anything else cannot match and is not worth a query.
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(gone());
    }
    let now = services.clock.now();
    let txn = services.db.begin().await?;
    let row = credential_handovers::Entity::find()
        .filter(credential_handovers::Column::TokenHash.eq(token_hash(token)))
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(gone)?;
    // Another admin's token answers like a spent one: it says nothing of the file.
    if row.owner_account_id != actor.account_id || row.expires_at <= now {
        return Err(gone());
    }
    let taken = credential_handovers::Entity::delete_many()
        .filter(credential_handovers::Column::Id.eq(row.id))
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        return Err(gone());
    }
    let sealed = services
        .files
        .get(&row.file_key)
        .await
        .map_err(AppError::internal)?;
    let rows = open(token, &sealed)?;
    audit::record(
        &txn,
        Some(actor),
        meta,
        audit::Entry {
            action: "account.credentials_download",
            target_type: "org_unit",
            target_id: Some(actor.org_unit_id.to_string()),
            org_path: actor.org_path.as_str(),
            detail: serde_json::json!({ "accounts": rows.len() }),
        },
    )
    .await?;
    txn.commit().await?;
    if let Err(error) = services.files.delete(&row.file_key).await {
        tracing::warn!(%error, "credentials file fetched but not erased; the purge retries");
    }
    Ok(rows)
}

/// Remove files nobody fetched in time (and their rows), then files that never got a row (their
/// import's transaction failed after the file was written): unreadable, since their token was
/// never handed out, but not to be kept.
async fn purge_expired<C: ConnectionTrait>(
    services: &Services,
    conn: &C,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let expired = credential_handovers::Entity::find()
        .filter(credential_handovers::Column::ExpiresAt.lte(now))
        .limit(PURGE_BATCH)
        .all(conn)
        .await?;
    for row in expired {
        if let Err(error) = services.files.delete(&row.file_key).await {
            tracing::warn!(%error, "expired credentials file not erased");
            continue;
        }
        credential_handovers::Entity::delete_by_id(row.id)
            .exec(conn)
            .await?;
    }
    sweep_rowless(services, conn, now).await
}

async fn sweep_rowless<C: ConnectionTrait>(
    services: &Services,
    conn: &C,
    now: DateTime<Utc>,
) -> AppResult<()> {
    // Older than any download window: a file that young may belong to an import whose
    // transaction has not committed yet.
    let before = std::time::SystemTime::from(now - TimeDelta::minutes(2 * DOWNLOAD_MINUTES));
    let old = services
        .files
        .written_before(FOLDER, before, PURGE_BATCH as usize)
        .await
        .map_err(AppError::internal)?;
    if old.is_empty() {
        return Ok(());
    }
    let kept: Vec<String> = credential_handovers::Entity::find()
        .filter(credential_handovers::Column::FileKey.is_in(old.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(|row| row.file_key)
        .collect();
    for key in old.iter().filter(|key| !kept.contains(key)) {
        if let Err(error) = services.files.delete(key).await {
            tracing::warn!(%error, "credentials file without a row not erased");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one() -> Vec<IssuedCredential> {
        vec![IssuedCredential {
            row: 2,
            name: "李思雨".into(),
            username: "13900000001".into(),
            role: "counselor".into(),
            college: "计算机学院".into(),
            phone_masked: "139****0001".into(),
            password: "Abc234xyz".into(),
        }]
    }

    #[test]
    fn a_sealed_file_opens_only_with_its_token_and_hides_the_passwords() {
        let token = random::hex_token::<32>();
        let sealed = seal(&token, &one()).unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains("Abc234xyz"));
        assert_eq!(open(&token, &sealed).unwrap(), one());
        assert!(open(&random::hex_token::<32>(), &sealed).is_err());
        assert!(open(&token_hash(&token), &sealed).is_err());
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(open(&token, &tampered).is_err());
        assert!(open(&token, &sealed[..5]).is_err());
    }
}
