//! The body API of `Response<Blocking>`: calls that return when done, iterators, and
//! `std::io::Read`.

use std::io;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use bytes::{Buf, Bytes};

use super::Response;
use super::chunk_stream::ChunkStream;
use super::state::{Start, Take};
use super::text_stream::{self, Split};
use crate::flavor::{Blocking, BlockingDriver};
use crate::{Error, ErrorKind};

/// Polls until ready: through the client's driver (which waits inside its runtime), or,
/// for a response made by hand, once with a no-op waker (bodies in memory are ready).
pub(crate) fn wait<T>(
    driver: Option<&Arc<dyn BlockingDriver>>,
    mut poll: impl FnMut(&mut Context<'_>) -> Poll<T>,
) -> Result<T, Error> {
    let Some(driver) = driver else {
        let mut cx = Context::from_waker(Waker::noop());
        return match poll(&mut cx) {
            Poll::Ready(value) => Ok(value),
            Poll::Pending => Err(Error::new(ErrorKind::Read).with_message(
                "this blocking response has a streamed body but no client to wait with",
            )),
        };
    };
    let mut out = None;
    driver.wait(&mut |cx| match poll(cx) {
        Poll::Ready(value) => {
            out = Some(value);
            Poll::Ready(())
        }
        Poll::Pending => Poll::Pending,
    })?;
    out.ok_or_else(|| {
        Error::new(ErrorKind::Read).with_message("the blocking driver stopped before the body")
    })
}

impl Response<Blocking> {
    /// Reads the whole body (decoded) and keeps it, so [`content`](Response::content)
    /// and friends work afterwards. Reading twice gives the same bytes.
    pub fn read(&mut self) -> Result<Bytes, Error> {
        let Response {
            state,
            meta,
            driver,
            ..
        } = self;
        wait(driver.as_ref(), |cx| state.poll_read(cx, meta))?
    }

    /// Closes the body. An unread rest of up to 64 KiB is read and discarded first (each
    /// wait bounded by the read timeout), so the connection can serve another request;
    /// a longer rest is dropped, which closes an HTTP/1.1 connection (or resets an
    /// HTTP/2 stream). Idempotent. Dropping an unread response drops the rest at once.
    pub fn close(&mut self) {
        let Response {
            state,
            meta,
            driver,
            ..
        } = self;
        // A drain that cannot wait (no driver for a streamed body) just drops the rest.
        let _ = wait(driver.as_ref(), |cx| state.poll_drain(cx, meta));
        state.close(meta);
    }

    /// The body as decoded chunks, each exactly `chunk_size` bytes (the last may be
    /// shorter) or as they arrive when `None`. A body already read is served from memory.
    pub fn iter_bytes(&mut self, chunk_size: Option<usize>) -> IterBytes<'_> {
        self.iter(Take::Decoded, chunk_size)
    }

    /// The body as chunks exactly as received (no decompression). Fails with
    /// `StreamConsumed` once the body was read or streamed.
    pub fn iter_raw(&mut self, chunk_size: Option<usize>) -> IterBytes<'_> {
        self.iter(Take::Raw, chunk_size)
    }

    fn iter(&mut self, take: Take, chunk_size: Option<usize>) -> IterBytes<'_> {
        let Response {
            state,
            meta,
            driver,
            ..
        } = self;
        IterBytes {
            driver: driver.clone(),
            chunks: ChunkStream::new(state, meta, take, chunk_size),
        }
    }
}

impl Response<Blocking> {
    /// The body as decoded text, in pieces of exactly `chunk_size` characters (the last
    /// may be shorter) or as decoded when `None`; never an empty piece.
    pub fn iter_text(&mut self, chunk_size: Option<usize>) -> IterText<'_> {
        let driver = self.driver.clone();
        IterText {
            driver,
            inner: self.text_stream_inner(Split::text(chunk_size)),
        }
    }

    /// The body's lines, without their line breaks (`\n`, `\r\n`, `\r` and the other
    /// separators of Python's `str.splitlines`), decoded as text.
    pub fn iter_lines(&mut self) -> IterText<'_> {
        let driver = self.driver.clone();
        IterText {
            driver,
            inner: self.text_stream_inner(Split::lines()),
        }
    }
}

/// An iterator of text pieces or lines from [`Response::iter_text`] or
/// [`Response::iter_lines`].
#[derive(Debug)]
pub struct IterText<'a> {
    driver: Option<Arc<dyn BlockingDriver>>,
    inner: text_stream::TextStream<'a>,
}

impl Iterator for IterText<'_> {
    type Item = Result<String, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let inner = &mut self.inner;
        match wait(self.driver.as_ref(), |cx| inner.poll_next(cx)) {
            Ok(next) => next,
            Err(error) => Some(Err(error)),
        }
    }
}

/// An iterator of body chunks from [`Response::iter_bytes`] or [`Response::iter_raw`].
#[derive(Debug)]
pub struct IterBytes<'a> {
    driver: Option<Arc<dyn BlockingDriver>>,
    chunks: ChunkStream<'a>,
}

impl Iterator for IterBytes<'_> {
    type Item = Result<Bytes, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let chunks = &mut self.chunks;
        match wait(self.driver.as_ref(), |cx| chunks.poll_next(cx)) {
            Ok(next) => next,
            Err(error) => Some(Err(error)),
        }
    }
}

/// Reads the decoded body, like [`Response::iter_bytes`]: it takes the stream (or serves
/// a body already read from memory). Errors are `io::Error`s wrapping the xhttp
/// [`Error`].
impl io::Read for Response<Blocking> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.reader.leftover.has_remaining() {
                let count = buf.len().min(self.reader.leftover.len());
                buf[..count].copy_from_slice(&self.reader.leftover[..count]);
                self.reader.leftover.advance(count);
                return Ok(count);
            }
            if self.reader.finished {
                return Ok(0);
            }
            match self.next_reader_chunk() {
                Ok(Some(chunk)) => self.reader.leftover = chunk,
                Ok(None) => self.reader.finished = true,
                Err(error) => {
                    self.reader.finished = true;
                    return Err(io::Error::other(error));
                }
            }
        }
    }
}

impl Response<Blocking> {
    fn next_reader_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        if !self.reader.started {
            self.reader.started = true;
            match self.state.start(Take::Decoded)? {
                Start::Memory(content) => {
                    self.reader.finished = true;
                    return Ok(Some(content));
                }
                Start::Wire(Some(gathered)) => return Ok(Some(gathered)),
                Start::Wire(None) => {}
            }
        }
        let Response {
            state,
            meta,
            driver,
            ..
        } = self;
        wait(driver.as_ref(), |cx| state.poll_chunk(cx, meta))?.transpose()
    }
}

/// Where `io::Read` stands in a blocking response's body.
#[derive(Debug, Default)]
pub(crate) struct ReaderCursor {
    started: bool,
    finished: bool,
    leftover: Bytes,
}
