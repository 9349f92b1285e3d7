//! [`CookieStore`], what a client talks to, and [`Jar`], the shareable built-in store.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};

use http::{HeaderMap, HeaderValue};

use super::collection::Cookies;
use crate::url::Url;

/// Where a client keeps cookies: it hands over every response's headers and asks for
/// the `Cookie` header of every request. Implement it to plug in your own store;
/// [`Jar`] is the built-in one.
///
/// The client calls it from any thread, possibly for several requests at once.
pub trait CookieStore: Send + Sync + fmt::Debug {
    /// Stores the cookies of the `Set-Cookie` headers of a response from `url`. Must not
    /// panic on bad headers: skip them.
    fn set_cookies(&self, url: &Url, headers: &HeaderMap);

    /// The `Cookie` header for a request to `url`, or `None` to send none.
    fn cookies(&self, url: &Url) -> Option<HeaderValue>;

    /// The [`Jar`] this store is, when it is one (lets
    /// [`ClientBuilder::cookie`](crate::client::ClientBuilder::cookie) add to it). Other
    /// stores keep the default, `None`.
    fn jar(&self) -> Option<&Jar> {
        None
    }
}

/// The built-in [`CookieStore`]: [`Cookies`] behind a shared lock. Every client gets a
/// fresh one; clones share the same cookies, so one `Jar` given to two clients (with
/// `ClientBuilder::cookie_store`) is seen and filled by both.
///
/// ```
/// use std::sync::Arc;
/// use xhttp_core::cookies::{CookieStore, Jar};
/// use xhttp_core::Url;
///
/// let jar = Jar::new();
/// let shared: Arc<dyn CookieStore> = Arc::new(jar.clone());
/// jar.lock().set("token", "t", "", "/")?;
/// let header = shared.cookies(&Url::parse("http://example.org/")?).unwrap();
/// assert_eq!(header, "token=t");
/// # Ok::<(), xhttp_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Jar {
    cookies: Arc<Mutex<Cookies>>,
}

impl Jar {
    /// An empty jar.
    pub fn new() -> Jar {
        Jar::default()
    }

    /// The cookies, locked for reading or editing. Keep the guard short: requests of
    /// every client sharing the jar wait for it. (A lock poisoned by a panic elsewhere
    /// is taken over: the jar is always in a consistent state.)
    pub fn lock(&self) -> MutexGuard<'_, Cookies> {
        self.cookies.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A copy of the cookies as they are now (for saving, say).
    pub fn snapshot(&self) -> Cookies {
        self.lock().clone()
    }
}

impl From<Cookies> for Jar {
    fn from(cookies: Cookies) -> Jar {
        Jar {
            cookies: Arc::new(Mutex::new(cookies)),
        }
    }
}

impl CookieStore for Jar {
    fn set_cookies(&self, url: &Url, headers: &HeaderMap) {
        if headers.contains_key(http::header::SET_COOKIE) {
            self.lock().extract_from(url, headers);
        }
    }

    fn cookies(&self, url: &Url) -> Option<HeaderValue> {
        self.lock().header_for(url)
    }

    fn jar(&self) -> Option<&Jar> {
        Some(self)
    }
}

impl fmt::Debug for Jar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // try_lock: formatting while holding the guard must not deadlock.
        match self.cookies.try_lock() {
            Ok(cookies) => f.debug_tuple("Jar").field(&*cookies).finish(),
            Err(TryLockError::Poisoned(poisoned)) => {
                f.debug_tuple("Jar").field(&*poisoned.into_inner()).finish()
            }
            Err(TryLockError::WouldBlock) => f.write_str("Jar(<locked>)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_cookies() {
        let jar = Jar::new();
        let other = jar.clone();
        let url = Url::parse("http://h.org/").unwrap();
        let mut headers = HeaderMap::new();
        headers.append(http::header::SET_COOKIE, "a=1".parse().unwrap());
        other.set_cookies(&url, &headers);
        assert_eq!(jar.cookies(&url).unwrap(), "a=1");
        assert_eq!(jar.snapshot().len(), 1);
    }

    #[test]
    fn debug_redacts_values_and_survives_a_held_lock() {
        let jar = Jar::new();
        jar.lock()
            .set("name", "s3cr3t-value", "h.org", "/")
            .unwrap();
        let text = format!("{jar:?}");
        assert!(text.contains("name") && text.contains("h.org"), "{text}");
        assert!(!text.contains("s3cr3t"), "{text}");
        let guard = jar.lock();
        assert_eq!(format!("{jar:?}"), "Jar(<locked>)");
        assert!(!format!("{:?}", *guard).contains("s3cr3t"));
    }

    #[test]
    fn a_jar_says_it_is_one() {
        let jar = Jar::new();
        let store: &dyn CookieStore = &jar;
        assert!(store.jar().is_some());
    }
}
