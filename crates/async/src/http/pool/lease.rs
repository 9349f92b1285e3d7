//! What a request holds while it uses a connection; each gives the connection back (or
//! accounts for its loss) exactly once, and nothing is spawned from `Drop`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use xhttp_core::ConnectionInfo;

use super::Pool;
use crate::http::conn::{H1Sender, H2Sender};
use crate::http::key::Key;

/// An idle HTTP/1.1 connection.
#[derive(Debug)]
pub(crate) struct IdleH1 {
    pub(crate) sender: H1Sender,
    pub(crate) info: Arc<ConnectionInfo>,
    pub(crate) since: Instant,
    pub(crate) seq: u64,
}

/// A shared HTTP/2 connection.
#[derive(Debug)]
pub(crate) struct H2Entry {
    pub(crate) sender: H2Sender,
    pub(crate) info: Arc<ConnectionInfo>,
    /// Streams open on it now.
    pub(crate) active: AtomicUsize,
    /// The server's limit, kept current by the connection task.
    pub(crate) max: Arc<AtomicUsize>,
    /// It failed (GOAWAY): no new streams. It keeps its slot in the pool until it closes
    /// or its last stream ends.
    pub(crate) dead: AtomicBool,
}

impl H2Entry {
    pub(crate) fn is_usable(&self) -> bool {
        !self.is_dead() && !self.sender.is_closed()
    }

    /// It failed for new streams (GOAWAY).
    pub(crate) fn is_dead(&self) -> bool {
        self.dead.load(Ordering::Acquire)
    }

    /// Takes a stream if there is room.
    pub(crate) fn try_take_stream(&self) -> bool {
        let max = self.max.load(Ordering::Relaxed).max(1);
        self.active
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |active| {
                (active < max).then_some(active + 1)
            })
            .is_ok()
    }
}

/// An HTTP/1.1 connection in use by one request.
#[derive(Debug)]
pub(crate) struct H1Lease {
    pub(crate) sender: Option<H1Sender>,
    pub(crate) info: Arc<ConnectionInfo>,
    pub(crate) pool: Arc<Pool>,
    pub(crate) key: Key,
    /// It served a request before this one.
    pub(crate) reused: bool,
}

impl H1Lease {
    /// The response ended cleanly: the connection may serve another request.
    pub(crate) fn release(mut self) {
        if let Some(sender) = self.sender.take() {
            self.pool
                .release_h1(&self.key, sender, Arc::clone(&self.info));
        }
    }
}

impl Drop for H1Lease {
    fn drop(&mut self) {
        // Dropped before the response ended: the connection is closed with the sender.
        if self.sender.take().is_some() {
            self.pool.forget_connection();
        }
    }
}

/// One stream on a shared HTTP/2 connection.
#[derive(Debug)]
pub(crate) struct H2Lease {
    pub(crate) entry: Arc<H2Entry>,
    pub(crate) pool: Arc<Pool>,
    pub(crate) key: Key,
}

impl H2Lease {
    pub(crate) fn sender(&self) -> &H2Sender {
        &self.entry.sender
    }

    /// The connection failed for new streams (GOAWAY): the pool stops using it.
    pub(crate) fn mark_dead(&self) {
        self.entry.dead.store(true, Ordering::Release);
    }
}

impl Drop for H2Lease {
    fn drop(&mut self) {
        let before = self.entry.active.fetch_sub(1, Ordering::AcqRel);
        let was_full = before >= self.entry.max.load(Ordering::Relaxed).max(1);
        // A connection left unused matters (under the lock) only if it is dead or a
        // request may wait for its slot, which needs a cap: without one, requests made
        // one at a time over HTTP/2 would take the pool lock at every response's end.
        let unused = before == 1 && (self.entry.is_dead() || self.pool.is_capped());
        self.pool
            .h2_stream_ended(&self.key, &self.entry, was_full || unused);
    }
}

/// Permission to open a connection: a slot counted under `max_connections`.
#[derive(Debug)]
pub(crate) struct ConnectPermit {
    pub(crate) pool: Arc<Pool>,
    pub(crate) key: Key,
    /// This connect decides the origin's protocol by ALPN; others wait for it.
    pub(crate) leader: bool,
    pub(crate) done: bool,
}

impl Drop for ConnectPermit {
    fn drop(&mut self) {
        if !self.done {
            self.pool.connect_failed(&self.key, self.leader);
        }
    }
}
