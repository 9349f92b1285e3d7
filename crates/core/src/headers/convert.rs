//! Turning user input into header names and values, with typed errors, and header
//! values back into text.

use std::borrow::Cow;

use bytes::Bytes;
use http::header::{
    AUTHORIZATION, COOKIE, HeaderName, HeaderValue, PROXY_AUTHORIZATION, SET_COOKIE,
};

use crate::{Error, ErrorKind};

/// The longest header name `http` accepts, in bytes.
const MAX_NAME_LEN: usize = (1 << 16) - 1;

/// How much of a header name an error message quotes, in characters.
const QUOTED_NAME_MAX: usize = 64;

/// Whether values of the header `name` are secrets: `authorization`,
/// `proxy-authorization`, `cookie` and `set-cookie`.
///
/// [`Headers`](super::Headers) shows such values as `[secure]` in `Debug` and marks
/// them [sensitive](HeaderValue::set_sensitive), so HTTP/2's HPACK never indexes them.
/// Use this to redact the same headers in logs.
///
/// ```
/// use http::header::{AUTHORIZATION, CONTENT_TYPE};
/// use xhttp_core::headers::is_sensitive;
///
/// assert!(is_sensitive(&AUTHORIZATION));
/// assert!(!is_sensitive(&CONTENT_TYPE));
/// ```
pub fn is_sensitive(name: &HeaderName) -> bool {
    name == AUTHORIZATION || name == PROXY_AUTHORIZATION || name == COOKIE || name == SET_COOKIE
}

/// A header value as text: as is when it is valid UTF-8, otherwise decoded as
/// latin-1 (ISO-8859-1), in which every byte is a character, so nothing is lost.
///
/// httpx picks one encoding for all of a message's headers (ASCII, else UTF-8, else
/// latin-1); xhttp decides per value, so one latin-1 value does not turn the UTF-8
/// values next to it into mojibake. A value that is valid UTF-8 is read as UTF-8
/// even if its sender meant latin-1.
///
/// ```
/// use http::HeaderValue;
/// use xhttp_core::headers::decode_value;
///
/// let latin1 = HeaderValue::from_bytes(b"caf\xe9").unwrap();
/// assert_eq!(decode_value(&latin1), "café");
/// let utf8 = HeaderValue::from_bytes("café".as_bytes()).unwrap();
/// assert_eq!(decode_value(&utf8), "café");
/// ```
pub fn decode_value(value: &HeaderValue) -> Cow<'_, str> {
    let bytes = value.as_bytes();
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(bytes.iter().copied().map(char::from).collect()),
    }
}

/// Something that can become a [`HeaderName`]: `&str`, `String`, `HeaderName`.
///
/// Names are case-insensitive and stored lower-case. A name must be an RFC 9110
/// token (letters, digits and ``!#$%&'*+-.^_`|~``) of at most 65 535 bytes; anything
/// else, CR, LF and NUL included, is an [`InvalidHeader`](ErrorKind::InvalidHeader)
/// error saying which byte is wrong and where.
pub trait TryIntoHeaderName {
    /// The header name, or an `InvalidHeader` error.
    fn try_into_header_name(self) -> Result<HeaderName, Error>;
}

/// Something that can become the [`HeaderValue`] of a header: `&str`, `String`,
/// bytes (`&[u8]`, `Vec<u8>`, `Bytes`, `&[u8; N]`) or a `HeaderValue`.
///
/// A value may hold any byte but the control characters: CR, LF, NUL and the others
/// below 0x20 except tab, and DEL. Those are an [`InvalidHeader`](ErrorKind::InvalidHeader)
/// error that names the header and the position of the byte, never the value.
///
/// Unlike httpx, which raises on a non-ASCII `str` value, a non-ASCII `&str` is
/// accepted and sent as its UTF-8 bytes.
pub trait TryIntoHeaderValue {
    /// The value of the header `name` (named only in error messages), or an
    /// `InvalidHeader` error.
    fn try_into_header_value(self, name: &HeaderName) -> Result<HeaderValue, Error>;
}

impl TryIntoHeaderName for HeaderName {
    fn try_into_header_name(self) -> Result<HeaderName, Error> {
        Ok(self)
    }
}

impl TryIntoHeaderName for &HeaderName {
    fn try_into_header_name(self) -> Result<HeaderName, Error> {
        Ok(self.clone())
    }
}

impl TryIntoHeaderName for &str {
    fn try_into_header_name(self) -> Result<HeaderName, Error> {
        parse_name(self.as_bytes())
    }
}

impl TryIntoHeaderName for &String {
    fn try_into_header_name(self) -> Result<HeaderName, Error> {
        parse_name(self.as_bytes())
    }
}

impl TryIntoHeaderName for String {
    fn try_into_header_name(self) -> Result<HeaderName, Error> {
        parse_name(self.as_bytes())
    }
}

impl TryIntoHeaderValue for HeaderValue {
    fn try_into_header_value(self, _name: &HeaderName) -> Result<HeaderValue, Error> {
        Ok(self)
    }
}

impl TryIntoHeaderValue for &HeaderValue {
    fn try_into_header_value(self, _name: &HeaderName) -> Result<HeaderValue, Error> {
        Ok(self.clone())
    }
}

impl TryIntoHeaderValue for &str {
    fn try_into_header_value(self, name: &HeaderName) -> Result<HeaderValue, Error> {
        self.as_bytes().try_into_header_value(name)
    }
}

impl TryIntoHeaderValue for &String {
    fn try_into_header_value(self, name: &HeaderName) -> Result<HeaderValue, Error> {
        self.as_bytes().try_into_header_value(name)
    }
}

impl TryIntoHeaderValue for String {
    fn try_into_header_value(self, name: &HeaderName) -> Result<HeaderValue, Error> {
        Bytes::from(self).try_into_header_value(name)
    }
}

impl TryIntoHeaderValue for &[u8] {
    fn try_into_header_value(self, name: &HeaderName) -> Result<HeaderValue, Error> {
        check_value(name, self)?;
        HeaderValue::from_bytes(self).map_err(|_| rejected_value(name))
    }
}

impl<const N: usize> TryIntoHeaderValue for &[u8; N] {
    fn try_into_header_value(self, name: &HeaderName) -> Result<HeaderValue, Error> {
        self.as_slice().try_into_header_value(name)
    }
}

impl TryIntoHeaderValue for Vec<u8> {
    fn try_into_header_value(self, name: &HeaderName) -> Result<HeaderValue, Error> {
        Bytes::from(self).try_into_header_value(name)
    }
}

impl TryIntoHeaderValue for Bytes {
    fn try_into_header_value(self, name: &HeaderName) -> Result<HeaderValue, Error> {
        check_value(name, &self)?;
        HeaderValue::from_maybe_shared(self).map_err(|_| rejected_value(name))
    }
}

/// A name and a value, validated, with the value marked sensitive when the name is.
pub(super) fn header_pair<K, V>(name: K, value: V) -> Result<(HeaderName, HeaderValue), Error>
where
    K: TryIntoHeaderName,
    V: TryIntoHeaderValue,
{
    let name = name.try_into_header_name()?;
    let mut value = value.try_into_header_value(&name)?;
    if is_sensitive(&name) {
        value.set_sensitive(true);
    }
    Ok((name, value))
}

/// An RFC 9110 `tchar`.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// A byte `http` accepts in a header value.
fn is_value_byte(byte: u8) -> bool {
    (byte >= 0x20 && byte != 0x7f) || byte == b'\t'
}

fn parse_name(bytes: &[u8]) -> Result<HeaderName, Error> {
    if bytes.is_empty() {
        return Err(invalid("header name is empty"));
    }
    if let Some(pos) = bytes.iter().position(|&byte| !is_token_byte(byte)) {
        let what = describe_byte(bytes, pos);
        // Quote only the part before the bad byte: all token characters, and not
        // whatever follows (say, the value of "Authorization: secret").
        let message = match bytes.get(..pos).and_then(|p| std::str::from_utf8(p).ok()) {
            Some(prefix) if !prefix.is_empty() => format!(
                "header name starting {:?} holds {what} at byte {pos}; \
                 a name must be an RFC 9110 token",
                quote_name(prefix)
            ),
            _ => {
                format!("header name holds {what} at byte {pos}; a name must be an RFC 9110 token")
            }
        };
        return Err(invalid(message));
    }
    if bytes.len() > MAX_NAME_LEN {
        return Err(invalid(format!(
            "header name is {} bytes long; at most {MAX_NAME_LEN} are allowed",
            bytes.len()
        )));
    }
    HeaderName::from_bytes(bytes).map_err(|_| {
        invalid(format!(
            "header name {:?} is not valid",
            quote_name(std::str::from_utf8(bytes).unwrap_or_default())
        ))
    })
}

fn check_value(name: &HeaderName, bytes: &[u8]) -> Result<(), Error> {
    match bytes.iter().position(|&byte| !is_value_byte(byte)) {
        None => Ok(()),
        Some(pos) => Err(invalid(format!(
            "value of header {:?} holds {} at byte {pos}; \
             control characters other than tab are not allowed in a value",
            quote_name(name.as_str()),
            describe_byte(bytes, pos)
        ))),
    }
}

/// `http` refused a value this module found valid: should not happen, but is an
/// error rather than a panic.
fn rejected_value(name: &HeaderName) -> Error {
    invalid(format!(
        "value of header {:?} is not valid",
        quote_name(name.as_str())
    ))
}

fn invalid(message: impl Into<Cow<'static, str>>) -> Error {
    Error::new(ErrorKind::InvalidHeader).with_message(message)
}

/// At most [`QUOTED_NAME_MAX`] characters of a name, for a message.
fn quote_name(name: &str) -> Cow<'_, str> {
    match name.char_indices().nth(QUOTED_NAME_MAX) {
        None => Cow::Borrowed(name),
        Some((end, _)) => Cow::Owned(format!("{}...", &name[..end])),
    }
}

/// Names the byte at `pos` of `bytes` for an error message, without quoting anything
/// else of the input.
fn describe_byte(bytes: &[u8], pos: usize) -> String {
    let Some(&byte) = bytes.get(pos) else {
        return "the end".to_owned();
    };
    match byte {
        b'\r' => "a carriage return (CR)".to_owned(),
        b'\n' => "a line feed (LF)".to_owned(),
        0 => "a NUL byte".to_owned(),
        b' ' => "a space".to_owned(),
        0x01..=0x1f | 0x7f => format!("the control character 0x{byte:02X}"),
        0x21..=0x7e => format!("the character {:?}", char::from(byte)),
        _ => format!("the non-ASCII byte 0x{byte:02X}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> HeaderName {
        HeaderName::from_bytes(s.as_bytes()).expect("a valid name")
    }

    fn name_error(input: &str) -> String {
        let error = input
            .try_into_header_name()
            .expect_err("an invalid header name");
        assert_eq!(error.kind(), ErrorKind::InvalidHeader);
        error.to_string()
    }

    fn value_error(value: &[u8]) -> String {
        let error = value
            .try_into_header_value(&name("x-test"))
            .expect_err("an invalid header value");
        assert_eq!(error.kind(), ErrorKind::InvalidHeader);
        error.to_string()
    }

    #[test]
    fn names_are_lower_cased() {
        let parsed = "Content-Type".try_into_header_name().expect("valid");
        assert_eq!(parsed, http::header::CONTENT_TYPE);
        let parsed = String::from("X-Custom")
            .try_into_header_name()
            .expect("valid");
        assert_eq!(parsed.as_str(), "x-custom");
    }

    #[test]
    fn cr_lf_nul_in_names_are_typed_errors_naming_the_byte() {
        let message = name_error("x-foo\r\nx-evil");
        assert!(
            message.contains("carriage return (CR) at byte 5"),
            "{message}"
        );
        assert!(message.contains("\"x-foo\""), "{message}");
        assert!(!message.contains("evil"), "{message}");
        let message = name_error("x-foo\nbar");
        assert!(message.contains("line feed (LF) at byte 5"), "{message}");
        let message = name_error("x\0");
        assert!(message.contains("NUL byte at byte 1"), "{message}");
        let message = name_error("\nx");
        assert!(message.contains("line feed (LF) at byte 0"), "{message}");
    }

    #[test]
    fn other_non_token_names_are_typed_errors() {
        let message = name_error("x foo");
        assert!(message.contains("a space at byte 1"), "{message}");
        let message = name_error("x(y)");
        assert!(message.contains("the character '(' at byte 1"), "{message}");
        let message = name_error("café");
        assert!(
            message.contains("non-ASCII byte 0xC3 at byte 3"),
            "{message}"
        );
        let message = name_error("");
        assert!(message.contains("empty"), "{message}");
        let message = name_error(&"a".repeat(MAX_NAME_LEN + 1));
        assert!(message.contains("65536 bytes long"), "{message}");
        assert!("a".repeat(MAX_NAME_LEN).try_into_header_name().is_ok());
    }

    #[test]
    fn a_name_error_does_not_quote_what_follows_the_bad_byte() {
        let message = name_error("Authorization: Bearer hunter2");
        assert!(message.contains("':' at byte 13"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn long_names_are_quoted_shortened() {
        let long = format!("{}\n", "a".repeat(1000));
        let message = name_error(&long);
        assert!(message.len() < 300, "{message}");
        assert!(message.contains("..."), "{message}");
    }

    #[test]
    fn cr_lf_nul_in_values_are_typed_errors_without_the_value() {
        for (value, what) in [
            (
                &b"secret\r\nx-evil: 1"[..],
                "carriage return (CR) at byte 6",
            ),
            (b"secret\nmore", "line feed (LF) at byte 6"),
            (b"secret\0", "NUL byte at byte 6"),
            (b"secret\x01", "control character 0x01 at byte 6"),
            (b"secret\x7f", "control character 0x7F at byte 6"),
        ] {
            let message = value_error(value);
            assert!(message.contains(what), "{message}");
            assert!(message.contains("\"x-test\""), "{message}");
            assert!(!message.contains("secret"), "{message}");
        }
    }

    #[test]
    fn every_kind_of_value_is_checked() {
        let n = name("x-test");
        assert!("a\r\n".try_into_header_value(&n).is_err());
        assert!(String::from("a\r\n").try_into_header_value(&n).is_err());
        assert!((&String::from("a\n")).try_into_header_value(&n).is_err());
        assert!(b"a\n".try_into_header_value(&n).is_err());
        assert!(b"a\n".to_vec().try_into_header_value(&n).is_err());
        assert!(
            Bytes::from_static(b"a\0")
                .try_into_header_value(&n)
                .is_err()
        );
    }

    #[test]
    fn tab_obs_text_and_non_ascii_text_are_accepted() {
        let n = name("x-test");
        let value = "a\tb".try_into_header_value(&n).expect("tab is allowed");
        assert_eq!(value.as_bytes(), b"a\tb");
        let value = "café ☕"
            .try_into_header_value(&n)
            .expect("UTF-8 is accepted");
        assert_eq!(value.as_bytes(), "café ☕".as_bytes());
        let value = b"caf\xe9".try_into_header_value(&n).expect("latin-1 bytes");
        assert_eq!(value.as_bytes(), b"caf\xe9");
        let value = "".try_into_header_value(&n).expect("empty is allowed");
        assert!(value.is_empty());
    }

    #[test]
    fn values_decode_as_utf8_else_latin1() {
        let latin1 = HeaderValue::from_bytes(b"caf\xe9").expect("obs-text");
        assert_eq!(decode_value(&latin1), "café");
        let utf8 = HeaderValue::from_bytes("café".as_bytes()).expect("obs-text");
        assert!(matches!(decode_value(&utf8), Cow::Borrowed("café")));
        let high = HeaderValue::from_bytes(b"\xff\x80").expect("obs-text");
        assert_eq!(decode_value(&high), "\u{ff}\u{80}");
    }

    #[test]
    fn sensitive_names() {
        for sensitive in [
            "authorization",
            "proxy-authorization",
            "cookie",
            "set-cookie",
        ] {
            assert!(is_sensitive(&name(sensitive)), "{sensitive}");
        }
        for plain in [
            "content-type",
            "x-authorization",
            "cookie2",
            "www-authenticate",
        ] {
            assert!(!is_sensitive(&name(plain)), "{plain}");
        }
    }

    #[test]
    fn pairs_of_sensitive_headers_are_marked_sensitive() {
        let (_, value) = header_pair("Authorization", "Bearer x").expect("valid");
        assert!(value.is_sensitive());
        let (_, value) = header_pair("Accept", "*/*").expect("valid");
        assert!(!value.is_sensitive());
    }
}
