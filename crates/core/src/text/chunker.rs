//! Re-chunking decoded text into pieces of a fixed number of characters.

use std::num::NonZeroUsize;

/// Re-chunks text into pieces of exactly `chunk_size` characters (`char`s), the last
/// piece possibly shorter: httpx's `iter_text(chunk_size)`.
///
/// Without a size, pieces pass through as they come. Either way an empty piece is
/// never produced.
///
/// ```
/// use std::num::NonZeroUsize;
/// use xhttp_core::text::TextChunker;
///
/// let mut chunker = TextChunker::new(NonZeroUsize::new(3));
/// let mut pieces = chunker.push("héllo");
/// pieces.extend(chunker.push(" wörld"));
/// pieces.extend(chunker.finish());
/// assert_eq!(pieces, ["hél", "lo ", "wör", "ld"]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct TextChunker {
    size: Option<NonZeroUsize>,
    buffer: String,
    /// Characters in `buffer`, always below `size`.
    buffered_chars: usize,
}

impl TextChunker {
    /// A chunker yielding pieces of `chunk_size` characters, or the pieces as they
    /// come when `None`.
    pub fn new(chunk_size: Option<NonZeroUsize>) -> TextChunker {
        TextChunker {
            size: chunk_size,
            buffer: String::new(),
            buffered_chars: 0,
        }
    }

    /// Adds text; returns the pieces now complete.
    pub fn push(&mut self, text: &str) -> Vec<String> {
        let mut pieces = Vec::new();
        self.push_into(text, &mut pieces);
        pieces
    }

    /// Adds text, appending the pieces now complete to `pieces`.
    pub fn push_into(&mut self, text: &str, pieces: &mut Vec<String>) {
        let Some(size) = self.size else {
            if !text.is_empty() {
                pieces.push(text.to_owned());
            }
            return;
        };
        let size = size.get();
        let mut rest = text;
        while !rest.is_empty() {
            let wanted = size - self.buffered_chars;
            let mut chars = rest.char_indices();
            // The byte offset just after `wanted` characters, if `rest` has that many.
            let split = match chars.nth(wanted - 1) {
                Some((i, c)) => i + c.len_utf8(),
                None => {
                    self.buffered_chars += rest.chars().count();
                    self.buffer.push_str(rest);
                    return;
                }
            };
            let (head, tail) = rest.split_at(split);
            rest = tail;
            if self.buffer.is_empty() {
                pieces.push(head.to_owned());
            } else {
                self.buffer.push_str(head);
                pieces.push(std::mem::take(&mut self.buffer));
            }
            self.buffered_chars = 0;
        }
    }

    /// Ends the text: the last, shorter piece if any.
    pub fn finish(&mut self) -> Option<String> {
        self.buffered_chars = 0;
        let last = std::mem::take(&mut self.buffer);
        (!last.is_empty()).then_some(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chunk_all(size: Option<usize>, parts: &[&str]) -> Vec<String> {
        let mut chunker = TextChunker::new(size.and_then(NonZeroUsize::new));
        let mut pieces = Vec::new();
        for part in parts {
            chunker.push_into(part, &mut pieces);
        }
        pieces.extend(chunker.finish());
        pieces
    }

    #[test]
    fn exact_sizes_counting_chars() {
        assert_eq!(chunk_all(Some(2), &["😀é", "abc"]), ["😀é", "ab", "c"]);
        assert_eq!(chunk_all(Some(1), &["ab"]), ["a", "b"]);
        assert_eq!(chunk_all(Some(4), &["ab", "cd"]), ["abcd"]);
        assert_eq!(
            chunk_all(Some(4), &["a", "b", "c", "d", "e"]),
            ["abcd", "e"]
        );
        assert_eq!(chunk_all(Some(10), &["short"]), ["short"]);
    }

    #[test]
    fn never_empty_pieces() {
        assert!(chunk_all(Some(3), &["", "", ""]).is_empty());
        assert!(chunk_all(None, &["", ""]).is_empty());
        assert_eq!(chunk_all(None, &["", "ab", "", "c"]), ["ab", "c"]);
        assert_eq!(chunk_all(Some(2), &["ab"]), ["ab"]);
    }

    #[test]
    fn reusable_after_finish() {
        let mut chunker = TextChunker::new(NonZeroUsize::new(3));
        assert!(chunker.push("ab").is_empty());
        assert_eq!(chunker.finish().as_deref(), Some("ab"));
        assert_eq!(chunker.push("cdef"), ["cde"]);
        assert_eq!(chunker.finish().as_deref(), Some("f"));
        assert_eq!(chunker.finish(), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn pieces_have_the_size_and_rejoin(
            parts in proptest::collection::vec("\\PC{0,12}", 0..8),
            size in 1usize..6,
        ) {
            let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
            let pieces = chunk_all(Some(size), &refs);
            prop_assert_eq!(pieces.concat(), parts.concat());
            if let Some((last, full)) = pieces.split_last() {
                for piece in full {
                    prop_assert_eq!(piece.chars().count(), size);
                }
                prop_assert!((1..=size).contains(&last.chars().count()));
            }
        }
    }
}
