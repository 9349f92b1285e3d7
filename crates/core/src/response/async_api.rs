//! The body API of `Response<Async>`: futures and streams.

use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;

use super::Response;
use super::chunk_stream::ChunkStream;
use super::state::Take;
use super::text_stream::{self, Split};
use crate::Error;
use crate::flavor::Async;

impl Response<Async> {
    /// Reads the whole body (decoded) and keeps it, so [`content`](Response::content)
    /// and friends work afterwards. Reading twice gives the same bytes.
    pub async fn read(&mut self) -> Result<Bytes, Error> {
        let Response { state, meta, .. } = self;
        poll_fn(|cx| state.poll_read(cx, meta)).await
    }

    /// Closes the body. An unread rest of up to 64 KiB is read and discarded first (each
    /// wait bounded by the read timeout), so the connection can serve another request;
    /// a longer rest is dropped, which closes an HTTP/1.1 connection (or resets an
    /// HTTP/2 stream). Idempotent. Dropping an unread response drops the rest at once.
    pub async fn close(&mut self) {
        let Response { state, meta, .. } = self;
        poll_fn(|cx| state.poll_drain(cx, meta)).await;
        state.close(meta);
    }

    /// The body as a stream of decoded chunks, each exactly `chunk_size` bytes (the last
    /// may be shorter) or as they arrive when `None`. A body already read is served from
    /// memory.
    pub fn bytes_stream(&mut self, chunk_size: Option<usize>) -> BytesStream<'_> {
        let Response { state, meta, .. } = self;
        BytesStream {
            chunks: ChunkStream::new(state, meta, Take::Decoded, chunk_size),
        }
    }

    /// The body as a stream of chunks exactly as received (no decompression). Fails with
    /// `StreamConsumed` once the body was read or streamed.
    pub fn raw_stream(&mut self, chunk_size: Option<usize>) -> BytesStream<'_> {
        let Response { state, meta, .. } = self;
        BytesStream {
            chunks: ChunkStream::new(state, meta, Take::Raw, chunk_size),
        }
    }
}

impl Response<Async> {
    /// The body as decoded text, in pieces of exactly `chunk_size` characters (the last
    /// may be shorter) or as decoded when `None`; never an empty piece.
    pub fn text_stream(&mut self, chunk_size: Option<usize>) -> TextStream<'_> {
        TextStream {
            inner: self.text_stream_inner(Split::text(chunk_size)),
        }
    }

    /// The body's lines, without their line breaks (`\n`, `\r\n`, `\r` and the other
    /// separators of Python's `str.splitlines`), decoded as text.
    pub fn lines_stream(&mut self) -> TextStream<'_> {
        TextStream {
            inner: self.text_stream_inner(Split::lines()),
        }
    }
}

/// A stream of text pieces or lines from [`Response::text_stream`] or
/// [`Response::lines_stream`].
#[derive(Debug)]
pub struct TextStream<'a> {
    inner: text_stream::TextStream<'a>,
}

impl Stream for TextStream<'_> {
    type Item = Result<String, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().inner.poll_next(cx)
    }
}

/// A stream of body chunks from [`Response::bytes_stream`] or [`Response::raw_stream`].
#[derive(Debug)]
pub struct BytesStream<'a> {
    chunks: ChunkStream<'a>,
}

impl Stream for BytesStream<'_> {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().chunks.poll_next(cx)
    }
}
