//! Decoding a streamed body whose encoding may have to be guessed from its start.

use encoding_rs::Encoding;

use super::charset::charset_from_content_type_bytes;
use super::choice::{
    BodyPrefix, DefaultEncoding, EncodingChoice, detect_encoding, resolve_encoding,
};
use super::decoder::TextDecoder;

/// How many bytes a [`StreamingTextDecoder`] buffers by default before guessing.
pub const DEFAULT_SNIFF_LIMIT: usize = 4096;

/// A [`TextDecoder`] for a streamed body that first chooses its encoding.
///
/// When the encoding is set explicitly, named by `Content-Type`, or a fixed default,
/// decoding starts with the first chunk. With [`DefaultEncoding::Autodetect`] the
/// decoder buffers the body until it holds `sniff_limit` bytes (default
/// [`DEFAULT_SNIFF_LIMIT`], 4 KiB) or the body ends, guesses from that prefix, then
/// decodes the buffer and everything after it.
///
/// This fixes httpx's quirk A.18: httpx fixes (and caches) a streaming response's
/// encoding before any byte is read, so its autodetection never runs on streams.
///
/// ```
/// use xhttp_core::text::{DefaultEncoding, StreamingTextDecoder};
///
/// let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode("déjà vu, ça coûte très cher à l'été");
/// let mut decoder = StreamingTextDecoder::new(None, None, DefaultEncoding::Autodetect);
/// let mut text = String::new();
/// for chunk in latin1.chunks(5) {
///     text += &decoder.decode(chunk); // "" until the body ends or 4 KiB arrived
/// }
/// text += &decoder.finish();
/// assert_eq!(text, "déjà vu, ça coûte très cher à l'été");
/// assert_eq!(decoder.encoding().map(|c| c.encoding), Some(encoding_rs::WINDOWS_1252));
/// ```
#[derive(Debug)]
pub struct StreamingTextDecoder {
    state: State,
}

#[derive(Debug)]
enum State {
    /// Autodetecting: the body so far, shorter than `limit`.
    Sniffing { buffer: Vec<u8>, limit: usize },
    /// The encoding is chosen.
    Decoding {
        choice: EncodingChoice,
        decoder: TextDecoder,
    },
}

impl StreamingTextDecoder {
    /// A decoder choosing its encoding as [`resolve_encoding`] does, from `explicit`
    /// (set by the user), `content_type` (the raw `Content-Type` value) and `default`.
    pub fn new(
        explicit: Option<&'static Encoding>,
        content_type: Option<&[u8]>,
        default: DefaultEncoding,
    ) -> StreamingTextDecoder {
        StreamingTextDecoder::with_sniff_limit(explicit, content_type, default, DEFAULT_SNIFF_LIMIT)
    }

    /// [`new`](StreamingTextDecoder::new) buffering up to `sniff_limit` bytes when
    /// autodetecting (at least 3, so that a byte order mark is seen whole).
    pub fn with_sniff_limit(
        explicit: Option<&'static Encoding>,
        content_type: Option<&[u8]>,
        default: DefaultEncoding,
        sniff_limit: usize,
    ) -> StreamingTextDecoder {
        // Autodetection is the only rule that reads the body: without it the
        // choice is final now.
        let autodetect = explicit.is_none()
            && default.needs_body()
            && content_type
                .and_then(charset_from_content_type_bytes)
                .is_none();
        let state = if autodetect {
            State::Sniffing {
                buffer: Vec::new(),
                limit: sniff_limit.max(3),
            }
        } else {
            let choice = resolve_encoding(explicit, content_type, default, BodyPrefix::whole(&[]));
            State::Decoding {
                choice,
                decoder: TextDecoder::for_choice(choice),
            }
        };
        StreamingTextDecoder { state }
    }

    /// The chosen encoding, or `None` while the start of the body is still buffered.
    ///
    /// It reports the rule's choice; unless the encoding was set explicitly, a BOM at
    /// the start of the body may still make the decoder read another encoding (see
    /// [`TextDecoder::encoding`]).
    pub fn encoding(&self) -> Option<EncodingChoice> {
        match &self.state {
            State::Sniffing { .. } => None,
            State::Decoding { choice, .. } => Some(*choice),
        }
    }

    /// Decodes the next chunk. The result is empty while bytes are buffered.
    pub fn decode(&mut self, chunk: &[u8]) -> String {
        let mut text = String::new();
        self.decode_into(chunk, &mut text);
        text
    }

    /// Decodes the next chunk, appending to `text`.
    pub fn decode_into(&mut self, chunk: &[u8], text: &mut String) {
        match &mut self.state {
            State::Decoding { decoder, .. } => decoder.decode_into(chunk, text),
            State::Sniffing { buffer, limit } => {
                if buffer.len().saturating_add(chunk.len()) < *limit {
                    buffer.extend_from_slice(chunk);
                    return;
                }
                // Guess from the first `limit` bytes; decode them and the rest.
                let (head, rest) = chunk.split_at((*limit - buffer.len()).min(chunk.len()));
                buffer.extend_from_slice(head);
                let buffer = std::mem::take(buffer);
                let (choice, mut decoder) = decide(&buffer, false);
                decoder.decode_into(&buffer, text);
                decoder.decode_into(rest, text);
                self.state = State::Decoding { choice, decoder };
            }
        }
    }

    /// Ends the body, deciding the encoding if it is still open.
    pub fn finish(&mut self) -> String {
        let mut text = String::new();
        self.finish_into(&mut text);
        text
    }

    /// [`finish`](StreamingTextDecoder::finish), appending to `text`.
    pub fn finish_into(&mut self, text: &mut String) {
        match &mut self.state {
            State::Decoding { decoder, .. } => decoder.finish_into(text),
            State::Sniffing { buffer, .. } => {
                let buffer = std::mem::take(buffer);
                let (choice, mut decoder) = decide(&buffer, true);
                decoder.decode_into(&buffer, text);
                decoder.finish_into(text);
                self.state = State::Decoding { choice, decoder };
            }
        }
    }
}

/// Autodetects the encoding from `prefix`; a decoder for it.
fn decide(prefix: &[u8], complete: bool) -> (EncodingChoice, TextDecoder) {
    let choice = detect_encoding(BodyPrefix {
        bytes: prefix,
        complete,
    });
    (choice, TextDecoder::new(choice.encoding))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::EncodingSource;
    use crate::text::decode_all;
    use encoding_rs::{GBK, SHIFT_JIS, UTF_8, UTF_16LE, WINDOWS_1252};
    use proptest::prelude::*;

    const JAPANESE: &str = "日本語のテキストです。文字コードを自動的に判定します。\
        これはシフトJISで符号化された文章で、ひらがなとカタカナと漢字を含みます。";

    fn run(decoder: &mut StreamingTextDecoder, body: &[u8], chunk: usize) -> (String, usize) {
        let mut text = String::new();
        let mut empty_chunks = 0;
        for piece in body.chunks(chunk) {
            let out = decoder.decode(piece);
            empty_chunks += usize::from(out.is_empty());
            text += &out;
        }
        text += &decoder.finish();
        (text, empty_chunks)
    }

    #[test]
    fn an_explicit_encoding_is_not_overridden_by_a_bom() {
        let body = b"\xff\xfeA\0";
        let mut explicit = StreamingTextDecoder::new(
            Some(WINDOWS_1252),
            Some(b"text/plain; charset=utf-8"),
            DefaultEncoding::Autodetect,
        );
        assert_eq!(run(&mut explicit, body, 1).0, "ÿþA\0");
        // A declared charset still gives way to the BOM, as in browsers.
        let mut declared = StreamingTextDecoder::new(
            None,
            Some(b"text/plain; charset=windows-1252"),
            DefaultEncoding::Autodetect,
        );
        assert_eq!(run(&mut declared, body, 1).0, "A");
    }

    #[test]
    fn known_encoding_decodes_from_the_first_chunk() {
        let mut decoder = StreamingTextDecoder::new(
            None,
            Some(b"text/plain; charset=gbk"),
            DefaultEncoding::Autodetect,
        );
        let choice = decoder.encoding().map(|c| (c.encoding, c.source));
        assert_eq!(choice, Some((GBK, EncodingSource::ContentType)));
        assert_eq!(decoder.decode(b"ab"), "ab");

        let mut decoder =
            StreamingTextDecoder::new(Some(SHIFT_JIS), None, DefaultEncoding::Autodetect);
        assert_eq!(
            decoder.encoding().map(|c| c.source),
            Some(EncodingSource::Override)
        );

        let mut fixed = StreamingTextDecoder::new(None, None, DefaultEncoding::Fixed(WINDOWS_1252));
        assert_eq!(fixed.decode(b"\xe9"), "é");
        assert_eq!(
            fixed.encoding().map(|c| c.source),
            Some(EncodingSource::Default)
        );
        let _ = decoder.finish();
    }

    #[test]
    fn invalid_charset_with_fixed_default() {
        let mut decoder = StreamingTextDecoder::new(
            None,
            Some(b"text/plain; charset=invalid"),
            DefaultEncoding::default(),
        );
        assert_eq!(decoder.encoding().map(|c| c.encoding), Some(UTF_8));
        assert_eq!(decoder.decode("é".as_bytes()), "é");
    }

    #[test]
    fn autodetects_a_short_stream_at_its_end() {
        let (bytes, _, _) = SHIFT_JIS.encode(JAPANESE);
        for chunk in [1, 2, 3, 7, 1000] {
            let mut decoder = StreamingTextDecoder::new(None, None, DefaultEncoding::Autodetect);
            assert_eq!(decoder.encoding(), None);
            let (text, _) = run(&mut decoder, &bytes, chunk);
            assert_eq!(text, JAPANESE, "chunks of {chunk}");
            let choice = decoder.encoding().map(|c| (c.encoding, c.source));
            assert_eq!(choice, Some((SHIFT_JIS, EncodingSource::Detected)));
        }
    }

    #[test]
    fn autodetects_a_long_stream_after_the_limit() {
        let long = JAPANESE.repeat(100);
        let (bytes, _, _) = SHIFT_JIS.encode(&long);
        assert!(bytes.len() > 3 * DEFAULT_SNIFF_LIMIT);
        let mut decoder = StreamingTextDecoder::new(None, None, DefaultEncoding::Autodetect);
        let mut text = String::new();
        let mut decided_after = None;
        for (i, piece) in bytes.chunks(1000).enumerate() {
            text += &decoder.decode(piece);
            if decided_after.is_none() && decoder.encoding().is_some() {
                decided_after = Some((i + 1) * 1000);
                assert!(!text.is_empty());
            }
        }
        text += &decoder.finish();
        assert_eq!(text, long);
        // Decided on the chunk that reached 4 KiB, not at the end.
        assert_eq!(decided_after, Some(5000));
        assert_eq!(decoder.encoding().map(|c| c.encoding), Some(SHIFT_JIS));
    }

    #[test]
    fn one_big_chunk_is_split_at_the_limit() {
        let long = JAPANESE.repeat(40);
        let mut decoder =
            StreamingTextDecoder::with_sniff_limit(None, None, DefaultEncoding::Autodetect, 10);
        // The 10-byte prefix cuts a 3-byte character; the rest must still decode.
        let text = decoder.decode(long.as_bytes()) + &decoder.finish();
        assert_eq!(text, long);
        assert_eq!(decoder.encoding().map(|c| c.encoding), Some(UTF_8));
    }

    #[test]
    fn autodetects_windows_1252_and_boms() {
        let french = "Voilà l'été où la forêt était très belle, déjà à côté du château.";
        let (bytes, _, _) = WINDOWS_1252.encode(french);
        let mut decoder = StreamingTextDecoder::new(None, None, DefaultEncoding::Autodetect);
        assert_eq!(run(&mut decoder, &bytes, 4).0, french);
        assert_eq!(decoder.encoding().map(|c| c.encoding), Some(WINDOWS_1252));

        let mut decoder = StreamingTextDecoder::new(None, None, DefaultEncoding::Autodetect);
        assert_eq!(run(&mut decoder, b"\xff\xfeh\0i\0", 1).0, "hi");
        let choice = decoder.encoding().map(|c| (c.encoding, c.source));
        assert_eq!(choice, Some((UTF_16LE, EncodingSource::Bom)));
    }

    #[test]
    fn tiny_limit_still_sees_a_whole_bom() {
        let mut decoder =
            StreamingTextDecoder::with_sniff_limit(None, None, DefaultEncoding::Autodetect, 1);
        assert_eq!(run(&mut decoder, "\u{FEFF}é".as_bytes(), 1).0, "é");
        let choice = decoder.encoding().map(|c| (c.encoding, c.source));
        assert_eq!(choice, Some((UTF_8, EncodingSource::Bom)));
    }

    #[test]
    fn empty_stream() {
        let mut decoder = StreamingTextDecoder::new(None, None, DefaultEncoding::Autodetect);
        assert_eq!(decoder.decode(b""), "");
        assert_eq!(decoder.finish(), "");
        assert_eq!(decoder.encoding().map(|c| c.encoding), Some(UTF_8));
    }

    #[test]
    fn incomplete_tail_at_end_of_autodetected_stream() {
        let mut decoder = StreamingTextDecoder::new(None, None, DefaultEncoding::Autodetect);
        let body = b"abc\xe2\x82";
        let (text, empty_chunks) = run(&mut decoder, body, 2);
        assert_eq!(empty_chunks, 3);
        let choice = decoder.encoding().map(|c| c.encoding).unwrap_or(UTF_16LE);
        assert_eq!(text, decode_all(body, choice));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn output_is_the_whole_decode_in_the_chosen_encoding(
            bytes in prop::collection::vec(any::<u8>(), 0..300),
            chunk in 1usize..40,
            limit in 0usize..64,
            text_like: bool,
        ) {
            // Mostly-text bodies as well as noise.
            let bytes = if text_like {
                String::from_utf8_lossy(&bytes).into_owned().into_bytes()
            } else {
                bytes
            };
            let mut decoder =
                StreamingTextDecoder::with_sniff_limit(None, None, DefaultEncoding::Autodetect, limit);
            let (text, _) = run(&mut decoder, &bytes, chunk);
            let choice = decoder.encoding();
            prop_assert!(choice.is_some());
            let encoding = choice.map_or(UTF_8, |c| c.encoding);
            prop_assert_eq!(text, decode_all(&bytes, encoding));
        }
    }
}

#[cfg(test)]
mod regression {
    use super::*;
    use crate::text::decode_all;

    #[test]
    fn a_trailing_lead_byte_is_not_lost_when_the_limit_is_the_body_length() {
        let bytes = [130u8, 65, 0, 0, 171, 161, 0, 129, 65, 123, 48, 129];
        let mut decoder =
            StreamingTextDecoder::with_sniff_limit(None, None, DefaultEncoding::Autodetect, 12);
        let mut text = String::new();
        for piece in bytes.chunks(1) {
            text += &decoder.decode(piece);
        }
        text += &decoder.finish();
        let encoding = decoder.encoding().unwrap().encoding;
        assert_eq!(text, decode_all(&bytes, encoding), "{}", encoding.name());
    }
}
