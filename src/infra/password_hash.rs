//! Argon2id hashing, off the async runtime's threads.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::{AppError, AppResult};

pub async fn hash(password: &str) -> AppResult<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&super::random::bytes::<16>())
            .map_err(|error| AppError::internal(format!("argon2 salt: {error}")))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| AppError::internal(format!("argon2 hash: {error}")))
    })
    .await
    .map_err(|error| AppError::internal(format!("hash task: {error}")))?
}

/// False for a wrong password and for a hash that does not parse.
pub async fn verify(stored: &str, password: &str) -> AppResult<bool> {
    let stored = stored.to_string();
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .map_err(|error| AppError::internal(format!("verify task: {error}")))
}

/// Spend what a real verification costs, so a login for an unknown user takes as long as one
/// for a known user and does not reveal which usernames exist.
pub async fn waste_equal_time() {
    let _ = hash("decoy-password-for-timing").await;
}
