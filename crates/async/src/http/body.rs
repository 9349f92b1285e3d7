//! The response body as the transport hands it out: read inactivity and total deadline
//! timers (one reusable timer, reset rather than re-created), hyper's errors mapped, and
//! the HTTP/1.1 connection returned to the pool when the body ends.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body as _, Frame, SizeHint};
use hyper::body::Incoming;
use tokio::time::{Instant, Sleep};
use xhttp_core::{Error, ErrorKind};

use super::errors::{self, Phase};
use super::pool::{H1Lease, H2Lease};

/// The connection (or stream) a response body holds until it ends.
#[derive(Debug)]
pub(crate) enum Lease {
    /// Given back to the pool at the end of the body.
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
    timer: Option<Pin<Box<Sleep>>>,
    /// Whether the timer is armed for the current wait.
    waiting: bool,
    lease: Option<Lease>,
}

impl ResponseBody {
    pub(crate) fn new(
        incoming: Incoming,
        read_timeout: Option<Duration>,
        total: Option<Instant>,
        lease: Option<Lease>,
    ) -> ResponseBody {
        let mut body = ResponseBody {
            incoming,
            read_timeout,
            total,
            timer: None,
            waiting: false,
            lease,
        };
        if body.incoming.is_end_stream() {
            body.end();
        }
        body
    }

    fn end(&mut self) {
        match self.lease.take() {
            Some(Lease::H1(lease)) => lease.release(),
            // The stream is done: dropping the lease counts it out.
            Some(Lease::H2(lease)) => drop(lease),
            None => {}
        }
    }

    /// The deadline of the current wait: read inactivity, capped by the total deadline.
    fn deadline(&self) -> Option<(Instant, ErrorKind)> {
        let read = self
            .read_timeout
            .map(|timeout| (Instant::now() + timeout, ErrorKind::ReadTimeout));
        let total = self
            .total
            .map(|deadline| (deadline, ErrorKind::TotalTimeout));
        match (read, total) {
            (Some(read), Some(total)) => Some(if total.0 <= read.0 { total } else { read }),
            (read, total) => read.or(total),
        }
    }

    fn poll_timer(&mut self, cx: &mut Context<'_>) -> Poll<ErrorKind> {
        if !self.waiting {
            let Some((deadline, _)) = self.deadline() else {
                return Poll::Pending;
            };
            match &mut self.timer {
                Some(timer) => timer.as_mut().reset(deadline),
                None => self.timer = Some(Box::pin(tokio::time::sleep_until(deadline))),
            }
            self.waiting = true;
        }
        let Some(timer) = &mut self.timer else {
            return Poll::Pending;
        };
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => {
                let total_passed = self
                    .total
                    .is_some_and(|deadline| Instant::now() >= deadline);
                Poll::Ready(if total_passed {
                    ErrorKind::TotalTimeout
                } else {
                    ErrorKind::ReadTimeout
                })
            }
            Poll::Pending => Poll::Pending,
        }
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
                this.waiting = false;
                if this.incoming.is_end_stream() {
                    this.end();
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(error))) => {
                this.lease = None;
                Poll::Ready(Some(Err(errors::map(error, Phase::Body))))
            }
            Poll::Ready(None) => {
                this.end();
                Poll::Ready(None)
            }
            Poll::Pending => match this.poll_timer(cx) {
                Poll::Ready(kind) => {
                    // The connection is not returned: the rest of the body is unread.
                    this.lease = None;
                    let message = match kind {
                        ErrorKind::TotalTimeout => {
                            "the total deadline passed while reading the response body"
                        }
                        _ => "no response body data arrived within the read timeout",
                    };
                    Poll::Ready(Some(Err(Error::new(kind).with_message(message))))
                }
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
