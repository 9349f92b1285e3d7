//! Waiting for the response head of a request handed to hyper, with the write and read
//! timeouts watched: a request body that hyper has not pulled from for `write` is a
//! write timeout (unless hyper waits on the body's own source, not on the connection);
//! once the body ended, no response head within `read` is a read timeout.
//!
//! A hand-written future rather than an `async fn`: it holds hyper's future once, beside
//! one reusable timer, where nested `async fn`s would each keep their own copy of it
//! (this future is part of every exchange, and its size is copied and allocated with it).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::Incoming;
use hyper::client::conn::TrySendError;
use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep};
use xhttp_core::{Error, ErrorKind, Timeout};

use super::errors::{self, Phase, Refused};
use super::watch::{Progress, WatchedBody};

/// How the exchange failed before a response head, as the retry rules need to know.
pub(super) enum Failure {
    /// hyper did not send the request and gave it back.
    Unsent(Box<http::Request<WatchedBody>>, Error),
    /// The exchange failed after the request was handed to the connection and before a
    /// response head arrived (not a timeout). `refused`: the HTTP/2 server said it did
    /// not process the stream, and how.
    BeforeHead {
        error: Error,
        refused: Option<Refused>,
    },
    Failed(Error),
}

/// What the timer is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TimerState {
    /// Not yet set: the first poll sets it.
    Start,
    /// Set to the next check.
    Waiting,
    /// It fired: check the timeouts, then set it again.
    Check,
    /// No timeout applies: only hyper's future is awaited.
    Off,
}

pin_project! {
    /// See the [module docs](self).
    pub(super) struct Head<'a, F> {
        #[pin]
        sent: F,
        // One timer, moved to each check; made at a time already known (no clock read
        // for a placeholder deadline).
        #[pin]
        timer: Sleep,
        progress: &'a Progress,
        timeout: Timeout,
        h2: bool,
        state: TimerState,
    }
}

impl<'a, F> Head<'a, F> {
    /// Waits for `sent`, what hyper's `try_send_request` gives, on an HTTP/2 connection
    /// when `h2`.
    pub(super) fn new(sent: F, progress: &'a Progress, timeout: Timeout, h2: bool) -> Self {
        Head {
            sent,
            timer: tokio::time::sleep_until(Instant::from_std(progress.last_pull())),
            progress,
            timeout,
            h2,
            state: TimerState::Start,
        }
    }
}

impl<F> Future for Head<'_, F>
where
    F: Future<Output = Result<http::Response<Incoming>, TrySendError<http::Request<WatchedBody>>>>,
{
    type Output = Result<http::Response<Incoming>, Failure>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Poll::Ready(output) = this.sent.poll(cx) {
            return Poll::Ready(output.map_err(|failed| unsent_or_failed(failed, *this.h2)));
        }
        loop {
            match *this.state {
                TimerState::Off => return Poll::Pending,
                TimerState::Waiting => {
                    if this.timer.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    *this.state = TimerState::Check;
                }
                TimerState::Start | TimerState::Check => {
                    // Before the timer first fired no deadline can have passed unnoticed
                    // (one already past makes the timer fire at once): no clock read.
                    let now = (*this.state == TimerState::Check).then(Instant::now);
                    let next = next_check(this.progress, *this.timeout, now);
                    if let (
                        Some(now),
                        Some(Check {
                            at,
                            fails: Some(kind),
                        }),
                    ) = (now, next)
                    {
                        if now >= at {
                            let error = timeout_error(kind, *this.timeout);
                            return Poll::Ready(Err(Failure::Failed(error)));
                        }
                    }
                    match next {
                        Some(Check { at, .. }) => {
                            this.timer.as_mut().reset(at);
                            *this.state = TimerState::Waiting;
                        }
                        None => {
                            *this.state = TimerState::Off;
                            return Poll::Pending;
                        }
                    }
                }
            }
        }
    }
}

/// `start + duration`, or far in the future when that is not representable (a timeout
/// of `Duration::MAX`, say): never a panic.
#[inline]
pub(super) fn deadline_after(start: Instant, duration: Duration) -> Instant {
    Instant::from_std(xhttp_core::timeout::deadline_after(
        start.into_std(),
        duration,
    ))
}

/// The next look at the timeouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Check {
    at: Instant,
    /// The timeout that has passed if it is still due at `at`; `None`: only look again.
    fails: Option<ErrorKind>,
}

/// When to look at the timeouts next (`None`: never), at `now` when the timer fired and
/// `None` at the first poll.
fn next_check(progress: &Progress, timeout: Timeout, now: Option<Instant>) -> Option<Check> {
    if let Some(done) = progress.finished() {
        let read = timeout.read()?;
        return Some(Check {
            at: deadline_after(Instant::from_std(done), read),
            fails: Some(ErrorKind::ReadTimeout),
        });
    }
    // Read before `last_pull` (see `Progress::source_waiting`).
    let source_waiting = progress.source_waiting();
    let last_pull = Instant::from_std(progress.last_pull());
    // The body has not ended: it ends at `since` at the earliest.
    let since = now.map_or(last_pull, |now| now.max(last_pull));
    let write = timeout.write().map(|write| {
        if source_waiting {
            // hyper waits on the body's source, not on the connection: look again later.
            Check {
                at: deadline_after(since, write),
                fails: None,
            }
        } else {
            Check {
                at: deadline_after(last_pull, write),
                fails: Some(ErrorKind::WriteTimeout),
            }
        }
    });
    // Once the body ends, no response head within `read` fails: look when that could be
    // due at the earliest, so that a write timeout longer than the read one (or none)
    // does not delay it. Nothing wakes this future when the body ends.
    let read = timeout.read().map(|read| Check {
        at: deadline_after(since, read),
        fails: None,
    });
    match (write, read) {
        (Some(write), Some(read)) if read.at < write.at => Some(read),
        (Some(write), _) => Some(write),
        (None, read) => read,
    }
}

fn unsent_or_failed(mut failed: TrySendError<http::Request<WatchedBody>>, h2: bool) -> Failure {
    let request = failed.take_message();
    let hyper_error = failed.into_error();
    let refused = if h2 {
        errors::refused(&hyper_error)
    } else {
        None
    };
    let error = errors::map_on(hyper_error, Phase::Request, h2);
    match request {
        Some(request) => Failure::Unsent(Box::new(request), error),
        None => Failure::BeforeHead { error, refused },
    }
}

fn timeout_error(kind: ErrorKind, timeout: Timeout) -> Error {
    let message = match kind {
        ErrorKind::WriteTimeout => format!(
            "the connection took no request body data for {:?}",
            timeout.write().unwrap_or_default()
        ),
        _ => format!(
            "no response head arrived within {:?} of sending the request",
            timeout.read().unwrap_or_default()
        ),
    };
    Error::new(kind).with_message(message)
}
