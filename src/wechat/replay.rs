//! One use per (timestamp, nonce): a captured callback query cannot be posted again.
//!
//! Per instance, in memory, bounded: the callback path does no database write per message
//! (DESIGN), and the timestamp window already refuses anything older than the window, so an
//! entry only has to outlive the window. A replay that lands on another instance is not seen
//! here; it is answered like a retry, and every side effect a message can cause is idempotent
//! (bind codes are one-time and their guessing is limited in the database).

use std::time::Duration;

use moka::future::Cache;
use moka::policy::EvictionPolicy;

/// When the timestamp window is switched off nothing else bounds a replay; entries then live
/// this long, which still stops the immediate replays seen in practice.
const WITHOUT_WINDOW: Duration = Duration::from_secs(3600);

#[derive(Clone)]
pub struct NonceCache {
    seen: Cache<(String, String), ()>,
}

impl NonceCache {
    /// `window_secs` is the accepted clock difference either side of now (0 = unchecked).
    pub fn new(window_secs: u64, capacity: u64) -> Self {
        // A timestamp is accepted from `window` before it to `window` after it.
        let ttl = match window_secs {
            0 => WITHOUT_WINDOW,
            secs => Duration::from_secs(secs.saturating_mul(2)),
        };
        Self {
            seen: Cache::builder()
                .max_capacity(capacity)
                .time_to_live(ttl)
                // LRU admits every new pair; the default TinyLFU could decline to record one.
                .eviction_policy(EvictionPolicy::lru())
                .build(),
        }
    }

    /// True the first time a pair is presented, false for every later use within its life.
    pub async fn first_use(&self, timestamp: &str, nonce: &str) -> bool {
        self.seen
            .entry((timestamp.to_string(), nonce.to_string()))
            .or_insert(())
            .await
            .is_fresh()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_pair_is_accepted_once_and_other_pairs_are_independent() {
        let cache = NonceCache::new(300, 1_000);
        assert!(cache.first_use("1700000000", "123").await);
        assert!(!cache.first_use("1700000000", "123").await);
        assert!(cache.first_use("1700000000", "124").await);
        assert!(cache.first_use("1700000001", "123").await);
    }

    #[tokio::test]
    async fn the_cache_stays_within_its_capacity() {
        let cache = NonceCache::new(300, 100);
        for n in 0..1_000 {
            assert!(cache.first_use("1700000000", &n.to_string()).await);
        }
        cache.seen.run_pending_tasks().await;
        assert!(cache.seen.entry_count() <= 100);
        // The newest pairs are the ones remembered.
        assert!(!cache.first_use("1700000000", "999").await);
    }
}
