//! Progress callbacks and body trace events around bodies, for any transport: a
//! response body counting the bytes received ([`CountedBody::download`]) and a request
//! body counting the bytes sent ([`CountedBody::upload`]). Only made when a callback is set.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body as _, Frame, SizeHint};
use xhttp_core::{Body, Error, OnProgress, Trace, TraceKind};

/// Which way a [`CountedBody`] flows: it names the trace event emitted at its end.
#[derive(Debug, Clone, Copy)]
enum Direction {
    /// A response body: `ResponseBodyDone` with the byte count.
    Download,
    /// A request body: `RequestBodySent`.
    Upload,
}

/// A body, counted: progress reported per data frame, and one trace event at its end.
#[derive(Debug)]
pub(crate) struct CountedBody {
    inner: Body,
    direction: Direction,
    counted: u64,
    total: Option<u64>,
    progress: Option<OnProgress>,
    /// Taken when the end event is emitted, so it is emitted once.
    trace: Option<Trace>,
}

impl CountedBody {
    /// Wraps a response body when there is something to report to; else gives it back as is.
    pub(crate) fn download(
        body: Body,
        headers: &http::HeaderMap,
        progress: Option<OnProgress>,
        trace: Option<Trace>,
    ) -> Body {
        if progress.is_none() && trace.is_none() {
            return body;
        }
        let total = content_length(headers).or_else(|| body.size_hint().exact());
        CountedBody::start(body, Direction::Download, total, progress, trace)
    }

    /// Wraps a request body when there is something to report to; else gives it back as is.
    /// Call after `RequestHeadSent` was emitted: an empty body is reported sent at once.
    pub(crate) fn upload(
        body: Body,
        headers: &http::HeaderMap,
        progress: Option<OnProgress>,
        trace: Option<Trace>,
    ) -> Body {
        if progress.is_none() && trace.is_none() {
            return body;
        }
        let total = body.content_length().or_else(|| content_length(headers));
        CountedBody::start(body, Direction::Upload, total, progress, trace)
    }

    fn start(
        inner: Body,
        direction: Direction,
        total: Option<u64>,
        progress: Option<OnProgress>,
        trace: Option<Trace>,
    ) -> Body {
        let mut wrapped = CountedBody {
            inner,
            direction,
            counted: 0,
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
            trace.emit(match self.direction {
                Direction::Download => TraceKind::ResponseBodyDone {
                    bytes: self.counted,
                },
                Direction::Upload => TraceKind::RequestBodySent,
            });
        }
    }
}

impl http_body::Body for CountedBody {
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
                    this.counted += data.len() as u64;
                    if let Some(progress) = &this.progress {
                        progress.report(this.counted, this.total);
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
