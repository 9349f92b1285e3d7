//! HTTP/1.1 connections that a waiting blocking caller drives on its own thread.
//!
//! Every HTTP/1.1 connection has a background task on the runtime. Without more, a
//! blocking request would cost two thread hops: the caller hands the request to that
//! task, and the task hands the response back. Measured on one core, that is six context
//! switches per request against one for async.
//!
//! So a connection made during a blocking wait (a blocking client's; the async client's
//! stay plain tasks) has its future shared. While a blocking caller waits for a response
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
use std::marker::PhantomData;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, TryLockError};
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
            let mut slot = match self.connection.try_lock() {
                Ok(slot) => slot,
                Err(TryLockError::WouldBlock) => return,
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            };
            let Some(connection) = slot.as_mut() else {
                return;
            };
            self.notified.store(false, Ordering::SeqCst);
            // The poll runs user code (a request body, upload progress). A panic there
            // ends this connection, as it would end a plain connection task, and is not
            // carried into whichever thread happened to drive it: the requests on the
            // connection fail with a closed-connection error instead.
            let polled = panic::catch_unwind(AssertUnwindSafe(|| {
                connection.as_mut().poll(&mut Context::from_waker(waker))
            }));
            if !matches!(polled, Ok(Poll::Pending)) {
                let finished = slot.take();
                drop(slot);
                self.done.store(true, Ordering::SeqCst);
                // The task may be waiting for a wake-up that went to a caller: told
                // first, so that a panic below cannot leave it waiting.
                wake(&self.background);
                // What is left of the future is dropped outside the lock, and its
                // destructors (user code: request bodies) may panic as its poll did.
                let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(finished)));
                return;
            }
            drop(slot);
            if !self.notified.load(Ordering::SeqCst) {
                return;
            }
        }
    }

    /// Borrows the connection for the waits running on this thread, if any are (see
    /// [`CallerDrives`]); `cx` wakes them. Cheap when there is none. Not when `cx` is
    /// not the innermost wait's own (when it said which): then another executor polls
    /// this request inside the wait, and its wakers would not wake the wait.
    pub(crate) fn borrow_here(self: &Arc<Self>, cx: &Context<'_>) {
        let _ = WAITS.try_with(|waits| {
            let mut waits = waits.borrow_mut();
            let Some(innermost) = waits.wakers.last() else {
                return;
            };
            if innermost
                .as_ref()
                .is_some_and(|waker| !waker.will_wake(cx.waker()))
            {
                return;
            }
            // This thread's waits may have it already (a later hop of the same request).
            if waits
                .borrowed
                .iter()
                .any(|(other, _)| Arc::ptr_eq(other, self))
            {
                return;
            }
            if self.try_borrow(cx.waker()) {
                waits.borrowed.push((Arc::clone(self), cx.waker().clone()));
            }
        });
    }

    /// Takes the connection for `waker`'s thread unless another wait has it (one that
    /// has not ended yet: it gives it back soon, and the task drives it from then on).
    fn try_borrow(&self, waker: &Waker) -> bool {
        let mut caller = lock(&self.caller);
        if caller.is_some() {
            return false;
        }
        *caller = Some(waker.clone());
        self.borrowed.store(true, Ordering::SeqCst);
        true
    }

    /// Gives the connection back to its task if `waker`'s wait still has it. Then, when
    /// `drive`, polls it once more, so that a wake-up that went to the caller since its
    /// last poll is not lost; otherwise wakes the task for such a wake-up.
    fn give_back(self: &Arc<Self>, waker: &Waker, drive: bool) {
        {
            let mut caller = lock(&self.caller);
            if !caller.as_ref().is_some_and(|held| held.will_wake(waker)) {
                return;
            }
            *caller = None;
            self.borrowed.store(false, Ordering::SeqCst);
        }
        if drive {
            self.drive();
        } else if self.notified.load(Ordering::SeqCst) {
            wake(&self.background);
        }
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

/// This thread's running waits, each with its waker when it said which, and the
/// connections they borrowed, with the waker each was borrowed for: stacks, outer waits'
/// first.
struct Waits {
    wakers: Vec<Option<Waker>>,
    borrowed: Vec<(Arc<Driven>, Waker)>,
}

thread_local! {
    static WAITS: RefCell<Waits> = const {
        RefCell::new(Waits {
            wakers: Vec::new(),
            borrowed: Vec::new(),
        })
    };
}

/// Whether a wait ([`CallerDrives`]) is running on this thread.
pub(crate) fn waiting_here() -> bool {
    WAITS
        .try_with(|waits| !waits.borrow().wakers.is_empty())
        .unwrap_or(false)
}

/// While alive, this thread drives the HTTP/1.1 connections that the futures it polls
/// use: call [`drive`](CallerDrives::drive) after each poll. For a blocking wait loop,
/// where the thread would otherwise sleep while a runtime task does the connection's
/// work (xhttp-blocking's). Dropping it hands the connections it borrowed back to their
/// tasks. Waits may nest on a thread (drop them innermost first; it is not `Send`); an
/// inner wait drives the outer waits' connections too.
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
    /// Where this wait's borrowed connections start in the thread's stack; `None` when
    /// the thread's locals are gone (then it does nothing).
    base: Option<usize>,
    _not_send: PhantomData<*const ()>,
}

impl CallerDrives {
    /// Starts a wait on this thread, for futures polled with any waker.
    pub fn new() -> CallerDrives {
        CallerDrives::start(None)
    }

    /// Starts a wait on this thread that polls its futures with `waker`: only requests
    /// polled with it borrow their connections. A request that code inside the wait
    /// polls on an executor of its own (a `block_on` in a callback) then leaves its
    /// connection to the runtime, whose wake-ups that executor does see.
    pub fn for_waker(waker: &Waker) -> CallerDrives {
        CallerDrives::start(Some(waker.clone()))
    }

    fn start(waker: Option<Waker>) -> CallerDrives {
        let base = WAITS
            .try_with(|waits| {
                let mut waits = waits.borrow_mut();
                waits.wakers.push(waker);
                waits.borrowed.len()
            })
            .ok();
        CallerDrives {
            base,
            _not_send: PhantomData,
        }
    }

    /// Polls every connection this thread's waits borrowed.
    pub fn drive(&self) {
        if self.base.is_none() {
            return;
        }
        for index in 0.. {
            let next = WAITS
                .try_with(|waits| {
                    waits
                        .borrow()
                        .borrowed
                        .get(index)
                        .map(|(d, _)| Arc::clone(d))
                })
                .ok()
                .flatten();
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
        let Some(base) = self.base else {
            return;
        };
        // While unwinding, the connections are not polled here (user code in a poll
        // could panic again): their tasks are woken if a wake-up is pending.
        let drive = !std::thread::panicking();
        loop {
            let entry = WAITS
                .try_with(|waits| {
                    let mut waits = waits.borrow_mut();
                    if waits.borrowed.len() > base {
                        waits.borrowed.pop()
                    } else {
                        None
                    }
                })
                .ok()
                .flatten();
            match entry {
                Some((driven, waker)) => driven.give_back(&waker, drive),
                None => break,
            }
        }
        let _ = WAITS.try_with(|waits| {
            waits.borrow_mut().wakers.pop();
        });
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

    /// Starts a wait on this thread and borrows `driven` for it, with a waker that
    /// counts its wake-ups.
    fn borrowed(driven: &Arc<Driven>) -> (Arc<Count>, CallerDrives) {
        let count = Arc::new(Count::default());
        let waker = Waker::from(Arc::clone(&count));
        let drives = CallerDrives::new();
        driven.borrow_here(&Context::from_waker(&waker));
        (count, drives)
    }

    #[tokio::test]
    async fn a_borrowed_connection_wakes_its_caller_who_drives_it() {
        let (sender, driven) = connection();
        // The task polls it once and waits.
        tokio::task::yield_now().await;
        let (count, drives) = borrowed(&driven);
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
        let (_, drives) = borrowed(&driven);
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

    #[tokio::test]
    async fn a_panic_in_the_connection_ends_it_without_reaching_the_driver() {
        drive_to_its_end(async { panic!("a request body panicked") }).await;
    }

    /// Borrows `connection` for a wait on this thread, drives it there until it ends,
    /// ends the wait, and lets the task see the end.
    async fn drive_to_its_end(connection: impl Future<Output = ()> + Send + 'static) {
        let driven = Driven::spawn(connection);
        let (_, drives) = borrowed(&driven);
        drives.drive();
        assert!(driven.done.load(Ordering::SeqCst));
        drop(drives);
        // The task finds it done and ends.
        tokio::task::yield_now().await;
    }

    #[tokio::test]
    async fn an_inner_wait_drives_the_outer_waits_connections() {
        let (sender, driven) = connection();
        tokio::task::yield_now().await;
        let (_, outer) = borrowed(&driven);
        outer.drive();
        let inner = CallerDrives::new();
        sender.send(()).unwrap();
        inner.drive();
        assert!(
            driven.done.load(Ordering::SeqCst),
            "the inner wait did not drive it"
        );
        drop(inner);
        // Still the outer wait's until it ends.
        assert!(driven.borrowed.load(Ordering::SeqCst));
        drop(outer);
        assert!(!driven.borrowed.load(Ordering::SeqCst));
    }

    /// A wait that polls with its own waker borrows only for futures polled with it: a
    /// request that code inside the wait polls on another executor keeps its connection
    /// with the task, whose wake-ups that executor sees.
    #[tokio::test]
    async fn a_wait_borrows_only_for_its_own_waker() {
        let (sender, driven) = connection();
        tokio::task::yield_now().await;
        let own = Waker::from(Arc::new(Count::default()));
        let other = Waker::from(Arc::new(Count::default()));
        let drives = CallerDrives::for_waker(&own);
        driven.borrow_here(&Context::from_waker(&other));
        assert!(
            !driven.borrowed.load(Ordering::SeqCst),
            "borrowed for another executor's waker"
        );
        driven.borrow_here(&Context::from_waker(&own));
        assert!(driven.borrowed.load(Ordering::SeqCst));
        drop(drives);
        assert!(!driven.borrowed.load(Ordering::SeqCst));
        sender.send(()).unwrap();
    }

    /// A panic while the ended connection is dropped (a request body's destructor)
    /// neither reaches the driver nor leaves the task waiting.
    #[tokio::test]
    async fn a_panic_while_the_connection_is_dropped_stays_there() {
        struct PanicsOnDrop;
        impl Drop for PanicsOnDrop {
            fn drop(&mut self) {
                panic!("a request body's destructor panicked");
            }
        }
        /// Panics when polled, and again when dropped afterwards.
        struct Explodes(#[allow(dead_code)] PanicsOnDrop);
        impl Future for Explodes {
            type Output = ();
            fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
                panic!("a request body panicked");
            }
        }
        drive_to_its_end(Explodes(PanicsOnDrop)).await;
    }
}
