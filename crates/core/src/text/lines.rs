//! httpx's incremental line splitter.

/// Whether `c` ends a line for Python's `str.splitlines()`.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\x0b'
            | '\x0c'
            | '\x1c'
            | '\x1d'
            | '\x1e'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// Splits text arriving in pieces into lines, like Python's `str.splitlines()` on the
/// whole text: httpx's `iter_lines()`.
///
/// * Line breaks: `\n`, `\r`, `\r\n`, `\x0b`, `\x0c`, `\x1c`, `\x1d`, `\x1e`, `\x85`,
///   `\u2028`, `\u2029`.
/// * Lines come **without** their terminator; an empty line between two breaks is
///   yielded (`"a\n\nb"` → `a`, `""`, `b`).
/// * `\r\n` is one break even when `\r` ends one piece and `\n` starts the next.
/// * [`flush`](LineDecoder::flush) yields a last line that has no terminator; a text
///   ending with a break yields no empty line after it (`"a\r\n\r\n"` → `a`, `""`).
///
/// A line is yielded as soon as its terminator arrives (httpx holds a line ending in
/// `\r` back until the next piece; the lines are the same). Each piece is scanned
/// once, so a long line arriving in many pieces costs linear time.
///
/// ```
/// use xhttp_core::text::LineDecoder;
///
/// let mut lines = LineDecoder::new();
/// let mut out = lines.decode("first\r");
/// out.extend(lines.decode("\nsecond\n\nthi"));
/// out.extend(lines.decode("rd"));
/// out.extend(lines.flush());
/// assert_eq!(out, ["first", "second", "", "third"]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct LineDecoder {
    /// The start of the current, unterminated line.
    buffer: String,
    /// The last piece ended with `\r`: a `\n` starting the next piece belongs to it.
    after_cr: bool,
}

impl LineDecoder {
    /// A decoder at the start of a text.
    pub fn new() -> LineDecoder {
        LineDecoder::default()
    }

    /// Adds a piece of text; returns the lines it completes.
    pub fn decode(&mut self, text: &str) -> Vec<String> {
        let mut lines = Vec::new();
        self.decode_into(text, &mut lines);
        lines
    }

    /// Adds a piece of text, appending the lines it completes to `lines`.
    pub fn decode_into(&mut self, text: &str, lines: &mut Vec<String>) {
        let mut text = text;
        if self.after_cr && !text.is_empty() {
            self.after_cr = false;
            if let Some(rest) = text.strip_prefix('\n') {
                text = rest;
            }
        }
        let mut line_start = 0;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if !is_line_break(c) {
                continue;
            }
            let line = &text[line_start..i];
            if self.buffer.is_empty() {
                lines.push(line.to_owned());
            } else {
                self.buffer.push_str(line);
                lines.push(std::mem::take(&mut self.buffer));
            }
            line_start = i + c.len_utf8();
            if c == '\r' {
                match chars.peek() {
                    Some(&(_, '\n')) => {
                        chars.next();
                        line_start += 1;
                    }
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        self.buffer.push_str(&text[line_start..]);
    }

    /// Ends the text: the last line, if it had no terminator.
    pub fn flush(&mut self) -> Vec<String> {
        self.after_cr = false;
        if self.buffer.is_empty() {
            Vec::new()
        } else {
            vec![std::mem::take(&mut self.buffer)]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Python's `str.splitlines()`, written plainly.
    fn splitlines(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if is_line_break(c) {
                lines.push(std::mem::take(&mut line));
                if c == '\r' && chars.get(i + 1) == Some(&'\n') {
                    i += 1;
                }
            } else {
                line.push(c);
            }
            i += 1;
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    fn split(parts: &[&str]) -> Vec<String> {
        let mut decoder = LineDecoder::new();
        let mut lines = Vec::new();
        for part in parts {
            decoder.decode_into(part, &mut lines);
        }
        lines.extend(decoder.flush());
        lines
    }

    #[test]
    fn httpx_examples() {
        assert_eq!(split(&["a\n\nb"]), ["a", "", "b"]);
        assert_eq!(split(&["a\r\n\r\n"]), ["a", ""]);
        assert_eq!(split(&["a\n\r"]), ["a", ""]);
        assert_eq!(split(&["a\r\nb\rc\nd"]), ["a", "b", "c", "d"]);
        assert_eq!(split(&[""]), Vec::<String>::new());
        assert_eq!(split(&["\n"]), [""]);
        assert_eq!(split(&["no break"]), ["no break"]);
    }

    #[test]
    fn cr_lf_across_pieces_is_one_break() {
        assert_eq!(split(&["a\r", "\n"]), ["a"]);
        assert_eq!(split(&["a\r", "\nb"]), ["a", "b"]);
        assert_eq!(split(&["a\r", "", "\nb"]), ["a", "b"]);
        assert_eq!(split(&["a\r", "b"]), ["a", "b"]);
        assert_eq!(split(&["a\r", "\r", "\n"]), ["a", ""]);
        assert_eq!(split(&["a\r"]), ["a"]);
        // The line before `\r` is yielded without waiting.
        let mut decoder = LineDecoder::new();
        assert_eq!(decoder.decode("x\r"), ["x"]);
        assert!(decoder.decode("\n").is_empty());
        assert!(decoder.flush().is_empty());
    }

    #[test]
    fn every_separator() {
        for sep in [
            "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\u{85}", "\u{2028}",
            "\u{2029}",
        ] {
            let text = format!("one{sep}two{sep}{sep}three{sep}");
            assert_eq!(split(&[&text]), ["one", "two", "", "three"], "{sep:?}");
            assert_eq!(splitlines(&text), ["one", "two", "", "three"], "{sep:?}");
        }
        // Not separators for splitlines (\x1f, \t, \u{2027}).
        assert_eq!(split(&["a\x1fb\tc\u{2027}d"]), ["a\x1fb\tc\u{2027}d"]);
    }

    #[test]
    fn lf_cr_is_two_breaks() {
        assert_eq!(split(&["a\n\rb"]), ["a", "", "b"]);
    }

    #[test]
    fn long_line_in_many_pieces() {
        let piece = "x".repeat(10);
        let mut decoder = LineDecoder::new();
        for _ in 0..100_000 {
            assert!(decoder.decode(&piece).is_empty());
        }
        let lines = decoder.decode("\nend");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].len(), 1_000_000);
        assert_eq!(decoder.flush(), ["end"]);
    }

    #[test]
    fn reusable_after_flush() {
        let mut decoder = LineDecoder::new();
        assert!(decoder.decode("a\r").len() == 1);
        assert!(decoder.flush().is_empty());
        // A new text: its leading `\n` is a line break, not the end of the old `\r\n`.
        assert_eq!(decoder.decode("\nb\n"), ["", "b"]);
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        let alphabet = prop::sample::select(vec![
            'a', 'b', 'é', '😀', '\n', '\r', '\x0b', '\x0c', '\x1c', '\x1d', '\x1e', '\u{85}',
            '\u{2028}', '\u{2029}', '\x1f',
        ]);
        prop::collection::vec(alphabet, 0..40).prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn chunking_is_invisible(
            text in text_strategy(),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        ) {
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let mut offsets: Vec<usize> = cuts.iter().map(|c| boundaries[c.index(boundaries.len())]).collect();
            offsets.sort_unstable();
            let mut parts = Vec::new();
            let mut start = 0;
            for offset in offsets {
                parts.push(&text[start..offset]);
                start = offset;
            }
            parts.push(&text[start..]);
            let reference = splitlines(&text);
            prop_assert_eq!(&split(&[&text]), &reference);
            prop_assert_eq!(&split(&parts), &reference);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..65536)) {
            let text = String::from_utf8_lossy(&bytes);
            let (a, b) = text.split_at(text.floor_char_boundary_compat(text.len() / 2));
            prop_assert_eq!(split(&[a, b]), splitlines(&text));
        }
    }

    trait FloorBoundary {
        fn floor_char_boundary_compat(&self, index: usize) -> usize;
    }

    impl FloorBoundary for str {
        fn floor_char_boundary_compat(&self, mut index: usize) -> usize {
            while !self.is_char_boundary(index) {
                index -= 1;
            }
            index
        }
    }
}
