//! [`Limits`]: how many connections a pool may hold and how long idle ones live.

use std::time::Duration;

/// How many connections a client's pool may hold, and how long idle ones live.
///
/// * `max_connections`: connections open at once, across all origins (`None`: no cap);
/// * `max_keepalive_connections`: idle connections kept for reuse (`None`: no cap);
/// * `keepalive_expiry`: how long an idle connection is kept (`None`: until the
///   server closes it).
///
/// [`Limits::default()`] is httpx's *client* default: 100 connections, 20 kept alive,
/// 5 seconds of idle life. (httpx's `Limits()` *class* default is different: no caps
/// and 5 seconds; that is [`Limits::unlimited()`] here.)
///
/// The idle cap in force is the smaller of the two caps, since idle connections are
/// connections too: see [`effective_max_keepalive`](Limits::effective_max_keepalive).
/// A cap of `Some(0)` keep-alive connections disables reuse; a cap of `Some(0)`
/// connections lets no request through (each waits for its pool timeout).
///
/// ```
/// use std::time::Duration;
/// use xhttp_core::limits::Limits;
///
/// let limits = Limits::default().with_max_connections(10);
/// assert_eq!(limits.max_connections(), Some(10));
/// assert_eq!(limits.max_keepalive_connections(), Some(20));
/// assert_eq!(limits.effective_max_keepalive(), Some(10));
/// assert_eq!(limits.keepalive_expiry(), Some(Duration::from_secs(5)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    max_connections: Option<usize>,
    max_keepalive_connections: Option<usize>,
    keepalive_expiry: Option<Duration>,
}

impl Limits {
    /// No cap on connections or on idle connections; idle connections expire after
    /// 5 seconds, as with httpx's `Limits()` (use
    /// [`with_keepalive_expiry(None)`](Limits::with_keepalive_expiry) to keep them
    /// until the server closes them).
    pub const fn unlimited() -> Limits {
        Limits {
            max_connections: None,
            max_keepalive_connections: None,
            keepalive_expiry: Some(Duration::from_secs(5)),
        }
    }

    /// Sets the cap on connections open at once, across all origins: a number, or
    /// `None` for no cap.
    #[must_use]
    pub fn with_max_connections(mut self, max: impl Into<Option<usize>>) -> Limits {
        self.max_connections = max.into();
        self
    }

    /// Sets the cap on idle connections kept for reuse: a number, or `None` for no
    /// cap of its own (`max_connections` still applies).
    #[must_use]
    pub fn with_max_keepalive_connections(mut self, max: impl Into<Option<usize>>) -> Limits {
        self.max_keepalive_connections = max.into();
        self
    }

    /// Sets how long an idle connection is kept: a `Duration`, or `None` to keep it
    /// until the server closes it.
    #[must_use]
    pub fn with_keepalive_expiry(mut self, expiry: impl Into<Option<Duration>>) -> Limits {
        self.keepalive_expiry = expiry.into();
        self
    }

    /// The cap on connections open at once, if any.
    pub const fn max_connections(&self) -> Option<usize> {
        self.max_connections
    }

    /// The cap on idle connections as configured, if any. The pool applies
    /// [`effective_max_keepalive`](Limits::effective_max_keepalive).
    pub const fn max_keepalive_connections(&self) -> Option<usize> {
        self.max_keepalive_connections
    }

    /// How long an idle connection is kept, if limited.
    pub const fn keepalive_expiry(&self) -> Option<Duration> {
        self.keepalive_expiry
    }

    /// The cap on idle connections in force: the smaller of `max_keepalive_connections`
    /// and `max_connections`, or `None` when neither is set.
    ///
    /// ```
    /// use xhttp_core::limits::Limits;
    ///
    /// assert_eq!(Limits::default().effective_max_keepalive(), Some(20));
    /// let limits = Limits::unlimited().with_max_connections(4);
    /// assert_eq!(limits.effective_max_keepalive(), Some(4));
    /// assert_eq!(Limits::unlimited().effective_max_keepalive(), None);
    /// ```
    pub const fn effective_max_keepalive(&self) -> Option<usize> {
        match (self.max_keepalive_connections, self.max_connections) {
            (Some(keepalive), Some(total)) => {
                Some(if keepalive < total { keepalive } else { total })
            }
            (Some(cap), None) | (None, Some(cap)) => Some(cap),
            (None, None) => None,
        }
    }
}

impl Default for Limits {
    /// httpx's client default: 100 connections, 20 kept alive, 5 seconds idle.
    fn default() -> Limits {
        Limits {
            max_connections: Some(100),
            max_keepalive_connections: Some(20),
            keepalive_expiry: Some(Duration::from_secs(5)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_httpx_client_default() {
        let limits = Limits::default();
        assert_eq!(limits.max_connections(), Some(100));
        assert_eq!(limits.max_keepalive_connections(), Some(20));
        assert_eq!(limits.keepalive_expiry(), Some(Duration::from_secs(5)));
    }

    #[test]
    fn unlimited_has_no_caps_but_keeps_the_expiry() {
        let limits = Limits::unlimited();
        assert_eq!(limits.max_connections(), None);
        assert_eq!(limits.max_keepalive_connections(), None);
        assert_eq!(limits.keepalive_expiry(), Some(Duration::from_secs(5)));
    }

    #[test]
    fn with_methods_set_one_field_each() {
        let limits = Limits::default()
            .with_max_connections(None)
            .with_max_keepalive_connections(3)
            .with_keepalive_expiry(None);
        assert_eq!(limits.max_connections(), None);
        assert_eq!(limits.max_keepalive_connections(), Some(3));
        assert_eq!(limits.keepalive_expiry(), None);
        let limits = limits
            .with_max_connections(Some(7))
            .with_keepalive_expiry(Duration::from_millis(1500));
        assert_eq!(limits.max_connections(), Some(7));
        assert_eq!(limits.keepalive_expiry(), Some(Duration::from_millis(1500)));
    }

    #[test]
    fn effective_keepalive_is_the_smaller_cap() {
        let cases = [
            (Some(20), Some(100), Some(20)),
            (Some(100), Some(20), Some(20)),
            (Some(5), Some(5), Some(5)),
            (Some(0), Some(10), Some(0)),
            (None, Some(10), Some(10)),
            (Some(10), None, Some(10)),
            (None, None, None),
        ];
        for (keepalive, total, expected) in cases {
            let limits = Limits::unlimited()
                .with_max_keepalive_connections(keepalive)
                .with_max_connections(total);
            assert_eq!(
                limits.effective_max_keepalive(),
                expected,
                "{keepalive:?}/{total:?}"
            );
        }
    }

    #[test]
    fn equality_compares_every_field() {
        assert_eq!(Limits::default(), Limits::default());
        assert_ne!(Limits::default(), Limits::unlimited());
        assert_ne!(
            Limits::default(),
            Limits::default().with_keepalive_expiry(Duration::from_secs(6))
        );
    }
}
