//! 届: the graduating class a counselor serves, named by the year it graduates (2027届 leaves
//! in the summer of 2027). A new class every year: from September on, the class under way is
//! the one graduating next summer.

use chrono::{DateTime, Datelike, Utc};

use super::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cohort(i32);

/// Years a class may be named by: anything else is a typo.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

impl Cohort {
    /// `2027`, `2027届` or ` 2027 `.
    pub fn parse(field: &'static str, text: &str) -> Result<Self, Invalid> {
        let digits = text.trim().trim_end_matches('届').trim();
        digits
            .parse::<i32>()
            .ok()
            .and_then(Self::from_year)
            .ok_or_else(|| {
                Invalid::new(
                    field,
                    format!("届别“{}”无效，应为四位年份，如 2027", text.trim()),
                )
            })
    }

    pub fn from_year(year: i32) -> Option<Self> {
        YEARS.contains(&year).then_some(Self(year))
    }

    /// The class graduating at the end of the school year under way at `now` (Beijing time).
    pub fn current(now: DateTime<Utc>) -> Self {
        let beijing = now.with_timezone(&super::time::beijing());
        let year = if beijing.month() >= 9 {
            beijing.year() + 1
        } else {
            beijing.year()
        };
        Self(year)
    }

    pub fn year(self) -> i32 {
        self.0
    }

    pub fn next(self) -> Self {
        Self(self.0 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_class_is_named_by_its_graduation_year() {
        assert_eq!(Cohort::parse("cohort", "2027").unwrap().year(), 2027);
        assert_eq!(Cohort::parse("cohort", " 2027届 ").unwrap().year(), 2027);
        for bad in ["27", "二〇二七", "1999", "2101", "", "2027.5"] {
            assert!(Cohort::parse("cohort", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn september_starts_the_next_class() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(Cohort::current(at("2026-12-02T00:00:00Z")).year(), 2027);
        assert_eq!(Cohort::current(at("2027-06-30T00:00:00Z")).year(), 2027);
        // 2027-08-31 16:30 UTC is already September 1st in Beijing.
        assert_eq!(Cohort::current(at("2027-08-31T16:30:00Z")).year(), 2028);
        assert_eq!(Cohort::current(at("2027-08-31T15:30:00Z")).year(), 2027);
    }
}
