//! Pagination of every list.

use serde::Serialize;

use super::Invalid;

pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_PER_PAGE: u64 = 100;
/// No list is that long a person pages through it; the bound keeps `offset` far from overflow.
pub const MAX_PAGE: u64 = 10_000;

/// A page request: the page number (1..=`MAX_PAGE`) and size (1..=`MAX_PER_PAGE`), read from
/// the query text so that any number, sign or garbage a caller sends is a clear 422.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

impl PageRequest {
    pub fn parse(page: Option<&str>, per_page: Option<&str>) -> Result<Self, Invalid> {
        Ok(Self {
            page: bounded(page, 1, MAX_PAGE)
                .ok_or_else(|| Invalid::new("page", "页码须为 1 到 10000 之间的整数"))?,
            per_page: bounded(per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE)
                .ok_or_else(|| Invalid::new("per_page", "每页条数须为 1 到 100 之间的整数"))?,
        })
    }

    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

/// An absent value is the default; a present one must be a whole number in 1..=max.
fn bounded(value: Option<&str>, default: u64, max: u64) -> Option<u64> {
    let Some(value) = value.map(str::trim) else {
        return Some(default);
    };
    // A length check first: the parse never sees a megabyte of digits.
    if value.is_empty() || value.len() > 6 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse::<u64>().ok().filter(|n| (1..=max).contains(n))
}

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, request: PageRequest, total: u64) -> Self {
        Self {
            items,
            page: request.page,
            per_page: request.per_page,
            total,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            per_page: self.per_page,
            total: self.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(
            PageRequest::parse(None, None),
            Ok(PageRequest {
                page: 1,
                per_page: DEFAULT_PER_PAGE
            })
        );
        assert_eq!(
            PageRequest::parse(Some("3"), Some("10")).map(|p| p.offset()),
            Ok(20)
        );
        assert_eq!(
            PageRequest::parse(Some("10000"), Some("100")).map(|p| p.offset()),
            Ok(999_900)
        );
    }

    #[test]
    fn out_of_range_or_garbage_is_refused() {
        for page in [
            "0",
            "-1",
            "abc",
            "",
            "1.5",
            "10001",
            "18446744073709551615",
            "+2",
        ] {
            let error = PageRequest::parse(Some(page), None).unwrap_err();
            assert_eq!(error.field, "page", "{page}");
        }
        for per_page in ["0", "101", "1000", "-5", "x"] {
            let error = PageRequest::parse(None, Some(per_page)).unwrap_err();
            assert_eq!(error.field, "per_page", "{per_page}");
        }
    }
}
