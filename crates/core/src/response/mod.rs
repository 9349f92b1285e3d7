//! [`Response<F>`]: one definition for both flavours.
//!
//! The accessors shared by both flavours live here; the body API is per flavour
//! ([`async_api`] for [`Async`](crate::Async), [`blocking_api`] for
//! [`Blocking`]), so using the wrong one does not compile.

pub mod async_api;
pub mod blocking_api;
mod chunk_stream;
mod chunks;
mod links;
mod state;
mod status_error;
mod text;
mod text_stream;
mod wire;

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{StatusCode, Version};

use crate::body::Body;
use crate::context::{RequestHead, ResponseMeta};
use crate::flavor::{Blocking, Flavor};
use crate::headers::Headers;
use crate::url::Url;
use crate::{Error, ErrorKind};

pub use links::Link;
use state::BodyState;

/// An HTTP response, generic over the client's flavour: `Response<Blocking>` (the
/// default, `xhttp::Response`) or `Response<Async>` (`xhttp::AsyncResponse`).
///
/// Its body is read in one of three ways: `send()` reads it before returning (then
/// [`content`](Response::content), `text` and `json` work at once), or `stream()`
/// leaves it unread for the flavour's `read()` or iterators. Reading follows httpx's
/// rules: an iterated body cannot be iterated again (`StreamConsumed`), a closed body
/// cannot be read (`StreamClosed`), and `content()` before reading is `ResponseNotRead`.
///
/// ```
/// use xhttp_core::{Async, Response};
///
/// let response = Response::<Async>::new(http::StatusCode::OK).with_content("hi");
/// assert!(response.is_success());
/// assert_eq!(response.content()?, "hi");
/// # Ok::<(), xhttp_core::Error>(())
/// ```
pub struct Response<F: Flavor = Blocking> {
    status: StatusCode,
    version: Version,
    headers: Headers,
    extensions: http::Extensions,
    meta: ResponseMeta,
    state: BodyState,
    /// How text is decoded.
    encoding: text::EncodingPolicy,
    /// Where `io::Read` stands (blocking flavour only).
    reader: blocking_api::ReaderCursor,
    driver: F::Driver,
}

impl<F: Flavor> Response<F> {
    /// A response with `status`, no headers and an empty body that counts as read.
    pub fn new(status: StatusCode) -> Response<F> {
        Response {
            status,
            version: Version::HTTP_11,
            headers: Headers::default(),
            extensions: http::Extensions::new(),
            meta: ResponseMeta::default(),
            state: BodyState::read(Bytes::new()),
            encoding: Default::default(),
            reader: Default::default(),
            driver: F::Driver::default(),
        }
    }

    /// Replaces the body with bytes in memory, which count as read. For tests and
    /// mock transports.
    pub fn with_content(mut self, content: impl Into<Bytes>) -> Response<F> {
        self.state = BodyState::read(content.into());
        self
    }

    /// Replaces the body with `body`, unread.
    pub fn with_body(mut self, body: Body) -> Response<F> {
        self.state = BodyState::new(body);
        self
    }

    /// Adds a header (several of one name are kept). For tests and mock transports.
    pub fn with_header(mut self, name: http::HeaderName, value: http::HeaderValue) -> Response<F> {
        self.headers.as_map_mut().append(name, value);
        self
    }

    /// A response from its in-flight form: the [`ResponseMeta`] extension is taken out,
    /// the body is left unread. `driver` is how a blocking response waits for its body.
    pub fn from_http(response: http::Response<Body>, driver: F::Driver) -> Response<F> {
        let (mut parts, body) = response.into_parts();
        let mut meta = parts
            .extensions
            .remove::<ResponseMeta>()
            .unwrap_or_default();
        let state = match body.bytes() {
            Some(content) if meta.body_read => {
                BodyState::read_received(content, meta.body_received.take())
            }
            _ => BodyState::new(body),
        };
        meta.body_read = false;
        Response {
            status: parts.status,
            version: parts.version,
            headers: Headers::from(parts.headers),
            extensions: parts.extensions,
            meta,
            state,
            encoding: Default::default(),
            reader: Default::default(),
            driver,
        }
    }

    /// The in-flight form: an unread body stays unread, a read one is in memory, and the
    /// [`ResponseMeta`] travels as one extension.
    ///
    /// A body that was streamed (in part or in full, decoded or raw) without being read,
    /// or closed before it was read, becomes a body whose reading fails with
    /// `StreamConsumed` or `StreamClosed`: what is left of it never passes for the
    /// whole body.
    pub fn into_http(self) -> http::Response<Body> {
        let mut response = http::Response::new(self.state.into_body());
        *response.status_mut() = self.status;
        *response.version_mut() = self.version;
        *response.headers_mut() = self.headers.into();
        let mut extensions = self.extensions;
        extensions.insert(self.meta);
        *response.extensions_mut() = extensions;
        response
    }

    /// The same response in the other flavour (the body is untouched).
    pub fn into_flavor<G: Flavor>(self, driver: G::Driver) -> Response<G> {
        Response {
            status: self.status,
            version: self.version,
            headers: self.headers,
            extensions: self.extensions,
            meta: self.meta,
            state: self.state,
            encoding: self.encoding,
            reader: self.reader,
            driver,
        }
    }

    /// Installs how the body is waited for (blocking client crates do this).
    pub fn set_driver(&mut self, driver: F::Driver) {
        self.driver = driver;
    }

    /// A text stream over the body (shared by both flavours' text APIs).
    pub(crate) fn text_stream_inner(
        &mut self,
        split: text_stream::Split,
    ) -> text_stream::TextStream<'_> {
        let Response {
            state,
            meta,
            headers,
            encoding,
            ..
        } = self;
        let content_type = headers
            .as_map()
            .get(http::header::CONTENT_TYPE)
            .map(http::HeaderValue::as_bytes);
        let chunks = chunk_stream::ChunkStream::new(state, meta, state::Take::Decoded, None);
        text_stream::TextStream::new(chunks, *encoding, content_type, split)
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The reason phrase: the server's own on HTTP/1.1 when it sent one that differs
    /// from the standard (as httpx), else httpx's phrase for the status code, or `""` for
    /// an unknown code.
    pub fn reason_phrase(&self) -> &str {
        self.extensions
            .get::<ReasonPhrase>()
            .and_then(|phrase| std::str::from_utf8(&phrase.0).ok())
            .unwrap_or_else(|| crate::status::reason_phrase(self.status))
    }

    /// The HTTP version the response came with.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The HTTP version as httpx names it: `"HTTP/1.1"`, `"HTTP/2"`...
    pub fn http_version(&self) -> &'static str {
        version_name(self.version)
    }

    /// The headers.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The headers, to change them.
    pub fn headers_mut(&mut self) -> &mut Headers {
        &mut self.headers
    }

    /// The extensions (transport data such as the remote address).
    pub fn extensions(&self) -> &http::Extensions {
        &self.extensions
    }

    /// The extensions, to change them.
    pub fn extensions_mut(&mut self) -> &mut http::Extensions {
        &mut self.extensions
    }

    /// The metadata the client recorded (request, timing).
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    /// The metadata, to change it (clients and layers do).
    pub fn meta_mut(&mut self) -> &mut ResponseMeta {
        &mut self.meta
    }

    /// The server's address, when the transport connected over TCP.
    pub fn remote_addr(&self) -> Option<std::net::SocketAddr> {
        self.connection_info().and_then(|info| info.remote_addr)
    }

    /// What TLS negotiated, on https.
    pub fn tls_info(&self) -> Option<&crate::TlsInfo> {
        self.connection_info().and_then(|info| info.tls.as_ref())
    }

    /// What the transport knew of the connection.
    pub fn connection_info(&self) -> Option<&crate::ConnectionInfo> {
        self.extensions
            .get::<std::sync::Arc<crate::ConnectionInfo>>()
            .or(self.meta.connection.as_ref())
            .map(|info| &**info)
    }

    /// The request this response answers, when the client recorded it.
    pub fn request(&self) -> Option<&RequestHead> {
        self.meta.request.as_deref()
    }

    /// The URL of the request this response answers (after redirects: the last one).
    pub fn url(&self) -> Option<&Url> {
        self.request().map(|request| &request.url)
    }

    /// The earlier responses of this logical request, oldest first: each redirect hop
    /// and each auth challenge (httpx's `history`), read and closed. Each has its own
    /// URL, status, headers and content, and its own history of the hops before it.
    /// Empty for a single exchange.
    pub fn history(&self) -> Vec<Response<F>> {
        let entries = &self.meta.history;
        entries
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                let mut response = Response::new(entry.status);
                response.state = match &entry.content {
                    Some(content) => BodyState::read(content.clone()),
                    None => BodyState::not_kept(),
                };
                response.version = entry.version;
                response.headers = entry.headers.clone();
                response.meta.request = entry.request.clone();
                response.meta.elapsed = entry.elapsed;
                response.meta.history = entries[..index].to_vec();
                response
            })
            .collect()
    }

    /// The request a redirect points to, when redirects were not followed (httpx's
    /// `next_request`): send it with `client.send(..)` to follow by hand. `None` for
    /// any other response.
    pub fn next_request(&self) -> Option<crate::Request> {
        self.meta
            .next_request
            .as_ref()
            .map(|next| next.to_request())
    }

    /// The time from sending the request until the body was read or closed; `None`
    /// while the body is still open or when no start was recorded.
    pub fn elapsed(&self) -> Option<Duration> {
        self.meta.elapsed
    }

    /// Where the time went: DNS, connect, TLS, waiting for the head, reading the body
    /// (see [`Timings`](crate::Timings)). `download` and `total` are set once the body
    /// was read or closed.
    ///
    /// ```
    /// # fn f(response: xhttp_core::Response) {
    /// if let Some(ttfb) = response.timings().waiting {
    ///     println!("first byte after {ttfb:?}");
    /// }
    /// # }
    /// ```
    pub fn timings(&self) -> crate::Timings {
        self.meta.timings
    }

    /// Bytes received so far, as they came from the transport: before decompression
    /// (httpx's `num_bytes_downloaded`).
    pub fn num_bytes_downloaded(&self) -> u64 {
        self.state.downloaded()
    }

    /// The most bytes `read()` (and `send()`, which reads) may buffer; `None` for no
    /// limit. Past it, reading fails with `BodyTooLarge` and the body is closed.
    /// Clients set it from `ClientBuilder::max_response_body`. Streaming iterators are
    /// not limited by it.
    pub fn set_read_limit(&mut self, limit: Option<u64>) {
        self.state.set_read_limit(limit);
    }

    /// The limit set by [`set_read_limit`](Response::set_read_limit).
    pub fn read_limit(&self) -> Option<u64> {
        self.state.read_limit()
    }

    /// The whole body, once it was read; a `ResponseNotRead` error before.
    pub fn content(&self) -> Result<&Bytes, Error> {
        self.state.content().ok_or_else(|| {
            if self.state.is_not_kept() {
                return Error::new(ErrorKind::ResponseNotRead).with_message(
                    "this earlier response's body was larger than the history keeps (1 MiB) and was not kept",
                );
            }
            Error::new(ErrorKind::ResponseNotRead)
                .with_message("the response body was not read: call read() first")
        })
    }

    /// Whether the body was read, ended, or closed.
    pub fn is_closed(&self) -> bool {
        self.state.is_closed()
    }

    /// Whether the body was read or taken by an iterator.
    pub fn is_stream_consumed(&self) -> bool {
        self.state.is_consumed()
    }

    /// 1xx.
    pub fn is_informational(&self) -> bool {
        self.status.is_informational()
    }

    /// 2xx.
    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }

    /// 3xx.
    pub fn is_redirect(&self) -> bool {
        self.status.is_redirection()
    }

    /// 4xx.
    pub fn is_client_error(&self) -> bool {
        self.status.is_client_error()
    }

    /// 5xx.
    pub fn is_server_error(&self) -> bool {
        self.status.is_server_error()
    }

    /// 4xx or 5xx.
    pub fn is_error(&self) -> bool {
        self.is_client_error() || self.is_server_error()
    }

    /// A 301, 302, 303, 307 or 308 with a `Location` header.
    pub fn has_redirect_location(&self) -> bool {
        matches!(self.status.as_u16(), 301 | 302 | 303 | 307 | 308)
            && self.headers.as_map().contains_key(http::header::LOCATION)
    }

    /// The response itself for a 2xx; otherwise a `Status` error with httpx's message
    /// (1xx and 3xx included, as httpx). This consumes the response: to keep its body
    /// and headers after an error (httpx's `HTTPStatusError.response`), use
    /// [`check_status`](Response::check_status).
    pub fn raise_for_status(self) -> Result<Response<F>, Error> {
        self.check_status()?;
        Ok(self)
    }

    /// As [`raise_for_status`](Response::raise_for_status), without consuming the
    /// response: a borrow of it for a 2xx, otherwise the same `Status` error, and the
    /// response (status, headers, body) is still there to look at.
    ///
    /// ```
    /// use xhttp_core::{Async, ErrorKind, Response};
    ///
    /// let response = Response::<Async>::new(http::StatusCode::NOT_FOUND)
    ///     .with_content(r#"{"error": "no such page"}"#);
    /// let error = response.check_status().unwrap_err();
    /// assert_eq!(error.kind(), ErrorKind::Status);
    /// // The response is still whole: read the server's explanation.
    /// assert_eq!(response.text()?, r#"{"error": "no such page"}"#);
    ///
    /// let ok = Response::<Async>::new(http::StatusCode::OK).with_content("hi");
    /// assert_eq!(ok.check_status()?.content()?, "hi");
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn check_status(&self) -> Result<&Self, Error> {
        if self.is_success() {
            return Ok(self);
        }
        Err(status_error::status_error(
            self.status,
            self.reason_phrase(),
            self.url(),
            self.headers.as_map(),
        ))
    }

    /// The parsed `Link` headers, in order.
    pub fn links(&self) -> Vec<Link> {
        links::parse_all(self.headers.as_map())
    }
}

/// The reason phrase a server sent on HTTP/1.1, when it is not the standard one: a
/// response extension set by transports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonPhrase(pub Bytes);

impl<F: Flavor> fmt::Debug for Response<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("version", &self.version)
            .field("headers", &self.headers)
            .field("url", &self.url())
            .finish_non_exhaustive()
    }
}

impl<F: Flavor> From<http::Response<Body>> for Response<F> {
    /// The response with no driver: a blocking response made this way can read a body
    /// in memory, not a stream that is still arriving (clients install their driver).
    fn from(response: http::Response<Body>) -> Response<F> {
        Response::from_http(response, F::Driver::default())
    }
}

impl<F: Flavor> From<Response<F>> for http::Response<Body> {
    fn from(response: Response<F>) -> http::Response<Body> {
        response.into_http()
    }
}

/// An HTTP version as httpx names it: `"HTTP/1.1"`, `"HTTP/2"`... (what
/// [`Response::http_version`] answers).
pub fn version_name(version: Version) -> &'static str {
    match version {
        Version::HTTP_09 => "HTTP/0.9",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_2 => "HTTP/2",
        Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/1.1",
    }
}

#[cfg(test)]
mod tests {
    use crate::{Async, ErrorKind, Response};

    #[test]
    fn check_status_keeps_the_response_after_an_error() {
        let response = Response::<Async>::new(http::StatusCode::UNPROCESSABLE_ENTITY)
            .with_header(
                http::HeaderName::from_static("x-request-id"),
                http::HeaderValue::from_static("r-1"),
            )
            .with_content("bad field");
        let error = response.check_status().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Status);
        assert_eq!(error.status(), Some(http::StatusCode::UNPROCESSABLE_ENTITY));
        assert!(error.to_string().contains("Client error '422"), "{error}");
        assert_eq!(response.content().unwrap(), "bad field");
        assert_eq!(
            response.headers().get("x-request-id").as_deref(),
            Some("r-1")
        );

        let ok = Response::<Async>::new(http::StatusCode::NO_CONTENT);
        assert!(ok.check_status().unwrap().is_success());
    }
}
