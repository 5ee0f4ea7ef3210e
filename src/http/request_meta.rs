//! Facts about the caller taken from the request: the client address, for the login throttles
//! and the audit log.

use std::net::{IpAddr, SocketAddr};

use salvo::Request;

use crate::service::RequestMeta;

/// Longest X-Forwarded-For entry read: an IPv6 address with a port fits well inside it.
const MAX_ENTRY_LEN: usize = 64;

pub fn request_meta(req: &Request, trusted_proxies: u8) -> RequestMeta {
    let peer = req.remote_addr().clone().into_std().map(|addr| addr.ip());
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>();
    let ip = client_address(&forwarded, peer, trusted_proxies);
    RequestMeta {
        ip: ip.map(|ip| ip.to_string()),
    }
}

/// The client's address. Each trusted proxy appends the address it received the request from,
/// so with `trusted_proxies` = N the N-th entry from the right is the one the outermost trusted
/// proxy saw; everything left of it was written by the client and proves nothing. With no
/// trusted proxy, or a header that did not pass all of them, or an entry that is not an
/// address, the peer of the connection is the answer.
pub fn client_address(
    forwarded: &[&str],
    peer: Option<IpAddr>,
    trusted_proxies: u8,
) -> Option<IpAddr> {
    if trusted_proxies == 0 {
        return peer;
    }
    // Several header lines form one list in order (RFC 9110, 5.3); read from the right only as
    // far as needed, so a long forged prefix costs nothing.
    let entry = forwarded
        .iter()
        .rev()
        .flat_map(|line| line.rsplit(','))
        .nth(usize::from(trusted_proxies) - 1);
    entry.and_then(parse_entry).or(peer)
}

fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    if entry.is_empty() || entry.len() > MAX_ENTRY_LEN {
        return None;
    }
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    const PEER: &str = "10.0.0.1";

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        assert_eq!(client_address(&["1.2.3.4"], ip(PEER), 0), ip(PEER));
    }

    #[test]
    fn the_entry_the_last_trusted_proxy_appended_wins_over_forged_ones() {
        assert_eq!(
            client_address(&["6.6.6.6, 7.7.7.7, 203.0.113.9"], ip(PEER), 1),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_address(&["6.6.6.6, 203.0.113.9, 10.0.0.2"], ip(PEER), 2),
            ip("203.0.113.9")
        );
        // Two header lines are one list.
        assert_eq!(
            client_address(&["6.6.6.6", "203.0.113.9"], ip(PEER), 1),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_address(&["[2001:db8::1]:443"], ip(PEER), 1),
            ip("2001:db8::1")
        );
    }

    #[test]
    fn a_short_or_garbled_header_falls_back_to_the_peer() {
        assert_eq!(client_address(&["203.0.113.9"], ip(PEER), 2), ip(PEER));
        assert_eq!(client_address(&[], ip(PEER), 1), ip(PEER));
        assert_eq!(
            client_address(&["1.2.3.4, nonsense"], ip(PEER), 1),
            ip(PEER)
        );
        assert_eq!(client_address(&["1.2.3.4, "], ip(PEER), 1), ip(PEER));
        let long = format!("1.2.3.4, {}", "9".repeat(100));
        assert_eq!(client_address(&[&long], ip(PEER), 1), ip(PEER));
    }
}
