//! Cookies valid for any host: set by hand with an empty domain, as httpx allows.

use serde::{Deserialize, Serialize};

/// A cookie sent to every host whose request path matches `path`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct AnyHostCookie {
    pub(super) name: String,
    pub(super) value: String,
    pub(super) path: String,
}

impl AnyHostCookie {
    /// Whether the cookie goes with a request for `request_path` (encoded, no query).
    pub(super) fn matches(&self, request_path: &str) -> bool {
        path_matches(&self.path, request_path)
    }
}

/// RFC 6265 §5.1.4 path-match: identical, or `cookie_path` is a prefix of
/// `request_path` ending at a `/` (either the prefix's last character or the next one).
pub(super) fn path_matches(cookie_path: &str, request_path: &str) -> bool {
    if cookie_path == request_path {
        return true;
    }
    match request_path.strip_prefix(cookie_path) {
        Some(rest) => cookie_path.ends_with('/') || rest.starts_with('/'),
        None => false,
    }
}

/// The path of a request URL as cookies see it: encoded, without the query, `/` when
/// empty.
pub(super) fn request_path(url: &crate::url::Url) -> String {
    let raw = url.raw_path();
    match raw.split_once('?') {
        Some(("", _)) => "/".to_owned(),
        Some((path, _)) => path.to_owned(),
        None => raw.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_match_follows_rfc_6265() {
        assert!(path_matches("/", "/anything"));
        assert!(path_matches("/a", "/a"));
        assert!(path_matches("/a", "/a/b"));
        assert!(path_matches("/a/", "/a/b"));
        assert!(!path_matches("/a", "/ab"));
        assert!(!path_matches("/a/b", "/a"));
        assert!(!path_matches("/a/", "/a"));
    }

    #[test]
    fn the_request_path_drops_the_query() {
        let url = crate::url::Url::parse("http://h/p/q?x=1").unwrap();
        assert_eq!(request_path(&url), "/p/q");
        let url = crate::url::Url::parse("http://h?x=1").unwrap();
        assert_eq!(request_path(&url), "/");
        let url = crate::url::Url::parse("http://h/a%20b").unwrap();
        assert_eq!(request_path(&url), "/a%20b");
    }
}
