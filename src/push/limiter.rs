//! Evenly spaced send slots: at most `per_second` sends start each second in this process.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

pub struct RateLimiter {
    interval: Option<Duration>,
    next: Mutex<Instant>,
}

impl RateLimiter {
    /// `per_second` = 0 means no limit.
    pub fn new(per_second: u32) -> Self {
        Self {
            interval: (per_second > 0)
                .then(|| Duration::from_nanos(1_000_000_000 / u64::from(per_second))),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Wait for the next free slot.
    pub async fn acquire(&self) {
        let Some(interval) = self.interval else {
            return;
        };
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn slots_are_spaced_by_the_rate() {
        let limiter = RateLimiter::new(10);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire().await;
        }
        // Slots at 0, 100, 200, 300 and 400 ms.
        assert_eq!(start.elapsed(), Duration::from_millis(400));
        let unlimited = RateLimiter::new(0);
        let start = Instant::now();
        unlimited.acquire().await;
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
