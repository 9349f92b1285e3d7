//! Incremental decoding of bytes into text.

use std::fmt;

use encoding_rs::{CoderResult, Decoder, Encoding};

use super::choice::{EncodingChoice, EncodingSource};

/// Room reserved when encoding_rs cannot bound the output (inputs near `usize::MAX`).
const FALLBACK_RESERVE: usize = 8192;

/// Decodes a body arriving in chunks into text, never splitting a character.
///
/// Bytes of a character cut across two chunks are kept until the rest arrives.
/// Malformed bytes become U+FFFD, like httpx's `errors="replace"`.
///
/// **Byte order marks.** Made with [`new`](TextDecoder::new), a UTF-8, UTF-16LE or
/// UTF-16BE BOM at the very start of the body is honoured and stripped: it selects
/// that encoding whatever encoding the decoder was made with (encoding_rs's BOM
/// sniffing, as in browsers, for a charset a server declared).
/// [`encoding`](TextDecoder::encoding) then reports the BOM's encoding. httpx
/// differs: Python's `utf-8` codec keeps a BOM as U+FEFF and a BOM never overrides
/// the declared charset.
///
/// Made with [`without_bom_sniffing`](TextDecoder::without_bom_sniffing) (what an
/// encoding the user chose gets, see [`for_choice`](TextDecoder::for_choice)), the
/// decoder keeps its encoding: a BOM of that encoding itself is removed, any other
/// leading bytes are decoded as that encoding reads them.
///
/// ```
/// use xhttp_core::text::TextDecoder;
///
/// let mut decoder = TextDecoder::new(encoding_rs::UTF_8);
/// let euro = "€".as_bytes(); // three bytes
/// let mut text = decoder.decode(&euro[..1]);
/// assert_eq!(text, "");
/// text += &decoder.decode(&euro[1..]);
/// text += &decoder.finish();
/// assert_eq!(text, "€");
/// ```
pub struct TextDecoder {
    encoding: &'static Encoding,
    decoder: Decoder,
    had_errors: bool,
    /// Whether a leading BOM may select another encoding.
    sniff_bom: bool,
}

impl TextDecoder {
    /// A decoder for `encoding`, with BOM sniffing: a leading UTF-8 or UTF-16 BOM
    /// selects its own encoding.
    pub fn new(encoding: &'static Encoding) -> TextDecoder {
        TextDecoder {
            encoding,
            decoder: encoding.new_decoder(),
            had_errors: false,
            sniff_bom: true,
        }
    }

    /// A decoder for `encoding` that never switches to another: a leading BOM of
    /// `encoding` itself is removed (EF BB BF for UTF-8, FF FE for UTF-16LE, FE FF for
    /// UTF-16BE), any other leading bytes are text in `encoding` (FF FE is `ÿþ` in
    /// windows-1252).
    ///
    /// ```
    /// use xhttp_core::text::TextDecoder;
    ///
    /// let mut decoder = TextDecoder::without_bom_sniffing(encoding_rs::WINDOWS_1252);
    /// assert_eq!(decoder.decode(b"\xff\xfeA"), "ÿþA");
    /// assert_eq!(decoder.encoding(), encoding_rs::WINDOWS_1252);
    /// ```
    pub fn without_bom_sniffing(encoding: &'static Encoding) -> TextDecoder {
        TextDecoder {
            encoding,
            decoder: encoding.new_decoder_with_bom_removal(),
            had_errors: false,
            sniff_bom: false,
        }
    }

    /// The decoder for an encoding chosen by [`resolve_encoding`](super::resolve_encoding):
    /// one the user set ([`EncodingSource::Override`]) is kept whatever BOM the body
    /// starts with ([`without_bom_sniffing`](TextDecoder::without_bom_sniffing)); any
    /// other choice lets a BOM decide ([`new`](TextDecoder::new)), as browsers do.
    pub fn for_choice(choice: EncodingChoice) -> TextDecoder {
        match choice.source {
            EncodingSource::Override => TextDecoder::without_bom_sniffing(choice.encoding),
            _ => TextDecoder::new(choice.encoding),
        }
    }

    fn fresh_decoder(&self) -> Decoder {
        if self.sniff_bom {
            self.encoding.new_decoder()
        } else {
            self.encoding.new_decoder_with_bom_removal()
        }
    }

    /// The encoding in use: the one given, or the one a leading BOM selected (with BOM
    /// sniffing).
    ///
    /// Before the first three bytes are seen a BOM may still change it.
    pub fn encoding(&self) -> &'static Encoding {
        self.decoder.encoding()
    }

    /// Whether any malformed bytes were replaced by U+FFFD so far.
    pub fn had_errors(&self) -> bool {
        self.had_errors
    }

    /// Decodes the next chunk. The result may be empty (an incomplete character, or a
    /// possible BOM, is held back).
    pub fn decode(&mut self, chunk: &[u8]) -> String {
        let mut text = String::new();
        self.decode_into(chunk, &mut text);
        text
    }

    /// Decodes the next chunk, appending to `text`.
    pub fn decode_into(&mut self, chunk: &[u8], text: &mut String) {
        self.run(chunk, text, false);
    }

    /// Ends the body: bytes still held back (an incomplete character) become U+FFFD.
    ///
    /// The decoder is then reset, ready for a new body in the same encoding.
    pub fn finish(&mut self) -> String {
        let mut text = String::new();
        self.finish_into(&mut text);
        text
    }

    /// [`finish`](TextDecoder::finish), appending to `text`.
    pub fn finish_into(&mut self, text: &mut String) {
        self.run(&[], text, true);
        // encoding_rs forbids using a decoder after `last`; start afresh.
        self.decoder = self.fresh_decoder();
    }

    fn run(&mut self, mut input: &[u8], text: &mut String, last: bool) {
        // encoding_rs's EUC-KR decoder forgets a pending lead byte when given an empty,
        // non-final chunk (seen with encoding_rs 0.8.35): never give it one.
        if input.is_empty() && !last {
            return;
        }
        loop {
            // encoding_rs may under-count what a pending partial character flushes to at
            // the end (a U+FFFD, 3 bytes): always leave room for one.
            let room = self
                .decoder
                .max_utf8_buffer_length(input.len())
                .unwrap_or(FALLBACK_RESERVE);
            text.reserve(room.max(4));
            let (result, read, had_errors) = self.decoder.decode_to_string(input, text, last);
            self.had_errors |= had_errors;
            input = input.get(read..).unwrap_or(&[]);
            match result {
                CoderResult::InputEmpty => return,
                CoderResult::OutputFull => {}
            }
        }
    }
}

impl fmt::Debug for TextDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextDecoder")
            .field("encoding", &self.decoder.encoding().name())
            .field("had_errors", &self.had_errors)
            .finish_non_exhaustive()
    }
}

/// Decodes a whole body at once, as [`TextDecoder`] would (BOM honoured and stripped,
/// malformed bytes → U+FFFD). An empty body gives `""`.
///
/// ```
/// let text = xhttp_core::text::decode_all(b"caf\xe9", encoding_rs::WINDOWS_1252);
/// assert_eq!(text, "café");
/// ```
pub fn decode_all(body: &[u8], encoding: &'static Encoding) -> String {
    finish_all(TextDecoder::new(encoding), body)
}

/// Decodes a whole body with the encoding `choice` names, as
/// [`TextDecoder::for_choice`] would: an encoding the user set is kept whatever BOM the
/// body starts with (its own BOM is removed), any other choice lets a BOM decide.
///
/// ```
/// use xhttp_core::text::{EncodingChoice, EncodingSource, decode_with_choice};
///
/// let set = EncodingChoice { encoding: encoding_rs::WINDOWS_1252, source: EncodingSource::Override };
/// assert_eq!(decode_with_choice(b"\xff\xfeA", set), "ÿþA");
/// let declared = EncodingChoice { source: EncodingSource::ContentType, ..set };
/// assert_eq!(decode_with_choice(b"\xff\xfeA\0", declared), "A");
/// ```
pub fn decode_with_choice(body: &[u8], choice: EncodingChoice) -> String {
    finish_all(TextDecoder::for_choice(choice), body)
}

fn finish_all(mut decoder: TextDecoder, body: &[u8]) -> String {
    let mut text = decoder.decode(body);
    decoder.finish_into(&mut text);
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
    use proptest::prelude::*;

    fn chunked(encoding: &'static Encoding, chunks: &[&[u8]]) -> String {
        let mut decoder = TextDecoder::new(encoding);
        let mut text = String::new();
        for chunk in chunks {
            decoder.decode_into(chunk, &mut text);
        }
        decoder.finish_into(&mut text);
        text
    }

    #[test]
    fn shift_jis_split_at_every_offset() {
        let original = "こんにちは、世界。ｶﾀｶﾅ and ASCII 漢字";
        let (bytes, _, unmappable) = SHIFT_JIS.encode(original);
        assert!(!unmappable);
        assert_eq!(decode_all(&bytes, SHIFT_JIS), original);
        for cut in 0..=bytes.len() {
            let (a, b) = bytes.split_at(cut);
            assert_eq!(chunked(SHIFT_JIS, &[a, b]), original, "cut at {cut}");
        }
        // And one byte at a time.
        let singles: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(chunked(SHIFT_JIS, &singles), original);
    }

    #[test]
    fn utf8_emoji_split_at_every_offset() {
        let original = "a😀b";
        let bytes = original.as_bytes();
        assert_eq!(bytes.len(), 6);
        for first in 0..=bytes.len() {
            for second in first..=bytes.len() {
                let parts = [&bytes[..first], &bytes[first..second], &bytes[second..]];
                assert_eq!(chunked(UTF_8, &parts), original, "cuts {first} {second}");
            }
        }
    }

    #[test]
    fn incomplete_character_is_held_back_then_completed() {
        let mut decoder = TextDecoder::new(UTF_8);
        assert_eq!(decoder.decode(b"x\xf0\x9f"), "x");
        assert_eq!(decoder.decode(b"\x98"), "");
        assert_eq!(decoder.decode(b"\x80y"), "😀y");
        assert_eq!(decoder.finish(), "");
        assert!(!decoder.had_errors());
    }

    #[test]
    fn invalid_bytes_are_replaced() {
        assert_eq!(decode_all(b"a\xffb", UTF_8), "a\u{FFFD}b");
        let mut decoder = TextDecoder::new(UTF_8);
        assert_eq!(decoder.decode(b"ok\xe2\x82"), "ok");
        assert_eq!(decoder.finish(), "\u{FFFD}");
        assert!(decoder.had_errors());
    }

    #[test]
    fn latin1_body() {
        let body = b"Gr\xfc\xdfe, caf\xe9 \x80";
        assert_eq!(decode_all(body, WINDOWS_1252), "Grüße, café €");
    }

    #[test]
    fn boms_are_honoured_and_stripped() {
        assert_eq!(decode_all(b"\xef\xbb\xbfhi", UTF_8), "hi");
        // A BOM overrides the given encoding.
        assert_eq!(decode_all(b"\xef\xbb\xbfcaf\xc3\xa9", WINDOWS_1252), "café");
        assert_eq!(decode_all(b"\xff\xfeh\0i\0", UTF_8), "hi");
        assert_eq!(decode_all(b"\xfe\xff\0h\0i", WINDOWS_1252), "hi");
        // A BOM split across chunks.
        assert_eq!(chunked(UTF_8, &[b"\xef", b"\xbb", b"\xbfok"]), "ok");
        let mut decoder = TextDecoder::new(WINDOWS_1252);
        let mut text = decoder.decode(b"\xfe\xff");
        assert_eq!(decoder.encoding(), UTF_16BE);
        text += &decoder.decode(b"\0A");
        text += &decoder.finish();
        assert_eq!(text, "A");
        // Only at the start: a later BOM is a U+FEFF character.
        assert_eq!(decode_all(b"a\xef\xbb\xbf", UTF_8), "a\u{FEFF}");
    }

    #[test]
    fn without_sniffing_a_bom_never_changes_the_encoding() {
        let plain = |bytes: &[u8], encoding| {
            let mut decoder = TextDecoder::without_bom_sniffing(encoding);
            let mut text = decoder.decode(bytes);
            assert_eq!(decoder.encoding(), encoding);
            decoder.finish_into(&mut text);
            text
        };
        // Another encoding's BOM is text of this one.
        assert_eq!(plain(b"\xff\xfeh\0", WINDOWS_1252), "ÿþh\0");
        assert_eq!(plain(b"\xef\xbb\xbfcaf\xe9", WINDOWS_1252), "ï»¿café");
        assert_eq!(plain(b"\xff\xfeh\0", UTF_16BE), "\u{FFFE}\u{6800}");
        // Its own BOM is removed, also when split across chunks.
        assert_eq!(plain(b"\xef\xbb\xbfhi", UTF_8), "hi");
        assert_eq!(plain(b"\xff\xfeh\0i\0", UTF_16LE), "hi");
        let mut decoder = TextDecoder::without_bom_sniffing(UTF_8);
        let mut text = decoder.decode(b"\xef\xbb");
        text += &decoder.decode(b"\xbfok");
        text += &decoder.finish();
        assert_eq!(text, "ok");
        // And again after finish (the decoder is reset the same way).
        assert_eq!(decoder.decode(b"\xff\xfe"), "\u{FFFD}\u{FFFD}");
        assert_eq!(decoder.encoding(), UTF_8);
    }

    #[test]
    fn a_choice_decides_whether_a_bom_may_switch() {
        use crate::text::{EncodingChoice, EncodingSource};
        let body = b"\xff\xfeA\0";
        let choice = |source| EncodingChoice {
            encoding: WINDOWS_1252,
            source,
        };
        assert_eq!(
            decode_with_choice(body, choice(EncodingSource::Override)),
            "ÿþA\0"
        );
        for source in [EncodingSource::ContentType, EncodingSource::Default] {
            assert_eq!(decode_with_choice(body, choice(source)), "A");
        }
    }

    #[test]
    fn utf16_without_bom_and_odd_tail() {
        assert_eq!(decode_all(b"h\0i\0", UTF_16LE), "hi");
        assert_eq!(decode_all(b"h\0i", UTF_16LE), "h\u{FFFD}");
    }

    #[test]
    fn reusable_after_finish() {
        let mut decoder = TextDecoder::new(UTF_8);
        assert_eq!(decoder.decode(b"\xc3"), "");
        assert_eq!(decoder.finish(), "\u{FFFD}");
        assert_eq!(decoder.decode(b"\xc3\xa9"), "é");
        assert_eq!(decoder.finish(), "");
    }

    #[test]
    fn empty_body() {
        assert_eq!(decode_all(b"", SHIFT_JIS), "");
        let mut decoder = TextDecoder::new(UTF_8);
        assert_eq!(decoder.decode(b""), "");
        assert_eq!(decoder.finish(), "");
    }

    #[test]
    fn large_chunk() {
        let body = "é".repeat(100_000);
        assert_eq!(decode_all(body.as_bytes(), UTF_8), body);
        let text = "ｱ漢".repeat(50_000);
        let (bytes, _, _) = SHIFT_JIS.encode(&text);
        assert_eq!(decode_all(&bytes, SHIFT_JIS), text);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn utf8_chunking_is_invisible(
            text in "\\PC{0,64}",
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..6),
        ) {
            let bytes = text.as_bytes();
            let mut offsets: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
            offsets.sort_unstable();
            let mut parts = Vec::new();
            let mut start = 0;
            for offset in offsets {
                parts.push(&bytes[start..offset]);
                start = offset;
            }
            parts.push(&bytes[start..]);
            let whole = decode_all(bytes, UTF_8);
            prop_assert_eq!(&chunked(UTF_8, &parts), &whole);
            // A leading U+FEFF is taken as a BOM; everything else survives.
            prop_assert_eq!(whole.as_str(), text.strip_prefix('\u{FEFF}').unwrap_or(&text));
        }

        #[test]
        fn arbitrary_bytes_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..65536),
            cut in any::<prop::sample::Index>(),
        ) {
            let cut = cut.index(bytes.len() + 1);
            for encoding in [UTF_8, SHIFT_JIS, UTF_16BE] {
                let whole = decode_all(&bytes, encoding);
                prop_assert_eq!(chunked(encoding, &[&bytes[..cut], &bytes[cut..]]), whole);
            }
        }
    }
}
