//! The one source of randomness: the operating system's generator, for every value someone must
//! not guess (session and claim tokens, bind codes, initial passwords, nonces, file keys) and for
//! the jitter that spreads retries. One place, so no token is ever drawn from a weaker generator.

use rand::distr::uniform::{SampleRange, SampleUniform};
use rand::rand_core::UnwrapErr;
use rand::rngs::SysRng;
use rand::{Rng, RngExt, TryRng};

/// The operating system's generator; a failure to read it aborts the caller (a token drawn from
/// anything weaker would be worse), except through [`try_bytes`].
fn system() -> UnwrapErr<SysRng> {
    UnwrapErr(SysRng)
}

/// `N` random bytes.
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    system().fill_bytes(&mut bytes);
    bytes
}

/// `N` random bytes, or `None` when the operating system cannot give them (for callers that
/// report the failure rather than abort).
pub fn try_bytes<const N: usize>() -> Option<[u8; N]> {
    let mut bytes = [0u8; N];
    SysRng.try_fill_bytes(&mut bytes).ok()?;
    Some(bytes)
}

/// `N` random bytes as 2·`N` lowercase hex digits.
pub fn hex_token<const N: usize>() -> String {
    hex::encode(bytes::<N>())
}

/// A value drawn uniformly from `range`.
pub fn in_range<T, R>(range: R) -> T
where
    T: SampleUniform,
    R: SampleRange<T>,
{
    system().random_range(range)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_and_of_the_asked_length() {
        let a = hex_token::<16>();
        let b = hex_token::<16>();
        assert_eq!(a.len(), 32);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
        assert_ne!(bytes::<32>(), [0u8; 32]);
        assert!(try_bytes::<16>().is_some());
    }

    #[test]
    fn draws_stay_in_their_range() {
        for _ in 0..1000 {
            let n = in_range(5..25u64);
            assert!((5..25).contains(&n));
            let f = in_range(0.5..=1.0f64);
            assert!((0.5..=1.0).contains(&f));
        }
    }
}
