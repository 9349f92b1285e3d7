//! HTTP/1.1 connections that a waiting blocking caller drives on its own thread.
//!
//! Every HTTP/1.1 connection has a background task on the runtime. Without more, a
//! blocking request would cost two thread hops: the caller hands the request to that
//! task, and the task hands the response back. Measured on one core, that is six context
//! switches per request against one for async.
//!
//! So the connection future is shared. While a blocking caller waits for a response
//! head (see [`CallerDrives`]), the connection its request goes out on is *borrowed*:
//! the caller polls the connection itself between polls of its own future, and the
//! connection's wake-ups go to the caller instead of the task. The request is written
//! on the caller's thread. The response is read there too, once the runtime's I/O
//! driver reports the socket readable: that is the one hop left. When the wait ends,
//! the connection is handed back, and the task gets the wake-ups again, so an idle
//! connection still notices a close from the server. A body small enough to arrive
//! with the head is read along with it. A larger body's chunks are read by the task:
//! handing the connection back and forth at every chunk was measured dearer.
//!
//! One waker serves both drivers. It sets a `notified` flag and routes the wake-up to
//! whoever drives now. Whoever holds the connection's lock polls again while `notified`
//! was set during its poll, so no wake-up is lost when the two meet.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

/// A connection future (its result is reported to the requests on it, not here).
type Connection = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A connection driven by its background task or by a borrowing caller.
pub(crate) struct Driven {
    connection: Mutex<Option<Connection>>,
    /// A wake-up arrived since the last poll began.
    notified: AtomicBool,
    /// A caller drives it now: mirrors `caller.is_some()`, written only under that lock
    /// (read without it where a stale answer is harmless).
    borrowed: AtomicBool,
    /// The connection future finished.
    done: AtomicBool,
    /// The borrowing caller's waker. Borrowing and giving back happen under this lock,
    /// so that one caller giving back cannot clear the next one's waker.
    caller: Mutex<Option<Waker>>,
    background: Mutex<Option<Waker>>,
}

impl Driven {
    /// Shares `connection` and spawns its background task.
    pub(crate) fn spawn(connection: impl Future<Output = ()> + Send + 'static) -> Arc<Driven> {
        let driven = Arc::new(Driven {
            connection: Mutex::new(Some(Box::pin(connection))),
            notified: AtomicBool::new(false),
            borrowed: AtomicBool::new(false),
            done: AtomicBool::new(false),
            caller: Mutex::new(None),
            background: Mutex::new(None),
        });
        tokio::spawn(Background {
            waker: Waker::from(Arc::clone(&driven)),
            driven: Arc::clone(&driven),
        });
        driven
    }

    /// Polls the connection if nobody else is polling it, again while wake-ups arrived
    /// during the poll. One who finds it busy leaves the work to the one polling.
    fn drive(self: &Arc<Self>) {
        self.drive_with(&Waker::from(Arc::clone(self)));
    }

    /// [`drive`](Self::drive) with this connection's own waker, made by the caller.
    fn drive_with(&self, waker: &Waker) {
        loop {
            let Ok(mut slot) = self.connection.try_lock() else {
                return;
            };
            let Some(connection) = slot.as_mut() else {
                return;
            };
            self.notified.store(false, Ordering::SeqCst);
            if connection
                .as_mut()
                .poll(&mut Context::from_waker(waker))
                .is_ready()
            {
                *slot = None;
                drop(slot);
                self.done.store(true, Ordering::SeqCst);
                // The task may be waiting for a wake-up that went to a caller.
                wake(&self.background);
                return;
            }
            drop(slot);
            if !self.notified.load(Ordering::SeqCst) {
                return;
            }
        }
    }

    /// Borrows the connection for the wait running on this thread, if one is (see
    /// [`CallerDrives`]); `cx` wakes that wait. Cheap when there is none.
    pub(crate) fn borrow_here(self: &Arc<Self>, cx: &Context<'_>) {
        BORROWED.with(|borrowed| {
            let mut borrowed = borrowed.borrow_mut();
            let Some(list) = borrowed.as_mut() else {
                return;
            };
            if list.iter().any(|other| Arc::ptr_eq(other, self)) {
                return;
            }
            {
                let mut caller = lock(&self.caller);
                if caller.is_some() {
                    // Still borrowed by a wait that released the lease before it ended
                    // (a buffered body); that wait hands it back soon, and the task
                    // drives it from then on.
                    return;
                }
                *caller = Some(cx.waker().clone());
                self.borrowed.store(true, Ordering::SeqCst);
            }
            list.push(Arc::clone(self));
        });
    }

    /// Hands the connection back to its task and polls it once more, so a wake-up that
    /// went to the caller since its last poll is not lost.
    fn give_back(self: &Arc<Self>) {
        {
            let mut caller = lock(&self.caller);
            *caller = None;
            self.borrowed.store(false, Ordering::SeqCst);
        }
        self.drive();
    }
}

impl Wake for Driven {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.notified.store(true, Ordering::SeqCst);
        if self.borrowed.load(Ordering::SeqCst) {
            // Woken outside the lock: a waker may do anything, borrowing included.
            let caller = lock(&self.caller).clone();
            if let Some(waker) = caller {
                waker.wake();
                return;
            }
        }
        // Not borrowed, or given back since the flag was read.
        wake(&self.background);
    }
}

impl fmt::Debug for Driven {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Driven")
            .field("borrowed", &self.borrowed.load(Ordering::Relaxed))
            .field("done", &self.done.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

fn lock(slot: &Mutex<Option<Waker>>) -> std::sync::MutexGuard<'_, Option<Waker>> {
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

fn wake(slot: &Mutex<Option<Waker>>) {
    let waker = lock(slot).clone();
    if let Some(waker) = waker {
        waker.wake();
    }
}

/// The connection's task on the runtime: drives it whenever no caller does.
struct Background {
    driven: Arc<Driven>,
    /// The connection's waker, made once (it holds the `Arc` above, not the task).
    waker: Waker,
}

impl Future for Background {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let driven = &self.driven;
        {
            let mut background = lock(&driven.background);
            if !background
                .as_ref()
                .is_some_and(|waker| waker.will_wake(cx.waker()))
            {
                *background = Some(cx.waker().clone());
            }
        }
        if !driven.borrowed.load(Ordering::SeqCst) {
            driven.drive_with(&self.waker);
        }
        if driven.done.load(Ordering::SeqCst) {
            *lock(&driven.background) = None;
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Drop for Background {
    /// The runtime went away with the task (shut down or dropped): the connection goes
    /// with it, as it would with a plain task, so its sending half reads as closed and
    /// the pool does not hand out a connection whose I/O no runtime drives.
    fn drop(&mut self) {
        let connection = self
            .driven
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        self.driven.done.store(true, Ordering::SeqCst);
        drop(connection);
    }
}

thread_local! {
    /// The connections borrowed by the wait running on this thread; `None` when no wait
    /// is running.
    static BORROWED: RefCell<Option<Vec<Arc<Driven>>>> = const { RefCell::new(None) };
}

/// While alive, this thread drives the HTTP/1.1 connections that the futures it polls
/// use: call [`drive`](CallerDrives::drive) after each poll. For a blocking wait loop,
/// where the thread would otherwise sleep while a runtime task does the connection's
/// work. Dropping it hands every connection back to its task. Waits may nest; each
/// borrows for itself.
///
/// ```
/// # use std::future::Future;
/// # use std::pin::pin;
/// # use std::task::{Context, Poll, Waker};
/// let mut future = pin!(async { 42 });
/// let drives = xhttp_async::http::CallerDrives::new();
/// let mut cx = Context::from_waker(Waker::noop());
/// let answer = loop {
///     if let Poll::Ready(answer) = future.as_mut().poll(&mut cx) {
///         break answer;
///     }
///     drives.drive();
///     // A real loop parks the thread here until its waker is woken.
/// };
/// assert_eq!(answer, 42);
/// ```
#[derive(Debug)]
pub struct CallerDrives {
    outer: Option<Vec<Arc<Driven>>>,
}

impl CallerDrives {
    /// Starts borrowing on this thread.
    pub fn new() -> CallerDrives {
        let outer = BORROWED.with(|borrowed| borrowed.borrow_mut().replace(Vec::new()));
        CallerDrives { outer }
    }

    /// Polls every connection borrowed so far.
    pub fn drive(&self) {
        for index in 0.. {
            let next = BORROWED.with(|borrowed| {
                borrowed
                    .borrow()
                    .as_ref()
                    .and_then(|list| list.get(index).cloned())
            });
            match next {
                Some(driven) => driven.drive(),
                None => break,
            }
        }
    }
}

impl Default for CallerDrives {
    fn default() -> CallerDrives {
        CallerDrives::new()
    }
}

impl Drop for CallerDrives {
    fn drop(&mut self) {
        let borrowed = BORROWED
            .try_with(|borrowed| std::mem::replace(&mut *borrowed.borrow_mut(), self.outer.take()))
            .ok()
            .flatten()
            .unwrap_or_default();
        for driven in borrowed {
            driven.give_back();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    /// Counts its wake-ups.
    #[derive(Default)]
    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }

        fn wake_by_ref(self: &Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A "connection" that ends when the sender sends.
    fn connection() -> (tokio::sync::oneshot::Sender<()>, Arc<Driven>) {
        let (sender, receiver) = tokio::sync::oneshot::channel::<()>();
        let driven = Driven::spawn(async move {
            let _ = receiver.await;
        });
        (sender, driven)
    }

    #[tokio::test]
    async fn a_borrowed_connection_wakes_its_caller_who_drives_it() {
        let (sender, driven) = connection();
        // The task polls it once and waits.
        tokio::task::yield_now().await;
        let count = Arc::new(Count::default());
        let waker = Waker::from(Arc::clone(&count));
        let drives = CallerDrives::new();
        driven.borrow_here(&Context::from_waker(&waker));
        assert!(driven.borrowed.load(Ordering::SeqCst));
        // Register the connection's waker by driving it here, then make it ready.
        drives.drive();
        sender.send(()).unwrap();
        assert_eq!(
            count.0.load(Ordering::SeqCst),
            1,
            "the caller was not woken"
        );
        drives.drive();
        assert!(
            driven.done.load(Ordering::SeqCst),
            "the caller did not drive it"
        );
        drop(drives);
        assert!(!driven.borrowed.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn a_connection_given_back_is_driven_by_its_task_again() {
        let (sender, driven) = connection();
        tokio::task::yield_now().await;
        let waker = Waker::from(Arc::new(Count::default()));
        let drives = CallerDrives::new();
        driven.borrow_here(&Context::from_waker(&waker));
        drives.drive();
        drop(drives);
        sender.send(()).unwrap();
        // The wake-up goes to the task, which runs when this test yields.
        for _ in 0..10 {
            if driven.done.load(Ordering::SeqCst) {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert!(
            driven.done.load(Ordering::SeqCst),
            "the task did not drive it"
        );
    }

    #[test]
    fn a_connection_borrowed_by_one_wait_is_not_taken_by_another() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _context = runtime.enter();
        let (_sender, driven) = connection();
        let first = Arc::new(Count::default());
        let second = Arc::new(Count::default());
        let first_waker = Waker::from(Arc::clone(&first));
        let second_waker = Waker::from(Arc::clone(&second));
        let outer = CallerDrives::new();
        driven.borrow_here(&Context::from_waker(&first_waker));
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let other = CallerDrives::new();
                driven.borrow_here(&Context::from_waker(&second_waker));
                drop(other);
            });
        });
        // The other wait ended without touching the first one's borrow.
        driven.wake_by_ref();
        assert_eq!(first.0.load(Ordering::SeqCst), 1);
        assert_eq!(second.0.load(Ordering::SeqCst), 0);
        drop(outer);
        // Given back: a wait elsewhere may borrow it now.
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let other = CallerDrives::new();
                driven.borrow_here(&Context::from_waker(&second_waker));
                driven.wake_by_ref();
                drop(other);
            });
        });
        assert_eq!(second.0.load(Ordering::SeqCst), 1);
    }
}
