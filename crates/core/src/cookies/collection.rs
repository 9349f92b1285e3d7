//! [`Cookies`]: the jar itself, its lookups and its edits.

use std::fmt;

use super::any_host::AnyHostCookie;
use super::view::Cookie;
use crate::{Error, ErrorKind};

/// A cookie jar following RFC 6265 (see the [module docs](super) for the rules), with
/// httpx's methods: [`set`](Self::set), [`get`](Self::get), [`delete`](Self::delete),
/// [`clear`](Self::clear), [`iter`](Self::iter), [`len`](Self::len).
///
/// A client keeps its jar in a [`Jar`](super::Jar) (shared, locked); a `Cookies` on its
/// own is a plain value for scripts and tests. `Debug` shows names, domains and paths,
/// never values.
///
/// ```
/// use xhttp_core::cookies::Cookies;
/// use xhttp_core::Url;
///
/// let mut cookies = Cookies::new();
/// let url = Url::parse("https://www.example.org/account/login")?;
/// let mut headers = http::HeaderMap::new();
/// headers.append("set-cookie", "session=abc; Path=/; Secure".parse().unwrap());
/// headers.append("set-cookie", "theme=dark; Domain=example.org; Path=/".parse().unwrap());
/// cookies.extract_from(&url, &headers);
///
/// let next = Url::parse("https://www.example.org/account/home")?;
/// assert_eq!(cookies.header_for(&next).unwrap(), "session=abc; theme=dark");
/// // host-only `session` is not sent to a subdomain; the Domain cookie is.
/// let other = Url::parse("https://api.example.org/")?;
/// assert_eq!(cookies.header_for(&other).unwrap(), "theme=dark");
/// assert_eq!(cookies.get("theme", None, None)?.as_deref(), Some("dark"));
/// # Ok::<(), xhttp_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Cookies {
    pub(super) store: cookie_store::CookieStore,
    pub(super) any_host: Vec<AnyHostCookie>,
}

impl Cookies {
    /// An empty jar.
    pub fn new() -> Cookies {
        Cookies::default()
    }

    /// Sets a cookie by hand, replacing one of the same name, domain and path.
    ///
    /// * `domain` `""`: valid for **any host** (httpx's default);
    /// * `"example.org"`: host-only, sent to `example.org` and not its subdomains;
    /// * `".example.org"`: a domain cookie, sent to `example.org` and its subdomains
    ///   (as a `Domain=example.org` attribute would).
    ///
    /// `path` must start with `/` (httpx's default is `"/"`). A name must be non-empty
    /// and hold no `=`, `;`, white space or control character; a value no `;` or
    /// control character. Otherwise the error is `InvalidHeader`.
    ///
    /// ```
    /// use xhttp_core::cookies::Cookies;
    /// use xhttp_core::Url;
    ///
    /// let mut cookies = Cookies::new();
    /// cookies.set("everywhere", "1", "", "/")?;
    /// cookies.set("here", "2", "example.org", "/")?;
    /// cookies.set("below", "3", ".example.org", "/")?;
    /// let sub = Url::parse("http://www.example.org/")?;
    /// assert_eq!(cookies.header_for(&sub).unwrap(), "below=3; everywhere=1");
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn set(&mut self, name: &str, value: &str, domain: &str, path: &str) -> Result<(), Error> {
        check_name(name)?;
        check_value(value)?;
        check_path(path)?;
        if domain.is_empty() {
            let cookie = AnyHostCookie {
                name: name.to_owned(),
                value: value.to_owned(),
                path: path.to_owned(),
            };
            match self
                .any_host
                .iter_mut()
                .find(|c| c.name == cookie.name && c.path == cookie.path)
            {
                Some(existing) => *existing = cookie,
                None => self.any_host.push(cookie),
            }
            return Ok(());
        }
        let (suffix, host) = match domain.strip_prefix('.') {
            Some(host) => (true, host),
            None => (false, domain),
        };
        let host = url::Host::parse(host).map_err(|_| {
            invalid(format!(
                "'{domain}' is not a valid cookie domain (give a host name, \
                 '.domain' for its subdomains too, or \"\" for any host)"
            ))
        })?;
        let request_url = url::Url::parse(&format!("http://{host}/"))
            .map_err(|_| invalid(format!("'{domain}' is not a valid cookie domain")))?;
        let mut raw = cookie_store::RawCookie::build((name.to_owned(), value.to_owned()))
            .path(path.to_owned())
            .build();
        if suffix {
            if let url::Host::Domain(name) = &host {
                raw.set_domain(name.clone());
            }
        }
        self.store
            .insert_raw(&raw, &request_url)
            .map(drop)
            .map_err(|error| invalid(format!("the cookie could not be stored: {error}")))
    }

    /// The value of the cookie called `name`, among those of `domain` (when given; `""`
    /// for cookies valid for any host) and `path` (when given). `None` when there is
    /// none; a `CookieConflict` error when several match (as httpx).
    pub fn get(
        &self,
        name: &str,
        domain: Option<&str>,
        path: Option<&str>,
    ) -> Result<Option<String>, Error> {
        let mut found = None;
        for cookie in self.matching(Some(name), domain, path) {
            if found.is_some() {
                return Err(Error::new(ErrorKind::CookieConflict).with_message(format!(
                    "several cookies are named '{name}': give a domain and a path to pick one"
                )));
            }
            found = Some(cookie.value().to_owned());
        }
        Ok(found)
    }

    /// Removes the cookies called `name` (of `domain` and `path`, when given); returns
    /// how many were removed.
    pub fn delete(&mut self, name: &str, domain: Option<&str>, path: Option<&str>) -> usize {
        self.remove_matching(Some(name), domain, path)
    }

    /// Removes every cookie (of `domain` and `path`, when given); returns how many were
    /// removed.
    pub fn clear(&mut self, domain: Option<&str>, path: Option<&str>) -> usize {
        self.remove_matching(None, domain, path)
    }

    /// The unexpired cookies: those from servers (in the order their domains, paths
    /// and names were first stored), then those valid for any host.
    pub fn iter(&self) -> impl Iterator<Item = Cookie<'_>> {
        self.store
            .iter_unexpired()
            .map(Cookie::from_store)
            .chain(self.any_host.iter().map(Cookie::from_any_host))
    }

    /// How many unexpired cookies the jar holds.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether the jar holds no unexpired cookie.
    pub fn is_empty(&self) -> bool {
        self.any_host.is_empty() && self.store.iter_unexpired().next().is_none()
    }

    /// Whether the RFC store holds nothing at all (not even expired cookies): then no
    /// URL needs converting for it.
    pub(super) fn store_is_bare(&self) -> bool {
        self.store.iter_any().next().is_none()
    }

    /// Drops the cookies that have expired.
    pub(super) fn purge_expired(&mut self) {
        let expired: Vec<(String, String, String)> = self
            .store
            .iter_any()
            .filter(|cookie| cookie.is_expired())
            .map(|cookie| {
                let view = Cookie::from_store(cookie);
                (
                    view.domain().to_owned(),
                    view.path().to_owned(),
                    view.name().to_owned(),
                )
            })
            .collect();
        for (domain, path, name) in expired {
            self.store.remove(&domain, &path, &name);
        }
    }

    fn matching<'a>(
        &'a self,
        name: Option<&'a str>,
        domain: Option<&str>,
        path: Option<&'a str>,
    ) -> impl Iterator<Item = Cookie<'a>> + 'a {
        let domain = domain.map(normalise_domain);
        self.iter().filter(move |cookie| {
            name.is_none_or(|name| cookie.name() == name)
                && domain
                    .as_deref()
                    .is_none_or(|domain| cookie.domain().eq_ignore_ascii_case(domain))
                && path.is_none_or(|path| cookie.path() == path)
        })
    }

    fn remove_matching(
        &mut self,
        name: Option<&str>,
        domain: Option<&str>,
        path: Option<&str>,
    ) -> usize {
        let doomed: Vec<(String, String, String)> = self
            .matching(name, domain, path)
            .map(|cookie| {
                (
                    cookie.domain().to_owned(),
                    cookie.path().to_owned(),
                    cookie.name().to_owned(),
                )
            })
            .collect();
        for (domain, path, name) in &doomed {
            if domain.is_empty() {
                self.any_host
                    .retain(|cookie| !(cookie.name == *name && cookie.path == *path));
            } else {
                self.store.remove(domain, path, name);
            }
        }
        doomed.len()
    }
}

/// A domain as the jar stores it: no leading dot, ASCII (punycode) form.
fn normalise_domain(domain: &str) -> String {
    let domain = domain.strip_prefix('.').unwrap_or(domain);
    if domain.is_ascii() {
        return domain.to_ascii_lowercase();
    }
    idna::domain_to_ascii(domain).unwrap_or_else(|_| domain.to_owned())
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidHeader).with_message(message)
}

/// Whether a byte may stand in a header value (no control character but tab).
pub(super) fn header_safe(text: &str) -> bool {
    text.bytes().all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

/// A cookie name: non-empty, no `=`, `;`, white space or control character.
pub(super) fn check_name(name: &str) -> Result<(), Error> {
    let bad = |b: u8| b == b'=' || b == b';' || b <= 0x20 || b == 0x7f;
    if name.is_empty() || name.bytes().any(bad) {
        return Err(invalid(
            "a cookie name must be non-empty without '=', ';', white space or control characters"
                .to_owned(),
        ));
    }
    Ok(())
}

/// A cookie value: no `;` or control character. The message never quotes it.
pub(super) fn check_value(value: &str) -> Result<(), Error> {
    let bad = |b: u8| b == b';' || b < 0x20 || b == 0x7f;
    if value.bytes().any(bad) {
        return Err(invalid(
            "a cookie value must not hold ';' or control characters".to_owned(),
        ));
    }
    Ok(())
}

fn check_path(path: &str) -> Result<(), Error> {
    if !path.starts_with('/') || !header_safe(path) || path.contains(';') {
        return Err(invalid(format!(
            "the cookie path '{}' must start with '/' and hold no ';' or control characters",
            path.escape_debug()
        )));
    }
    Ok(())
}

impl fmt::Debug for Cookies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cookies")?;
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::Url;

    fn header(cookies: &Cookies, url: &str) -> Option<String> {
        cookies
            .header_for(&Url::parse(url).unwrap())
            .map(|value| value.to_str().unwrap().to_owned())
    }

    #[test]
    fn set_with_a_domain_is_host_only_and_with_a_dot_covers_subdomains() {
        let mut cookies = Cookies::new();
        cookies.set("host", "1", "example.org", "/").unwrap();
        cookies.set("dom", "2", ".example.org", "/").unwrap();
        assert_eq!(
            header(&cookies, "http://example.org/").as_deref(),
            Some("host=1; dom=2")
        );
        assert_eq!(
            header(&cookies, "http://www.example.org/").as_deref(),
            Some("dom=2")
        );
        assert_eq!(header(&cookies, "http://example.com/"), None);
        let views: Vec<_> = cookies
            .iter()
            .map(|c| (c.name(), c.domain(), c.is_host_only()))
            .collect();
        assert_eq!(
            views,
            [("host", "example.org", true), ("dom", "example.org", false)]
        );
    }

    #[test]
    fn set_replaces_the_same_name_domain_and_path() {
        let mut cookies = Cookies::new();
        cookies.set("a", "1", "", "/").unwrap();
        cookies.set("a", "2", "", "/").unwrap();
        cookies.set("a", "3", "h.org", "/").unwrap();
        cookies.set("a", "4", "h.org", "/").unwrap();
        assert_eq!(cookies.len(), 2);
        assert_eq!(
            cookies.get("a", Some(""), None).unwrap().as_deref(),
            Some("2")
        );
        assert_eq!(
            cookies.get("a", Some("H.ORG"), None).unwrap().as_deref(),
            Some("4")
        );
    }

    #[test]
    fn set_refuses_bad_input_with_a_typed_error() {
        let mut cookies = Cookies::new();
        for (name, value, domain, path) in [
            ("", "v", "", "/"),
            ("a b", "v", "", "/"),
            ("a=b", "v", "", "/"),
            ("a", "x;y", "", "/"),
            ("a", "x\ny", "", "/"),
            ("a", "v", "", "relative"),
            ("a", "v", "bad host/", "/"),
            ("a", "v", "a b", "/"),
        ] {
            let error = cookies.set(name, value, domain, path).unwrap_err();
            assert_eq!(
                error.kind(),
                ErrorKind::InvalidHeader,
                "{name} {domain} {path}"
            );
            assert!(!error.to_string().contains("x;y"));
        }
        assert!(cookies.is_empty());
    }

    #[test]
    fn get_raises_cookie_conflict_when_several_match() {
        let mut cookies = Cookies::new();
        cookies.set("a", "1", "one.org", "/").unwrap();
        cookies.set("a", "2", "two.org", "/").unwrap();
        cookies.set("a", "3", "two.org", "/p").unwrap();
        let error = cookies.get("a", None, None).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::CookieConflict);
        assert!(!error.to_string().contains('1'), "{error}");
        assert_eq!(
            cookies.get("a", Some("one.org"), None).unwrap().as_deref(),
            Some("1")
        );
        assert_eq!(
            cookies.get("a", Some("two.org"), None).unwrap_err().kind(),
            ErrorKind::CookieConflict
        );
        assert_eq!(
            cookies
                .get("a", Some("two.org"), Some("/p"))
                .unwrap()
                .as_deref(),
            Some("3")
        );
        assert_eq!(cookies.get("missing", None, None).unwrap(), None);
        assert_eq!(
            cookies.get("a", Some(".one.org"), None).unwrap().as_deref(),
            Some("1")
        );
    }

    #[test]
    fn delete_and_clear_follow_their_filters() {
        let mut cookies = Cookies::new();
        cookies.set("a", "1", "one.org", "/").unwrap();
        cookies.set("a", "2", "two.org", "/").unwrap();
        cookies.set("b", "3", "two.org", "/x").unwrap();
        cookies.set("c", "4", "", "/").unwrap();
        assert_eq!(cookies.delete("a", Some("one.org"), None), 1);
        assert_eq!(cookies.len(), 3);
        assert_eq!(cookies.clear(Some("two.org"), Some("/x")), 1);
        assert_eq!(cookies.delete("c", None, None), 1);
        assert_eq!(cookies.len(), 1);
        assert_eq!(cookies.clear(None, None), 1);
        assert!(cookies.is_empty());
        assert_eq!(cookies.delete("nothing", None, None), 0);
    }

    #[test]
    fn unicode_domains_are_found_in_either_form() {
        let mut cookies = Cookies::new();
        cookies.set("a", "1", "münchen.de", "/").unwrap();
        assert_eq!(
            cookies
                .get("a", Some("münchen.de"), None)
                .unwrap()
                .as_deref(),
            Some("1")
        );
        assert_eq!(
            cookies
                .get("a", Some("xn--mnchen-3ya.de"), None)
                .unwrap()
                .as_deref(),
            Some("1")
        );
        assert_eq!(
            header(&cookies, "http://münchen.de/").as_deref(),
            Some("a=1")
        );
    }

    #[test]
    fn debug_shows_no_value() {
        let mut cookies = Cookies::new();
        cookies
            .set("visible", "hidden-value", "h.org", "/")
            .unwrap();
        cookies.set("any", "hidden-too", "", "/").unwrap();
        let text = format!("{cookies:?}");
        assert!(
            text.starts_with("Cookies[") && text.contains("visible"),
            "{text}"
        );
        assert!(!text.contains("hidden"), "{text}");
    }
}
