//! Answers by dedup key (both parties and the MsgId, or the sender, CreateTime and the whole
//! event) for at least a minute, so a
//! retried callback that lands on this instance gets the same answer without work. No database
//! write: the callback path must stay fast, and every side effect is idempotent anyway.
//!
//! Two generations of a plain map: inserts go to the current one; when it is a minute old (or
//! holds half the memory budget) it becomes the previous one and the old previous one is
//! dropped whole. Eviction is O(1) per rotation instead of per entry, which keeps the write path
//! cheap under sustained load; an answer lives one to two minutes, less only when the memory
//! budget is exhausted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::Answer;
use crate::wechat::message::DedupKey;

/// How long a generation takes new answers.
const GENERATION: Duration = Duration::from_secs(60);
/// Memory the answers may take on one instance, both generations together.
const MAX_BYTES: usize = 64 * 1024 * 1024;

struct Generation {
    answers: HashMap<DedupKey, Answer>,
    bytes: usize,
}

impl Generation {
    fn empty() -> Self {
        Self {
            answers: HashMap::new(),
            bytes: 0,
        }
    }
}

struct Generations {
    current: Generation,
    previous: Generation,
    started: Instant,
}

#[derive(Clone)]
pub struct Dedup {
    inner: Arc<Mutex<Generations>>,
}

impl Default for Dedup {
    fn default() -> Self {
        Self::new()
    }
}

fn size_of(key: &DedupKey, answer: &Answer) -> usize {
    // Key, reply and the map's own bookkeeping.
    key.bytes() + reply_size(answer) + 64
}

fn reply_size(answer: &Answer) -> usize {
    match answer {
        Answer::Reply(xml) => xml.len(),
        Answer::Success => 0,
    }
}

impl Dedup {
    pub fn new() -> Self {
        Self {
            inner: Arc::new(Mutex::new(Generations {
                current: Generation::empty(),
                previous: Generation::empty(),
                started: Instant::now(),
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Generations> {
        // A panic while holding the lock cannot leave the maps inconsistent; keep serving.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub async fn get(&self, key: &DedupKey) -> Option<Answer> {
        let generations = self.lock();
        generations
            .current
            .answers
            .get(key)
            .or_else(|| generations.previous.answers.get(key))
            .cloned()
    }

    pub async fn put(&self, key: DedupKey, answer: Answer) {
        self.put_at(key, answer, Instant::now());
    }

    fn put_at(&self, key: DedupKey, answer: Answer, now: Instant) {
        let size = size_of(&key, &answer);
        let mut expired = None;
        {
            let mut generations = self.lock();
            let full = generations.current.bytes + size > MAX_BYTES / 2;
            if full || now.duration_since(generations.started) >= GENERATION {
                let current = std::mem::replace(&mut generations.current, Generation::empty());
                expired = Some(std::mem::replace(&mut generations.previous, current));
                generations.started = now;
            }
            generations.current.bytes += size;
            let key_size = key.bytes();
            if let Some(old) = generations.current.answers.insert(key, answer) {
                generations.current.bytes = generations
                    .current
                    .bytes
                    .saturating_sub(key_size + reply_size(&old) + 64);
            }
        }
        // Freeing a generation of many thousand answers takes a while: not under the lock.
        drop(expired);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(msg_id: u64) -> DedupKey {
        DedupKey::Message {
            to: "gh".into(),
            from: "o".into(),
            msg_id,
        }
    }

    #[tokio::test]
    async fn answers_live_between_one_and_two_generations() {
        let dedup = Dedup::new();
        let start = Instant::now();
        dedup.put_at(key(1), Answer::Reply("<xml>a</xml>".into()), start);
        assert_eq!(
            dedup.get(&key(1)).await,
            Some(Answer::Reply("<xml>a</xml>".into()))
        );
        // A minute later the first generation rotates out of "current" but is still found.
        dedup.put_at(key(2), Answer::Success, start + GENERATION);
        assert!(dedup.get(&key(1)).await.is_some());
        assert_eq!(dedup.get(&key(2)).await, Some(Answer::Success));
        // Another minute: "a" is gone, "b" still there.
        dedup.put_at(key(3), Answer::Success, start + GENERATION * 2);
        assert!(dedup.get(&key(1)).await.is_none());
        assert!(dedup.get(&key(2)).await.is_some());
        assert!(dedup.get(&key(4)).await.is_none());
    }

    #[tokio::test]
    async fn memory_stays_within_the_budget() {
        let dedup = Dedup::new();
        let now = Instant::now();
        let reply = "x".repeat(100 * 1024);
        for n in 0..2_000 {
            dedup.put_at(key(n), Answer::Reply(reply.clone()), now);
        }
        let generations = dedup.lock();
        assert!(generations.current.bytes + generations.previous.bytes <= MAX_BYTES);
        // The newest answers are the ones kept.
        assert!(generations.current.answers.contains_key(&key(1999)));
    }
}
