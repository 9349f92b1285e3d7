//! The chunk source under every body iterator, for both flavours.

use std::task::{Context, Poll};

use bytes::Bytes;

use super::chunks::Rechunker;
use super::state::{BodyState, Start, Take};
use crate::Error;
use crate::context::ResponseMeta;

/// Body chunks, re-chunked to the caller's size, from memory or from the wire.
#[derive(Debug)]
pub(crate) struct ChunkStream<'a> {
    state: &'a mut BodyState,
    meta: &'a mut ResponseMeta,
    rechunker: Rechunker,
    /// Served first: the body from memory, or the error that stopped the start.
    first: Option<Result<Bytes, Error>>,
    from_memory: bool,
    done: bool,
}

impl<'a> ChunkStream<'a> {
    pub(crate) fn new(
        state: &'a mut BodyState,
        meta: &'a mut ResponseMeta,
        take: Take,
        chunk_size: Option<usize>,
    ) -> ChunkStream<'a> {
        let (first, from_memory) = match state.start(take) {
            Ok(Start::Memory(content)) => (Some(Ok(content)), true),
            Ok(Start::Wire(gathered)) => (gathered.map(Ok), false),
            Err(error) => (Some(Err(error)), false),
        };
        ChunkStream {
            state,
            meta,
            rechunker: Rechunker::new(chunk_size),
            first,
            from_memory,
            done: false,
        }
    }

    /// The next chunk; `None` at the end.
    pub(crate) fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Error>>> {
        loop {
            if let Some(chunk) = self.rechunker.pop() {
                return Poll::Ready(Some(Ok(chunk)));
            }
            if self.done {
                return Poll::Ready(self.rechunker.finish().map(Ok));
            }
            let next = match self.first.take() {
                Some(Err(error)) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
                Some(Ok(content)) => Some(Ok(content)),
                None if self.from_memory => None,
                None => match self.state.poll_chunk(cx, self.meta) {
                    Poll::Ready(next) => next,
                    Poll::Pending => return Poll::Pending,
                },
            };
            match next {
                Some(Ok(chunk)) => {
                    if let Some(chunk) = self.rechunker.push(chunk) {
                        return Poll::Ready(Some(Ok(chunk)));
                    }
                }
                Some(Err(error)) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
                None => self.done = true,
            }
        }
    }
}
