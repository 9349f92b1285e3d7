//! Text and lines decoded incrementally from body chunks, for both flavours.

use std::collections::VecDeque;
use std::num::NonZeroUsize;
use std::task::{Context, Poll};

use super::chunk_stream::ChunkStream;
use super::text::EncodingPolicy;
use crate::Error;
use crate::text::{LineDecoder, StreamingTextDecoder, TextChunker};

/// What a text stream yields.
#[derive(Debug)]
pub(crate) enum Split {
    /// Text pieces of exactly N characters (the last may be shorter), or as decoded.
    Text(TextChunker),
    /// Lines without their terminators, split as Python's `str.splitlines`.
    Lines(LineDecoder),
}

impl Split {
    pub(crate) fn text(chunk_size: Option<usize>) -> Split {
        Split::Text(TextChunker::new(chunk_size.and_then(NonZeroUsize::new)))
    }

    pub(crate) fn lines() -> Split {
        Split::Lines(LineDecoder::new())
    }

    fn push(&mut self, text: &str, out: &mut VecDeque<String>) {
        match self {
            Split::Text(chunker) => out.extend(chunker.push(text)),
            Split::Lines(lines) => out.extend(lines.decode(text)),
        }
    }

    fn finish(&mut self, out: &mut VecDeque<String>) {
        match self {
            Split::Text(chunker) => out.extend(chunker.finish()),
            Split::Lines(lines) => out.extend(lines.flush()),
        }
    }
}

/// Decoded text from a [`ChunkStream`], never yielding an empty piece of text.
#[derive(Debug)]
pub(crate) struct TextStream<'a> {
    chunks: ChunkStream<'a>,
    decoder: StreamingTextDecoder,
    split: Split,
    ready: VecDeque<String>,
    done: bool,
}

impl<'a> TextStream<'a> {
    pub(crate) fn new(
        chunks: ChunkStream<'a>,
        policy: EncodingPolicy,
        content_type: Option<&[u8]>,
        split: Split,
    ) -> TextStream<'a> {
        TextStream {
            chunks,
            decoder: StreamingTextDecoder::new(policy.explicit, content_type, policy.default),
            split,
            ready: VecDeque::new(),
            done: false,
        }
    }

    pub(crate) fn poll_next(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<String, Error>>> {
        loop {
            if let Some(piece) = self.ready.pop_front() {
                return Poll::Ready(Some(Ok(piece)));
            }
            if self.done {
                return Poll::Ready(None);
            }
            match self.chunks.poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Err(error))) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(Some(Ok(bytes))) => {
                    let text = self.decoder.decode(&bytes);
                    if !text.is_empty() {
                        self.split.push(&text, &mut self.ready);
                    }
                }
                Poll::Ready(None) => {
                    self.done = true;
                    let rest = self.decoder.finish();
                    if !rest.is_empty() {
                        self.split.push(&rest, &mut self.ready);
                    }
                    self.split.finish(&mut self.ready);
                }
            }
        }
    }
}
