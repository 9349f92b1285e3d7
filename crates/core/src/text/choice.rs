//! How a response's encoding is chosen.

use encoding_rs::Encoding;

use super::charset::charset_from_content_type_bytes;

/// What decodes a body whose `Content-Type` names no known charset.
///
/// The default is `Fixed(UTF_8)`, as in httpx.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultEncoding {
    /// Always this encoding (httpx: `default_encoding="..."`).
    Fixed(&'static Encoding),
    /// Guess from the body with chardetng (httpx: `default_encoding=callable`).
    ///
    /// On a body already read the guess sees the whole body. When streaming, a
    /// [`StreamingTextDecoder`](super::StreamingTextDecoder) first buffers a bounded
    /// prefix of the body and guesses from that.
    Autodetect,
}

impl Default for DefaultEncoding {
    fn default() -> DefaultEncoding {
        DefaultEncoding::Fixed(encoding_rs::UTF_8)
    }
}

impl DefaultEncoding {
    /// Whether choosing the encoding may need body bytes.
    pub fn needs_body(&self) -> bool {
        matches!(self, DefaultEncoding::Autodetect)
    }
}

/// Which rule chose an encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingSource {
    /// Set explicitly by the user.
    Override,
    /// The `charset` parameter of `Content-Type`.
    ContentType,
    /// The fixed [`DefaultEncoding`].
    Default,
    /// A byte order mark at the start of the body, found while autodetecting.
    Bom,
    /// Guessed from the body by chardetng.
    Detected,
}

/// An encoding and the rule that chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodingChoice {
    /// The encoding to decode with.
    pub encoding: &'static Encoding,
    /// Why it was chosen.
    pub source: EncodingSource,
}

/// The part of the body the encoding may be guessed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyPrefix<'a> {
    /// The first bytes of the body (possibly all of it).
    pub bytes: &'a [u8],
    /// Whether `bytes` is the whole body (`false`: more follows, so a character cut at
    /// the end is not an error).
    pub complete: bool,
}

impl<'a> BodyPrefix<'a> {
    /// The whole body.
    pub fn whole(bytes: &'a [u8]) -> BodyPrefix<'a> {
        BodyPrefix {
            bytes,
            complete: true,
        }
    }

    /// The first bytes of a body that goes on.
    pub fn partial(bytes: &'a [u8]) -> BodyPrefix<'a> {
        BodyPrefix {
            bytes,
            complete: false,
        }
    }
}

/// The encoding to decode a response body with, by httpx's priority:
///
/// 1. `explicit`, an encoding the user set;
/// 2. the `charset` of `content_type` (the raw `Content-Type` value), when known;
/// 3. `default`: a fixed encoding, or a guess from `body` (see [`detect_encoding`]).
///
/// `body` is only read by [`DefaultEncoding::Autodetect`]; pass
/// `BodyPrefix::whole(&[])` when there is none yet.
///
/// ```
/// use xhttp_core::text::{resolve_encoding, BodyPrefix, DefaultEncoding, EncodingSource};
///
/// let body = BodyPrefix::whole(b"hello");
/// let choice = resolve_encoding(None, Some(b"text/plain; charset=invalid"), DefaultEncoding::default(), body);
/// assert_eq!(choice.encoding, encoding_rs::UTF_8);
/// assert_eq!(choice.source, EncodingSource::Default);
///
/// let choice = resolve_encoding(None, Some(b"text/plain; charset=gbk"), DefaultEncoding::default(), body);
/// assert_eq!(choice.encoding, encoding_rs::GBK);
/// ```
pub fn resolve_encoding(
    explicit: Option<&'static Encoding>,
    content_type: Option<&[u8]>,
    default: DefaultEncoding,
    body: BodyPrefix<'_>,
) -> EncodingChoice {
    if let Some(encoding) = explicit {
        return EncodingChoice {
            encoding,
            source: EncodingSource::Override,
        };
    }
    if let Some(encoding) = content_type.and_then(charset_from_content_type_bytes) {
        return EncodingChoice {
            encoding,
            source: EncodingSource::ContentType,
        };
    }
    match default {
        DefaultEncoding::Fixed(encoding) => EncodingChoice {
            encoding,
            source: EncodingSource::Default,
        },
        DefaultEncoding::Autodetect => detect_encoding(body),
    }
}

/// Guesses the encoding of a body.
///
/// * A UTF-8 or UTF-16 BOM decides ([`EncodingSource::Bom`]).
/// * A prefix of ASCII bytes only (no ESC, which ISO-2022-JP uses) gives UTF-8: any
///   ASCII-compatible encoding reads it the same, and when streaming, UTF-8 is the
///   likeliest encoding of what follows. chardetng alone would say windows-1252.
/// * Otherwise chardetng guesses, allowing UTF-8 and with no top-level-domain hint.
///
/// ```
/// use xhttp_core::text::{detect_encoding, BodyPrefix};
///
/// let guess = detect_encoding(BodyPrefix::whole("こんにちは".as_bytes()));
/// assert_eq!(guess.encoding, encoding_rs::UTF_8);
/// ```
pub fn detect_encoding(body: BodyPrefix<'_>) -> EncodingChoice {
    if let Some((encoding, _)) = Encoding::for_bom(body.bytes) {
        return EncodingChoice {
            encoding,
            source: EncodingSource::Bom,
        };
    }
    let ascii = Encoding::ascii_valid_up_to(body.bytes) == body.bytes.len();
    let encoding = if ascii && !body.bytes.contains(&0x1b) {
        encoding_rs::UTF_8
    } else {
        let mut detector = chardetng::EncodingDetector::new();
        detector.feed(body.bytes, body.complete);
        detector.guess(None, true)
    };
    EncodingChoice {
        encoding,
        source: EncodingSource::Detected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{GBK, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
    use proptest::prelude::*;

    const SHIFT_JIS_TEXT: &str = "日本語のテキストです。文字コードを自動的に判定します。\
        これはシフトJISで符号化された文章で、ひらがなとカタカナと漢字を含みます。";
    const FRENCH_TEXT: &str = "Voilà l'été où la forêt était très belle, déjà à côté \
        du château. Ça coûte cher, mais c'est ça la vie française: naïve et sûre.";

    fn detect(bytes: &[u8]) -> EncodingChoice {
        detect_encoding(BodyPrefix::whole(bytes))
    }

    #[test]
    fn priority_override_first() {
        let choice = resolve_encoding(
            Some(SHIFT_JIS),
            Some(b"text/plain; charset=utf-8"),
            DefaultEncoding::Autodetect,
            BodyPrefix::whole(b"abc"),
        );
        assert_eq!(choice.encoding, SHIFT_JIS);
        assert_eq!(choice.source, EncodingSource::Override);
    }

    #[test]
    fn priority_content_type_second() {
        let (bytes, _, _) = SHIFT_JIS.encode(SHIFT_JIS_TEXT);
        let choice = resolve_encoding(
            None,
            Some(br#"text/html; charset="ISO-8859-1""#),
            DefaultEncoding::Autodetect,
            BodyPrefix::whole(&bytes),
        );
        assert_eq!(choice.encoding, WINDOWS_1252);
        assert_eq!(choice.source, EncodingSource::ContentType);
    }

    #[test]
    fn invalid_charset_falls_back_to_default() {
        for content_type in [
            Some(&b"text/plain; charset=invalid"[..]),
            Some(b"text/plain"),
            None,
        ] {
            let choice = resolve_encoding(
                None,
                content_type,
                DefaultEncoding::default(),
                BodyPrefix::whole(b"\xff"),
            );
            assert_eq!(choice.encoding, UTF_8);
            assert_eq!(choice.source, EncodingSource::Default);
            let choice = resolve_encoding(
                None,
                content_type,
                DefaultEncoding::Fixed(GBK),
                BodyPrefix::whole(b""),
            );
            assert_eq!(choice.encoding, GBK);
        }
    }

    #[test]
    fn chardetng_detects_shift_jis() {
        let (bytes, _, _) = SHIFT_JIS.encode(SHIFT_JIS_TEXT);
        let choice = resolve_encoding(
            None,
            Some(b"text/plain; charset=invalid"),
            DefaultEncoding::Autodetect,
            BodyPrefix::whole(&bytes),
        );
        assert_eq!(choice.encoding, SHIFT_JIS);
        assert_eq!(choice.source, EncodingSource::Detected);
    }

    #[test]
    fn chardetng_detects_windows_1252() {
        let (bytes, _, _) = WINDOWS_1252.encode(FRENCH_TEXT);
        assert_eq!(detect(&bytes).encoding, WINDOWS_1252);
        let choice = resolve_encoding(
            None,
            None,
            DefaultEncoding::Autodetect,
            BodyPrefix::whole(&bytes),
        );
        assert_eq!(choice.encoding, WINDOWS_1252);
    }

    #[test]
    fn detects_utf8_and_ascii() {
        assert_eq!(detect(FRENCH_TEXT.as_bytes()).encoding, UTF_8);
        assert_eq!(detect(SHIFT_JIS_TEXT.as_bytes()).encoding, UTF_8);
        assert_eq!(detect(b"plain ascii").encoding, UTF_8);
        assert_eq!(detect(b"").encoding, UTF_8);
    }

    #[test]
    fn partial_prefix_cut_inside_a_character() {
        let bytes = SHIFT_JIS_TEXT.as_bytes();
        // Cut one byte into a three-byte character: still UTF-8 when more follows.
        let cut = SHIFT_JIS_TEXT.char_indices().nth(20).map_or(0, |(i, _)| i) + 1;
        let choice = detect_encoding(BodyPrefix::partial(&bytes[..cut]));
        assert_eq!(choice.encoding, UTF_8);
    }

    #[test]
    fn bom_decides_autodetection() {
        assert_eq!(
            detect(b"\xff\xfea\0"),
            EncodingChoice {
                encoding: UTF_16LE,
                source: EncodingSource::Bom
            }
        );
        assert_eq!(detect(b"\xfe\xff\0a").encoding, UTF_16BE);
        assert_eq!(detect(b"\xef\xbb\xbf\xff").encoding, UTF_8);
    }

    #[test]
    fn default_is_utf8() {
        assert_eq!(DefaultEncoding::default(), DefaultEncoding::Fixed(UTF_8));
        assert!(!DefaultEncoding::default().needs_body());
        assert!(DefaultEncoding::Autodetect.needs_body());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..65536), complete: bool) {
            let body = BodyPrefix { bytes: &bytes, complete };
            let _ = resolve_encoding(None, Some(&bytes), DefaultEncoding::Autodetect, body);
        }
    }
}
