//! Answers by dedup key (MsgId, or FromUserName+CreateTime+Event) for a minute, so a retried
//! callback that lands on this instance gets the same answer without work. No database write:
//! the callback path must stay fast, and every side effect is idempotent anyway.

use std::time::Duration;

use moka::future::Cache;

use super::Answer;

#[derive(Clone)]
pub struct Dedup {
    answers: Cache<String, Answer>,
}

impl Default for Dedup {
    fn default() -> Self {
        Self::new()
    }
}

impl Dedup {
    pub fn new() -> Self {
        Self {
            answers: Cache::builder()
                .time_to_live(Duration::from_secs(60))
                .max_capacity(200_000)
                .build(),
        }
    }

    pub async fn get(&self, key: &str) -> Option<Answer> {
        self.answers.get(key).await
    }

    pub async fn put(&self, key: String, answer: Answer) {
        self.answers.insert(key, answer).await;
    }
}
