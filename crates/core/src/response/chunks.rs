//! Re-chunking of body bytes to a caller's chunk size.

use bytes::{Bytes, BytesMut};

/// Turns a sequence of byte chunks into chunks of exactly `size` bytes (the last one may
/// be shorter), or passes non-empty chunks through when there is no size.
#[derive(Debug)]
pub(crate) struct Rechunker {
    size: Option<usize>,
    pending: BytesMut,
}

impl Rechunker {
    /// `size` of `Some(0)` is treated as no size.
    pub(crate) fn new(size: Option<usize>) -> Rechunker {
        Rechunker {
            size: size.filter(|size| *size > 0),
            pending: BytesMut::new(),
        }
    }

    /// Adds `bytes`; returns the next full chunk, if one is complete.
    pub(crate) fn push(&mut self, bytes: Bytes) -> Option<Bytes> {
        let Some(size) = self.size else {
            return (!bytes.is_empty()).then_some(bytes);
        };
        if self.pending.is_empty() && bytes.len() == size {
            return Some(bytes);
        }
        self.pending.extend_from_slice(&bytes);
        self.pop()
    }

    /// The next full chunk already buffered.
    pub(crate) fn pop(&mut self) -> Option<Bytes> {
        let size = self.size?;
        (self.pending.len() >= size).then(|| self.pending.split_to(size).freeze())
    }

    /// At the end: what is left, if anything.
    pub(crate) fn finish(&mut self) -> Option<Bytes> {
        (!self.pending.is_empty()).then(|| self.pending.split().freeze())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(size: Option<usize>, input: &[&'static str]) -> Vec<Bytes> {
        let mut rechunker = Rechunker::new(size);
        let mut out = Vec::new();
        for chunk in input {
            if let Some(chunk) = rechunker.push(Bytes::from_static(chunk.as_bytes())) {
                out.push(chunk);
            }
            while let Some(chunk) = rechunker.pop() {
                out.push(chunk);
            }
        }
        out.extend(rechunker.finish());
        out
    }

    #[test]
    fn exact_sizes_with_a_short_last_chunk() {
        assert_eq!(
            run(Some(3), &["ab", "cdefg", "", "h"]),
            ["abc", "def", "gh"]
        );
    }

    #[test]
    fn no_size_passes_non_empty_chunks_through() {
        assert_eq!(run(None, &["ab", "", "c"]), ["ab", "c"]);
        assert_eq!(run(Some(0), &["ab", "", "c"]), ["ab", "c"]);
    }
}
