//! Multipart boundaries: random ones, caller-given ones (checked), and the one named
//! by a caller's `Content-Type` header (checked the same way).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::{Error, ErrorKind};

/// A fresh boundary: 32 lower-case hex digits (128 bits), as httpx's
/// `os.urandom(16).hex()`.
///
/// Not cryptographic, and it need not be: a boundary must only not occur in the
/// data. The bits come from SipHash, keyed by the standard library's per-process
/// random keys (`RandomState`), over the time, a process-wide counter and a stack
/// address: no two boundaries of a process repeat, and they differ between processes.
pub fn random_boundary() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let marker = 0u8;
    let address = std::ptr::addr_of!(marker) as usize;
    let keys = RandomState::new();
    let mut out = String::with_capacity(32);
    for half in 0u8..2 {
        let bits = keys.hash_one((half, count, nanos, address));
        out.push_str(&format!("{bits:016x}"));
    }
    out
}

/// Checks a caller-given boundary against RFC 2046: 1 to 70 characters among
/// letters, digits and `'()+_,-./:=?` and space, not ending with a space.
pub(crate) fn check_boundary(boundary: &str) -> Result<(), Error> {
    let valid_char = |c: char| c.is_ascii_alphanumeric() || "'()+_,-./:=? ".contains(c);
    if boundary.is_empty()
        || boundary.len() > 70
        || boundary.ends_with(' ')
        || !boundary.chars().all(valid_char)
    {
        return Err(Error::new(ErrorKind::InvalidBody).with_message(
            "a multipart boundary must be 1 to 70 characters among letters, digits, \
             '()+_,-./:=? and space, not ending with a space",
        ));
    }
    Ok(())
}

/// What a caller's `Content-Type` says about a multipart body.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Declared {
    /// `multipart/...; boundary=X`: the body must use X.
    Boundary(String),
    /// A multipart type without a boundary: one must be added.
    MultipartWithout,
    /// A multipart type whose boundary parameter is empty (`boundary=""`): an error.
    EmptyBoundary,
    /// Some other media type: kept as the caller wrote it.
    Other,
}

/// Reads a `Content-Type` value the way httpx does, more leniently: the media type is
/// compared case-insensitively and any `multipart/` subtype counts; the `boundary`
/// parameter is read as `charset` is (see `headers::params`): name case-insensitive,
/// in any position, quotes stripped, a trailing `;` tolerated; an empty boundary
/// (`boundary=""`) is told apart, to be refused.
///
/// The value is read as bytes: other parameters need not be UTF-8 (`x="\xe9"` leaves
/// the boundary as it is). A boundary that is not UTF-8 is kept (lossily) for
/// [`check_boundary`] to refuse: it cannot be an RFC 2046 boundary.
pub(crate) fn declared(content_type: &[u8]) -> Declared {
    let media = content_type
        .split(|&byte| byte == b';')
        .next()
        .unwrap_or_default()
        .trim_ascii();
    if !media
        .get(..10)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case(b"multipart/"))
    {
        return Declared::Other;
    }
    match crate::headers::params::first_param_or_empty(content_type, "boundary") {
        Some(value) if value.is_empty() => Declared::EmptyBoundary,
        Some(value) => Declared::Boundary(String::from_utf8_lossy(&value).into_owned()),
        None => Declared::MultipartWithout,
    }
}

/// The caller's multipart `Content-Type` with `; boundary=X` added (quoted when it
/// holds characters a token cannot). The caller's bytes are kept as they are, UTF-8 or
/// not.
pub(crate) fn with_boundary(content_type: &[u8], boundary: &str) -> Vec<u8> {
    let mut base = content_type.trim_ascii_end();
    while let [rest @ .., b';'] = base {
        base = rest.trim_ascii_end();
    }
    let token = boundary
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "'+_-.".contains(c));
    let mut value = base.to_vec();
    if token {
        value.extend_from_slice(format!("; boundary={boundary}").as_bytes());
    } else {
        value.extend_from_slice(format!("; boundary=\"{boundary}\"").as_bytes());
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_boundaries_are_32_lower_hex_and_differ() {
        let first = random_boundary();
        let second = random_boundary();
        assert_eq!(first.len(), 32);
        assert!(first.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
        assert_ne!(first, second);
        assert!(check_boundary(&first).is_ok());
    }

    #[test]
    fn caller_boundaries_follow_rfc_2046() {
        for good in [
            "a",
            "simple-boundary",
            "with space inside",
            &"x".repeat(70),
            "'()+_,-./:=?",
        ] {
            assert!(check_boundary(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "ends with space ",
            &"x".repeat(71),
            "semi;colon",
            "quote\"",
            "cr\r\n",
            "é",
        ] {
            let error = check_boundary(bad).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidBody, "{bad}");
        }
    }

    #[test]
    fn reads_the_boundary_like_httpx() {
        let read = |value: &str| declared(value.as_bytes());
        assert_eq!(
            read("multipart/form-data; boundary=abc"),
            Declared::Boundary("abc".into())
        );
        assert_eq!(
            read("multipart/form-data; BOUNDARY=\"abc\""),
            Declared::Boundary("abc".into())
        );
        assert_eq!(
            read("multipart/form-data; charset=utf-8; boundary=abc;"),
            Declared::Boundary("abc".into())
        );
        assert_eq!(
            read("Multipart/Form-Data;boundary=x y"),
            Declared::Boundary("x y".into())
        );
        assert_eq!(
            read("multipart/mixed; boundary=m"),
            Declared::Boundary("m".into())
        );
        assert_eq!(read("multipart/form-data"), Declared::MultipartWithout);
        assert_eq!(
            read("multipart/form-data; boundary="),
            Declared::EmptyBoundary
        );
        assert_eq!(
            read("multipart/form-data; boundary=\"\"; charset=utf-8"),
            Declared::EmptyBoundary
        );
        assert_eq!(
            read("multipart/form-data; charset=utf-8"),
            Declared::MultipartWithout
        );
        assert_eq!(read("text/plain; boundary=abc"), Declared::Other);
        assert_eq!(read("multi"), Declared::Other);
        // Not UTF-8: kept for `check_boundary` to refuse, never replaced silently.
        let not_utf8 = declared(b"multipart/form-data; boundary=\xff");
        assert_eq!(not_utf8, Declared::Boundary("\u{fffd}".into()));
        assert!(check_boundary("\u{fffd}").is_err());
    }

    #[test]
    fn other_parameters_need_not_be_utf8() {
        assert_eq!(
            declared(b"multipart/form-data; boundary=abc; x=\"\xe9\""),
            Declared::Boundary("abc".into())
        );
        assert_eq!(
            declared(b"multipart/form-data; x=\"\xe9\""),
            Declared::MultipartWithout
        );
        assert_eq!(declared(b"text/\xe9; boundary=abc"), Declared::Other);
        assert_eq!(
            with_boundary(b"multipart/form-data; x=\"\xe9\";", "b"),
            b"multipart/form-data; x=\"\xe9\"; boundary=b"
        );
    }

    #[test]
    fn adds_a_boundary_to_a_header_without_one() {
        assert_eq!(
            with_boundary(b"multipart/form-data", "abc"),
            b"multipart/form-data; boundary=abc"
        );
        assert_eq!(
            with_boundary(b"multipart/form-data; charset=utf-8; ", "a b"),
            b"multipart/form-data; charset=utf-8; boundary=\"a b\""
        );
    }
}
