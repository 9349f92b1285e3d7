//! [`Timeout`]: how long each phase of a request may take, and [`deadline_after`], how
//! a transport turns one into a deadline.

use std::time::{Duration, Instant};

/// How long each phase of a request may take; `None` means no limit for that phase.
///
/// The four phases are httpx's:
///
/// * `connect`: establishing a connection (DNS, TCP, TLS and any proxy handshake, as
///   one budget; httpx gives TCP and TLS the full value each);
/// * `read`: waiting for each chunk of the response (an inactivity timeout, not a
///   deadline: a server that drips bytes never trips it);
/// * `write`: waiting to send each chunk of the request;
/// * `pool`: waiting for the pool to hand out a connection.
///
/// xhttp adds `total`, a deadline for the whole exchange, body included, which httpx
/// lacks. It is `None` unless set.
///
/// [`Timeout::default()`] is httpx's: 5 seconds for each of the four phases, no total.
///
/// Build one from a complete starting point ([`default`](Timeout::default),
/// [`new`](Timeout::new) or [`none`](Timeout::none)) and adjust phases with the
/// `with_*` methods, which take a `Duration` or an `Option<Duration>`. Because every
/// starting point sets all four phases, httpx's rule "must either include a default,
/// or set all four parameters explicitly" has nothing to guard against here.
///
/// A per-request timeout replaces the client's wholesale, as in httpx: the phases are
/// not merged one by one.
///
/// ```
/// use std::time::Duration;
/// use xhttp_core::timeout::Timeout;
///
/// // httpx.Timeout(10.0, connect=60.0)
/// let timeout = Timeout::new(Duration::from_secs(10)).with_connect(Duration::from_secs(60));
/// assert_eq!(timeout.connect(), Some(Duration::from_secs(60)));
/// assert_eq!(timeout.read(), Some(Duration::from_secs(10)));
///
/// // httpx.Timeout(None, read=5.0)
/// let timeout = Timeout::none().with_read(Duration::from_secs(5));
/// assert_eq!(timeout.connect(), None);
///
/// // A deadline for the whole exchange, on top of httpx's defaults.
/// let timeout = Timeout::default().with_total(Duration::from_secs(30));
/// assert_eq!(timeout.total(), Some(Duration::from_secs(30)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timeout {
    connect: Option<Duration>,
    read: Option<Duration>,
    write: Option<Duration>,
    pool: Option<Duration>,
    total: Option<Duration>,
}

impl Timeout {
    /// The value of each phase in [`Timeout::default()`]: 5 seconds, as httpx.
    pub const DEFAULT_PHASE: Duration = Duration::from_secs(5);

    /// `duration` for each of connect, read, write and pool; no total
    /// (httpx's `Timeout(duration)`).
    pub const fn new(duration: Duration) -> Timeout {
        Timeout {
            connect: Some(duration),
            read: Some(duration),
            write: Some(duration),
            pool: Some(duration),
            total: None,
        }
    }

    /// No limit on any phase and no total (httpx's `Timeout(None)`).
    pub const fn none() -> Timeout {
        Timeout {
            connect: None,
            read: None,
            write: None,
            pool: None,
            total: None,
        }
    }

    /// Sets the connect timeout: a `Duration`, or `None` for no limit.
    #[must_use]
    pub fn with_connect(mut self, timeout: impl Into<Option<Duration>>) -> Timeout {
        self.connect = timeout.into();
        self
    }

    /// Sets the read timeout: a `Duration`, or `None` for no limit.
    #[must_use]
    pub fn with_read(mut self, timeout: impl Into<Option<Duration>>) -> Timeout {
        self.read = timeout.into();
        self
    }

    /// Sets the write timeout: a `Duration`, or `None` for no limit.
    #[must_use]
    pub fn with_write(mut self, timeout: impl Into<Option<Duration>>) -> Timeout {
        self.write = timeout.into();
        self
    }

    /// Sets the pool timeout: a `Duration`, or `None` for no limit.
    #[must_use]
    pub fn with_pool(mut self, timeout: impl Into<Option<Duration>>) -> Timeout {
        self.pool = timeout.into();
        self
    }

    /// Sets the deadline for the whole exchange, body included: a `Duration`, or
    /// `None` for no deadline.
    #[must_use]
    pub fn with_total(mut self, timeout: impl Into<Option<Duration>>) -> Timeout {
        self.total = timeout.into();
        self
    }

    /// The connect timeout, if any.
    pub const fn connect(&self) -> Option<Duration> {
        self.connect
    }

    /// The read timeout (per read), if any.
    pub const fn read(&self) -> Option<Duration> {
        self.read
    }

    /// The write timeout (per write), if any.
    pub const fn write(&self) -> Option<Duration> {
        self.write
    }

    /// The pool timeout, if any.
    pub const fn pool(&self) -> Option<Duration> {
        self.pool
    }

    /// The deadline for the whole exchange, if any.
    pub const fn total(&self) -> Option<Duration> {
        self.total
    }
}

impl Default for Timeout {
    /// httpx's default: 5 seconds for each of connect, read, write and pool; no total.
    fn default() -> Timeout {
        Timeout::new(Timeout::DEFAULT_PHASE)
    }
}

impl From<Duration> for Timeout {
    /// Same as [`Timeout::new`].
    fn from(duration: Duration) -> Timeout {
        Timeout::new(duration)
    }
}

impl From<Option<Duration>> for Timeout {
    /// `Some(d)` is [`Timeout::new(d)`](Timeout::new), `None` is [`Timeout::none()`]
    /// (httpx's `timeout=None`).
    fn from(duration: Option<Duration>) -> Timeout {
        match duration {
            Some(duration) => Timeout::new(duration),
            None => Timeout::none(),
        }
    }
}

/// How far ahead a deadline is set when `start + duration` is not representable.
const FAR_FUTURE: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);

/// `start + duration`, or about 30 years after `start` when that sum does not fit an
/// `Instant` (say, a timeout of `Duration::MAX`, a common way to say "no limit").
///
/// The addition is checked, never a panic; it costs what `start + duration` costs.
///
/// ```
/// use std::time::{Duration, Instant};
/// use xhttp_core::timeout::deadline_after;
///
/// let now = Instant::now();
/// assert_eq!(deadline_after(now, Duration::from_secs(5)), now + Duration::from_secs(5));
/// assert!(deadline_after(now, Duration::MAX) > now + Duration::from_secs(365 * 24 * 3600));
/// ```
#[inline]
pub fn deadline_after(start: Instant, duration: Duration) -> Instant {
    match start.checked_add(duration) {
        Some(deadline) => deadline,
        None => start.checked_add(FAR_FUTURE).unwrap_or(start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_too_far_for_an_instant_is_about_30_years_ahead() {
        let now = Instant::now();
        assert_eq!(deadline_after(now, SECOND), now + SECOND);
        assert_eq!(deadline_after(now, Duration::MAX), now + FAR_FUTURE);
        let huge = Duration::from_secs(u64::MAX / 2);
        assert!(deadline_after(now, huge) >= now + FAR_FUTURE);
    }

    const SECOND: Duration = Duration::from_secs(1);

    fn phases(t: Timeout) -> [Option<Duration>; 5] {
        [t.connect(), t.read(), t.write(), t.pool(), t.total()]
    }

    #[test]
    fn default_is_five_seconds_per_phase_and_no_total() {
        let five = Some(Duration::from_secs(5));
        assert_eq!(phases(Timeout::default()), [five, five, five, five, None]);
    }

    #[test]
    fn new_sets_the_four_phases_only() {
        let d = Some(3 * SECOND);
        assert_eq!(phases(Timeout::new(3 * SECOND)), [d, d, d, d, None]);
    }

    #[test]
    fn none_disables_everything() {
        assert_eq!(phases(Timeout::none()), [None; 5]);
    }

    #[test]
    fn with_methods_change_one_phase_each() {
        let base = Timeout::new(SECOND);
        let one = Some(SECOND);
        assert_eq!(
            phases(base.with_connect(2 * SECOND)),
            [Some(2 * SECOND), one, one, one, None]
        );
        assert_eq!(phases(base.with_read(None)), [one, None, one, one, None]);
        assert_eq!(
            phases(base.with_write(Some(4 * SECOND))),
            [one, one, Some(4 * SECOND), one, None]
        );
        assert_eq!(phases(base.with_pool(None)), [one, one, one, None, None]);
        assert_eq!(
            phases(base.with_total(9 * SECOND)),
            [one, one, one, one, Some(9 * SECOND)]
        );
        assert_eq!(
            base.with_total(SECOND).with_total(None),
            base,
            "a later call overrides an earlier one"
        );
    }

    #[test]
    fn conversions() {
        assert_eq!(Timeout::from(2 * SECOND), Timeout::new(2 * SECOND));
        assert_eq!(Timeout::from(Some(2 * SECOND)), Timeout::new(2 * SECOND));
        assert_eq!(Timeout::from(None), Timeout::none());
    }

    #[test]
    fn equality_compares_every_phase() {
        assert_eq!(Timeout::default(), Timeout::new(Timeout::DEFAULT_PHASE));
        assert_ne!(Timeout::default(), Timeout::default().with_total(SECOND));
        assert_ne!(Timeout::default(), Timeout::default().with_pool(None));
    }
}
