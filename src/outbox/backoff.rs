//! The one retry delay of every queue: exponential, capped, with jitter.

use chrono::TimeDelta;

/// Exponential backoff after `attempts` failed tries: base·2^(attempts−1), capped, scaled by a
/// jitter factor in [0.5, 1.0] so a burst of failures does not retry as a burst.
pub fn backoff(attempts: u32, base: TimeDelta, cap: TimeDelta, jitter: f64) -> TimeDelta {
    let exponent = attempts.saturating_sub(1).min(30);
    let raw = base.num_milliseconds().saturating_mul(1_i64 << exponent);
    let capped = raw.min(cap.num_milliseconds()).max(0);
    let jitter = jitter.clamp(0.5, 1.0);
    TimeDelta::milliseconds((capped as f64 * jitter) as i64)
}

/// `backoff` with a fresh random jitter.
pub fn jittered(attempts: u32, base: TimeDelta, cap: TimeDelta) -> TimeDelta {
    backoff(
        attempts,
        base,
        cap,
        crate::infra::random::in_range(0.5..=1.0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let base = TimeDelta::seconds(1);
        let cap = TimeDelta::seconds(60);
        assert_eq!(backoff(1, base, cap, 1.0), TimeDelta::seconds(1));
        assert_eq!(backoff(4, base, cap, 1.0), TimeDelta::seconds(8));
        assert_eq!(backoff(40, base, cap, 1.0), TimeDelta::seconds(60));
        assert_eq!(backoff(4, base, cap, 0.5), TimeDelta::seconds(4));
        assert_eq!(backoff(4, base, cap, 0.0), TimeDelta::seconds(4));
    }

    #[test]
    fn jitter_stays_between_half_and_the_full_delay() {
        let base = TimeDelta::seconds(10);
        let cap = TimeDelta::seconds(60);
        for _ in 0..100 {
            let delay = jittered(2, base, cap);
            assert!(delay >= TimeDelta::seconds(10) && delay <= TimeDelta::seconds(20));
        }
    }
}
