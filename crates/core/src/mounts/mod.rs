//! Routing by URL pattern: [`Mounts`] maps httpx's mount keys ([`UrlPattern`]) to
//! values (transports, in the clients), the most specific match winning.

mod pattern;

use std::fmt;

pub use pattern::UrlPattern;
pub(crate) use pattern::{HostPattern, split_port};

use crate::error::Error;
use crate::url::Url;

/// Values by URL pattern, sorted once, most specific first: patterns with a port, then
/// longer hosts, then longer schemes (`https://` before `http://` before `all://`); among
/// equals, the one inserted first. Inserting a pattern that is already there (same
/// text) replaces its value, as a later key replaces an earlier one in httpx's dict.
///
/// ```
/// use xhttp_core::mounts::Mounts;
/// use xhttp_core::Url;
///
/// let mut mounts = Mounts::new();
/// mounts.insert("all://", "proxy")?;
/// mounts.insert("all://*.internal.test", "direct")?;
/// mounts.insert("https://", "tls proxy")?;
/// let route = |url: &str| mounts.route(&Url::parse(url).unwrap()).copied();
/// assert_eq!(route("http://a.internal.test/"), Some("direct"));
/// assert_eq!(route("https://example.com/"), Some("tls proxy"));
/// assert_eq!(route("http://example.com/"), Some("proxy"));
/// # Ok::<(), xhttp_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Mounts<T> {
    entries: Vec<(UrlPattern, T)>,
}

impl<T> Mounts<T> {
    /// No mounts.
    pub fn new() -> Mounts<T> {
        Mounts {
            entries: Vec::new(),
        }
    }

    /// Parses `pattern` and mounts `value` on it.
    ///
    /// # Errors
    /// `InvalidUrl` when the pattern is not valid (see [`UrlPattern::parse`]).
    pub fn insert(&mut self, pattern: &str, value: T) -> Result<(), Error> {
        self.insert_pattern(UrlPattern::parse(pattern)?, value);
        Ok(())
    }

    /// Mounts `value` on a parsed pattern.
    pub fn insert_pattern(&mut self, pattern: UrlPattern, value: T) {
        if let Some(entry) = self
            .entries
            .iter_mut()
            .find(|(known, _)| known.as_str() == pattern.as_str())
        {
            entry.1 = value;
            return;
        }
        let priority = pattern.priority();
        // After every entry at least as specific: equals keep their insertion order.
        let at = self
            .entries
            .partition_point(|(known, _)| known.priority() <= priority);
        self.entries.insert(at, (pattern, value));
    }

    /// The value of the most specific pattern matching `url`.
    pub fn route(&self, url: &Url) -> Option<&T> {
        self.entries
            .iter()
            .find(|(pattern, _)| pattern.matches(url))
            .map(|(_, value)| value)
    }

    /// Whether nothing is mounted.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The patterns and values, most specific first.
    pub fn iter(&self) -> impl Iterator<Item = (&UrlPattern, &T)> {
        self.entries.iter().map(|(pattern, value)| (pattern, value))
    }
}

impl<T> Default for Mounts<T> {
    fn default() -> Mounts<T> {
        Mounts::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for Mounts<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.entries
                    .iter()
                    .map(|(pattern, value)| (pattern.as_str(), value)),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(mounts: &Mounts<&'static str>, url: &str) -> Option<&'static str> {
        mounts.route(&Url::parse(url).unwrap()).copied()
    }

    #[test]
    fn most_specific_wins_whatever_the_order() {
        let patterns = [
            ("all://", "all"),
            ("http://", "http"),
            ("https://", "https"),
            ("all://example.com", "example"),
            ("all://*.example.com", "subdomains"),
            ("http://example.com:1234", "port"),
            ("all://*:1234", "any host on 1234"),
        ];
        for reverse in [false, true] {
            let mut mounts = Mounts::new();
            let mut ordered = patterns.to_vec();
            if reverse {
                ordered.reverse();
            }
            for (pattern, value) in ordered {
                mounts.insert(pattern, value).unwrap();
            }
            assert_eq!(route(&mounts, "ftp://other.test/"), Some("all"));
            assert_eq!(route(&mounts, "http://other.test/"), Some("http"));
            assert_eq!(route(&mounts, "https://other.test/"), Some("https"));
            assert_eq!(route(&mounts, "https://example.com/"), Some("example"));
            assert_eq!(
                route(&mounts, "https://www.example.com/"),
                Some("subdomains")
            );
            assert_eq!(route(&mounts, "http://example.com:1234/"), Some("port"));
            assert_eq!(
                route(&mounts, "https://example.com:1234/"),
                Some("any host on 1234")
            );
        }
    }

    #[test]
    fn the_same_pattern_replaces_and_equals_keep_their_order() {
        let mut mounts = Mounts::new();
        mounts.insert("all://a.test", "first").unwrap();
        mounts.insert("all://b.test", "other").unwrap();
        mounts.insert("all://a.test", "second").unwrap();
        assert_eq!(route(&mounts, "http://a.test/"), Some("second"));
        assert_eq!(mounts.iter().count(), 2);
        let mut mounts = Mounts::new();
        mounts.insert("all://*", "star").unwrap();
        mounts.insert("all://", "empty").unwrap();
        // `*` is a longer host than none: more specific, as in httpx.
        assert_eq!(route(&mounts, "http://x.test/"), Some("star"));
        assert_eq!(
            Mounts::<()>::new().route(&Url::parse("http://x/").unwrap()),
            None
        );
    }
}
