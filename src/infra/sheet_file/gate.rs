//! At most N spreadsheets parse at once, each on a blocking thread: parsing is CPU-bound, and
//! on the async workers it would starve the WeChat callback, which must answer within seconds.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::SheetRow;
use crate::error::{AppError, AppResult};

#[derive(Clone)]
pub struct ParseGate {
    permits: Arc<Semaphore>,
    wait: Duration,
}

impl ParseGate {
    /// `parallel` parses at once; a request waits at most `wait` for its turn.
    pub fn new(parallel: usize, wait: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(parallel)),
            wait,
        }
    }

    /// A turn to parse, or `Busy` when none frees up in time.
    pub async fn acquire(&self) -> AppResult<ParsePermit> {
        match tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(ParsePermit(permit)),
            // A closed semaphore (never closed here) or the wait ran out: no turn either way.
            Ok(Err(_)) | Err(_) => Err(AppError::Busy),
        }
    }

    /// `read_rows` in a turn of its own.
    pub async fn read_rows(&self, bytes: &[u8]) -> AppResult<Vec<SheetRow>> {
        self.acquire().await?.read_rows(bytes).await
    }
}

impl Default for ParseGate {
    fn default() -> Self {
        Self::new(2, Duration::from_secs(10))
    }
}

/// A turn to parse one file. The blocking thread holds it until the parse ends, also when the
/// request that asked has gone, so the bound on parallel parses holds.
pub struct ParsePermit(OwnedSemaphorePermit);

impl ParsePermit {
    pub async fn read_rows(self, bytes: &[u8]) -> AppResult<Vec<SheetRow>> {
        let bytes = bytes.to_vec();
        let permit = self.0;
        tokio::task::spawn_blocking(move || {
            let rows = super::read_rows(&bytes);
            drop(permit);
            rows
        })
        .await
        .map_err(|e| AppError::internal(format!("spreadsheet parse: {e}")))?
        .map_err(AppError::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_parse_past_the_limit_waits_its_turn_then_answers_busy() {
        let gate = ParseGate::new(1, Duration::from_millis(30));
        let held = gate.acquire().await.unwrap();
        assert!(matches!(gate.acquire().await, Err(AppError::Busy)));
        let csv = "学号,姓名\n1,甲\n".as_bytes();
        assert!(matches!(gate.read_rows(csv).await, Err(AppError::Busy)));
        drop(held);
        assert_eq!(gate.read_rows(csv).await.unwrap().len(), 2);
        // The permit went back when the parse ended.
        assert_eq!(gate.read_rows(csv).await.unwrap().len(), 2);
    }
}
