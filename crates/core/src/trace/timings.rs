//! [`Timings`]: where a response's time went.

use std::fmt;
use std::time::{Duration, Instant};

/// The timing breakdown of one exchange, from `response.timings()`.
///
/// The phases follow each other: `dns`, `connect` (TCP, the lookup excluded), `tls`,
/// then `waiting` (from handing the request to the connection until the response head:
/// the time to first byte), then `download` (from the response head until the body
/// ended). `total` runs from the start of the exchange (pool wait included) until the
/// body ended. A reused connection has no `dns`, `connect` or `tls`; `download` and
/// `total` are `None` until the body was read or closed.
///
/// Recording costs a few clock reads per request, so it is always on.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timings {
    /// The DNS lookup (none for an IP address or a reused connection).
    pub dns: Option<Duration>,
    /// The TCP connect, after the lookup.
    pub connect: Option<Duration>,
    /// The TLS handshake.
    pub tls: Option<Duration>,
    /// Time to first byte: from the request being handed over until its response head.
    pub waiting: Option<Duration>,
    /// Reading the body, from the response head until its end.
    pub download: Option<Duration>,
    /// The whole exchange, until the body ended.
    pub total: Option<Duration>,
    /// When the response head arrived.
    response_head: Option<Instant>,
}

impl Timings {
    /// Records that the response head arrived `at` (transports and clients call it).
    pub fn mark_response_head(&mut self, at: Instant) {
        self.response_head = Some(at);
    }

    /// When the response head arrived, if recorded.
    pub fn response_head_at(&self) -> Option<Instant> {
        self.response_head
    }

    /// Records the end of the body at `at`, for an exchange that `started` then.
    pub fn mark_body_end(&mut self, at: Instant, started: Option<Instant>) {
        if self.download.is_none() {
            self.download = self
                .response_head
                .map(|head| at.saturating_duration_since(head));
        }
        if self.total.is_none() {
            self.total = started.map(|started| at.saturating_duration_since(started));
        }
    }
}

impl fmt::Debug for Timings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timings")
            .field("dns", &self.dns)
            .field("connect", &self.connect)
            .field("tls", &self.tls)
            .field("waiting", &self.waiting)
            .field("download", &self.download)
            .field("total", &self.total)
            .finish()
    }
}
