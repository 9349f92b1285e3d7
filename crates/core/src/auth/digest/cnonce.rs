//! Client nonces: 16 hex characters, unpredictable enough for Digest, without a
//! random-number crate.
//!
//! Each nonce is the SipHash of (a process-wide counter, the time in nanoseconds, the
//! address of a stack slot) under the keys of a fresh `std::collections::hash_map::
//! RandomState`: std seeds those keys from the operating system's random source once
//! per thread and varies them for every new `RandomState`. The cnonce only has to be
//! unique and hard to guess for a passive observer (RFC 7616 §3.4); it is not a key.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher as _, Hash as _, Hasher as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh client nonce: 16 lower-case hex characters.
pub(super) fn cnonce() -> String {
    let mut hasher = RandomState::new().build_hasher();
    COUNTER.fetch_add(1, Ordering::Relaxed).hash(&mut hasher);
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default()
        .hash(&mut hasher);
    let slot = 0u8;
    (std::ptr::addr_of!(slot) as usize).hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_hex_chars_and_never_twice_the_same() {
        let nonces: Vec<String> = (0..1000).map(|_| cnonce()).collect();
        for nonce in &nonces {
            assert_eq!(nonce.len(), 16);
            assert!(nonce.bytes().all(|b| b.is_ascii_hexdigit()), "{nonce}");
        }
        let unique: std::collections::HashSet<_> = nonces.iter().collect();
        assert_eq!(unique.len(), nonces.len());
    }
}
