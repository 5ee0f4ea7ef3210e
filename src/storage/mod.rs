//! Where uploaded files live. The trait keeps the rest of the code free of where that is; the
//! local directory is the default (a shared mount when several instances run), an object
//! store can take its place without touching the services.

use std::path::PathBuf;
use std::time::SystemTime;

use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("file not found: {0}")]
    NotFound(String),
    #[error("invalid storage key: {0}")]
    InvalidKey(String),
    #[error("storage I/O: {0}")]
    Io(#[from] std::io::Error),
}

#[async_trait]
pub trait FileStore: Send + Sync {
    async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError>;
    async fn get(&self, key: &str) -> Result<Vec<u8>, StorageError>;
    async fn delete(&self, key: &str) -> Result<(), StorageError>;
    /// Keys of the files directly under `folder` last written before `before`, at most
    /// `limit` of them: what a sweep of abandoned files looks at.
    async fn written_before(
        &self,
        folder: &str,
        before: SystemTime,
        limit: usize,
    ) -> Result<Vec<String>, StorageError>;
}

/// Files under one directory, a key being a relative path of `[a-z0-9_-]` segments.
pub struct LocalDir {
    root: PathBuf,
}

impl LocalDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path(&self, key: &str) -> Result<PathBuf, StorageError> {
        let valid = !key.is_empty()
            && key.split('/').all(|segment| {
                !segment.is_empty()
                    && segment.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
                    })
            });
        if !valid {
            return Err(StorageError::InvalidKey(key.to_string()));
        }
        Ok(self.root.join(key))
    }
}

#[async_trait]
impl FileStore for LocalDir {
    async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError> {
        let path = self.path(key)?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        // Written aside and renamed: a reader never sees half a file.
        let partial = path.with_extension("partial");
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, &path).await?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        match tokio::fs::read(self.path(key)?).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(StorageError::NotFound(key.to_string()))
            }
            other => Ok(other?),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => Ok(other?),
        }
    }

    async fn written_before(
        &self,
        folder: &str,
        before: SystemTime,
        limit: usize,
    ) -> Result<Vec<String>, StorageError> {
        let mut entries = match tokio::fs::read_dir(self.path(folder)?).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            other => other?,
        };
        let mut keys = Vec::new();
        while keys.len() < limit {
            let Some(entry) = entries.next_entry().await? else {
                break;
            };
            let Some(key) = entry
                .file_name()
                .to_str()
                .map(|name| format!("{folder}/{name}"))
            else {
                continue;
            };
            // Only names that are keys: `delete` takes nothing else.
            if self.path(&key).is_err() {
                continue;
            }
            let meta = entry.metadata().await?;
            if meta.is_file() && meta.modified()? < before {
                keys.push(key);
            }
        }
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_round_trip_and_keys_stay_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalDir::new(dir.path());
        store.put("attachments/7/abc", b"hello").await.unwrap();
        assert_eq!(store.get("attachments/7/abc").await.unwrap(), b"hello");
        store.delete("attachments/7/abc").await.unwrap();
        assert!(matches!(
            store.get("attachments/7/abc").await,
            Err(StorageError::NotFound(_))
        ));
        store.put("sweep/old", b"x").await.unwrap();
        let later = SystemTime::now() + std::time::Duration::from_secs(1);
        assert_eq!(
            store.written_before("sweep", later, 10).await.unwrap(),
            vec!["sweep/old".to_string()]
        );
        assert!(store
            .written_before("sweep", SystemTime::UNIX_EPOCH, 10)
            .await
            .unwrap()
            .is_empty());
        assert!(store
            .written_before("nothing-here", later, 10)
            .await
            .unwrap()
            .is_empty());
        for key in ["../etc/passwd", "/abs", "a//b", "A", "a/b.c", ""] {
            assert!(
                matches!(store.put(key, b"x").await, Err(StorageError::InvalidKey(_))),
                "{key}"
            );
        }
    }
}
