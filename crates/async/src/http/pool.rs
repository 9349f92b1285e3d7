//! A first connection store: idle HTTP/1.1 connections per origin and one shared
//! HTTP/2 connection per origin. (Caps, waiters and the pool timeout are the pool
//! issue's; this keeps keep-alive working meanwhile.)

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use hyper::client::conn::http2;
use xhttp_core::Limits;

use super::conn::{Conn, Sender};
use super::key::Key;
use super::watch::WatchedBody;

/// Idle and shared connections.
#[derive(Debug)]
pub(crate) struct Pool {
    inner: Mutex<Inner>,
    max_idle_per_origin: usize,
    keepalive_expiry: Option<Duration>,
}

#[derive(Debug, Default)]
struct Inner {
    idle: HashMap<Key, Vec<(Conn, Instant)>>,
    shared: HashMap<Key, Conn>,
}

impl Pool {
    pub(crate) fn new(limits: &Limits) -> Pool {
        Pool {
            inner: Mutex::new(Inner::default()),
            max_idle_per_origin: limits.effective_max_keepalive().unwrap_or(usize::MAX),
            keepalive_expiry: limits.keepalive_expiry(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A live connection to `key`: the shared HTTP/2 one, or the newest idle HTTP/1.1
    /// one. Closed and expired connections met on the way are dropped.
    pub(crate) fn checkout(&self, key: &Key) -> Option<Conn> {
        let mut inner = self.lock();
        if let Some(shared) = inner.shared.get(key) {
            if !shared.is_closed() {
                if let Sender::H2(sender) = &shared.sender {
                    return Some(Conn {
                        sender: Sender::H2(sender.clone()),
                        info: shared.info.clone(),
                    });
                }
            }
            inner.shared.remove(key);
        }
        let idle = inner.idle.get_mut(key)?;
        while let Some((conn, since)) = idle.pop() {
            let expired = self
                .keepalive_expiry
                .is_some_and(|expiry| since.elapsed() >= expiry);
            if !conn.is_closed() && !expired {
                return Some(conn);
            }
        }
        None
    }

    /// Keeps a new HTTP/2 connection for sharing; returns a handle for this request.
    pub(crate) fn share(&self, key: &Key, sender: &http2::SendRequest<WatchedBody>, conn: &Conn) {
        self.lock().shared.insert(
            key.clone(),
            Conn {
                sender: Sender::H2(sender.clone()),
                info: conn.info.clone(),
            },
        );
    }

    /// An HTTP/1.1 connection whose response body ended: idle again.
    pub(crate) fn check_in(&self, key: Key, conn: Conn) {
        if conn.is_closed() || self.max_idle_per_origin == 0 {
            return;
        }
        let mut inner = self.lock();
        let idle = inner.idle.entry(key).or_default();
        if idle.len() < self.max_idle_per_origin {
            idle.push((conn, Instant::now()));
        }
    }
}
