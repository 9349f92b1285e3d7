//! [`RetryPolicy`]: when a request is sent again and how long to wait first. Pure
//! rules; the async crate's `RetryLayer` does the waiting.
//!
//! * **What may be retried:** idempotent methods (GET, HEAD, OPTIONS, TRACE, PUT,
//!   DELETE) with a replayable body; other methods only when named with
//!   [`methods`](RetryPolicy::methods). A one-shot (streamed) body is never retried.
//! * **When:** a response whose status is one of [`statuses`](RetryPolicy::statuses)
//!   (429, 502, 503, 504 by default); a connect error or connect timeout; a network or
//!   protocol error before the response head (a connection the server closed under us:
//!   the pool already retried it once on a fresh connection when that was safe, and
//!   that whole attempt counts as one here).
//! * **How long to wait:** exponential backoff with jitter (`base * 2^n`, capped, then
//!   a random point in its upper half), or the response's `Retry-After` (seconds or an
//!   HTTP-date) when it has one.
//! * **Bounded:** at most [`max_retries`](RetryPolicy::max_retries) retries, and no
//!   retry whose wait would pass [`max_elapsed`](RetryPolicy::max_elapsed) since the
//!   first attempt started: then the last response or error is returned as it is.

mod retry_after;

use std::time::Duration;

use http::{Method, StatusCode};

use crate::{Error, ErrorKind};

pub use retry_after::retry_after;

/// When and how often a request is retried. See the [module docs](self).
///
/// ```
/// use std::time::Duration;
/// use xhttp_core::retry::RetryPolicy;
///
/// let policy = RetryPolicy::new()
///     .max_retries(5)
///     .backoff(Duration::from_millis(50), Duration::from_secs(2))
///     .statuses([503]);
/// assert!(policy.allows_method(&http::Method::GET));
/// assert!(!policy.allows_method(&http::Method::POST));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    max_elapsed: Duration,
    base_delay: Duration,
    max_delay: Duration,
    statuses: Vec<StatusCode>,
    methods: Vec<Method>,
    on_connect_errors: bool,
    on_network_errors: bool,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            max_elapsed: Duration::from_secs(30),
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(10),
            statuses: [429, 502, 503, 504]
                .into_iter()
                .filter_map(|code| StatusCode::from_u16(code).ok())
                .collect(),
            methods: vec![
                Method::GET,
                Method::HEAD,
                Method::OPTIONS,
                Method::TRACE,
                Method::PUT,
                Method::DELETE,
            ],
            on_connect_errors: true,
            on_network_errors: true,
        }
    }
}

impl RetryPolicy {
    /// The defaults: 3 retries within 30 s, backoff from 100 ms up to 10 s, statuses
    /// 429/502/503/504, idempotent methods, connect and network errors.
    pub fn new() -> RetryPolicy {
        RetryPolicy::default()
    }

    /// At most `retries` retries (so `retries + 1` attempts). `0` turns retrying off.
    pub fn max_retries(mut self, retries: u32) -> RetryPolicy {
        self.max_retries = retries;
        self
    }

    /// No retry whose wait would end later than `elapsed` after the first attempt
    /// started.
    pub fn max_elapsed(mut self, elapsed: Duration) -> RetryPolicy {
        self.max_elapsed = elapsed;
        self
    }

    /// The backoff: `base` before the first retry, doubling each time, at most `max`
    /// (each wait then drawn at random from its upper half).
    pub fn backoff(mut self, base: Duration, max: Duration) -> RetryPolicy {
        self.base_delay = base;
        self.max_delay = max.max(base);
        self
    }

    /// The response statuses that are retried (replacing the default 429, 502, 503,
    /// 504). Codes that are not valid statuses are ignored.
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> RetryPolicy {
        self.statuses = statuses
            .into_iter()
            .filter_map(|code| StatusCode::from_u16(code).ok())
            .collect();
        self
    }

    /// The methods that may be retried (replacing the idempotent ones). Naming `POST`
    /// here is the explicit opt-in to retrying requests that are not idempotent.
    pub fn methods(mut self, methods: impl IntoIterator<Item = Method>) -> RetryPolicy {
        self.methods = methods.into_iter().collect();
        self
    }

    /// Whether connect errors and connect timeouts are retried (default: yes).
    pub fn on_connect_errors(mut self, retry: bool) -> RetryPolicy {
        self.on_connect_errors = retry;
        self
    }

    /// Whether network and protocol errors before the response head are retried, such
    /// as a kept-alive connection the server had closed (default: yes).
    pub fn on_network_errors(mut self, retry: bool) -> RetryPolicy {
        self.on_network_errors = retry;
        self
    }

    /// The most retries.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The time budget from the first attempt.
    pub fn elapsed_budget(&self) -> Duration {
        self.max_elapsed
    }

    /// Whether requests with `method` may be retried.
    pub fn allows_method(&self, method: &Method) -> bool {
        self.methods.contains(method)
    }

    /// Whether a response with `status` is retried.
    pub fn retries_status(&self, status: StatusCode) -> bool {
        self.statuses.contains(&status)
    }

    /// Whether an attempt that failed with `error` (before any response) is retried.
    pub fn retries_error(&self, error: &Error) -> bool {
        match error.kind() {
            ErrorKind::Connect | ErrorKind::ConnectTimeout => self.on_connect_errors,
            ErrorKind::Read | ErrorKind::Write | ErrorKind::Close | ErrorKind::RemoteProtocol => {
                self.on_network_errors
            }
            _ => false,
        }
    }

    /// The wait before retry number `retry` (1 for the first): `base * 2^(retry-1)`
    /// capped at the maximum, then placed in its upper half by `random` (any random
    /// number: the jitter).
    pub fn backoff_delay(&self, retry: u32, random: u64) -> Duration {
        let doublings = retry.saturating_sub(1).min(31);
        let full = self
            .base_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay);
        let nanos = u64::try_from(full.as_nanos()).unwrap_or(u64::MAX);
        let half = nanos / 2;
        let jitter = match half {
            0 => 0,
            half => random % (half + 1),
        };
        Duration::from_nanos(nanos - half + jitter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotent_methods_by_default_others_by_opt_in() {
        let policy = RetryPolicy::new();
        for method in [Method::GET, Method::PUT, Method::DELETE, Method::HEAD] {
            assert!(policy.allows_method(&method));
        }
        assert!(!policy.allows_method(&Method::POST));
        assert!(!policy.allows_method(&Method::PATCH));
        let posts = policy.methods([Method::POST]);
        assert!(posts.allows_method(&Method::POST));
    }

    #[test]
    fn default_statuses_and_errors() {
        let policy = RetryPolicy::new();
        for code in [429, 502, 503, 504] {
            assert!(policy.retries_status(StatusCode::from_u16(code).unwrap()));
        }
        assert!(!policy.retries_status(StatusCode::INTERNAL_SERVER_ERROR));
        assert!(policy.retries_error(&Error::new(ErrorKind::Connect)));
        assert!(policy.retries_error(&Error::new(ErrorKind::ConnectTimeout)));
        assert!(policy.retries_error(&Error::new(ErrorKind::RemoteProtocol)));
        assert!(!policy.retries_error(&Error::new(ErrorKind::ReadTimeout)));
        assert!(!policy.retries_error(&Error::new(ErrorKind::InvalidUrl)));
        let quiet = RetryPolicy::new()
            .on_connect_errors(false)
            .on_network_errors(false);
        assert!(!quiet.retries_error(&Error::new(ErrorKind::Connect)));
        assert!(!quiet.retries_error(&Error::new(ErrorKind::Read)));
    }

    #[test]
    fn backoff_doubles_is_capped_and_jitters_in_the_upper_half() {
        let policy =
            RetryPolicy::new().backoff(Duration::from_millis(100), Duration::from_millis(1000));
        assert_eq!(policy.backoff_delay(1, 0), Duration::from_millis(50));
        assert_eq!(
            policy.backoff_delay(1, 50_000_000),
            Duration::from_millis(100)
        );
        for random in [0, 7, 1 << 40, u64::MAX] {
            let second = policy.backoff_delay(2, random);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
            let capped = policy.backoff_delay(30, random);
            assert!(capped >= Duration::from_millis(500) && capped <= Duration::from_millis(1000));
        }
        assert_eq!(
            policy.backoff_delay(u32::MAX, 0),
            Duration::from_millis(500)
        );
    }
}
