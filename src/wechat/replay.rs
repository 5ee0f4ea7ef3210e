//! One body per (timestamp, nonce): a captured callback query cannot carry another body, and
//! the same request posted again is told apart as a repeat, which is answered from the reply
//! cache and never acted on again. (Whether WeChat's own retries reuse the query is not
//! documented; treating a byte-identical repeat as a retry keeps them working either way.)
//!
//! Per instance, in memory, bounded: the callback path does no database write per message
//! (DESIGN), and the timestamp window already refuses anything older than the window, so an
//! entry only has to outlive the window. A replay that lands on another instance is not seen
//! here; it is answered like a retry, and every side effect a message can cause is idempotent
//! (bind codes are one-time and their guessing is limited in the database).

use std::time::Duration;

use moka::future::Cache;
use moka::policy::EvictionPolicy;
use sha2::{Digest, Sha256};

/// What a (timestamp, nonce) pair has been used for before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceUse {
    /// Never seen: act on the request.
    First,
    /// Seen with this very body: a repeat of the same request.
    Repeat,
    /// Seen with another body: a forgery under a captured query.
    Conflict,
}

/// When the timestamp window is switched off nothing else bounds a replay; entries then live
/// this long, which still stops the immediate replays seen in practice.
const WITHOUT_WINDOW: Duration = Duration::from_secs(3600);

#[derive(Clone)]
pub struct NonceCache {
    seen: Cache<(String, String), [u8; 32]>,
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

    /// Record the pair with the digest of its body; say how it was used before.
    pub async fn use_pair(&self, timestamp: &str, nonce: &str, body: &[u8]) -> NonceUse {
        let digest: [u8; 32] = Sha256::digest(body).into();
        let entry = self
            .seen
            .entry((timestamp.to_string(), nonce.to_string()))
            .or_insert(digest)
            .await;
        if entry.is_fresh() {
            NonceUse::First
        } else if *entry.value() == digest {
            NonceUse::Repeat
        } else {
            NonceUse::Conflict
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_pair_is_acted_on_once_and_other_pairs_are_independent() {
        let cache = NonceCache::new(300, 1_000);
        assert_eq!(
            cache.use_pair("1700000000", "123", b"a").await,
            NonceUse::First
        );
        assert_eq!(
            cache.use_pair("1700000000", "123", b"a").await,
            NonceUse::Repeat
        );
        assert_eq!(
            cache.use_pair("1700000000", "123", b"b").await,
            NonceUse::Conflict
        );
        assert_eq!(
            cache.use_pair("1700000000", "124", b"b").await,
            NonceUse::First
        );
        assert_eq!(
            cache.use_pair("1700000001", "123", b"a").await,
            NonceUse::First
        );
    }

    #[tokio::test]
    async fn the_cache_stays_within_its_capacity() {
        let cache = NonceCache::new(300, 100);
        for n in 0..1_000 {
            let first = cache.use_pair("1700000000", &n.to_string(), b"x").await;
            assert_eq!(first, NonceUse::First);
        }
        cache.seen.run_pending_tasks().await;
        assert!(cache.seen.entry_count() <= 100);
        // The newest pairs are the ones remembered.
        assert_eq!(
            cache.use_pair("1700000000", "999", b"y").await,
            NonceUse::Conflict
        );
    }
}
