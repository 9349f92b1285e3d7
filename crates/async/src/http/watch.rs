//! The request body, watched: when hyper last pulled a frame and when the body ended.
//! The write timeout is enforced from here (for HTTP/2 the wait for send capacity happens
//! inside hyper, where no socket timer can see it).

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::{Body as _, Frame, SizeHint};
use xhttp_core::{Body, Error, OnProgress, Trace, TraceKind};

/// Nanoseconds since `start`, shared with the exchange.
#[derive(Debug)]
pub(crate) struct Progress {
    start: Instant,
    last_pull: AtomicU64,
    /// 0 while the body is unfinished; else 1 + nanoseconds since `start` at its end.
    finished: AtomicU64,
    /// Whether hyper waits on the body's own source (its last poll of the body answered
    /// `Pending`), not on the connection: no write timeout runs then.
    source_waiting: AtomicBool,
    /// The body ended with an error: not sent whole, so its HTTP/1.1 connection is not
    /// pooled (hyper is closing it).
    failed: AtomicBool,
    /// Which sending of the request this is: a body bound to an earlier one (hyper may
    /// still poll it after the attempt failed) no longer moves the stamps.
    attempt: AtomicU32,
    /// Who is told about the body, when anyone is.
    observers: Option<Box<Observers>>,
}

/// The trace and the upload progress callback of one request.
#[derive(Debug)]
pub(crate) struct Observers {
    pub(crate) trace: Option<Trace>,
    pub(crate) upload: Option<OnProgress>,
    /// The body's length, when known.
    pub(crate) total: Option<u64>,
    /// [`HEAD_SENT`] and [`BODY_SENT`]: `RequestBodySent` is emitted by whoever sets
    /// the second (the body may end before the head is handed over, when empty).
    sent: AtomicU8,
}

const HEAD_SENT: u8 = 1;
const BODY_SENT: u8 = 2;

impl Observers {
    pub(crate) fn new(
        trace: Option<Trace>,
        upload: Option<OnProgress>,
        total: Option<u64>,
    ) -> Option<Box<Observers>> {
        if trace.is_none() && upload.is_none() {
            return None;
        }
        Some(Box::new(Observers {
            trace,
            upload,
            total,
            sent: AtomicU8::new(0),
        }))
    }

    fn mark(&self, bit: u8) {
        let before = self.sent.fetch_or(bit, Ordering::AcqRel);
        if before | bit == HEAD_SENT | BODY_SENT && before != HEAD_SENT | BODY_SENT {
            if let Some(trace) = &self.trace {
                trace.emit(TraceKind::RequestBodySent);
            }
        }
    }
}

impl Progress {
    pub(crate) fn new(observers: Option<Box<Observers>>) -> Arc<Progress> {
        Arc::new(Progress {
            start: Instant::now(),
            last_pull: AtomicU64::new(0),
            finished: AtomicU64::new(0),
            source_waiting: AtomicBool::new(false),
            failed: AtomicBool::new(false),
            attempt: AtomicU32::new(0),
            observers,
        })
    }

    /// The trace, if any.
    pub(crate) fn trace(&self) -> Option<&Trace> {
        self.observers.as_ref()?.trace.as_ref()
    }

    /// The request was handed to the connection `at`: the write and read timeouts count
    /// from here, not from when the request was made (it may have waited for the pool or
    /// a connect). A body already complete (empty) counts as sent now. Emits
    /// `RequestHeadSent`.
    pub(crate) fn head_sent(&self, at: Instant, body_complete: bool) {
        let stamp = self.stamp(at);
        self.last_pull.store(stamp, Ordering::Release);
        if body_complete {
            self.finished.store(stamp + 1, Ordering::Release);
        }
        if let Some(observers) = &self.observers {
            if let Some(trace) = &observers.trace {
                trace.emit_at(at, TraceKind::RequestHeadSent);
            }
            // Again after a `restart` (a request sent again), which cleared the marks.
            if body_complete {
                observers.mark(BODY_SENT);
            }
            observers.mark(HEAD_SENT);
        }
    }

    fn sent(&self, bytes: u64) {
        if let Some(observers) = &self.observers {
            if let Some(upload) = &observers.upload {
                upload.report(bytes, observers.total);
            }
        }
    }

    fn now(&self) -> u64 {
        self.stamp(Instant::now())
    }

    /// `at` in nanoseconds since `start`.
    fn stamp(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.start).as_nanos()).unwrap_or(u64::MAX - 1)
    }

    fn at(&self, nanos: u64) -> Instant {
        self.start + Duration::from_nanos(nanos)
    }

    /// When hyper last asked for a frame (or when the body was made).
    pub(crate) fn last_pull(&self) -> Instant {
        self.at(self.last_pull.load(Ordering::Acquire))
    }

    /// When the body ended, if it did.
    pub(crate) fn finished(&self) -> Option<Instant> {
        match self.finished.load(Ordering::Acquire) {
            0 => None,
            stamp => Some(self.at(stamp - 1)),
        }
    }

    /// Whether the body was sent whole: it ended, and not with an error (two atomic
    /// loads, at the response body's end).
    pub(crate) fn is_finished(&self) -> bool {
        self.finished.load(Ordering::Acquire) != 0 && !self.failed.load(Ordering::Acquire)
    }

    /// Whether the body waits on its own source to produce the next frame (hyper is
    /// ready for it): the connection is not what is slow. Read before
    /// [`last_pull`](Progress::last_pull): a body that stopped waiting stamped its pull
    /// before saying so.
    pub(crate) fn source_waiting(&self) -> bool {
        self.source_waiting.load(Ordering::Acquire)
    }

    /// Starts over, for a request sent again: bodies bound so far are from now on
    /// ignored (see [`WatchedBody::rebind`]).
    pub(crate) fn restart(&self) {
        self.attempt.fetch_add(1, Ordering::AcqRel);
        self.last_pull.store(self.now(), Ordering::Release);
        self.finished.store(0, Ordering::Release);
        self.source_waiting.store(false, Ordering::Release);
        self.failed.store(false, Ordering::Release);
        if let Some(observers) = &self.observers {
            observers.sent.store(0, Ordering::Release);
        }
    }

    /// Ends the body now, unless it ended already.
    fn finish(&self) {
        let first =
            self.finished
                .compare_exchange(0, self.now() + 1, Ordering::AcqRel, Ordering::Acquire);
        if let (Ok(_), Some(observers)) = (first, &self.observers) {
            observers.mark(BODY_SENT);
        }
    }
}

/// The largest frame handed to hyper: bigger ones are split (without copying), so that
/// hyper pulls often enough for the write timeout to see progress.
const MAX_FRAME: usize = 64 * 1024;

/// The request body as hyper sees it.
#[derive(Debug)]
pub(crate) struct WatchedBody {
    inner: Body,
    progress: Arc<Progress>,
    /// The attempt this body is sent by: only then does it move the progress stamps.
    attempt: u32,
    /// The rest of a frame larger than [`MAX_FRAME`].
    pending: Bytes,
    /// Bytes handed to hyper so far (for upload progress).
    sent: u64,
    /// The body's exact length, when known: hyper stops pulling once it has that many
    /// bytes (its `Content-Length`), without asking for the end, so the body ends there.
    length: Option<u64>,
    /// The inner body's last poll answered `Pending` (and this body, when current, set
    /// [`Progress::source_waiting`]): the shared flag is written on changes only.
    waiting: bool,
}

impl WatchedBody {
    /// An empty body is marked ended when the head is sent (`Progress::head_sent`).
    pub(crate) fn new(inner: Body, progress: Arc<Progress>) -> WatchedBody {
        WatchedBody {
            attempt: progress.attempt.load(Ordering::Acquire),
            length: inner.size_hint().exact(),
            inner,
            progress,
            pending: Bytes::new(),
            sent: 0,
            waiting: false,
        }
    }

    /// Binds the body to the current attempt, before it is sent (again).
    pub(crate) fn rebind(&mut self) {
        self.attempt = self.progress.attempt.load(Ordering::Acquire);
        // The new attempt's flag starts clear: the next wait of the source sets it.
        self.waiting = false;
    }

    /// Whether the body belongs to the attempt being sent now.
    fn is_current(&self) -> bool {
        self.attempt == self.progress.attempt.load(Ordering::Acquire)
    }

    /// A copy for sending again, when the body is replayable and not started.
    pub(crate) fn try_clone(&self) -> Option<WatchedBody> {
        if !self.pending.is_empty() {
            return None;
        }
        Some(WatchedBody {
            inner: self.inner.try_clone()?,
            progress: Arc::clone(&self.progress),
            attempt: self.attempt,
            pending: Bytes::new(),
            sent: 0,
            length: self.length,
            waiting: false,
        })
    }

    /// Whether the whole body was handed to hyper (an empty one at once): it ended, or
    /// it gave its exact length.
    pub(crate) fn is_complete(&self) -> bool {
        self.pending.is_empty() && (self.inner.is_end_stream() || self.length == Some(self.sent))
    }

    fn next_slice(&mut self) -> Bytes {
        let take = self.pending.len().min(MAX_FRAME);
        let slice = self.pending.split_to(take);
        self.sent += slice.len() as u64;
        if self.is_current() {
            self.progress.sent(self.sent);
            if self.is_complete() {
                self.progress.finish();
            }
        }
        slice
    }
}

impl http_body::Body for WatchedBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let this = self.get_mut();
        if this.is_current() {
            this.progress
                .last_pull
                .store(this.progress.now(), Ordering::Release);
        }
        if !this.pending.is_empty() {
            return Poll::Ready(Some(Ok(Frame::data(this.next_slice()))));
        }
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        // The source's waits are its own, not the connection's: the write timeout skips
        // them. Two atomic stores per wait of the source; none while it keeps up.
        if polled.is_pending() != this.waiting {
            this.waiting = polled.is_pending();
            if this.is_current() {
                this.progress
                    .source_waiting
                    .store(this.waiting, Ordering::Release);
            }
        }
        match polled {
            Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                Ok(data) => {
                    this.pending = data;
                    Poll::Ready(Some(Ok(Frame::data(this.next_slice()))))
                }
                Err(frame) => Poll::Ready(Some(Ok(frame))),
            },
            Poll::Ready(None) => {
                if this.is_current() {
                    this.progress.finish();
                }
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(error))) => {
                if this.is_current() {
                    // Ended, for the timers; not sent whole, for the pool.
                    this.progress.failed.store(true, Ordering::Release);
                    this.progress.finish();
                }
                Poll::Ready(Some(Err(error)))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.pending.is_empty() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use std::pin::pin;

    use http_body_util::BodyExt as _;
    use xhttp_core::Body;

    use super::{Progress, WatchedBody};

    /// hyper may still poll the body of an attempt that failed (a refused HTTP/2 stream)
    /// while the request is sent again: that body must not end the new attempt's body,
    /// which would start its read timeout while it still uploads.
    #[tokio::test]
    async fn the_body_of_an_earlier_attempt_moves_no_stamps() {
        let progress = Progress::new(None);
        let first = WatchedBody::new(Body::from("four"), std::sync::Arc::clone(&progress));
        let mut again = first.try_clone().expect("a replayable body");
        progress.restart();
        again.rebind();
        let before = progress.last_pull();
        let collected = pin!(first).collect().await.expect("the old body reads");
        assert_eq!(collected.to_bytes(), "four");
        assert_eq!(progress.finished(), None, "the old body ended nothing");
        assert_eq!(progress.last_pull(), before);
        let collected = pin!(again).collect().await.expect("the new body reads");
        assert_eq!(collected.to_bytes(), "four");
        assert!(progress.finished().is_some(), "the new body ended");
    }

    /// A body whose source fails at once.
    struct Broken;

    impl http_body::Body for Broken {
        type Data = bytes::Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>>
        {
            std::task::Poll::Ready(Some(Err(std::io::Error::other("the source broke"))))
        }
    }

    /// A body that fails ended (its timers stop) but was not sent whole: its HTTP/1.1
    /// connection must not go back to the pool.
    #[tokio::test]
    async fn a_body_that_fails_is_not_sent_whole() {
        let progress = Progress::new(None);
        let failing = Body::from_stream(Broken);
        let body = WatchedBody::new(failing, std::sync::Arc::clone(&progress));
        assert!(pin!(body).collect().await.is_err());
        assert!(progress.finished().is_some(), "ended, for the timers");
        assert!(!progress.is_finished(), "not sent whole, for the pool");
        let whole = WatchedBody::new(Body::from("ok"), std::sync::Arc::clone(&progress));
        progress.restart();
        let mut whole = whole;
        whole.rebind();
        pin!(whole).collect().await.expect("the body reads");
        assert!(progress.is_finished(), "a new attempt sent whole");
    }
}
