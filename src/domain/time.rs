//! Beijing time, the one clock users read: days, and the ways a time is written for them.
//! China keeps UTC+8 all year, so a fixed offset is exact.

use chrono::{DateTime, FixedOffset, NaiveTime, Offset, TimeDelta, Utc};

const BEIJING_OFFSET_SECS: i32 = 8 * 3600;

/// Beijing time: UTC+8 all year.
pub fn beijing() -> FixedOffset {
    // An offset under a day is always valid; UTC is the unreachable fallback, not a panic.
    FixedOffset::east_opt(BEIJING_OFFSET_SECS).unwrap_or(Utc.fix())
}

fn local(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&beijing())
}

/// The Beijing day `at` falls in, as `YYYY-MM-DD`.
pub fn date(at: DateTime<Utc>) -> String {
    local(at).format("%Y-%m-%d").to_string()
}

/// The next Beijing midnight after `at`.
pub fn next_midnight(at: DateTime<Utc>) -> DateTime<Utc> {
    let tomorrow = local(at).date_naive() + TimeDelta::days(1);
    tomorrow
        .and_time(NaiveTime::MIN)
        .and_local_timezone(beijing())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(at + TimeDelta::days(1))
}

/// `YYYY-MM-DD HH:MM`, for tables and exports.
pub fn date_minute(at: DateTime<Utc>) -> String {
    local(at).format("%Y-%m-%d %H:%M").to_string()
}

/// `MM月DD日 HH:MM`, for chat replies and messages within the year.
pub fn month_day_clock(at: DateTime<Utc>) -> String {
    local(at).format("%m月%d日 %H:%M").to_string()
}

/// `HH:MM`, for a time later today.
pub fn clock(at: DateTime<Utc>) -> String {
    local(at).format("%H:%M").to_string()
}

/// `YYYY年MM月DD日 HH:MM`, as WeChat's template time fields expect.
pub fn long_date_minute(at: DateTime<Utc>) -> String {
    local(at).format("%Y年%m月%d日 %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("time")
    }

    #[test]
    fn days_turn_at_beijing_midnight() {
        assert_eq!(date(at("2026-11-29T15:59:59Z")), "2026-11-29");
        assert_eq!(date(at("2026-11-29T16:00:00Z")), "2026-11-30");
        assert_eq!(
            next_midnight(at("2026-11-29T10:00:00Z")),
            at("2026-11-29T16:00:00Z")
        );
    }

    #[test]
    fn times_are_written_in_beijing_time() {
        let t = at("2026-11-29T17:05:00Z");
        assert_eq!(date_minute(t), "2026-11-30 01:05");
        assert_eq!(month_day_clock(t), "11月30日 01:05");
        assert_eq!(clock(t), "01:05");
        assert_eq!(long_date_minute(t), "2026年11月30日 01:05");
    }
}
