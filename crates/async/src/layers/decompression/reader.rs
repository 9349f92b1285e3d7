//! [`BodyReader`]: an xhttp `Body` as tokio's `AsyncBufRead`, the decoders' input.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes};
use http_body::Body as _;
use tokio::io::{AsyncBufRead, AsyncRead, ReadBuf};
use xhttp_core::Body;

/// The raw body as a buffered reader: each data frame is the buffer. A body error is
/// carried through the decoders as an `io::Error` wrapping the xhttp `Error`, and
/// unwrapped again on the way out (so a read timeout stays a read timeout).
#[derive(Debug)]
pub(crate) struct BodyReader {
    body: Body,
    chunk: Bytes,
    done: bool,
}

impl BodyReader {
    /// The reader over `body`, whose first bytes (`first`) were read already.
    pub(crate) fn new(body: Body, first: Bytes) -> BodyReader {
        BodyReader {
            body,
            chunk: first,
            done: false,
        }
    }
}

impl AsyncBufRead for BodyReader {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        while this.chunk.is_empty() && !this.done {
            match ready!(Pin::new(&mut this.body).poll_frame(cx)) {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        this.chunk = data;
                    }
                }
                Some(Err(error)) => {
                    this.done = true;
                    return Poll::Ready(Err(io::Error::other(error)));
                }
                None => this.done = true,
            }
        }
        Poll::Ready(Ok(&this.chunk[..]))
    }

    fn consume(self: Pin<&mut Self>, amount: usize) {
        let this = self.get_mut();
        this.chunk.advance(amount.min(this.chunk.len()));
    }
}

impl AsyncRead for BodyReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let available = ready!(self.as_mut().poll_fill_buf(cx))?;
        let length = available.len().min(buf.remaining());
        buf.put_slice(&available[..length]);
        self.consume(length);
        Poll::Ready(Ok(()))
    }
}
