//! httpx's merge of client defaults into a request, with xhttp's deliberate differences.

use std::fmt;
use std::sync::Arc;

use http::header::{self, HeaderValue};

use super::config::ClientConfig;
use crate::auth::{Auth, BasicAuth};
use crate::body::Body;
use crate::context::RequestContext;
use crate::cookies::request_cookie_header;
use crate::headers::Headers;
use crate::query::QueryParams;
use crate::timeout::Timeout;
use crate::trace::{OnProgress, Trace};
use crate::url::Url;
use crate::{Error, ErrorKind, Request};

/// Which credentials a request uses.
#[derive(Debug, Clone, Default)]
pub enum AuthChoice {
    /// The client's, or the URL's userinfo when the client has none.
    #[default]
    ClientDefault,
    /// None from the client (the URL's userinfo is still used, as httpx).
    Disabled,
    /// These, instead of the client's.
    Use(Arc<dyn Auth>),
}

/// What a [`RequestBuilder`](super::RequestBuilder) gathers before the merge.
///
/// Its `Debug` shows the names of the cookies, never their values.
#[derive(Default)]
#[non_exhaustive]
pub struct RequestParts {
    /// The method.
    pub method: http::Method,
    /// The URL as given (possibly relative).
    pub url: Option<Url>,
    /// Request headers: each name replaces all of the client's values for it.
    pub headers: Headers,
    /// Request params, merged over the client's and into the URL's query.
    pub params: QueryParams,
    /// Request cookies, over the client's (the same name wins), for this request only.
    pub cookies: Vec<(String, String)>,
    /// The body.
    pub body: Body,
    /// Credentials.
    pub auth: AuthChoice,
    /// Timeouts replacing the client's wholesale (as httpx).
    pub timeout: Option<Timeout>,
    /// Whether to follow redirects, instead of the client's setting.
    pub follow_redirects: Option<bool>,
    /// Extensions given by the user.
    pub extensions: http::Extensions,
    /// This request's trace callback (after the client's).
    pub trace: Option<Trace>,
    /// Called as the request body is sent.
    pub upload_progress: Option<OnProgress>,
    /// Called as the response body arrives.
    pub download_progress: Option<OnProgress>,
}

impl fmt::Debug for RequestParts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cookie_names: Vec<&str> = self.cookies.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("RequestParts")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("params", &self.params)
            .field("cookies", &cookie_names)
            .field("body", &self.body)
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("follow_redirects", &self.follow_redirects)
            .field("extensions", &self.extensions)
            .field("trace", &self.trace)
            .field("upload_progress", &self.upload_progress)
            .field("download_progress", &self.download_progress)
            .finish()
    }
}

/// Builds the request to send from the client's settings and the request's own parts.
///
/// The rules are httpx's (reference §2), except where xhttp differs on purpose:
/// * params are merged **into** the URL's own query (httpx replaces the query), by
///   precedence client params < the URL's query < request params: a client param is
///   added only for a key the URL's query (after joining onto `base_url`) lacks;
/// * a `base_url` without a scheme or a host is an `InvalidUrl` error;
/// * a relative URL with no `base_url` is an error naming the missing scheme;
/// * URL userinfo becomes Basic credentials and is removed from the URL that is sent.
pub fn merge_request<T>(config: &ClientConfig<T>, parts: RequestParts) -> Result<Request, Error> {
    let RequestParts {
        method,
        url,
        headers: request_headers,
        params,
        cookies,
        mut body,
        auth,
        timeout,
        follow_redirects,
        extensions,
        trace,
        upload_progress,
        download_progress,
    } = parts;

    let url = url.ok_or_else(|| Error::new(ErrorKind::InvalidUrl).with_message("no URL given"))?;
    let mut url = match config.base_url.as_ref() {
        Some(base) if !url.is_absolute() => {
            check_base_url(base)?;
            // Joined and given its parameters in one normalisation.
            base.merge_base_and_params(&url, |own| query_params(&config.params, own, params))?
        }
        _ => {
            let url = absolute(url)?;
            let params = query_params(&config.params, url.query(), params);
            url.merge_params(&params)?
        }
    };

    let auth = match auth {
        AuthChoice::ClientDefault => config.auth.clone(),
        AuthChoice::Disabled => None,
        AuthChoice::Use(auth) => Some(auth),
    };
    let auth = match auth {
        Some(auth) => Some(auth),
        None if url.has_userinfo() => Some(Arc::new(BasicAuth::new(
            url.username(),
            url.password().unwrap_or_default(),
        )) as Arc<dyn Auth>),
        None => None,
    };
    if url.has_userinfo() {
        url = url.without_userinfo();
    }

    let mut headers = config.headers.clone();
    headers.merge(request_headers)?;
    let map = headers.as_map_mut();
    if !map.contains_key(header::HOST) {
        // The cached URI's authority is `host[:port]` already (no userinfo): no formatting.
        let host = match url.uri().and_then(http::Uri::authority) {
            Some(authority) => HeaderValue::from_str(authority.as_str()),
            None => HeaderValue::try_from(url.netloc()),
        };
        if let Ok(host) = host {
            map.insert(header::HOST, host);
        }
    }
    // The store's cookies are added per hop by the client's cookies layer; only a
    // request with cookies of its own gets its `Cookie` header here (store + own).
    let mut cookies_from_client = false;
    if !cookies.is_empty() && !map.contains_key(header::COOKIE) {
        let store = config.cookie_store.as_deref();
        if let Some(cookie) = request_cookie_header(store, &url, &cookies)? {
            map.insert(header::COOKIE, cookie);
            cookies_from_client = true;
        }
    }
    frame_body(map, &method, &mut body)?;

    let mut request = Request::new(method, url);
    *request.headers_mut() = headers;
    request.set_body(body);
    *request.extensions_mut() = extensions;
    let context: &mut RequestContext = request.context_mut();
    context.timeout = Some(timeout.unwrap_or(config.timeout));
    context.follow_redirects = Some(follow_redirects.unwrap_or(config.follow_redirects));
    // The client's auth layer runs it (and adds `Authorization`) when sending.
    context.auth = auth;
    context.cookies_from_client = cookies_from_client;
    context.trace = Trace::combine(config.trace.clone(), trace);
    context.upload_progress = upload_progress;
    context.download_progress = download_progress;
    Ok(request)
}

/// The params to merge into the URL's own (raw) query `own`, already joined onto
/// `base_url`, by precedence client < URL < request: the client's params for the keys the URL's query
/// does not have, with the request's params over them (a request param replaces the
/// values of its key in both).
fn query_params(client: &QueryParams, own: Option<&str>, request: QueryParams) -> QueryParams {
    if client.is_empty() {
        return request;
    }
    let own = QueryParams::parse(own.unwrap_or(""));
    let mut merged: QueryParams = client
        .iter()
        .filter(|(key, _)| !own.contains_key(key))
        .collect();
    merged.merge(&request);
    merged
}

/// A `base_url` must be absolute: with a scheme and a host. A typed `InvalidUrl` error
/// naming what is missing otherwise.
pub(super) fn check_base_url(base: &Url) -> Result<(), Error> {
    if base.is_absolute() {
        return Ok(());
    }
    // `localhost:8000/v1` parses with `localhost` as its scheme: no host, no scheme
    // either in the sense meant.
    let missing = if base.scheme().is_empty() {
        "it has no scheme"
    } else {
        "it has no host (is 'http://' missing?)"
    };
    Err(Error::new(ErrorKind::InvalidUrl).with_message(format!(
        "base_url must be absolute: {missing} (given '{}'; write it as \
         'https://host/path')",
        base.redacted()
    )))
}

/// An absolute URL as it is; a relative one (with no `base_url`) is an error.
fn absolute(url: Url) -> Result<Url, Error> {
    if url.is_absolute() {
        return Ok(url);
    }
    Err(Error::new(ErrorKind::UnsupportedProtocol)
        .with_message("request URL is missing an 'http://' or 'https://' protocol")
        .with_url(&url))
}

/// How the body is framed on HTTP/1.1, unless the caller set a transfer coding:
/// * `Content-Length` for a body of known length (and `0` for an empty POST, PUT or
///   PATCH, as httpx);
/// * `Transfer-Encoding: chunked` for a body of unknown length, whatever the method (as
///   httpx: hyper would send a GET's or a HEAD's body as empty otherwise). HTTP/2 drops
///   the header and sends DATA frames;
/// * a caller's `Content-Length` must be the body's exact length when that is known (an
///   `InvalidHeader` error otherwise: hyper would cut a longer body short); over a body
///   of unknown length it becomes the body's length, which the body is then held to.
///
/// Costs nothing more than the two header look-ups for a body in memory.
fn frame_body(
    map: &mut http::HeaderMap,
    method: &http::Method,
    body: &mut Body,
) -> Result<(), Error> {
    if map.contains_key(header::TRANSFER_ENCODING) {
        return Ok(());
    }
    if map.contains_key(header::CONTENT_LENGTH) {
        let known = body.content_length();
        let declared = declared_length(map).ok_or_else(|| {
            let value = map
                .get(header::CONTENT_LENGTH)
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
                .unwrap_or_default();
            let value: String = value.chars().take(40).collect();
            let body =
                known.map_or_else(String::new, |known| format!(": the body is {known} bytes"));
            Error::new(ErrorKind::InvalidHeader).with_message(format!(
                "the request's Content-Length header {value:?} is not one length in bytes{body}"
            ))
        })?;
        return match known {
            Some(known) if known != declared => Err(Error::new(ErrorKind::InvalidHeader)
                .with_message(format!(
                    "the request's Content-Length header says {declared} bytes but the body \
                     is {known} bytes: leave the header out to have it set"
                ))),
            Some(_) => Ok(()),
            None => {
                body.declare_length(declared);
                Ok(())
            }
        };
    }
    match body.content_length() {
        Some(0) => {
            if matches!(
                *method,
                http::Method::POST | http::Method::PUT | http::Method::PATCH
            ) {
                map.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
            }
        }
        Some(length) => {
            map.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        None => {
            map.insert(
                header::TRANSFER_ENCODING,
                HeaderValue::from_static("chunked"),
            );
        }
    }
    Ok(())
}

/// The length the `Content-Length` values state, read as hyper reads them: every value
/// (and each item of a comma-separated one) a number, all of them equal.
fn declared_length(map: &http::HeaderMap) -> Option<u64> {
    let mut length = None;
    for value in map.get_all(header::CONTENT_LENGTH) {
        for item in value.as_bytes().split(|&byte| byte == b',') {
            let item = item.trim_ascii();
            if item.is_empty() || !item.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let parsed: u64 = std::str::from_utf8(item).ok()?.parse().ok()?;
            if length.is_some_and(|length| length != parsed) {
                return None;
            }
            length = Some(parsed);
        }
    }
    length
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientBuilder;
    use crate::client::test_client::{NoTransport, TestClient};

    fn sent_url(builder: ClientBuilder<TestClient>, url: &str, params: &[(&str, &str)]) -> String {
        let client = builder.build().unwrap();
        let request = client.get(url).query(params).send().unwrap();
        request.url().as_str().to_owned()
    }

    #[test]
    fn client_params_rank_below_the_urls_query_and_request_params_above_both() {
        let client = || {
            ClientBuilder::new()
                .param("k", "client")
                .param("a", "client")
        };
        assert_eq!(
            sent_url(client(), "http://h/p?k=url", &[]),
            "http://h/p?k=url&a=client"
        );
        assert_eq!(
            sent_url(client(), "http://h/p?k=url", &[("k", "request")]),
            "http://h/p?k=request&a=client"
        );
        assert_eq!(
            sent_url(client(), "http://h/p?c=3", &[("a", "request")]),
            "http://h/p?c=3&k=client&a=request"
        );
        // The URL's query after joining onto base_url counts as the URL's own.
        let based = || client().base_url("http://h/base/?k=base");
        assert_eq!(
            sent_url(based(), "p", &[]),
            "http://h/base/p?k=base&a=client"
        );
        assert_eq!(
            sent_url(based(), "p?a=url", &[]),
            "http://h/base/p?k=base&a=url"
        );
        assert_eq!(
            sent_url(based(), "p", &[("k", "request")]),
            "http://h/base/p?k=request&a=client"
        );
    }

    #[test]
    fn a_relative_base_url_set_directly_is_an_error_at_request_time() {
        let config = ClientConfig::<NoTransport> {
            base_url: Some(Url::parse("api.example.com/v1").unwrap()),
            ..ClientConfig::default()
        };
        let parts = RequestParts {
            url: Some(Url::parse("users").unwrap()),
            ..RequestParts::default()
        };
        let error = merge_request(&config, parts).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidUrl);
        let message = error.to_string();
        assert!(
            message.contains("base_url must be absolute: it has no scheme"),
            "{message}"
        );
    }

    fn framing(request: &Request) -> (Option<String>, Option<String>) {
        let get = |name| {
            request
                .headers()
                .as_map()
                .get(name)
                .map(|value: &HeaderValue| value.to_str().unwrap_or_default().to_owned())
        };
        (get(header::CONTENT_LENGTH), get(header::TRANSFER_ENCODING))
    }

    fn unknown_length(data: &'static str) -> Body {
        Body::from_stream(http_body_util::Full::new(bytes::Bytes::from(data)))
    }

    #[test]
    fn a_body_of_unknown_length_is_chunked_whatever_the_method() {
        let client = ClientBuilder::<TestClient>::new().build().unwrap();
        for method in [http::Method::GET, http::Method::HEAD, http::Method::POST] {
            let request = client
                .request(method.clone(), "http://h/")
                .body(unknown_length("x"))
                .send()
                .unwrap();
            assert_eq!(
                framing(&request),
                (None, Some("chunked".into())),
                "{method}"
            );
        }
        let reader = Body::from_reader(std::io::empty(), None);
        let request = client.get("http://h/").body(reader).send().unwrap();
        assert_eq!(framing(&request), (None, Some("chunked".into())));
        // Known lengths: as before; a known empty GET gets neither header.
        let request = client.get("http://h/").send().unwrap();
        assert_eq!(framing(&request), (None, None));
        let request = client.get("http://h/").body("abc").send().unwrap();
        assert_eq!(framing(&request), (Some("3".into()), None));
        let request = client.post("http://h/").send().unwrap();
        assert_eq!(framing(&request), (Some("0".into()), None));
        // The caller's framing is kept.
        let request = client
            .get("http://h/")
            .header("transfer-encoding", "gzip, chunked")
            .body(unknown_length("x"))
            .send()
            .unwrap();
        assert_eq!(framing(&request), (None, Some("gzip, chunked".into())));
    }

    #[test]
    fn a_content_length_contradicting_a_known_length_is_an_invalid_header() {
        let client = ClientBuilder::<TestClient>::new().build().unwrap();
        let send = |length: &str, body: Body| {
            client
                .post("http://h/")
                .header("content-length", length)
                .body(body)
                .send()
        };
        for wrong in ["3", "7", "", "-6", "6, 7", "abc"] {
            let error = send(wrong, Body::from("abcdef")).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidHeader, "{wrong:?}");
            assert!(error.to_string().contains("6 bytes"), "{error}");
        }
        for right in ["6", " 6 ", "6, 6"] {
            let request = send(right, Body::from("abcdef")).unwrap();
            assert_eq!(framing(&request).1, None, "{right:?}");
        }
        let error = send("1", Body::empty()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidHeader);
        // Over a body of unknown length, the declared length becomes the body's.
        let request = send("5", unknown_length("abcde")).unwrap();
        assert_eq!(request.body().content_length(), Some(5));
        assert_eq!(framing(&request), (Some("5".into()), None));
        let error = send("x", unknown_length("abcde")).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidHeader);
        // A transfer coding set by the caller wins, as hyper does.
        let request = client
            .post("http://h/")
            .header("transfer-encoding", "chunked")
            .header("content-length", "3")
            .body("abcdef")
            .send()
            .unwrap();
        assert_eq!(framing(&request).1.as_deref(), Some("chunked"));
    }

    #[test]
    fn debug_shows_cookie_names_not_values() {
        let parts = RequestParts {
            cookies: vec![("session".to_owned(), "s3cret-value".to_owned())],
            ..RequestParts::default()
        };
        let debug = format!("{parts:?}");
        assert!(debug.contains("session"), "{debug}");
        assert!(!debug.contains("s3cret-value"), "{debug}");
    }
}
