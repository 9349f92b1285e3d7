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

/// Same scheme, host and effective port.
pub(super) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host() == b.host()
        && a.port_or_known_default() == b.port_or_known_default()
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
}

/// Edits `headers` (the previous request's) for the hop from `from` to `to`:
/// * cross-origin: `Authorization` removed (unless an http->https upgrade of the same
///   host on default ports), `Cookie` and `Proxy-Authorization` removed, `Host`
///   rewritten;
/// * `Cookie` written by the client removed on every hop (the cookies layer writes the
///   next one from the store; the request's own cookies are not re-sent, as httpx);
/// * a dropped body takes `Content-Length`, `Transfer-Encoding` and `Content-Type`
///   along (httpx keeps `Content-Type`: a deliberate difference).
pub(super) fn edit_headers(headers: &mut HeaderMap, from: &Url, to: &Url, rules: HeaderRules) {
    if !same_origin(from, to) {
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
    fn origins_and_upgrades() {
        assert!(same_origin(&url("http://h:80/a"), &url("http://h/b")));
        assert!(!same_origin(&url("http://h/"), &url("https://h/")));
        assert!(is_https_upgrade(&url("http://h/"), &url("https://h/")));
        assert!(!is_https_upgrade(
            &url("http://h:8080/"),
            &url("https://h/")
        ));
        assert!(!is_https_upgrade(&url("https://h/"), &url("http://h/")));
    }
}
