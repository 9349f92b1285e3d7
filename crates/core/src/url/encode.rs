//! Percent-encoding of URL components, following the WHATWG encode sets as httpx does.
//!
//! `%` is never in an encode set: an existing `%XX` escape is kept as it is (no double
//! encoding) and an invalid one such as `%zz` is left alone, as in httpx and WHATWG.
//! Every byte above `0x7E` is encoded, so an encoded component is always ASCII.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// WHATWG fragment percent-encode set.
pub(super) const FRAGMENT: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`');

/// WHATWG query percent-encode set.
pub(super) const QUERY: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'<').add(b'>');

/// WHATWG path percent-encode set (the query set plus `?`, `` ` ``, `{` and `}`).
pub(super) const PATH: &AsciiSet = &QUERY.add(b'?').add(b'`').add(b'{').add(b'}');

/// WHATWG userinfo percent-encode set.
pub(super) const USERINFO: &AsciiSet = &PATH
    .add(b'/')
    .add(b':')
    .add(b';')
    .add(b'=')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'|');

/// Percent-encodes `input` with `set`, keeping existing escapes.
pub(super) fn encode<'a>(input: &'a str, set: &'static AsciiSet) -> Cow<'a, str> {
    utf8_percent_encode(input, set).into()
}

/// Percent-decodes `input`; bytes that are not UTF-8 become U+FFFD.
pub(super) fn decode(input: &str) -> Cow<'_, str> {
    percent_decode_str(input).decode_utf8_lossy()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_valid_and_invalid_escapes() {
        assert_eq!(encode("/a%20b", PATH), "/a%20b");
        assert_eq!(encode("/a%zzb", PATH), "/a%zzb");
        assert_eq!(encode("/a b", PATH), "/a%20b");
        assert_eq!(encode("100%", QUERY), "100%");
    }

    #[test]
    fn encodes_non_ascii_and_set_members() {
        assert_eq!(encode("/ä", PATH), "/%C3%A4");
        assert_eq!(encode("a?b#c{d}", PATH), "a%3Fb%23c%7Bd%7D");
        assert_eq!(encode("a?b#c{d}", QUERY), "a?b%23c{d}");
        assert_eq!(encode("a#b`c", FRAGMENT), "a#b%60c");
        assert_eq!(encode("us:er@x/y", USERINFO), "us%3Aer%40x%2Fy");
    }

    #[test]
    fn decodes_lossily() {
        assert_eq!(decode("a%20b"), "a b");
        assert_eq!(decode("%zz"), "%zz");
        assert_eq!(decode("%FF"), "\u{FFFD}");
    }
}
