//! The `Cookie` header of a request: from a jar, and merged with a request's own
//! cookies.

use http::HeaderValue;

use super::any_host::request_path;
use super::collection::{Cookies, check_name, check_value, header_safe};
use super::store::CookieStore;
use crate::Error;
use crate::url::Url;

impl Cookies {
    /// The `Cookie` header for a request to `url` (`a=1; b=2`, longer paths first), or
    /// `None` when no cookie matches. The value is marked sensitive.
    ///
    /// An empty jar answers at once, without converting `url` for the RFC rules.
    pub fn header_for(&self, url: &Url) -> Option<HeaderValue> {
        let bare = self.store_is_bare();
        if bare && self.any_host.is_empty() {
            return None;
        }
        // (path length, name, value), in the jar's order; sorted stably below.
        let mut found: Vec<(usize, &str, &str)> = Vec::new();
        if !bare {
            if let Ok(whatwg) = url::Url::try_from(url) {
                let https = whatwg.scheme() == "https";
                for cookie in self.store.matches(&whatwg) {
                    if cookie.secure() == Some(true) && !https {
                        continue;
                    }
                    let path: &str = cookie.path.as_ref();
                    found.push((path.len(), cookie.name(), cookie.value()));
                }
            }
        }
        if !self.any_host.is_empty() {
            let path = request_path(url);
            for cookie in self.any_host.iter().filter(|c| c.matches(&path)) {
                found.push((cookie.path.len(), &cookie.name, &cookie.value));
            }
        }
        found.sort_by_key(|&(length, _, _)| std::cmp::Reverse(length));
        let pairs = found.iter().map(|&(_, name, value)| (name, value));
        join(pairs)
    }
}

/// `name=value; name=value` as a sensitive header value; pairs that could not stand in
/// a header are left out.
fn join<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Option<HeaderValue> {
    let mut text = String::new();
    for (name, value) in pairs {
        if !header_safe(name) || !header_safe(value) {
            continue;
        }
        if !text.is_empty() {
            text.push_str("; ");
        }
        text.push_str(name);
        text.push('=');
        text.push_str(value);
    }
    if text.is_empty() {
        return None;
    }
    let mut value = HeaderValue::from_str(&text)
        .or_else(|_| HeaderValue::from_bytes(text.as_bytes()))
        .ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// The `Cookie` header of one request: the store's cookies for `url`, less those named
/// like a request cookie, then the request's cookies (for this request only). `Ok(None)`
/// when there are none. A request cookie with a bad name or value is an
/// `InvalidHeader` error (its value is never quoted).
pub(crate) fn request_cookie_header(
    store: Option<&dyn CookieStore>,
    url: &Url,
    request: &[(String, String)],
) -> Result<Option<HeaderValue>, Error> {
    let jar = store.and_then(|store| store.cookies(url));
    if request.is_empty() {
        return Ok(jar.map(|mut value| {
            value.set_sensitive(true);
            value
        }));
    }
    // The request's cookies, the last of a name winning, in first-seen order.
    let mut own: Vec<(&str, &str)> = Vec::with_capacity(request.len());
    for (name, value) in request {
        check_name(name)?;
        check_value(value)?;
        match own
            .iter_mut()
            .find(|(existing, _)| *existing == name.as_str())
        {
            Some(pair) => pair.1 = value,
            None => own.push((name, value)),
        }
    }
    let mut bytes: Vec<u8> = Vec::new();
    if let Some(jar) = &jar {
        for pair in jar.as_bytes().split(|&b| b == b';') {
            let pair = pair.trim_ascii();
            let name = pair.split(|&b| b == b'=').next().unwrap_or_default();
            if pair.is_empty() || own.iter().any(|(own, _)| own.as_bytes() == name) {
                continue;
            }
            if !bytes.is_empty() {
                bytes.extend_from_slice(b"; ");
            }
            bytes.extend_from_slice(pair);
        }
    }
    for (name, value) in own {
        if !bytes.is_empty() {
            bytes.extend_from_slice(b"; ");
        }
        bytes.extend_from_slice(name.as_bytes());
        bytes.push(b'=');
        bytes.extend_from_slice(value.as_bytes());
    }
    let mut value = HeaderValue::from_bytes(&bytes).map_err(|_| {
        Error::new(crate::ErrorKind::InvalidHeader)
            .with_message("the cookies do not make a valid Cookie header")
    })?;
    value.set_sensitive(true);
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cookies::Jar;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn an_empty_jar_gives_no_header() {
        assert!(Cookies::new().header_for(&url("http://h/")).is_none());
        let jar = Jar::new();
        let header = request_cookie_header(Some(&jar), &url("http://h/"), &[]).unwrap();
        assert!(header.is_none());
    }

    #[test]
    fn the_header_is_sensitive() {
        let mut cookies = Cookies::new();
        cookies.set("a", "1", "", "/").unwrap();
        assert!(
            cookies
                .header_for(&url("http://h/"))
                .unwrap()
                .is_sensitive()
        );
    }

    #[test]
    fn request_cookies_win_on_the_same_name_and_come_last() {
        let jar = Jar::new();
        jar.lock().set("a", "jar", "", "/").unwrap();
        jar.lock().set("b", "jar", "h.org", "/").unwrap();
        let request = pairs(&[("a", "request"), ("c", "1"), ("c", "2")]);
        let header = request_cookie_header(Some(&jar), &url("http://h.org/"), &request)
            .unwrap()
            .unwrap();
        assert_eq!(header, "b=jar; a=request; c=2");
        assert!(header.is_sensitive());
        // not persisted
        assert_eq!(
            jar.lock().get("a", None, None).unwrap().as_deref(),
            Some("jar")
        );
        assert_eq!(jar.lock().len(), 2);
    }

    #[test]
    fn request_cookies_without_a_store() {
        let header = request_cookie_header(None, &url("http://h/"), &pairs(&[("a", "1")]))
            .unwrap()
            .unwrap();
        assert_eq!(header, "a=1");
    }

    #[test]
    fn a_bad_request_cookie_is_a_typed_error_without_its_value() {
        let error = request_cookie_header(None, &url("http://h/"), &pairs(&[("a", "se;cret")]))
            .unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::InvalidHeader);
        assert!(!error.to_string().contains("se;cret"));
        let error =
            request_cookie_header(None, &url("http://h/"), &pairs(&[("a b", "1")])).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::InvalidHeader);
    }

    #[test]
    fn any_host_cookies_follow_paths() {
        let mut cookies = Cookies::new();
        cookies.set("root", "1", "", "/").unwrap();
        cookies.set("deep", "2", "", "/api").unwrap();
        assert_eq!(
            cookies.header_for(&url("http://x/api/v1")).unwrap(),
            "deep=2; root=1"
        );
        assert_eq!(
            cookies.header_for(&url("http://y/other")).unwrap(),
            "root=1"
        );
    }
}
