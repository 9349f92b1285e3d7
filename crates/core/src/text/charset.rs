//! The `charset` parameter of a `Content-Type` value, and charset labels.

use encoding_rs::Encoding;

/// The encoding named by the `charset` parameter of a `Content-Type` value.
///
/// Parsing is lenient, like the e-mail header parser httpx relies on: the first
/// `;`-separated segment (the media type) is skipped, parameter names are
/// case-insensitive, whitespace around names, `=` and values is ignored, a value may be
/// a quoted string (with `\` escapes, and `;` allowed inside the quotes), and the first
/// `charset` parameter wins. The label is looked up by [`encoding_for_label`].
///
/// Returns `None` when there is no `charset` parameter or its label is not known, so
/// that the caller falls back to its default encoding (httpx: `charset=invalid` →
/// the default).
///
/// ```
/// use xhttp_core::text::charset_from_content_type;
///
/// let latin1 = charset_from_content_type(r#"text/html; charset="ISO-8859-1""#);
/// assert_eq!(latin1, Some(encoding_rs::WINDOWS_1252));
/// assert_eq!(charset_from_content_type("text/plain; CHARSET = Shift_JIS"), Some(encoding_rs::SHIFT_JIS));
/// assert_eq!(charset_from_content_type("text/plain; charset=invalid"), None);
/// assert_eq!(charset_from_content_type("application/json"), None);
/// ```
pub fn charset_from_content_type(value: &str) -> Option<&'static Encoding> {
    charset_from_content_type_bytes(value.as_bytes())
}

/// [`charset_from_content_type`] for a raw header value, which need not be UTF-8.
///
/// ```
/// use http::HeaderValue;
/// use xhttp_core::text::charset_from_content_type_bytes;
///
/// let value = HeaderValue::from_static("text/plain;charset=utf-8");
/// assert_eq!(charset_from_content_type_bytes(value.as_bytes()), Some(encoding_rs::UTF_8));
/// ```
pub fn charset_from_content_type_bytes(value: &[u8]) -> Option<&'static Encoding> {
    crate::headers::params::first_param(value, "charset")
        .and_then(|label| encoding_for_label(&label))
}

/// The encoding a charset label names, or `None` when it is unknown.
///
/// Labels are those of the WHATWG Encoding Standard (case-insensitive, surrounding
/// whitespace ignored), plus a few spellings Python's codec registry accepts and the
/// standard does not: `_` for `-` (`utf_8`, `shift-jis`), `latin-1`, `u8`, `cp932`,
/// `cp936`, `cp949`, `utf-16-le`/`utf-16-be`.
///
/// Differences from httpx, which asks Python's `codecs.lookup`:
/// * `iso-8859-1`, `latin1` and `ascii` mean windows-1252, as in browsers (Python
///   decodes bytes 0x80–0x9F to C1 controls instead).
/// * Labels the standard maps to its *replacement* encoding (`iso-2022-kr`,
///   `hz-gb-2312`...) and encodings encoding_rs lacks (`utf-32`, `cp437`...) are
///   unknown here, so the default applies.
pub fn encoding_for_label(label: &[u8]) -> Option<&'static Encoding> {
    let label = label.trim_ascii();
    if let Some(encoding) = Encoding::for_label_no_replacement(label) {
        return Some(encoding);
    }
    if label.len() > 64 {
        return None;
    }
    let lower = label.to_ascii_lowercase();
    let python_alias: Option<&[u8]> = match lower.as_slice() {
        b"latin-1" | b"latin_1" | b"iso8859_1" | b"iso_8859_1" => Some(b"windows-1252"),
        b"u8" | b"utf" | b"cp65001" | b"utf8_ucs2" | b"utf8_ucs4" => Some(b"utf-8"),
        b"cp932" | b"shift-jis" | b"sjis_2004" => Some(b"shift_jis"),
        b"cp936" => Some(b"gbk"),
        b"cp949" | b"uhc" => Some(b"euc-kr"),
        b"utf-16-le" | b"utf_16_le" | b"utf16le" => Some(b"utf-16le"),
        b"utf-16-be" | b"utf_16_be" | b"utf16be" => Some(b"utf-16be"),
        _ => None,
    };
    if let Some(alias) = python_alias {
        return Encoding::for_label_no_replacement(alias);
    }
    let swapped: Vec<u8> = lower
        .iter()
        .map(|&b| match b {
            b'_' => b'-',
            b'-' => b'_',
            other => other,
        })
        .collect();
    Encoding::for_label_no_replacement(&swapped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{EUC_JP, GBK, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
    use proptest::prelude::*;

    fn ct(value: &str) -> Option<&'static Encoding> {
        charset_from_content_type(value)
    }

    #[test]
    fn plain_charset() {
        assert_eq!(ct("text/plain; charset=utf-8"), Some(UTF_8));
        assert_eq!(ct("text/plain;charset=UTF-8"), Some(UTF_8));
        assert_eq!(ct("text/html; charset=euc-jp"), Some(EUC_JP));
    }

    #[test]
    fn name_is_case_insensitive_and_whitespace_ignored() {
        assert_eq!(ct("text/plain; CharSet=utf-8"), Some(UTF_8));
        assert_eq!(ct("text/plain ;  charset =  shift_jis  "), Some(SHIFT_JIS));
        assert_eq!(ct("text/plain;\tcharset=\tgbk\t"), Some(GBK));
    }

    #[test]
    fn quoted_value() {
        assert_eq!(
            ct(r#"text/plain; charset="ISO-8859-1""#),
            Some(WINDOWS_1252)
        );
        assert_eq!(ct(r#"text/plain; charset="latin1""#), Some(WINDOWS_1252));
        assert_eq!(ct(r#"text/plain; charset=" utf-8 " ; q=1"#), Some(UTF_8));
        assert_eq!(ct(r#"text/plain; charset="utf\-8""#), Some(UTF_8));
    }

    #[test]
    fn other_params_before_and_after() {
        assert_eq!(
            ct(r#"multipart/mixed; boundary="a;charset=gbk"; charset=utf-8"#),
            Some(UTF_8)
        );
        assert_eq!(ct("text/plain; format=flowed; charset=gbk; q=2"), Some(GBK));
        assert_eq!(ct("text/plain; bare; charset=gbk"), Some(GBK));
        assert_eq!(ct(r#"text/plain; a="x\"y"; charset=gbk"#), Some(GBK));
    }

    #[test]
    fn first_charset_wins() {
        assert_eq!(ct("text/plain; charset=gbk; charset=utf-8"), Some(GBK));
        // An unknown first charset is not replaced by a later one.
        assert_eq!(ct("text/plain; charset=nope; charset=utf-8"), None);
    }

    #[test]
    fn unknown_or_missing_charset_falls_back() {
        assert_eq!(ct("text/plain; charset=invalid"), None);
        assert_eq!(ct("text/plain; charset=invalid-codec-name"), None);
        assert_eq!(ct("text/plain; charset="), None);
        assert_eq!(ct(r#"text/plain; charset="""#), None);
        assert_eq!(ct("text/plain"), None);
        assert_eq!(ct(""), None);
        assert_eq!(ct("text/plain; charset"), None);
        // Without a media type, the parameter is the media type (as in Python).
        assert_eq!(ct("charset=utf-8"), None);
        assert_eq!(ct(r#"text/plain; charset="utf-8"#), Some(UTF_8));
    }

    #[test]
    fn replacement_encoding_is_unknown() {
        assert_eq!(ct("text/plain; charset=iso-2022-kr"), None);
        assert_eq!(encoding_for_label(b"hz-gb-2312"), None);
    }

    #[test]
    fn python_spellings() {
        assert_eq!(encoding_for_label(b"utf_8"), Some(UTF_8));
        assert_eq!(encoding_for_label(b"UTF8"), Some(UTF_8));
        assert_eq!(encoding_for_label(b"u8"), Some(UTF_8));
        assert_eq!(encoding_for_label(b"Latin-1"), Some(WINDOWS_1252));
        assert_eq!(encoding_for_label(b"shift-jis"), Some(SHIFT_JIS));
        assert_eq!(encoding_for_label(b"cp932"), Some(SHIFT_JIS));
        assert_eq!(encoding_for_label(b"utf-16-le"), Some(UTF_16LE));
        assert_eq!(encoding_for_label(b"utf_16_be"), Some(UTF_16BE));
        assert_eq!(encoding_for_label(b"utf-16"), Some(UTF_16LE));
        assert_eq!(encoding_for_label(b"utf-32"), None);
        assert_eq!(encoding_for_label(b""), None);
    }

    #[test]
    fn non_utf8_header_bytes() {
        assert_eq!(
            charset_from_content_type_bytes(b"text/plain; x=\xff\xfe; charset=gbk"),
            Some(GBK)
        );
        assert_eq!(
            charset_from_content_type_bytes(b"text/plain; charset=\xff"),
            None
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..65536)) {
            let _ = charset_from_content_type_bytes(&bytes);
            let _ = encoding_for_label(&bytes);
        }

        #[test]
        fn never_panics_on_header_like_input(value in r#"[a-z/]{0,10}(;[ \t]*[a-zA-Z"=\\; -]{0,20}){0,5}"#) {
            let _ = charset_from_content_type(&value);
        }
    }
}
