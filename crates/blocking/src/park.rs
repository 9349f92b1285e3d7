//! Waiting on the calling thread with a thread park: no tokio primitive involved.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// A waker that unparks the current thread.
pub(crate) fn current_thread_waker() -> Waker {
    Waker::from(Arc::new(ThreadWaker(thread::current())))
}

thread_local! {
    /// This thread's waker, made once.
    static WAKER: Waker = current_thread_waker();
}

/// Polls `future` on this thread until it is ready, parking in between.
pub(crate) fn wait<F: Future>(future: F) -> F::Output {
    // A clone of the cached waker is a reference count; a fresh one is made only while
    // the thread's locals are being torn down.
    let waker = WAKER
        .try_with(Waker::clone)
        .unwrap_or_else(|_| current_thread_waker());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // A wake before this park makes it return at once; spurious returns re-poll.
        thread::park();
    }
}
