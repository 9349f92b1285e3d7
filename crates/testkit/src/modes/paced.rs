//! The response body of the hyper-served modes: the handler's bytes, sent all at
//! once, stalled, dripped or truncated.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use super::Behavior;

/// The error a truncated body fails with.
#[derive(Debug)]
struct Truncated;

impl std::fmt::Display for Truncated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("testkit: the body was truncated on purpose")
    }
}

impl std::error::Error for Truncated {}

/// How the body goes out.
#[derive(Debug)]
enum Pace {
    /// Everything at once.
    All,
    /// `after` bytes, then pending forever.
    StallAfter(usize),
    /// One byte after each pause.
    Drip(Duration),
    /// `after` bytes, one pending poll so hyper flushes them, then an error.
    TruncateAfter { after: usize, flushed: bool },
}

/// A response body paced by a [`Behavior`].
#[derive(Debug)]
pub(crate) struct PacedBody {
    /// What is left to send, withheld bytes included: announced as the exact size, so
    /// the response head carries the whole body's `Content-Length`.
    remaining: Bytes,
    pace: Pace,
    sleep: Option<Pin<Box<Sleep>>>,
}

impl PacedBody {
    /// The handler's `body`, paced as `behavior` says.
    pub(crate) fn new(body: Bytes, behavior: Behavior) -> PacedBody {
        let pace = match behavior {
            Behavior::StallBody { after } => Pace::StallAfter(after),
            Behavior::Drip { every } => Pace::Drip(every),
            Behavior::Truncate { after } => Pace::TruncateAfter {
                after,
                flushed: false,
            },
            Behavior::Normal
            | Behavior::NeverAnswer
            | Behavior::StallUpload
            | Behavior::CloseAfter { .. } => Pace::All,
        };
        PacedBody {
            remaining: body,
            pace,
            sleep: None,
        }
    }

    /// The first `count` remaining bytes (fewer if fewer remain).
    fn take(&mut self, count: usize) -> Bytes {
        self.remaining.split_to(count.min(self.remaining.len()))
    }
}

fn data(bytes: Bytes) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
    Poll::Ready(Some(Ok(Frame::data(bytes))))
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl Body for PacedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        match &mut this.pace {
            Pace::All => {
                if this.remaining.is_empty() {
                    Poll::Ready(None)
                } else {
                    let all = this.take(usize::MAX);
                    data(all)
                }
            }
            Pace::StallAfter(after) => {
                let count = *after;
                *after = 0;
                if count > 0 && !this.remaining.is_empty() {
                    let head = this.take(count);
                    data(head)
                } else {
                    // Never woken: the connection waits until the client gives up or
                    // the server stops.
                    Poll::Pending
                }
            }
            Pace::Drip(every) => {
                if this.remaining.is_empty() {
                    return Poll::Ready(None);
                }
                let every = *every;
                let sleep = this
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(every)));
                if sleep.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                sleep.as_mut().reset(Instant::now() + every);
                let byte = this.take(1);
                data(byte)
            }
            Pace::TruncateAfter { after, flushed } => {
                if *after > 0 && !this.remaining.is_empty() {
                    let count = *after;
                    *after = 0;
                    let head = this.take(count);
                    return data(head);
                }
                if !*flushed {
                    // Give the connection one turn to write out what it has.
                    *flushed = true;
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Poll::Ready(Some(Err(Box::new(Truncated))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self.pace, Pace::All | Pace::Drip(_)) && self.remaining.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining.len() as u64)
    }
}
