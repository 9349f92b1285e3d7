//! [`RequestBuilder`]: one request, for either client.

use std::fmt;

use http::{HeaderName, HeaderValue};

use super::merge::{AuthChoice, RequestParts, merge_request};
use super::{ClientFlavor, IntoUrl, SendMode};
use crate::auth::{Auth, BasicAuth, BearerAuth};
use crate::body::Body;
use crate::headers::Headers;
use crate::query::QueryParams;
use crate::timeout::Timeout;
use crate::{Error, ErrorKind, Request};

/// A request being put together, for client `C` (`xhttp::Client` or
/// `xhttp::AsyncClient`). Made by `client.get(url)` and friends; finished by
/// [`send`](RequestBuilder::send) (which reads the body), [`stream`](RequestBuilder::stream)
/// (which does not) or [`build`](RequestBuilder::build).
///
/// An invalid argument (a bad header, say) is kept and reported by the finishing call.
pub struct RequestBuilder<C: ClientFlavor> {
    client: C,
    parts: Result<RequestParts, Error>,
}

impl<C: ClientFlavor> RequestBuilder<C> {
    /// A request with `method` to `url` through `client`.
    pub fn new(client: C, method: http::Method, url: impl IntoUrl) -> RequestBuilder<C> {
        let parts = url.into_url().map(|url| RequestParts {
            method,
            url: Some(url),
            ..RequestParts::default()
        });
        RequestBuilder { client, parts }
    }

    fn with(mut self, change: impl FnOnce(&mut RequestParts) -> Result<(), Error>) -> Self {
        if let Ok(parts) = &mut self.parts {
            if let Err(error) = change(parts) {
                self.parts = Err(error);
            }
        }
        self
    }

    /// Adds a header; it replaces the client's values of that name (all of them).
    pub fn header<K, V>(self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        let header = header_pair(name, value);
        self.with(|parts| {
            let (name, value) = header?;
            parts.headers.as_map_mut().append(name, value);
            Ok(())
        })
    }

    /// Adds several headers (as [`header`](Self::header) does).
    pub fn headers(self, headers: impl Into<Headers>) -> Self {
        let headers = headers.into();
        self.with(|parts| {
            let map = parts.headers.as_map_mut();
            for (name, value) in headers.as_map() {
                map.append(name.clone(), value.clone());
            }
            Ok(())
        })
    }

    /// Adds query parameters, merged over the client's and into the URL's query: a key
    /// given here replaces that key's values; other keys are kept.
    pub fn query<K, V>(self, pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.with(|parts| {
            for (key, value) in pairs {
                parts.params.append(key, value);
            }
            Ok(())
        })
    }

    /// Sets the query parameters as one [`QueryParams`] (see [`query`](Self::query)).
    pub fn params(self, params: QueryParams) -> Self {
        self.with(|parts| {
            parts.params = params;
            Ok(())
        })
    }

    /// Sets the body: bytes, text, or any [`Body`] (a stream is sent once: it cannot be
    /// replayed for a redirect or a retry).
    pub fn body(self, body: impl Into<Body>) -> Self {
        let body = body.into();
        self.with(|parts| {
            parts.body = body;
            Ok(())
        })
    }

    /// Sets the body from a reader of `length` bytes when known (else sent chunked). The
    /// blocking client reads it on the caller's thread, the async one off the runtime.
    pub fn body_reader(
        self,
        reader: impl std::io::Read + Send + 'static,
        length: Option<u64>,
    ) -> Self {
        self.body(Body::from_reader(reader, length))
    }

    /// Sets this request's timeouts, replacing the client's as a whole.
    pub fn timeout(self, timeout: impl Into<Timeout>) -> Self {
        let timeout = timeout.into();
        self.with(|parts| {
            parts.timeout = Some(timeout);
            Ok(())
        })
    }

    /// Whether this request follows redirects, instead of the client's setting.
    pub fn follow_redirects(self, follow: bool) -> Self {
        self.with(|parts| {
            parts.follow_redirects = Some(follow);
            Ok(())
        })
    }

    /// Uses these credentials instead of the client's.
    pub fn auth(self, auth: impl Auth + 'static) -> Self {
        let auth: std::sync::Arc<dyn Auth> = std::sync::Arc::new(auth);
        self.with(|parts| {
            parts.auth = AuthChoice::Use(auth);
            Ok(())
        })
    }

    /// HTTP Basic credentials for this request.
    pub fn basic_auth(self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth(BasicAuth::new(username, password))
    }

    /// A bearer token for this request.
    pub fn bearer_auth(self, token: impl Into<String>) -> Self {
        self.auth(BearerAuth::new(token))
    }

    /// No client credentials for this request (URL userinfo still applies, as httpx).
    pub fn no_auth(self) -> Self {
        self.with(|parts| {
            parts.auth = AuthChoice::Disabled;
            Ok(())
        })
    }

    /// A cookie for this request only (not kept by the client).
    pub fn cookie(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let (name, value) = (name.into(), value.into());
        self.with(|parts| {
            parts.cookies.push((name, value));
            Ok(())
        })
    }

    /// Adds a value to the request's extensions.
    pub fn extension<T: Clone + Send + Sync + 'static>(self, value: T) -> Self {
        self.with(|parts| {
            parts.extensions.insert(value);
            Ok(())
        })
    }

    /// The request with the client's defaults merged in, without sending it.
    pub fn build(self) -> Result<Request, Error> {
        merge_request(self.client.config(), self.parts?)
    }

    /// Builds the request and sends it, reading the whole response body.
    pub fn send(self) -> C::Pending {
        let client = self.client.clone();
        client.dispatch(self.build(), SendMode::Read)
    }

    /// Builds the request and sends it, leaving the body unread for streaming.
    pub fn stream(self) -> C::Pending {
        let client = self.client.clone();
        client.dispatch(self.build(), SendMode::Stream)
    }

    /// A copy of this builder, when its body is replayable; `None` for a stream or a
    /// reader body. (An invalid builder copies its error.)
    pub fn try_clone(&self) -> Option<Self> {
        let parts = match &self.parts {
            Ok(parts) => Ok(RequestParts {
                method: parts.method.clone(),
                url: parts.url.clone(),
                headers: parts.headers.clone(),
                params: parts.params.clone(),
                cookies: parts.cookies.clone(),
                body: parts.body.try_clone()?,
                auth: parts.auth.clone(),
                timeout: parts.timeout,
                follow_redirects: parts.follow_redirects,
                extensions: parts.extensions.clone(),
            }),
            Err(error) => Err(copy_error(error)),
        };
        Some(RequestBuilder {
            client: self.client.clone(),
            parts,
        })
    }
}

impl<C: ClientFlavor> fmt::Debug for RequestBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("parts", &self.parts)
            .finish_non_exhaustive()
    }
}

/// A header name and value checked, as a typed `InvalidHeader` error when not valid.
/// Sensitive values (credentials, cookies) are marked so.
pub(crate) fn header_pair<K, V>(name: K, value: V) -> Result<(HeaderName, HeaderValue), Error>
where
    K: TryInto<HeaderName>,
    V: TryInto<HeaderValue>,
{
    let name = name
        .try_into()
        .map_err(|_| Error::new(ErrorKind::InvalidHeader).with_message("invalid header name"))?;
    let mut value = value.try_into().map_err(|_| {
        Error::new(ErrorKind::InvalidHeader).with_message(format!(
            "invalid value for header '{name}': it holds CR, LF, NUL or another control character"
        ))
    })?;
    if crate::headers::is_sensitive(&name) {
        value.set_sensitive(true);
    }
    Ok((name, value))
}

/// Errors are not `Clone` (their source may not be): a copy keeps kind and message.
fn copy_error(error: &Error) -> Error {
    let copy = Error::new(error.kind());
    match error.message() {
        Some(message) => copy.with_message(message.to_owned()),
        None => copy,
    }
}
