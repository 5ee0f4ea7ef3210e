//! The one shape of every worker: `run_once` does a round, `run_until_stopped` repeats rounds
//! (at once after a busy round, after the poll interval otherwise) until shutdown, and
//! `supervise` restarts a worker that panicked. Each round leaves a heartbeat for `/readyz`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::error::AppResult;

/// A consumer of one queue.
#[async_trait]
pub trait Worker: Clone + Send + Sync + 'static {
    /// For logs and `/readyz`.
    fn name(&self) -> &'static str;
    /// The wait after a round that found nothing to do.
    fn poll_interval(&self) -> Duration;
    /// One round; `Ok(true)` when it did work and another round should follow at once.
    async fn run_once(&self) -> AppResult<bool>;
}

/// When each worker last finished a round.
#[derive(Clone, Default)]
pub struct Heartbeats {
    beats: Arc<Mutex<BTreeMap<&'static str, DateTime<Utc>>>>,
}

impl Heartbeats {
    pub fn beat(&self, worker: &'static str, at: DateTime<Utc>) {
        self.lock().insert(worker, at);
    }

    /// Every worker that has finished a round, by name.
    pub fn snapshot(&self) -> Vec<(&'static str, DateTime<Utc>)> {
        self.lock().iter().map(|(name, at)| (*name, *at)).collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, DateTime<Utc>>> {
        // A panic while holding the map leaves it consistent: it only ever holds whole entries.
        self.beats
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Rounds until `stopped` turns true; the round in progress finishes first, so every outcome
/// is recorded.
pub async fn run_until_stopped<W: Worker>(
    worker: W,
    heartbeats: Heartbeats,
    mut stopped: watch::Receiver<bool>,
) {
    let idle = worker.poll_interval().max(Duration::from_millis(10));
    loop {
        if *stopped.borrow() {
            return;
        }
        let busy = match worker.run_once().await {
            Ok(busy) => busy,
            Err(error) => {
                tracing::warn!(worker = worker.name(), code = error.code(), cause = ?error, "worker round failed");
                false
            }
        };
        heartbeats.beat(worker.name(), Utc::now());
        if !busy {
            tokio::select! {
                _ = tokio::time::sleep(idle) => {}
                _ = stopped.changed() => {}
            }
        }
    }
}

/// Run `worker` until shutdown; a panic is logged and the worker starts again after `pause`.
pub async fn supervise<W: Worker>(
    worker: W,
    heartbeats: Heartbeats,
    stopped: watch::Receiver<bool>,
    pause: Duration,
) {
    tracing::info!(worker = worker.name(), "worker started");
    loop {
        let run = tokio::spawn(run_until_stopped(
            worker.clone(),
            heartbeats.clone(),
            stopped.clone(),
        ));
        match run.await {
            Ok(()) => break,
            Err(error) if error.is_panic() => {
                tracing::error!(worker = worker.name(), %error, "worker panicked; restarting it");
                if *stopped.borrow() {
                    break;
                }
                tokio::time::sleep(pause).await;
            }
            Err(error) => {
                tracing::error!(worker = worker.name(), %error, "worker cancelled");
                break;
            }
        }
    }
    tracing::info!(worker = worker.name(), "worker stopped");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[derive(Clone)]
    struct Flaky {
        rounds: Arc<AtomicU32>,
    }

    #[async_trait]
    impl Worker for Flaky {
        fn name(&self) -> &'static str {
            "flaky"
        }
        fn poll_interval(&self) -> Duration {
            Duration::from_millis(10)
        }
        async fn run_once(&self) -> AppResult<bool> {
            let round = self.rounds.fetch_add(1, Ordering::SeqCst);
            if round == 0 {
                panic!("first round panics");
            }
            Ok(false)
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_panicking_worker_is_restarted_and_beats_again() {
        let rounds = Arc::new(AtomicU32::new(0));
        let heartbeats = Heartbeats::default();
        let (stop, stopped) = watch::channel(false);
        let supervisor = tokio::spawn(supervise(
            Flaky {
                rounds: rounds.clone(),
            },
            heartbeats.clone(),
            stopped,
            Duration::from_millis(50),
        ));
        while rounds.load(Ordering::SeqCst) < 3 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(
            heartbeats.snapshot().first().map(|(name, _)| *name),
            Some("flaky")
        );
        stop.send(true).expect("the supervisor listens");
        supervisor.await.expect("supervisor ends");
    }
}
