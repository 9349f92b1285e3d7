//! [`Cookie`]: one stored cookie, as [`Cookies::iter`](super::Cookies::iter) shows it.

use std::fmt;
use std::time::{Duration, SystemTime};

use cookie_store::{CookieDomain, CookieExpiration};

use super::any_host::AnyHostCookie;

/// One cookie of a jar, borrowed from it. `Debug` shows everything but the value.
#[derive(Clone, Copy)]
pub struct Cookie<'a> {
    name: &'a str,
    value: &'a str,
    domain: &'a str,
    path: &'a str,
    host_only: bool,
    secure: bool,
    expires: Option<SystemTime>,
}

impl<'a> Cookie<'a> {
    pub(super) fn from_store(cookie: &'a cookie_store::Cookie<'static>) -> Cookie<'a> {
        let (domain, host_only) = match &cookie.domain {
            CookieDomain::HostOnly(host) => (host.as_str(), true),
            CookieDomain::Suffix(domain) => (domain.as_str(), false),
            CookieDomain::NotPresent | CookieDomain::Empty => ("", false),
        };
        let expires = match cookie.expires {
            CookieExpiration::AtUtc(at) => system_time(at.unix_timestamp()),
            CookieExpiration::SessionEnd => None,
        };
        Cookie {
            name: cookie.name(),
            value: cookie.value(),
            domain,
            path: cookie.path.as_ref(),
            host_only,
            secure: cookie.secure().unwrap_or(false),
            expires,
        }
    }

    pub(super) fn from_any_host(cookie: &'a AnyHostCookie) -> Cookie<'a> {
        Cookie {
            name: &cookie.name,
            value: &cookie.value,
            domain: "",
            path: &cookie.path,
            host_only: false,
            secure: false,
            expires: None,
        }
    }

    /// The name.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The value, as the server sent it (quotes included).
    pub fn value(&self) -> &'a str {
        self.value
    }

    /// The host (host-only cookies) or the domain (without a leading dot); `""` for a
    /// cookie valid for any host.
    pub fn domain(&self) -> &'a str {
        self.domain
    }

    /// The path it is sent for (and below).
    pub fn path(&self) -> &'a str {
        self.path
    }

    /// Whether it goes to exactly [`domain`](Self::domain) and not its subdomains.
    pub fn is_host_only(&self) -> bool {
        self.host_only
    }

    /// Whether it is sent over `https` only.
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// When it expires; `None` for a session cookie (kept until the jar is dropped).
    pub fn expires(&self) -> Option<SystemTime> {
        self.expires
    }
}

/// `seconds` since the Unix epoch as a `SystemTime`, when it can be one.
fn system_time(seconds: i64) -> Option<SystemTime> {
    let offset = Duration::from_secs(seconds.unsigned_abs());
    if seconds < 0 {
        SystemTime::UNIX_EPOCH.checked_sub(offset)
    } else {
        SystemTime::UNIX_EPOCH.checked_add(offset)
    }
}

impl fmt::Debug for Cookie<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cookie")
            .field("name", &self.name)
            .field("value", &"<redacted>")
            .field("domain", &self.domain)
            .field("path", &self.path)
            .field("host_only", &self.host_only)
            .field("secure", &self.secure)
            .field("expires", &self.expires)
            .finish()
    }
}
