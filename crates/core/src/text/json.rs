//! The text of a JSON body, its encoding detected from its bytes.

use std::borrow::Cow;

use crate::{Error, ErrorKind};

/// The Unicode encoding of a JSON text (RFC 8259 §8.1, RFC 4627 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonEncoding {
    /// UTF-8.
    Utf8,
    /// UTF-16, little-endian.
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
    /// UTF-32, little-endian.
    Utf32Le,
    /// UTF-32, big-endian.
    Utf32Be,
}

impl JsonEncoding {
    fn name(self) -> &'static str {
        match self {
            JsonEncoding::Utf8 => "UTF-8",
            JsonEncoding::Utf16Le => "UTF-16LE",
            JsonEncoding::Utf16Be => "UTF-16BE",
            JsonEncoding::Utf32Le => "UTF-32LE",
            JsonEncoding::Utf32Be => "UTF-32BE",
        }
    }
}

/// The encoding of a JSON body and the length of its byte order mark (0 if none), by
/// the rules of Python's `json.detect_encoding`, which httpx's `Response.json()` uses:
///
/// 1. a BOM: UTF-32 (`00 00 FE FF`, `FF FE 00 00`, tested first), UTF-16 (`FE FF`,
///    `FF FE`), UTF-8 (`EF BB BF`);
/// 2. else the zero bytes among the first four (a JSON text starts with ASCII):
///    `00 00 ..` → UTF-32BE, `00 xx ..` → UTF-16BE, `xx 00 00 00` → UTF-32LE,
///    `xx 00 ..` → UTF-16LE; with exactly two bytes, `00 xx` → UTF-16BE and
///    `xx 00` → UTF-16LE;
/// 3. else UTF-8.
///
/// ```
/// use xhttp_core::text::{detect_json_encoding, JsonEncoding};
///
/// assert_eq!(detect_json_encoding(b"{\0\0\0}\0\0\0"), (JsonEncoding::Utf32Le, 0));
/// assert_eq!(detect_json_encoding(b"\xfe\xff\0["), (JsonEncoding::Utf16Be, 2));
/// assert_eq!(detect_json_encoding(b"[1]"), (JsonEncoding::Utf8, 0));
/// ```
pub fn detect_json_encoding(bytes: &[u8]) -> (JsonEncoding, usize) {
    const BOMS: [(&[u8], JsonEncoding); 5] = [
        (b"\x00\x00\xfe\xff", JsonEncoding::Utf32Be),
        (b"\xff\xfe\x00\x00", JsonEncoding::Utf32Le),
        (b"\xfe\xff", JsonEncoding::Utf16Be),
        (b"\xff\xfe", JsonEncoding::Utf16Le),
        (b"\xef\xbb\xbf", JsonEncoding::Utf8),
    ];
    for (bom, encoding) in BOMS {
        if bytes.starts_with(bom) {
            return (encoding, bom.len());
        }
    }
    let encoding = match *bytes {
        [0, 0, _, _, ..] => JsonEncoding::Utf32Be,
        [0, _, _, _, ..] => JsonEncoding::Utf16Be,
        [_, 0, 0, 0, ..] => JsonEncoding::Utf32Le,
        [_, 0, _, _, ..] => JsonEncoding::Utf16Le,
        [0, _] => JsonEncoding::Utf16Be,
        [_, 0] => JsonEncoding::Utf16Le,
        _ => JsonEncoding::Utf8,
    };
    (encoding, 0)
}

/// The text of a JSON body, ready for a JSON parser: httpx's `Response.json()` before
/// parsing.
///
/// The encoding is detected from the bytes by [`detect_json_encoding`]; the
/// `Content-Type` charset is ignored, as in httpx. A BOM is removed. UTF-8 without
/// a BOM is borrowed, not copied.
///
/// Decoding is strict: malformed bytes, an unpaired surrogate (which Python's
/// `surrogatepass` would let through to the parser), a truncated code unit or a UTF-32
/// value that is not a Unicode scalar value is an [`ErrorKind::Decoding`] error.
/// Whether the text is valid JSON is the parser's business (`00 00 00 00` decodes to
/// `"\0"`, which no parser accepts).
///
/// ```
/// use xhttp_core::text::json_text;
///
/// let utf16 = b"\xff\xfe{\0}\0";
/// assert_eq!(json_text(utf16).unwrap(), "{}");
/// assert!(json_text(b"[\"\xff\"]").unwrap_err().is_decode());
/// ```
pub fn json_text(bytes: &[u8]) -> Result<Cow<'_, str>, Error> {
    let (encoding, bom) = detect_json_encoding(bytes);
    let body = &bytes[bom..];
    let text = match encoding {
        JsonEncoding::Utf8 => std::str::from_utf8(body).map(Cow::Borrowed).ok(),
        JsonEncoding::Utf16Le => decode_utf16(body, encoding_rs::UTF_16LE).map(Cow::Owned),
        JsonEncoding::Utf16Be => decode_utf16(body, encoding_rs::UTF_16BE).map(Cow::Owned),
        JsonEncoding::Utf32Le => decode_utf32(body, u32::from_le_bytes).map(Cow::Owned),
        JsonEncoding::Utf32Be => decode_utf32(body, u32::from_be_bytes).map(Cow::Owned),
    };
    text.ok_or_else(|| {
        Error::new(ErrorKind::Decoding).with_message(format!(
            "the JSON body is not valid {} (detected from its first bytes)",
            encoding.name()
        ))
    })
}

fn decode_utf16(body: &[u8], encoding: &'static encoding_rs::Encoding) -> Option<String> {
    encoding
        .decode_without_bom_handling_and_without_replacement(body)
        .map(Cow::into_owned)
}

fn decode_utf32(body: &[u8], from_bytes: fn([u8; 4]) -> u32) -> Option<String> {
    let units = body.chunks_exact(4);
    if !units.remainder().is_empty() {
        return None;
    }
    units
        .map(|unit| {
            let unit: [u8; 4] = unit.try_into().ok()?;
            char::from_u32(from_bytes(unit))
        })
        .collect::<Option<String>>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const JSON: &str = r#"{"name": "Zoë", "emoji": "😀", "n": [1, 2]}"#;

    fn utf16le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn utf16be(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_be_bytes).collect()
    }

    fn utf32le(text: &str) -> Vec<u8> {
        text.chars()
            .flat_map(|c| u32::from(c).to_le_bytes())
            .collect()
    }

    fn utf32be(text: &str) -> Vec<u8> {
        text.chars()
            .flat_map(|c| u32::from(c).to_be_bytes())
            .collect()
    }

    fn with_bom(bom: &[u8], body: Vec<u8>) -> Vec<u8> {
        [bom.to_vec(), body].concat()
    }

    #[test]
    fn utf8_is_borrowed() {
        let text = json_text(JSON.as_bytes()).unwrap();
        assert!(matches!(text, Cow::Borrowed(_)));
        assert_eq!(text, JSON);
    }

    #[test]
    fn utf8_with_bom() {
        let bytes = with_bom(b"\xef\xbb\xbf", JSON.as_bytes().to_vec());
        assert_eq!(detect_json_encoding(&bytes), (JsonEncoding::Utf8, 3));
        assert_eq!(json_text(&bytes).unwrap(), JSON);
    }

    #[test]
    fn utf16_with_bom() {
        let le = with_bom(b"\xff\xfe", utf16le(JSON));
        assert_eq!(detect_json_encoding(&le), (JsonEncoding::Utf16Le, 2));
        assert_eq!(json_text(&le).unwrap(), JSON);
        let be = with_bom(b"\xfe\xff", utf16be(JSON));
        assert_eq!(detect_json_encoding(&be), (JsonEncoding::Utf16Be, 2));
        assert_eq!(json_text(&be).unwrap(), JSON);
    }

    #[test]
    fn utf16_without_bom() {
        assert_eq!(json_text(&utf16le(JSON)).unwrap(), JSON);
        assert_eq!(json_text(&utf16be(JSON)).unwrap(), JSON);
        // Two-byte bodies.
        assert_eq!(json_text(b"1\0").unwrap(), "1");
        assert_eq!(json_text(b"\x001").unwrap(), "1");
    }

    #[test]
    fn utf32_without_bom() {
        assert_eq!(
            detect_json_encoding(&utf32le(JSON)),
            (JsonEncoding::Utf32Le, 0)
        );
        assert_eq!(json_text(&utf32le(JSON)).unwrap(), JSON);
        assert_eq!(
            detect_json_encoding(&utf32be(JSON)),
            (JsonEncoding::Utf32Be, 0)
        );
        assert_eq!(json_text(&utf32be(JSON)).unwrap(), JSON);
        assert_eq!(json_text(&utf32le("1")).unwrap(), "1");
    }

    #[test]
    fn utf32_with_bom() {
        let le = with_bom(b"\xff\xfe\0\0", utf32le(JSON));
        assert_eq!(detect_json_encoding(&le), (JsonEncoding::Utf32Le, 4));
        assert_eq!(json_text(&le).unwrap(), JSON);
        let be = with_bom(b"\0\0\xfe\xff", utf32be(JSON));
        assert_eq!(detect_json_encoding(&be), (JsonEncoding::Utf32Be, 4));
        assert_eq!(json_text(&be).unwrap(), JSON);
    }

    #[test]
    fn charset_is_irrelevant_and_short_bodies_are_utf8() {
        assert_eq!(json_text(b"").unwrap(), "");
        assert_eq!(json_text(b"1").unwrap(), "1");
        assert_eq!(json_text(b"123").unwrap(), "123");
        assert_eq!(detect_json_encoding(b"\0"), (JsonEncoding::Utf8, 0));
        assert_eq!(detect_json_encoding(b"a\0b"), (JsonEncoding::Utf8, 0));
        assert_eq!(json_text(b"\0\0\0\0").unwrap(), "\0");
    }

    #[test]
    fn malformed_bodies_are_decoding_errors() {
        for bytes in [
            &b"[\"\xff\"]"[..],
            b"\xff\xfe[\0\0\xd8", // UTF-16LE lone high surrogate
            b"\xff\xfe[\0]",      // odd length
            b"[\0\0\0\0\xd8\0\0", // UTF-32LE surrogate
            b"[\0\0\0\0\0\x11\0", // UTF-32LE above U+10FFFF
            b"\0\0\0[\0\0",       // truncated UTF-32BE
        ] {
            let error = json_text(bytes).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Decoding, "{bytes:?}");
            assert!(error.message().unwrap_or("").contains("JSON"));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn never_panics(bytes in prop::collection::vec(any::<u8>(), 0..65536)) {
            let _ = json_text(&bytes);
        }

        #[test]
        fn round_trips_json_like_text(text in "[\\[{\"0-9a-z]\\PC{0,30}") {
            prop_assert_eq!(json_text(text.as_bytes()).unwrap(), text.as_str());
            let bytes = utf16le(&text);
            prop_assert_eq!(json_text(&bytes).unwrap(), text.as_str());
            let bytes = utf16be(&text);
            prop_assert_eq!(json_text(&bytes).unwrap(), text.as_str());
            let bytes = utf32le(&text);
            prop_assert_eq!(json_text(&bytes).unwrap(), text.as_str());
            let bytes = utf32be(&text);
            prop_assert_eq!(json_text(&bytes).unwrap(), text.as_str());
        }
    }
}
