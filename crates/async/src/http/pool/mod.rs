//! The connection pool (DESIGN §5): caps across origins, FIFO waiters with hand-over,
//! HTTP/2 sharing with stream counting and overflow connections, ALPN connect
//! coalescing, keep-alive expiry (lazily at checkout and by a reaper), LRU eviction of
//! idle connections to other origins.
//!
//! Accounting: `total` counts every connection the pool is responsible for: connects in
//! flight, idle ones, HTTP/1.1 ones in use and shared HTTP/2 ones. A lease or permit
//! gives its share back exactly once (on release or drop).

mod lease;
mod stats;
mod waiter;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;
use xhttp_core::{ConnectionInfo, Error, ErrorKind, Limits};

pub(crate) use lease::{ConnectPermit, H1Lease, H2Entry, H2Lease, IdleH1};
pub use stats::{OriginStats, PoolStats};
use waiter::{Grant, Queue, Receiving, Waiter};

use super::body::Lease;
use super::conn::{H1Sender, Handshaken};
use super::head::deadline_after;
use super::key::Key;

/// What `acquire` gives.
#[derive(Debug)]
pub(crate) enum Acquired {
    H1(H1Lease),
    H2(H2Lease),
    /// No connection to reuse: open one.
    Connect(ConnectPermit),
}

/// Why a checkout waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wait {
    /// For another connect to tell the origin's protocol.
    Alpn,
    /// For a slot under `max_connections` (or a connection of the origin).
    Slot,
}

/// See the [module docs](self).
#[derive(Debug)]
pub(crate) struct Pool {
    state: Mutex<State>,
    max_connections: Option<usize>,
    max_idle: usize,
    expiry: Option<Duration>,
    closed: AtomicBool,
    /// Waiters for HTTP/2 stream capacity exist (checked before locking on stream end).
    h2_waiting: AtomicUsize,
    /// Waiters for a slot exist (likewise).
    slot_waiting: AtomicUsize,
    reaper: Mutex<Option<JoinHandle<()>>>,
}

#[derive(Debug, Default)]
struct State {
    total: usize,
    idle_total: usize,
    origins: HashMap<Key, Origin>,
    /// Idle connections oldest first, as (seq, origin); entries already taken are skipped.
    idle_order: VecDeque<(u64, Key)>,
    next_seq: u64,
    /// Waiters for a free slot, any origin, FIFO.
    slot_waiters: Queue,
}

#[derive(Debug, Default)]
struct Origin {
    /// Idle HTTP/1.1 connections, oldest first; the newest is used first.
    idle: VecDeque<IdleH1>,
    h2: Vec<Arc<H2Entry>>,
    /// An ALPN connect is in flight: the others wait for its protocol.
    alpn_pending: bool,
    waiters: Queue,
}

impl Pool {
    pub(crate) fn new(limits: &Limits) -> Pool {
        Pool {
            state: Mutex::new(State::default()),
            max_connections: limits.max_connections(),
            max_idle: limits.effective_max_keepalive().unwrap_or(usize::MAX),
            expiry: limits.keepalive_expiry(),
            closed: AtomicBool::new(false),
            h2_waiting: AtomicUsize::new(0),
            slot_waiting: AtomicUsize::new(0),
            reaper: Mutex::new(None),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn expired(&self, since: Instant, now: Instant) -> bool {
        self.expiry
            .is_some_and(|expiry| now.duration_since(since) >= expiry)
    }

    /// A connection for `key`: a shared HTTP/2 one with room, an idle HTTP/1.1 one, or
    /// permission to connect. Waits (FIFO) while the pool is full, until `deadline`: set
    /// to `limit` from now when it is `None` and a wait begins (so a checkout that does
    /// not wait reads no clock, and the checkouts of one exchange share one deadline).
    /// `coalesce`: an https origin that may speak HTTP/2, so concurrent first requests
    /// wait for one connect's ALPN. `fresh`: never reuse (a retry after a stale one).
    pub(crate) async fn acquire(
        self: &Arc<Self>,
        key: &Key,
        coalesce: bool,
        fresh: bool,
        limit: Option<Duration>,
        deadline: &mut Option<tokio::time::Instant>,
    ) -> Result<Acquired, Error> {
        loop {
            let receiver = {
                let mut state = self.lock();
                if self.closed.load(Ordering::Acquire) {
                    return Err(closed_error());
                }
                let wait = match self.try_acquire(&mut state, key, coalesce, fresh) {
                    Ok(acquired) => return Ok(acquired),
                    Err(wait) => wait,
                };
                let (waiter, receiver) = Waiter::new();
                let origin = state.origins.entry(key.clone()).or_default();
                // A request that wants a new connection waits for a slot only: a
                // connection handed over, or room on a shared one, is not new.
                let waits_for_h2 = !fresh && origin.h2.iter().any(|entry| entry.is_usable());
                if !fresh {
                    origin.waiters.push(waiter.clone());
                }
                // Waiting for another connect's ALPN needs no slot of its own.
                if wait == Wait::Slot {
                    state.slot_waiters.push(waiter);
                    self.slot_waiting.fetch_add(1, Ordering::AcqRel);
                }
                if waits_for_h2 {
                    self.h2_waiting.fetch_add(1, Ordering::AcqRel);
                }
                (receiver, waits_for_h2, wait == Wait::Slot)
            };
            let (receiver, waits_for_h2, waits_for_slot) = receiver;
            let receiving = Receiving::new(
                receiver,
                Arc::clone(self),
                key.clone(),
                waits_for_h2,
                waits_for_slot,
            );
            let granted = match limit {
                Some(limit) => {
                    let deadline = *deadline
                        .get_or_insert_with(|| deadline_after(tokio::time::Instant::now(), limit));
                    tokio::time::timeout_at(deadline, receiving).await
                }
                None => Ok(receiving.await),
            };
            match granted {
                Err(_) => return Err(pool_timeout_error()),
                // The pool dropped the waiter: it was closed.
                Ok(Err(_)) => return Err(closed_error()),
                Ok(Ok(Grant::Conn(idle))) => {
                    return Ok(Acquired::H1(self.lease_h1(key, idle)));
                }
                Ok(Ok(Grant::Slot)) => {
                    return Ok(Acquired::Connect(ConnectPermit {
                        pool: Arc::clone(self),
                        key: key.clone(),
                        leader: false,
                        done: false,
                    }));
                }
                Ok(Ok(Grant::Retry)) => {}
            }
        }
    }

    fn try_acquire(
        self: &Arc<Self>,
        state: &mut State,
        key: &Key,
        coalesce: bool,
        fresh: bool,
    ) -> Result<Acquired, Wait> {
        // Read once, and only when an idle connection's age is checked.
        let mut now = None;
        let mut freed = 0;
        let mut idle_taken = 0;
        let origin = state.origins.entry(key.clone()).or_default();
        // Connections that closed give their slots back, fresh or not. One that failed
        // (GOAWAY) but still runs streams keeps its slot until it closes: it takes no
        // new streams.
        origin.h2.retain(|entry| {
            let closed = entry.sender.is_closed();
            if closed {
                freed += 1;
            }
            !closed
        });
        let mut h2_room = false;
        if !fresh {
            for entry in &origin.h2 {
                if !entry.is_dead() && entry.try_take_stream() {
                    let entry = Arc::clone(entry);
                    self.free_slots(state, freed);
                    return Ok(Acquired::H2(H2Lease {
                        entry,
                        pool: Arc::clone(self),
                        key: key.clone(),
                    }));
                }
            }
            h2_room = !origin.h2.iter().any(|entry| !entry.is_dead());
            while let Some(idle) = origin.idle.pop_back() {
                idle_taken += 1;
                if idle.sender.is_closed()
                    || self.expiry.is_some()
                        && self.expired(idle.since, *now.get_or_insert_with(Instant::now))
                {
                    freed += 1;
                    continue;
                }
                self.free_slots(state, freed);
                state.idle_total -= idle_taken;
                return Ok(Acquired::H1(self.lease_h1(key, idle)));
            }
        }
        let alpn_pending = origin.alpn_pending;
        state.idle_total -= idle_taken;
        self.free_slots(state, freed);
        // Another connect will tell whether this origin speaks HTTP/2: wait for it.
        if coalesce && alpn_pending && !fresh {
            return Err(Wait::Alpn);
        }
        if !self.has_free_slot(state)
            && !self.evict_idle_elsewhere(state, key, fresh)
            && !self.evict_idle_h2(state, key, fresh)
        {
            return Err(Wait::Slot);
        }
        state.total += 1;
        let leader = coalesce && h2_room && !fresh;
        if leader {
            if let Some(origin) = state.origins.get_mut(key) {
                origin.alpn_pending = true;
            }
        }
        Ok(Acquired::Connect(ConnectPermit {
            pool: Arc::clone(self),
            key: key.clone(),
            leader,
            done: false,
        }))
    }

    fn has_free_slot(&self, state: &State) -> bool {
        self.max_connections.is_none_or(|max| state.total < max)
    }

    /// Closes the least recently used idle connection of another origin to make room:
    /// of this one too when the request wants a new connection (it cannot use them).
    fn evict_idle_elsewhere(&self, state: &mut State, key: &Key, own_origin_too: bool) -> bool {
        let mut skipped = Vec::new();
        let mut evicted = false;
        while let Some((seq, origin_key)) = state.idle_order.pop_front() {
            if &origin_key == key && !own_origin_too {
                skipped.push((seq, origin_key));
                continue;
            }
            let Some(origin) = state.origins.get_mut(&origin_key) else {
                continue;
            };
            let Some(position) = origin.idle.iter().position(|idle| idle.seq == seq) else {
                continue;
            };
            // Dropping the sender closes the connection.
            origin.idle.remove(position);
            state.idle_total -= 1;
            state.total -= 1;
            evicted = true;
            break;
        }
        for entry in skipped.into_iter().rev() {
            state.idle_order.push_front(entry);
        }
        evicted
    }

    /// Closes a shared HTTP/2 connection with no open stream to make room: of another
    /// origin, or of this one when the request wants a new connection.
    fn evict_idle_h2(&self, state: &mut State, key: &Key, own_origin_too: bool) -> bool {
        for (origin_key, origin) in state.origins.iter_mut() {
            if origin_key == key && !own_origin_too {
                continue;
            }
            let idle = origin
                .h2
                .iter()
                .position(|entry| entry.active.load(Ordering::Acquire) == 0);
            if let Some(position) = idle {
                // Dropping the last sending half closes the connection.
                origin.h2.swap_remove(position);
                state.total -= 1;
                return true;
            }
        }
        false
    }

    /// A lease on an idle connection: one that served a request before.
    fn lease_h1(self: &Arc<Self>, key: &Key, idle: IdleH1) -> H1Lease {
        H1Lease {
            sender: Some(idle.sender),
            info: idle.info,
            pool: Arc::clone(self),
            key: key.clone(),
            reused: true,
        }
    }

    /// A new connection from `permit`: in use by this request, and shared when HTTP/2.
    pub(crate) fn connected(
        self: &Arc<Self>,
        mut permit: ConnectPermit,
        handshaken: Handshaken,
    ) -> Lease {
        // Only connections can become idle: the reaper is needed from the first one on,
        // and checked here rather than on every checkout.
        self.ensure_reaper();
        permit.done = true;
        let mut state = self.lock();
        let origin = state.origins.entry(permit.key.clone()).or_default();
        if permit.leader {
            origin.alpn_pending = false;
        }
        // A connect that ends after `close()`: its connection serves this request only,
        // and closes when the request is done.
        let closed = self.closed.load(Ordering::Acquire);
        let mut closing = None;
        let lease = match handshaken {
            Handshaken::H1(sender, info) => Lease::H1(H1Lease {
                sender: Some(sender),
                info,
                pool: Arc::clone(self),
                key: permit.key.clone(),
                reused: false,
            }),
            Handshaken::H2(sender, info, max, on_close) => {
                closing = Some(on_close);
                let entry = Arc::new(H2Entry {
                    sender,
                    info,
                    active: AtomicUsize::new(1),
                    max,
                    dead: AtomicBool::new(false),
                });
                if !closed {
                    origin.h2.push(Arc::clone(&entry));
                }
                Lease::H2(H2Lease {
                    entry,
                    pool: Arc::clone(self),
                    key: permit.key.clone(),
                })
            }
        };
        // Whatever the protocol, the origin's waiters now know how to proceed.
        if permit.leader || matches!(lease, Lease::H2(_)) {
            origin.waiters.retry_all();
        }
        if closed && matches!(lease, Lease::H2(_)) {
            // Not kept: its slot is uncounted now, as `close` did for the others.
            self.free_slot(&mut state);
        }
        drop(state);
        // Outside the lock: a connection that already ended runs the callback at once,
        // and it takes the lock.
        if let Some(on_close) = closing {
            let pool = Arc::downgrade(self);
            let key = permit.key.clone();
            on_close.set(Box::new(move || {
                if let Some(pool) = pool.upgrade() {
                    pool.h2_closed(&key);
                }
            }));
        }
        lease
    }

    /// A connect that failed or was abandoned gives its slot back.
    pub(crate) fn connect_failed(&self, key: &Key, leader: bool) {
        let mut state = self.lock();
        if leader {
            if let Some(origin) = state.origins.get_mut(key) {
                origin.alpn_pending = false;
                // One of them becomes the next leader.
                origin.waiters.retry_all();
            }
        }
        self.free_slot(&mut state);
    }

    /// `count` slots became free (connections found dead or expired at a checkout).
    fn free_slots(&self, state: &mut State, count: usize) {
        for _ in 0..count {
            self.free_slot(state);
        }
    }

    /// A slot became free: give it to the first slot waiter, or uncount it.
    fn free_slot(&self, state: &mut State) {
        if state.slot_waiters.grant_first(Grant::Slot).is_err() {
            state.total -= 1;
        }
    }

    /// An HTTP/1.1 connection whose response ended: handed to a waiter of its origin,
    /// or its slot to a waiter of another origin, or kept idle.
    pub(crate) fn release_h1(&self, key: &Key, sender: H1Sender, info: Arc<ConnectionInfo>) {
        let mut state = self.lock();
        if sender.is_closed() || self.closed.load(Ordering::Acquire) {
            drop(sender);
            self.free_slot(&mut state);
            return;
        }
        let seq = state.next_seq;
        state.next_seq += 1;
        let mut idle = IdleH1 {
            sender,
            info,
            since: Instant::now(),
            seq,
        };
        if let Some(origin) = state.origins.get_mut(key) {
            match origin.waiters.grant_first(Grant::Conn(idle)) {
                Ok(()) => return,
                Err(Grant::Conn(back)) => idle = back,
                Err(_) => return,
            }
        }
        // Another origin waits for a slot: this connection's goes to it.
        if state.slot_waiters.has_live() {
            drop(idle);
            self.free_slot(&mut state);
            return;
        }
        if state.idle_total >= self.max_idle {
            drop(idle);
            state.total -= 1;
            return;
        }
        state.idle_total += 1;
        state.idle_order.push_back((seq, key.clone()));
        state
            .origins
            .entry(key.clone())
            .or_default()
            .idle
            .push_back(idle);
        self.compact_idle_order(&mut state);
    }

    /// Drops stale entries of the LRU order once they outnumber the live ones.
    fn compact_idle_order(&self, state: &mut State) {
        if state.idle_order.len() <= 2 * state.idle_total + 64 {
            return;
        }
        let mut live: Vec<(u64, Key)> = state
            .origins
            .iter()
            .flat_map(|(key, origin)| origin.idle.iter().map(move |idle| (idle.seq, key.clone())))
            .collect();
        live.sort_unstable_by_key(|(seq, _)| *seq);
        state.idle_order = live.into();
    }

    /// A waiter stopped waiting: it leaves the counts it was in.
    fn stop_waiting(&self, for_h2: bool, for_slot: bool) {
        if for_h2 {
            self.h2_waiting.fetch_sub(1, Ordering::AcqRel);
        }
        if for_slot {
            self.slot_waiting.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// A grant sent to a waiter that gave up before taking it: the connection goes to
    /// the next waiter or back to the pool, the slot to the next slot waiter (or is
    /// uncounted), the wake-up to the next waiter of the origin.
    fn give_back(&self, key: &Key, grant: Grant) {
        match grant {
            Grant::Conn(idle) => self.release_h1(key, idle.sender, idle.info),
            Grant::Slot => {
                let mut state = self.lock();
                self.free_slot(&mut state);
            }
            Grant::Retry => {
                let mut state = self.lock();
                if let Some(origin) = state.origins.get_mut(key) {
                    let _ = origin.waiters.grant_first(Grant::Retry);
                }
            }
        }
    }

    /// A connection in use was dropped (its response was not read to the end).
    pub(crate) fn forget_connection(&self) {
        let mut state = self.lock();
        self.free_slot(&mut state);
    }

    /// A stream of a shared HTTP/2 connection ended: a waiter may use its room, or, when
    /// the connection is now unused and requests wait for a slot (or it failed and takes
    /// no new streams), its slot. `changed`: the connection was full or is now unused. A
    /// request may then be deciding to wait under the lock, its count not yet raised: the
    /// lock is taken to meet it.
    pub(crate) fn h2_stream_ended(&self, key: &Key, entry: &Arc<H2Entry>, changed: bool) {
        let slot_waiting = self.slot_waiting.load(Ordering::Acquire) > 0;
        if !changed && self.h2_waiting.load(Ordering::Acquire) == 0 && !slot_waiting {
            return;
        }
        let mut state = self.lock();
        if entry.active.load(Ordering::Acquire) == 0
            && (entry.is_dead() || state.slot_waiters.has_live())
        {
            // Dropping the pool's sending half lets the unused connection close.
            if let Some(origin) = state.origins.get_mut(key) {
                let before = origin.h2.len();
                origin.h2.retain(|other| !Arc::ptr_eq(other, entry));
                if origin.h2.len() < before {
                    self.free_slot(&mut state);
                    return;
                }
            }
        }
        if let Some(origin) = state.origins.get_mut(key) {
            let _ = origin.waiters.grant_first(Grant::Retry);
        }
    }

    /// A shared HTTP/2 connection's task ended: its slot comes back now, not at the
    /// next checkout of its origin (which a waiter for a slot may never make).
    pub(crate) fn h2_closed(&self, key: &Key) {
        let mut state = self.lock();
        let Some(origin) = state.origins.get_mut(key) else {
            return;
        };
        let before = origin.h2.len();
        origin.h2.retain(|entry| !entry.sender.is_closed());
        let freed = before - origin.h2.len();
        self.free_slots(&mut state, freed);
    }

    /// Closes idle connections that expired.
    fn reap(&self) {
        let now = Instant::now();
        let mut state = self.lock();
        let mut freed = 0;
        for origin in state.origins.values_mut() {
            let before = origin.idle.len();
            origin
                .idle
                .retain(|idle| !idle.sender.is_closed() && !self.expired(idle.since, now));
            freed += before - origin.idle.len();
        }
        state.idle_total -= freed;
        for _ in 0..freed {
            self.free_slot(&mut state);
        }
        state.origins.retain(|_, origin| {
            !origin.idle.is_empty()
                || !origin.h2.is_empty()
                || origin.alpn_pending
                || origin.waiters.len() > 0
        });
    }

    /// Starts the reaper with the first connection (and again, at a later connection, if
    /// the runtime that ran it is gone).
    fn ensure_reaper(self: &Arc<Self>) {
        let Some(expiry) = self.expiry else { return };
        let mut reaper = self.reaper.lock().unwrap_or_else(PoisonError::into_inner);
        if reaper.as_ref().is_some_and(|handle| !handle.is_finished()) {
            return;
        }
        let pool: Weak<Pool> = Arc::downgrade(self);
        let period = (expiry / 2).max(Duration::from_millis(100));
        *reaper = Some(tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                let Some(pool) = pool.upgrade() else { return };
                if pool.closed.load(Ordering::Acquire) {
                    return;
                }
                pool.reap();
            }
        }));
    }

    /// Whether `max_connections` caps the pool (only then can a request wait for a slot).
    pub(crate) fn is_capped(&self) -> bool {
        self.max_connections.is_some()
    }

    /// Whether [`close`](Self::close) was called.
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Closes the pool: idle connections close now, shared HTTP/2 ones once their
    /// streams end, waiters fail, later requests fail with `ClientClosed`.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let mut state = self.lock();
        let mut freed = 0;
        for origin in state.origins.values_mut() {
            freed += origin.idle.len() + origin.h2.len();
            origin.idle.clear();
            origin.h2.clear();
            origin.waiters = Queue::default();
        }
        state.idle_total = 0;
        state.total -= freed.min(state.total);
        state.idle_order.clear();
        state.slot_waiters = Queue::default();
        if let Some(reaper) = self
            .reaper
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            reaper.abort();
        }
    }

    /// Counts, for statistics.
    pub(crate) fn stats(&self) -> PoolStats {
        let state = self.lock();
        stats::collect(&state, self.max_connections)
    }
}

fn pool_timeout_error() -> Error {
    Error::new(ErrorKind::PoolTimeout)
        .with_message("no connection became free within the pool timeout")
}

fn closed_error() -> Error {
    Error::new(ErrorKind::ClientClosed).with_message("the connection pool was closed")
}

/// Pool internals for the `pool_ops` benchmark (not part of the API).
#[doc(hidden)]
pub mod bench {
    use std::sync::Arc;

    use hyper::client::conn::http1;
    use hyper_util::rt::TokioIo;
    use xhttp_core::{ConnectionInfo, Limits};

    use super::{Acquired, Pool};
    use crate::http::body::Lease;
    use crate::http::conn::{H1Sender, Handshaken};
    use crate::http::key::{Key, Scheme};

    /// A pool and `n` live HTTP/1.1 connections over in-memory pipes (the far ends are
    /// kept open and never read: the connections stay alive and idle).
    #[derive(Debug)]
    pub struct Bench {
        pool: Arc<Pool>,
        key: Key,
        _far_ends: Vec<tokio::io::DuplexStream>,
    }

    /// A key for origin number `index`.
    fn key(index: usize) -> Key {
        Key {
            scheme: Scheme::Http,
            host: format!("origin{index}.test").into(),
            port: 80,
            via: crate::http::key::Via::Direct,
        }
    }

    impl Bench {
        /// `idle` idle connections, one origin; `max_connections` as given.
        pub async fn new(idle: usize, max_connections: Option<usize>) -> Bench {
            let limits = Limits::unlimited()
                .with_max_connections(max_connections)
                .with_max_keepalive_connections(None);
            let pool = Arc::new(Pool::new(&limits));
            let key = key(0);
            let mut far_ends = Vec::with_capacity(idle);
            let mut leases = Vec::with_capacity(idle);
            for _ in 0..idle {
                let (near, far) = tokio::io::duplex(64);
                far_ends.push(far);
                let Ok((sender, connection)) = http1::handshake(TokioIo::new(near)).await else {
                    continue;
                };
                tokio::spawn(connection);
                let Ok(Acquired::Connect(permit)) =
                    pool.acquire(&key, false, true, None, &mut None).await
                else {
                    continue;
                };
                leases.push(pool.connected(
                    permit,
                    Handshaken::H1(
                        H1Sender::new(sender, None, Default::default()),
                        Arc::new(ConnectionInfo::default()),
                    ),
                ));
            }
            for lease in leases {
                if let Lease::H1(lease) = lease {
                    lease.release();
                }
            }
            Bench {
                pool,
                key,
                _far_ends: far_ends,
            }
        }

        /// Idle connections now.
        pub fn idle(&self) -> usize {
            self.pool.stats().idle
        }

        /// One checkout of an idle connection and its return.
        pub async fn checkout_and_return(&self) -> bool {
            match self
                .pool
                .acquire(&self.key, false, false, None, &mut None)
                .await
            {
                Ok(Acquired::H1(lease)) => {
                    lease.release();
                    true
                }
                _ => false,
            }
        }

        /// Takes every connection, queues `waiters` tasks for one, then returns the
        /// connections one by one: each is handed to the next waiter, which returns it
        /// at once. Answers how many waiters were served.
        pub async fn hand_over_to(&self, waiters: usize) -> usize {
            let mut held = Vec::new();
            while let Ok(Acquired::H1(lease)) = self
                .pool
                .acquire(&self.key, false, false, None, &mut None)
                .await
            {
                held.push(lease);
                if self.pool.stats().idle == 0 {
                    break;
                }
            }
            let tasks: Vec<_> = (0..waiters)
                .map(|_| {
                    let pool = Arc::clone(&self.pool);
                    let key = self.key.clone();
                    tokio::spawn(async move {
                        match pool.acquire(&key, false, false, None, &mut None).await {
                            Ok(Acquired::H1(lease)) => {
                                lease.release();
                                true
                            }
                            _ => false,
                        }
                    })
                })
                .collect();
            // Let every waiter queue before the first return.
            while self.pool.stats().waiting < waiters {
                tokio::task::yield_now().await;
            }
            for lease in held {
                lease.release();
            }
            let mut served = 0;
            for task in tasks {
                if matches!(task.await, Ok(true)) {
                    served += 1;
                }
            }
            served
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use xhttp_core::{ConnectionInfo, ErrorKind, HttpOptions, Limits};

    use super::{Acquired, Pool};
    use crate::connect::Connected;
    use crate::connect::io::Io;
    use crate::http::body::Lease;
    use crate::http::conn::handshake;
    use crate::http::key::Key;

    /// An HTTP/2 connection that failed for new streams (GOAWAY) while a stream still
    /// runs on it keeps its slot: under a cap of one, a checkout waits for it (here until
    /// its pool timeout) rather than opening a second connection. The slot comes back
    /// when that last stream ends.
    #[tokio::test]
    async fn a_failed_http2_connection_keeps_its_slot_until_its_last_stream_ends() {
        let (near, _far) = tokio::net::UnixStream::pair().expect("a socket pair");
        let connected = Connected {
            io: Io::Unix(near),
            info: Arc::new(ConnectionInfo::default()),
            h2: true,
            forward: false,
            phases: Default::default(),
        };
        let Ok(handshaken) = handshake(connected, &HttpOptions::default()).await else {
            panic!("a connection");
        };
        let pool = Arc::new(Pool::new(&Limits::default().with_max_connections(1)));
        let key = Key::from_uri(&http::Uri::from_static("http://localhost/")).expect("a key");
        let Ok(Acquired::Connect(permit)) = pool.acquire(&key, false, false, None, &mut None).await
        else {
            panic!("a slot");
        };
        let Lease::H2(stream) = pool.connected(permit, handshaken) else {
            panic!("an HTTP/2 stream");
        };
        stream.mark_dead();
        let limit = Some(Duration::from_millis(50));
        let waited = pool.acquire(&key, false, false, limit, &mut None).await;
        assert!(
            matches!(&waited, Err(error) if error.kind() == ErrorKind::PoolTimeout),
            "{waited:?}"
        );
        assert_eq!(pool.stats().connections, 1);
        drop(stream);
        assert_eq!(pool.stats().connections, 0);
        let again = pool.acquire(&key, false, false, limit, &mut None).await;
        assert!(matches!(again, Ok(Acquired::Connect(_))), "{again:?}");
    }
}
