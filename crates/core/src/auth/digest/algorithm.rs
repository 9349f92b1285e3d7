//! The Digest algorithms (RFC 7616 §3.3 plus the legacy `SHA`), on RustCrypto hashes.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest as _, Sha256, Sha512, Sha512_256};

/// The hash function behind an algorithm name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hash {
    Md5,
    Sha1,
    Sha256,
    Sha512,
    Sha512_256,
}

/// A Digest algorithm: a hash, and whether it is a `-sess` variant (whose `HA1` also
/// covers the nonce and the client nonce).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Algorithm {
    hash: Hash,
    session: bool,
}

impl Algorithm {
    /// The algorithm named `name` (case-insensitive): `MD5`, `SHA` (SHA-1), `SHA-256`,
    /// `SHA-512`, `SHA-512-256`, each optionally with `-sess`; `None` for anything else.
    pub(super) fn from_name(name: &str) -> Option<Algorithm> {
        let upper = name.to_ascii_uppercase();
        let (base, session) = match upper.strip_suffix("-SESS") {
            Some(base) => (base, true),
            None => (upper.as_str(), false),
        };
        let hash = match base {
            "MD5" => Hash::Md5,
            "SHA" => Hash::Sha1,
            "SHA-256" => Hash::Sha256,
            "SHA-512" => Hash::Sha512,
            "SHA-512-256" => Hash::Sha512_256,
            _ => return None,
        };
        Some(Algorithm { hash, session })
    }

    /// Whether this is a `-sess` variant.
    pub(super) fn is_session(self) -> bool {
        self.session
    }

    /// The lower-case hex digest of `data`.
    pub(super) fn hex(self, data: &[u8]) -> String {
        match self.hash {
            Hash::Md5 => hex(&Md5::digest(data)),
            Hash::Sha1 => hex(&Sha1::digest(data)),
            Hash::Sha256 => hex(&Sha256::digest(data)),
            Hash::Sha512 => hex(&Sha512::digest(data)),
            Hash::Sha512_256 => hex(&Sha512_256::digest(data)),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive_and_sess_is_a_suffix() {
        let md5 = Algorithm::from_name("md5").unwrap();
        assert!(!md5.is_session());
        let sess = Algorithm::from_name("SHA-512-256-sess").unwrap();
        assert!(sess.is_session());
        for unknown in ["", "SHA-1", "-sess", "MD5-SESS-SESS", "SHA-384", "MD4"] {
            assert_eq!(Algorithm::from_name(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn each_hash_matches_its_published_empty_input_digest() {
        let cases = [
            ("MD5", "d41d8cd98f00b204e9800998ecf8427e"),
            ("SHA", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            (
                "SHA-256",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                "SHA-512-256",
                "c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a",
            ),
        ];
        for (name, digest) in cases {
            assert_eq!(
                Algorithm::from_name(name).unwrap().hex(b""),
                digest,
                "{name}"
            );
        }
        let sha512 = Algorithm::from_name("SHA-512").unwrap().hex(b"");
        assert!(
            sha512.starts_with("cf83e1357eefb8bdf1542850d66d8007"),
            "{sha512}"
        );
        assert_eq!(sha512.len(), 128);
    }
}
