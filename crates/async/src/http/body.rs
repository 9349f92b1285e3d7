//! The response body as the transport hands it out: read inactivity and total deadline
//! timers (one reusable timer, reset rather than re-created), hyper's errors mapped, and
//! the HTTP/1.1 connection returned to the pool when the body ends, if the request body
//! was sent whole by then.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body as _, Frame, SizeHint};
use hyper::body::Incoming;
use tokio::time::{Instant, Sleep};
use xhttp_core::{Error, ErrorKind};

use super::errors::{self, Phase};
use super::head::deadline_after;
use super::pool::{H1Lease, H2Lease};
use super::watch::Progress;

/// The connection (or stream) a response body holds until it ends.
#[derive(Debug)]
pub(crate) enum Lease {
    /// Given back to the pool at the end of the body, if the request body was sent whole
    /// (see [`ResponseBody::end`]).
    H1(H1Lease),
    /// Counted as an open stream until the body ends or is dropped.
    H2(H2Lease),
}

/// See the [module docs](self).
#[derive(Debug)]
pub(crate) struct ResponseBody {
    incoming: Incoming,
    read_timeout: Option<Duration>,
    total: Option<Instant>,
    /// One timer for the whole body. It may still hold an earlier wait's deadline, which
    /// is never later than the current one: it then fires early and is moved on, so a
    /// wait costs a clock read, not a timer-wheel update per `Pending`.
    timer: Option<Pin<Box<Sleep>>>,
    /// The deadline of the current wait, set on its first `Pending`; `None` between waits.
    wait: Option<Instant>,
    lease: Option<Lease>,
    /// The exchange's record of the request body (the exchange's own reference, moved
    /// here: no count taken per request), for an HTTP/1.1 lease.
    request: Option<Arc<Progress>>,
}

impl ResponseBody {
    /// A body not yet [`started`](ResponseBody::start).
    pub(crate) fn new(
        incoming: Incoming,
        read_timeout: Option<Duration>,
        total: Option<Instant>,
        lease: Option<Lease>,
    ) -> ResponseBody {
        ResponseBody {
            incoming,
            read_timeout,
            total,
            timer: None,
            wait: None,
            lease,
            request: None,
        }
    }

    /// Ready to be read, with `request`, the record of the request body sent: an empty
    /// response ends here.
    pub(crate) fn start(mut self, request: Arc<Progress>) -> ResponseBody {
        if matches!(self.lease, Some(Lease::H1(_))) {
            self.request = Some(request);
        }
        if self.incoming.is_end_stream() {
            self.end();
        }
        self
    }

    /// The response ended: an HTTP/1.1 connection goes back to the pool only if the
    /// request body was sent whole. A server may answer early (a 413, a 401) without
    /// reading the body: hyper then still writes it, and the connection takes no other
    /// request until it is done, which may be never. It is closed instead. One atomic
    /// load.
    fn end(&mut self) {
        match self.lease.take() {
            Some(Lease::H1(lease)) => {
                let sent = self
                    .request
                    .as_ref()
                    .is_some_and(|request| request.is_finished());
                if sent {
                    lease.release();
                }
                // Else dropped: the connection closes with its sender.
            }
            // The stream is done: dropping the lease counts it out.
            Some(Lease::H2(lease)) => drop(lease),
            None => {}
        }
    }

    /// The deadline of a wait starting now: read inactivity, capped by the total deadline.
    fn deadline(&self) -> Option<Instant> {
        let read = self
            .read_timeout
            .map(|timeout| deadline_after(Instant::now(), timeout));
        match (read, self.total) {
            (Some(read), Some(total)) => Some(read.min(total)),
            (read, total) => read.or(total),
        }
    }

    /// The error of a timeout while reading. The connection is not returned: the rest
    /// of the body is unread.
    fn timed_out(&mut self, kind: ErrorKind) -> Error {
        self.lease = None;
        let message = match kind {
            ErrorKind::TotalTimeout => "the total deadline passed while reading the response body",
            _ => "no response body data arrived within the read timeout",
        };
        Error::new(kind).with_message(message)
    }

    fn poll_timer(&mut self, cx: &mut Context<'_>) -> Poll<ErrorKind> {
        let deadline = match self.wait {
            Some(deadline) => deadline,
            None => {
                let Some(deadline) = self.deadline() else {
                    return Poll::Pending;
                };
                if self.timer.is_none() {
                    self.timer = Some(Box::pin(tokio::time::sleep_until(deadline)));
                }
                self.wait = Some(deadline);
                deadline
            }
        };
        let Some(timer) = &mut self.timer else {
            return Poll::Pending;
        };
        if timer.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        if Instant::now() < deadline {
            // An earlier wait's deadline: move on to this one's.
            timer.as_mut().reset(deadline);
            if timer.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
        let total_passed = self.total.is_some_and(|total| Instant::now() >= total);
        Poll::Ready(if total_passed {
            ErrorKind::TotalTimeout
        } else {
            ErrorKind::ReadTimeout
        })
    }
}

use std::future::Future as _;

impl http_body::Body for ResponseBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.incoming).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                this.wait = None;
                // A body that never pauses (a consumer slower than the network finds each
                // frame ready) never reaches the timer: the total deadline is checked
                // here too, a clock read per frame only when there is one.
                if this.total.is_some_and(|total| Instant::now() >= total) {
                    return Poll::Ready(Some(Err(this.timed_out(ErrorKind::TotalTimeout))));
                }
                if this.incoming.is_end_stream() {
                    this.end();
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(error))) => {
                this.lease = None;
                // On HTTP/2 hyper keeps h2's error whole here: `map` finds it, I/O included.
                Poll::Ready(Some(Err(errors::map(error, Phase::Body))))
            }
            Poll::Ready(None) => {
                this.end();
                Poll::Ready(None)
            }
            Poll::Pending => match this.poll_timer(cx) {
                Poll::Ready(kind) => Poll::Ready(Some(Err(this.timed_out(kind)))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.incoming.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.incoming.size_hint()
    }
}
