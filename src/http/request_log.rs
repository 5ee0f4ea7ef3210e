//! One log line per request: method, path, status and duration, inside a span that the lines a
//! handler logs join. Paths carry secrets on some routes (a credentials download token), so a
//! path segment that looks like a token is masked before anything is logged; the query string
//! is never logged.

use std::borrow::Cow;
use std::time::Instant;

use salvo::http::StatusCode;
use salvo::prelude::*;
use tracing::Instrument;

/// Longest path logged; a hostile request's path is cut rather than copied whole.
const MAX_LOGGED_PATH: usize = 200;
/// Segments this long with a digit in them are ids no person types: tokens.
const TOKEN_MIN_LEN: usize = 24;

fn looks_like_token(segment: &str) -> bool {
    segment.len() >= TOKEN_MIN_LEN
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && segment.bytes().any(|b| b.is_ascii_digit())
}

/// The path as logged: token-like segments replaced by `{token}`, cut at `MAX_LOGGED_PATH`.
pub fn loggable_path(path: &str) -> Cow<'_, str> {
    let masked = if path.split('/').any(looks_like_token) {
        Cow::Owned(
            path.split('/')
                .map(|s| if looks_like_token(s) { "{token}" } else { s })
                .collect::<Vec<_>>()
                .join("/"),
        )
    } else {
        Cow::Borrowed(path)
    };
    if masked.len() <= MAX_LOGGED_PATH {
        return masked;
    }
    let mut end = MAX_LOGGED_PATH;
    while !masked.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}…", &masked[..end]))
}

pub struct RequestLog;

#[async_trait]
impl Handler for RequestLog {
    async fn handle(
        &self,
        req: &mut Request,
        depot: &mut Depot,
        res: &mut Response,
        ctrl: &mut FlowCtrl,
    ) {
        let span = tracing::info_span!(
            "request",
            method = %req.method(),
            path = %loggable_path(req.uri().path()),
        );
        async move {
            let started = Instant::now();
            ctrl.call_next(req, depot, res).await;
            let status = res.status_code.unwrap_or(StatusCode::OK);
            tracing::info!(
                status = status.as_u16(),
                duration_ms = started.elapsed().as_secs_f64() * 1000.0,
                "response"
            );
        }
        .instrument(span)
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_in_paths_are_masked_and_long_paths_cut() {
        let token = "9f".repeat(32);
        assert_eq!(
            loggable_path(&format!("/api/v1/accounts/credentials/{token}")),
            "/api/v1/accounts/credentials/{token}"
        );
        for plain in [
            "/api/v1/accounts/42/reset-password",
            "/api/v1/employment/import-template",
            "/wechat/callback",
        ] {
            assert_eq!(loggable_path(plain), plain);
        }
        let long = format!("/{}", "路".repeat(500));
        let cut = loggable_path(&long);
        assert!(cut.len() <= MAX_LOGGED_PATH + "…".len(), "{}", cut.len());
        assert!(cut.ends_with('…'));
    }
}
