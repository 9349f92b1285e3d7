//! [`Limited`]: an intermediate decoder's output, counted against the decoded-size limit.
//!
//! With stacked codings (`Content-Encoding: gzip, gzip`) only the last decoder's output
//! reaches the body's own count. An earlier stage could inflate into data that the next
//! one turns into almost nothing (empty gzip members, say): the work is then bounded by
//! nothing the body counts. Each intermediate stage is counted here instead.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, ReadBuf};
use xhttp_core::body::body_too_large;

/// See the [module docs](self).
pub(crate) struct Limited<R> {
    inner: R,
    read: u64,
    limit: u64,
}

impl<R> Limited<R> {
    pub(crate) fn new(inner: R, limit: u64) -> Limited<R> {
        Limited {
            inner,
            read: 0,
            limit,
        }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for Limited<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        // Checked before each read: a read is never failed after it filled the buffer,
        // so the limit is passed by at most one read (a decoder's buffer).
        if self.read > self.limit {
            // Carried as an xhttp error: `DecodedBody::error` gives it back as is.
            let error = body_too_large(
                "decoded response body (an intermediate coding)",
                self.limit,
                "max_decompressed_body",
            );
            return Poll::Ready(Err(io::Error::other(error)));
        }
        let before = buf.filled().len();
        ready!(Pin::new(&mut self.inner).poll_read(cx, buf))?;
        self.read += (buf.filled().len() - before) as u64;
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncReadExt as _;

    use super::Limited;

    #[tokio::test]
    async fn reads_up_to_the_limit_and_fails_past_it() {
        let mut within = Limited::new(&[7u8; 100][..], 100);
        let mut all = Vec::new();
        within.read_to_end(&mut all).await.unwrap();
        assert_eq!(all.len(), 100);
        let mut past = Limited::new(&[7u8; 101][..], 100);
        let error = past.read_to_end(&mut Vec::new()).await.unwrap_err();
        let inner = error.into_inner().unwrap();
        let error = inner.downcast::<xhttp_core::Error>().unwrap();
        assert_eq!(error.kind(), xhttp_core::ErrorKind::BodyTooLarge, "{error}");
    }
}
