//! Waiting on the calling thread with a thread park (no tokio primitive involved),
//! driving the HTTP/1.1 connections the future uses meanwhile.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use xhttp_async::http::CallerDrives;

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
    // The HTTP/1.1 connections the future uses are driven here too, not by their tasks
    // on the runtime: no thread hop to send the request or to hand back the response.
    let drives = CallerDrives::for_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // Progress there wakes this thread (the future's waker), so the park below
        // returns at once and the future is polled again.
        drives.drive();
        // A wake before this park makes it return at once; spurious returns re-poll.
        thread::park();
    }
}
