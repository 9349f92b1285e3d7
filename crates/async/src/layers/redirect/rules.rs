//! httpx's redirect rules (reference §3), as pure functions: which responses redirect,
//! where to, with which method, body and headers.

use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};
use xhttp_core::{Error, ErrorKind, Url};

/// The `Location` of a 301, 302, 303, 307 or 308 response (other 3xx, and redirects
/// without `Location`, are final responses).
pub(super) fn location<B>(response: &http::Response<B>) -> Option<&HeaderValue> {
    match response.status().as_u16() {
        301 | 302 | 303 | 307 | 308 => response.headers().get(header::LOCATION),
        _ => None,
    }
}

/// `location` resolved against `previous`, with `previous`'s fragment when it has none
/// (RFC 9110 §10.2.2). A value that is no URL is a `RemoteProtocol` error.
pub(super) fn resolve(previous: &Url, location: &HeaderValue) -> Result<Url, Error> {
    let invalid =
        || Error::new(ErrorKind::RemoteProtocol).with_message("invalid URL in location header");
    let text = std::str::from_utf8(location.as_bytes()).map_err(|_| invalid())?;
    let target = previous.join(text.trim()).map_err(|_| invalid())?;
    if !target.is_absolute() {
        return Err(invalid());
    }
    match (target.fragment(), previous.fragment()) {
        (None, Some(fragment)) => target.with_fragment(Some(&fragment)).map_err(|_| invalid()),
        _ => Ok(target),
    }
}

/// The method of the next request: 302 and 303 turn every method but `HEAD` into `GET`,
/// 301 turns `POST` into `GET`, 307 and 308 keep it.
pub(super) fn method(status: StatusCode, method: &Method) -> Method {
    match status.as_u16() {
        302 | 303 if *method != Method::HEAD => Method::GET,
        301 if *method == Method::POST => Method::GET,
        _ => method.clone(),
    }
}

/// `http://host:80` to `https://host:443`: the one cross-origin hop that keeps
/// `Authorization` (as httpx).
fn is_https_upgrade(from: &Url, to: &Url) -> bool {
    from.scheme() == "http"
        && to.scheme() == "https"
        && from.host() == to.host()
        && from.port_or_known_default() == Some(80)
        && to.port_or_known_default() == Some(443)
}

/// How the headers of the previous request become the next one's.
#[derive(Debug, Clone, Copy)]
pub(super) struct HeaderRules {
    /// The body is dropped (the method became `GET`): its headers go too.
    pub(super) body_dropped: bool,
    /// The `Cookie` header is the client's, recomputed per hop from its store.
    pub(super) cookies_from_client: bool,
    /// The method changes on this hop (a Digest answer is bound to it).
    pub(super) method_changed: bool,
}

/// Whether an `Authorization` value is of the Digest scheme (case-insensitive).
fn is_digest(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    let start = bytes
        .iter()
        .position(|byte| !matches!(byte, b' ' | b'\t'))
        .unwrap_or(bytes.len());
    let rest = &bytes[start..];
    rest.get(..6)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case(b"digest"))
        && rest.get(6).is_none_or(|byte| matches!(byte, b' ' | b'\t'))
}

/// Edits `headers` (the previous request's) for the hop from `from` to `to`:
/// * cross-origin: `Authorization` removed (unless an http->https upgrade of the same
///   host on default ports), `Cookie` and `Proxy-Authorization` removed, `Host`
///   rewritten;
/// * a Digest `Authorization` removed when the method or the request target (path and
///   query) changes: the answer hashes both, so it is wrong for the next request (Basic
///   and Bearer stay);
/// * `Cookie` written by the client removed on every hop (the cookies layer writes the
///   next one from the store; the request's own cookies are not re-sent, as httpx);
/// * a dropped body takes `Content-Length`, `Transfer-Encoding` and `Content-Type`
///   along (httpx keeps `Content-Type`: a deliberate difference).
pub(super) fn edit_headers(headers: &mut HeaderMap, from: &Url, to: &Url, rules: HeaderRules) {
    if !from.same_origin(to) {
        if !is_https_upgrade(from, to) {
            headers.remove(header::AUTHORIZATION);
        }
        headers.remove(header::COOKIE);
        headers.remove(header::PROXY_AUTHORIZATION);
        if headers.contains_key(header::HOST) {
            match HeaderValue::try_from(to.netloc()) {
                Ok(host) => {
                    headers.insert(header::HOST, host);
                }
                Err(_) => {
                    headers.remove(header::HOST);
                }
            }
        }
    }
    if (rules.method_changed || from.raw_path() != to.raw_path())
        && headers.get(header::AUTHORIZATION).is_some_and(is_digest)
    {
        headers.remove(header::AUTHORIZATION);
    }
    if rules.cookies_from_client {
        headers.remove(header::COOKIE);
    }
    if rules.body_dropped {
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::TRANSFER_ENCODING);
        headers.remove(header::CONTENT_TYPE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn methods_follow_httpx() {
        let cases = [
            (302, Method::PUT, Method::GET),
            (302, Method::HEAD, Method::HEAD),
            (303, Method::POST, Method::GET),
            (301, Method::POST, Method::GET),
            (301, Method::PUT, Method::PUT),
            (307, Method::POST, Method::POST),
            (308, Method::DELETE, Method::DELETE),
        ];
        for (status, before, after) in cases {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(method(status, &before), after, "{status} {before}");
        }
    }

    #[test]
    fn locations_resolve_with_the_fragment_carried() {
        let previous = url("http://h.org/a/b?q=1#frag");
        let value = |text: &'static str| HeaderValue::from_static(text);
        assert_eq!(
            resolve(&previous, &value("c")).unwrap().as_str(),
            "http://h.org/a/c#frag"
        );
        assert_eq!(
            resolve(&previous, &value("//o.org/x#own"))
                .unwrap()
                .as_str(),
            "http://o.org/x#own"
        );
        let error = resolve(&previous, &value("http://[::1/")).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::RemoteProtocol);
    }

    #[test]
    fn a_digest_answer_goes_only_where_its_method_and_target_stay() {
        let digest = r#"Digest username="u", realm="r", nonce="n", uri="/a", response="x""#;
        let rules = |method_changed| HeaderRules {
            body_dropped: false,
            cookies_from_client: false,
            method_changed,
        };
        let cases = [
            // (authorization, from, to, method changed, kept)
            (digest, "http://h/a", "http://h/b", false, false),
            (digest, "http://h/a", "http://h/a?x=1", false, false),
            (digest, "http://h/a?x=1", "http://h/a?x=2", false, false),
            (digest, "http://h/a", "http://h/a", true, false),
            (digest, "http://h/a", "https://h/a", false, true),
            (digest, "http://h/a", "http://h:80/a#frag", false, true),
            (digest, "http://h/a", "http://h/a", false, true),
            (
                "digest\tusername=\"u\"",
                "http://h/a",
                "http://h/b",
                false,
                false,
            ),
            (
                "  DIGEST username=\"u\"",
                "http://h/a",
                "http://h/a",
                true,
                false,
            ),
            ("Basic dTpw", "http://h/a", "http://h/b", true, true),
            ("Bearer t", "http://h/a", "http://h/b", true, true),
            ("Digestive x", "http://h/a", "http://h/b", true, true),
        ];
        for (value, from, to, method_changed, kept) in cases {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
            edit_headers(&mut headers, &url(from), &url(to), rules(method_changed));
            assert_eq!(
                headers.contains_key(header::AUTHORIZATION),
                kept,
                "{value} {from} -> {to} method changed: {method_changed}"
            );
        }
    }

    #[test]
    fn origins_and_upgrades() {
        assert!(url("http://h:80/a").same_origin(&url("http://h/b")));
        assert!(!url("http://h/").same_origin(&url("https://h/")));
        assert!(is_https_upgrade(&url("http://h/"), &url("https://h/")));
        assert!(!is_https_upgrade(
            &url("http://h:8080/"),
            &url("https://h/")
        ));
        assert!(!is_https_upgrade(&url("https://h/"), &url("http://h/")));
    }
}
