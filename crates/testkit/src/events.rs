//! What a test server records about its connections.

use std::net::SocketAddr;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A connection's number, in the order the server accepted them (the first is 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnectionId(pub usize);

/// One thing a test server saw happen on a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionEvent {
    /// The server accepted a connection.
    Opened {
        /// The connection.
        id: ConnectionId,
        /// The client's address.
        peer: SocketAddr,
    },
    /// The server answered one request on a connection.
    RequestServed {
        /// The connection.
        id: ConnectionId,
        /// The request's method.
        method: http::Method,
        /// The request's path and query.
        target: String,
    },
    /// The server read a request it does not answer normally: a misbehaving mode
    /// (see [`Behavior`](crate::Behavior)) or a raw connection took it.
    RequestRead {
        /// The connection.
        id: ConnectionId,
        /// The request's method (`PRI` for an HTTP/2 connection preface).
        method: http::Method,
        /// The request's target as sent (`*` for an HTTP/2 connection preface).
        target: String,
    },
    /// A connection ended (either side closed it, or it failed).
    Closed {
        /// The connection.
        id: ConnectionId,
        /// How many requests it served in all.
        requests: usize,
    },
}

/// The event log shared between the server thread and the test, with a condition
/// variable so a test can wait for an event without sleeping.
#[derive(Debug, Default)]
pub(crate) struct EventLog {
    events: Mutex<Vec<ConnectionEvent>>,
    changed: Condvar,
}

impl EventLog {
    fn lock(&self) -> MutexGuard<'_, Vec<ConnectionEvent>> {
        // A panicking handler never holds this lock, but stay usable regardless.
        self.events.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn push(&self, event: ConnectionEvent) {
        self.lock().push(event);
        self.changed.notify_all();
    }

    pub(crate) fn snapshot(&self) -> Vec<ConnectionEvent> {
        self.lock().clone()
    }

    /// Waits until `done` holds for the log, or `timeout` passes; returns whether it held.
    pub(crate) fn wait_until(
        &self,
        timeout: Duration,
        mut done: impl FnMut(&[ConnectionEvent]) -> bool,
    ) -> bool {
        let deadline = Instant::now() + timeout;
        let mut events = self.lock();
        loop {
            if done(&events) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            events = self
                .changed
                .wait_timeout(events, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

/// Requests served per connection, indexed by [`ConnectionId`], counting open
/// connections too.
pub(crate) fn requests_per_connection(events: &[ConnectionEvent]) -> Vec<usize> {
    let mut counts = Vec::new();
    for event in events {
        match event {
            ConnectionEvent::Opened { id, .. } => {
                if counts.len() <= id.0 {
                    counts.resize(id.0 + 1, 0);
                }
            }
            ConnectionEvent::RequestServed { id, .. } => {
                if counts.len() <= id.0 {
                    counts.resize(id.0 + 1, 0);
                }
                counts[id.0] += 1;
            }
            ConnectionEvent::RequestRead { .. } | ConnectionEvent::Closed { .. } => {}
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_requests_per_connection_in_id_order() {
        let peer: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let served = |id| ConnectionEvent::RequestServed {
            id: ConnectionId(id),
            method: http::Method::GET,
            target: "/".into(),
        };
        let events = [
            ConnectionEvent::Opened {
                id: ConnectionId(0),
                peer,
            },
            ConnectionEvent::Opened {
                id: ConnectionId(1),
                peer,
            },
            served(1),
            served(0),
            served(1),
            ConnectionEvent::Opened {
                id: ConnectionId(2),
                peer,
            },
        ];
        assert_eq!(requests_per_connection(&events), vec![1, 2, 0]);
    }

    #[test]
    fn wait_until_times_out_when_nothing_happens() {
        let log = EventLog::default();
        assert!(!log.wait_until(Duration::from_millis(20), |events| !events.is_empty()));
    }
}
