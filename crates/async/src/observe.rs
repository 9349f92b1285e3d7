//! Progress callbacks and body trace events around bodies, for any transport: a
//! response body counting the bytes received ([`DownloadBody`]) and a request body
//! counting the bytes sent ([`UploadBody`]). Only made when a callback is set.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body as _, Frame, SizeHint};
use xhttp_core::{Body, Error, OnProgress, Trace, TraceKind};

/// The response body, counted: download progress, and `ResponseBodyDone` at its end.
#[derive(Debug)]
pub(crate) struct DownloadBody {
    inner: Body,
    received: u64,
    total: Option<u64>,
    progress: Option<OnProgress>,
    /// Taken when `ResponseBodyDone` is emitted, so it is emitted once.
    trace: Option<Trace>,
}

impl DownloadBody {
    /// Wraps `body` when there is something to report to; else gives it back as is.
    pub(crate) fn wrap(
        body: Body,
        headers: &http::HeaderMap,
        progress: Option<OnProgress>,
        trace: Option<Trace>,
    ) -> Body {
        if progress.is_none() && trace.is_none() {
            return body;
        }
        let total = content_length(headers).or_else(|| body.size_hint().exact());
        let mut wrapped = DownloadBody {
            inner: body,
            received: 0,
            total,
            progress,
            trace,
        };
        if wrapped.inner.is_end_stream() {
            wrapped.end();
        }
        Body::from_stream(wrapped)
    }

    fn end(&mut self) {
        if let Some(trace) = self.trace.take() {
            trace.emit(TraceKind::ResponseBodyDone {
                bytes: self.received,
            });
        }
    }
}

impl http_body::Body for DownloadBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += data.len() as u64;
                    if let Some(progress) = &this.progress {
                        progress.report(this.received, this.total);
                    }
                }
                if this.inner.is_end_stream() {
                    this.end();
                }
            }
            Poll::Ready(None) => this.end(),
            Poll::Ready(Some(Err(_))) | Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The request body, counted: upload progress, and `RequestBodySent` at its end.
#[derive(Debug)]
pub(crate) struct UploadBody {
    inner: Body,
    sent: u64,
    total: Option<u64>,
    progress: Option<OnProgress>,
    /// Taken when `RequestBodySent` is emitted.
    trace: Option<Trace>,
}

impl UploadBody {
    /// Wraps `body` when there is something to report to; else gives it back as is.
    /// Call after `RequestHeadSent` was emitted: an empty body is reported sent at once.
    pub(crate) fn wrap(
        body: Body,
        headers: &http::HeaderMap,
        progress: Option<OnProgress>,
        trace: Option<Trace>,
    ) -> Body {
        if progress.is_none() && trace.is_none() {
            return body;
        }
        let total = body.content_length().or_else(|| content_length(headers));
        let mut wrapped = UploadBody {
            inner: body,
            sent: 0,
            total,
            progress,
            trace,
        };
        if wrapped.inner.is_end_stream() {
            wrapped.end();
        }
        Body::from_stream(wrapped)
    }

    fn end(&mut self) {
        if let Some(trace) = self.trace.take() {
            trace.emit(TraceKind::RequestBodySent);
        }
    }
}

impl http_body::Body for UploadBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.sent += data.len() as u64;
                    if let Some(progress) = &this.progress {
                        progress.report(this.sent, this.total);
                    }
                }
                if this.inner.is_end_stream() {
                    this.end();
                }
            }
            Poll::Ready(None) => this.end(),
            Poll::Ready(Some(Err(_))) | Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The `Content-Length` header's value, when it is one number.
pub(crate) fn content_length(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get(http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}
