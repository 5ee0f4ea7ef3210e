//! Answers that carry a secret (an initial password, a credentials file): no browser cache,
//! proxy or WeChat download cache may keep a copy.

use salvo::http::header::{CACHE_CONTROL, PRAGMA};
use salvo::http::HeaderValue;
use salvo::prelude::*;

pub fn no_store(res: &mut Response) {
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res.headers_mut()
        .insert(PRAGMA, HeaderValue::from_static("no-cache"));
}
