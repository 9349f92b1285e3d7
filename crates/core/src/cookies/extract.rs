//! Storing the `Set-Cookie` headers of a response.

use http::HeaderMap;
use http::header::SET_COOKIE;

use super::collection::Cookies;
use crate::url::Url;

impl Cookies {
    /// Stores the cookies of every `Set-Cookie` header in `headers`, received from
    /// `url`, by the RFC 6265 rules (a `Domain` that `url`'s host is not inside is
    /// rejected; an expired cookie deletes the stored one).
    ///
    /// Never fails: a header that is not UTF-8, does not parse, or is refused by the
    /// rules is skipped, and the others are still stored.
    pub fn extract_from(&mut self, url: &Url, headers: &HeaderMap) {
        let mut values = headers.get_all(SET_COOKIE).iter().peekable();
        if values.peek().is_none() {
            return;
        }
        let Ok(url) = url::Url::try_from(url) else {
            return;
        };
        let mut deleted = false;
        for value in values {
            let Ok(text) = std::str::from_utf8(value.as_bytes()) else {
                continue;
            };
            let Ok(raw) = cookie_store::RawCookie::parse(text) else {
                continue;
            };
            if raw
                .domain()
                .is_some_and(|domain| !acceptable_domain(domain, url.host_str()))
            {
                continue;
            }
            if let Ok(cookie_store::StoreAction::ExpiredExisting) =
                self.store.insert_raw(&raw, &url)
            {
                deleted = true;
            }
        }
        if deleted {
            self.purge_expired();
        }
    }
}

/// Whether a `Domain` attribute may be kept for a response from `host`. The jar has no
/// public-suffix list, so it refuses what Python's cookie policy (httpx's) refuses: a
/// domain without an inner dot (`Domain=com`), unless it is the host itself, and a
/// two-label domain under a two-letter country code whose first label is a common
/// registry name (`co.uk`, `com.au`; also, as in Python, a site's own `jobs.ch`).
/// Without this, any site could set cookies for a whole top-level domain. The domain
/// is judged as the store will keep it: IDNA-mapped (fullwidth letters are plain ones
/// there) and without a trailing dot. An empty one is left to the store (host-only).
pub(super) fn acceptable_domain(domain: &str, host: Option<&str>) -> bool {
    let domain = domain.trim().trim_start_matches('.');
    if domain.is_empty() {
        return true;
    }
    let Ok(domain) = idna::domain_to_ascii(domain) else {
        return false;
    };
    let domain = domain.strip_suffix('.').unwrap_or(&domain);
    let host = host.map(|host| host.strip_suffix('.').unwrap_or(host));
    if host.is_some_and(|host| host.eq_ignore_ascii_case(domain)) {
        return true;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    match labels.as_slice() {
        [] | [_] => false,
        [second, top] => {
            const REGISTRIES: &[&str] = &[
                "co", "ac", "com", "edu", "org", "net", "gov", "mil", "int", "aero", "biz", "cat",
                "coop", "info", "jobs", "mobi", "museum", "name", "pro", "travel", "eu",
            ];
            !second.is_empty() && (top.len() != 2 || !REGISTRIES.contains(second))
        }
        labels => labels.iter().all(|label| !label.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&[u8]]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(SET_COOKIE, http::HeaderValue::from_bytes(value).unwrap());
        }
        headers
    }

    fn jar_from(url: &str, values: &[&[u8]]) -> Cookies {
        let mut cookies = Cookies::new();
        cookies.extract_from(&Url::parse(url).unwrap(), &headers(values));
        cookies
    }

    fn header(cookies: &Cookies, url: &str) -> Option<String> {
        cookies
            .header_for(&Url::parse(url).unwrap())
            .map(|value| String::from_utf8(value.as_bytes().to_vec()).unwrap())
    }

    #[test]
    fn a_domain_that_is_a_top_level_or_registry_domain_is_refused() {
        let cookies = jar_from(
            "http://evil.com/",
            &[
                b"tld=1; Domain=com",
                b"dot=1; Domain=.com",
                b"own=1; Domain=evil.com",
            ],
        );
        assert_eq!(header(&cookies, "http://bank.com/"), None);
        assert_eq!(
            header(&cookies, "http://evil.com/").as_deref(),
            Some("own=1")
        );
        let cookies = jar_from(
            "http://evil.co.uk/",
            &[b"sld=1; Domain=co.uk", b"own=1; Domain=evil.co.uk"],
        );
        assert_eq!(header(&cookies, "http://bank.co.uk/"), None);
        assert_eq!(
            header(&cookies, "http://www.evil.co.uk/").as_deref(),
            Some("own=1")
        );
        // As the store will keep them: fullwidth letters mapped, a trailing dot dropped.
        let cookies = jar_from(
            "http://evil.co.uk/",
            &[
                "wide=1; Domain=\u{ff43}\u{ff4f}.uk".as_bytes(),
                "wide2=1; Domain=co.\u{ff55}\u{ff4b}".as_bytes(),
            ],
        );
        assert_eq!(header(&cookies, "http://bank.co.uk/"), None);
        let cookies = jar_from("http://evil.com./", &[b"dot=1; Domain=com."]);
        assert_eq!(header(&cookies, "http://bank.com./"), None);
        assert_eq!(header(&cookies, "http://bank.com/"), None);
        // A single-label host may name itself.
        let cookies = jar_from("http://intranet/", &[b"a=1; Domain=intranet"]);
        assert_eq!(header(&cookies, "http://intranet/").as_deref(), Some("a=1"));
    }

    #[test]
    fn a_host_only_cookie_is_not_sent_to_subdomains() {
        let cookies = jar_from("http://www.example.org/", &[b"a=1"]);
        assert_eq!(
            header(&cookies, "http://www.example.org/x").as_deref(),
            Some("a=1")
        );
        assert_eq!(header(&cookies, "http://a.www.example.org/"), None);
        assert_eq!(header(&cookies, "http://example.org/"), None);
    }

    #[test]
    fn a_domain_cookie_is_sent_to_the_domain_and_subdomains() {
        let cookies = jar_from("http://www.example.org/", &[b"a=1; Domain=example.org"]);
        assert_eq!(
            header(&cookies, "http://example.org/").as_deref(),
            Some("a=1")
        );
        assert_eq!(
            header(&cookies, "http://x.y.example.org/").as_deref(),
            Some("a=1")
        );
        assert_eq!(header(&cookies, "http://badexample.org/"), None);
        assert_eq!(header(&cookies, "http://example.com/"), None);
    }

    #[test]
    fn a_foreign_domain_is_rejected() {
        let cookies = jar_from(
            "http://www.example.org/",
            &[b"a=1; Domain=other.org", b"b=2; Domain=a.www.example.org"],
        );
        assert!(cookies.is_empty());
        assert_eq!(header(&cookies, "http://other.org/"), None);
    }

    #[test]
    fn the_default_path_is_the_directory_of_the_request() {
        let cookies = jar_from("http://h.org/dir/page", &[b"a=1"]);
        assert_eq!(
            header(&cookies, "http://h.org/dir/other").as_deref(),
            Some("a=1")
        );
        assert_eq!(header(&cookies, "http://h.org/dir").as_deref(), Some("a=1"));
        assert_eq!(header(&cookies, "http://h.org/"), None);
        assert_eq!(header(&cookies, "http://h.org/directory"), None);
    }

    #[test]
    fn more_specific_paths_come_first() {
        let cookies = jar_from(
            "http://h.org/",
            &[b"a=1; Path=/", b"b=2; Path=/x/y", b"c=3; Path=/x"],
        );
        assert_eq!(
            header(&cookies, "http://h.org/x/y/z").as_deref(),
            Some("b=2; c=3; a=1")
        );
        assert_eq!(
            header(&cookies, "http://h.org/x").as_deref(),
            Some("c=3; a=1")
        );
    }

    #[test]
    fn secure_cookies_go_over_https_only() {
        let cookies = jar_from("https://h.org/", &[b"s=1; Secure", b"p=2"]);
        assert_eq!(
            header(&cookies, "https://h.org/").as_deref(),
            Some("s=1; p=2")
        );
        assert_eq!(header(&cookies, "http://h.org/").as_deref(), Some("p=2"));
        // not even on loopback, where browsers make an exception
        let local = jar_from("https://localhost/", &[b"s=1; Secure"]);
        assert_eq!(header(&local, "http://localhost/"), None);
    }

    #[test]
    fn max_age_zero_and_past_expires_delete() {
        let url = "http://h.org/";
        let mut cookies = jar_from(url, &[b"a=1", b"b=2", b"c=3; Max-Age=3600"]);
        assert_eq!(cookies.len(), 3);
        let deletions = headers(&[
            b"a=gone; Max-Age=0",
            b"b=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        ]);
        cookies.extract_from(&Url::parse(url).unwrap(), &deletions);
        assert_eq!(cookies.len(), 1);
        assert_eq!(header(&cookies, url).as_deref(), Some("c=3"));
        assert!(cookies.iter().next().unwrap().expires().is_some());
        // Max-Age wins over Expires
        let kept = jar_from(
            url,
            &[b"d=4; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT"],
        );
        assert_eq!(header(&kept, url).as_deref(), Some("d=4"));
    }

    #[test]
    fn a_new_value_replaces_the_old_one() {
        let url = Url::parse("http://h.org/").unwrap();
        let mut cookies = Cookies::new();
        cookies.extract_from(&url, &headers(&[b"a=1"]));
        cookies.extract_from(&url, &headers(&[b"a=2"]));
        assert_eq!(cookies.len(), 1);
        assert_eq!(header(&cookies, "http://h.org/").as_deref(), Some("a=2"));
    }

    #[test]
    fn bad_set_cookie_headers_are_skipped() {
        let cookies = jar_from(
            "http://h.org/",
            &[
                b"no-equals-sign",
                b"=empty-name",
                b"bad=\xff\xfe",
                b"",
                b"good=1",
                b"ok=\"quoted\"",
            ],
        );
        assert_eq!(
            header(&cookies, "http://h.org/").as_deref(),
            Some("good=1; ok=\"quoted\"")
        );
    }

    #[test]
    fn utf8_values_are_kept_as_sent() {
        let cookies = jar_from("http://h.org/", &["name=café".as_bytes()]);
        let value = cookies
            .header_for(&Url::parse("http://h.org/").unwrap())
            .unwrap();
        assert_eq!(value.as_bytes(), "name=café".as_bytes());
    }

    #[test]
    fn ip_hosts_get_host_only_cookies() {
        let cookies = jar_from("http://127.0.0.1:8080/", &[b"a=1"]);
        assert_eq!(
            header(&cookies, "http://127.0.0.1:9090/").as_deref(),
            Some("a=1")
        );
        assert_eq!(header(&cookies, "http://127.0.0.2/"), None);
    }
}
