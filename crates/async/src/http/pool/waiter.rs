//! Waiters: FIFO queues of requests waiting for a connection, with hand-over.
//!
//! A waiter may stand in two queues at once (its origin's, and the global queue for a
//! free slot); whichever grants first takes the one sender, the other entry is dead and
//! skipped when met. A waiter that gave up (its future was dropped, or the pool timeout
//! fired) is dead too. Dead entries cost one pop each: O(1) amortised.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};

use tokio::sync::oneshot;

use super::Pool;
use super::lease::IdleH1;
use crate::http::key::Key;

/// What a waiter is given.
#[derive(Debug)]
pub(crate) enum Grant {
    /// An idle HTTP/1.1 connection of its origin, handed over.
    Conn(IdleH1),
    /// A slot under `max_connections`, already counted: connect.
    Slot,
    /// Something changed for its origin (a shared HTTP/2 connection has room, or ALPN
    /// chose a protocol): look again.
    Retry,
}

/// One waiting request, as queued.
#[derive(Debug, Clone)]
pub(crate) struct Waiter(Arc<Mutex<Option<oneshot::Sender<Grant>>>>);

impl Waiter {
    pub(crate) fn new() -> (Waiter, oneshot::Receiver<Grant>) {
        let (sender, receiver) = oneshot::channel();
        (Waiter(Arc::new(Mutex::new(Some(sender)))), receiver)
    }

    fn is_live(&self) -> bool {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_some_and(|sender| !sender.is_closed())
    }

    /// Gives `grant` to this waiter; hands it back when the waiter is gone or was
    /// served through its other queue.
    fn grant(&self, grant: Grant) -> Result<(), Grant> {
        let sender = self.0.lock().unwrap_or_else(PoisonError::into_inner).take();
        match sender {
            Some(sender) => sender.send(grant),
            None => Err(grant),
        }
    }
}

/// A FIFO of waiters.
#[derive(Debug, Default)]
pub(crate) struct Queue(VecDeque<Waiter>);

impl Queue {
    pub(crate) fn push(&mut self, waiter: Waiter) {
        self.0.push_back(waiter);
    }

    /// Gives `grant` to the first live waiter; hands it back when there is none.
    pub(crate) fn grant_first(&mut self, mut grant: Grant) -> Result<(), Grant> {
        while let Some(waiter) = self.0.pop_front() {
            match waiter.grant(grant) {
                Ok(()) => return Ok(()),
                Err(back) => grant = back,
            }
        }
        Err(grant)
    }

    /// Tells every waiter to look again.
    pub(crate) fn retry_all(&mut self) {
        while let Some(waiter) = self.0.pop_front() {
            let _ = waiter.grant(Grant::Retry);
        }
    }

    /// Whether a live waiter is queued (dead ones at the front are dropped).
    pub(crate) fn has_live(&mut self) -> bool {
        while let Some(first) = self.0.front() {
            if first.is_live() {
                return true;
            }
            self.0.pop_front();
        }
        false
    }

    /// Queued entries, dead ones included (for statistics).
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

/// A waiter's end: the grant to come. When it is dropped before the grant was taken
/// (the request gave up: its future was dropped, or the pool timeout fired), a grant
/// already sent is given back, so that no connection, slot or wake-up is lost. It counts
/// itself out of the pool's waiting counts in any case.
#[derive(Debug)]
pub(crate) struct Receiving {
    receiver: oneshot::Receiver<Grant>,
    pool: Arc<Pool>,
    key: Key,
    /// Counted in `h2_waiting` and `slot_waiting`.
    for_h2: bool,
    for_slot: bool,
    taken: bool,
}

impl Receiving {
    pub(crate) fn new(
        receiver: oneshot::Receiver<Grant>,
        pool: Arc<Pool>,
        key: Key,
        for_h2: bool,
        for_slot: bool,
    ) -> Receiving {
        Receiving {
            receiver,
            pool,
            key,
            for_h2,
            for_slot,
            taken: false,
        }
    }
}

impl Future for Receiving {
    type Output = Result<Grant, oneshot::error::RecvError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let received = ready!(Pin::new(&mut self.receiver).poll(cx));
        self.taken = true;
        Poll::Ready(received)
    }
}

impl Drop for Receiving {
    fn drop(&mut self) {
        self.pool.stop_waiting(self.for_h2, self.for_slot);
        if self.taken {
            return;
        }
        self.receiver.close();
        if let Ok(grant) = self.receiver.try_recv() {
            self.pool.give_back(&self.key, grant);
        }
    }
}
