//! The request body, watched: when hyper last pulled a frame and when the body ended.
//! The write timeout is enforced from here (for HTTP/2 the wait for send capacity happens
//! inside hyper, where no socket timer can see it).

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::{Body as _, Frame, SizeHint};
use xhttp_core::{Body, Error};

/// Nanoseconds since `start`, shared with the exchange.
#[derive(Debug)]
pub(crate) struct Progress {
    start: Instant,
    last_pull: AtomicU64,
    /// 0 while the body is unfinished; else 1 + nanoseconds since `start` at its end.
    finished: AtomicU64,
}

impl Progress {
    pub(crate) fn new() -> Arc<Progress> {
        Arc::new(Progress {
            start: Instant::now(),
            last_pull: AtomicU64::new(0),
            finished: AtomicU64::new(0),
        })
    }

    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX - 1)
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

    fn finish(&self) {
        let _ =
            self.finished
                .compare_exchange(0, self.now() + 1, Ordering::AcqRel, Ordering::Acquire);
    }
}

/// The request body as hyper sees it.
#[derive(Debug)]
pub(crate) struct WatchedBody {
    inner: Body,
    progress: Arc<Progress>,
}

impl WatchedBody {
    pub(crate) fn new(inner: Body, progress: Arc<Progress>) -> WatchedBody {
        if inner.is_end_stream() {
            progress.finish();
        }
        WatchedBody { inner, progress }
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
        this.progress
            .last_pull
            .store(this.progress.now(), Ordering::Release);
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(None) | Poll::Ready(Some(Err(_))) => this.progress.finish(),
            Poll::Ready(Some(Ok(_))) if this.inner.is_end_stream() => this.progress.finish(),
            _ => {}
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
