//! [`RequestBuilder`]: one request, for either client.

use std::fmt;

use http::{HeaderName, HeaderValue};
use serde::Serialize;

use super::merge::{AuthChoice, RequestParts, merge_request};
use super::payload::{Payload, Source, set_content_type};
use super::{ClientFlavor, IntoUrl, SendMode};
use crate::auth::{Auth, BasicAuth, BearerAuth};
use crate::body::{Body, encode_form, encode_json, query_pairs};
use crate::error::copy_error;
use crate::headers::Headers;
use crate::multipart::Multipart;
use crate::query::QueryParams;
use crate::timeout::Timeout;
use crate::{Error, ErrorKind, Request};

/// A request being put together, for client `C` (`xhttp::Client` or
/// `xhttp::AsyncClient`). Made by `client.get(url)` and friends; finished by
/// [`send`](RequestBuilder::send) (which reads the body), [`stream`](RequestBuilder::stream)
/// (which does not) or [`build`](RequestBuilder::build).
///
/// An invalid argument (a bad header, a NaN in a JSON body...) is kept and reported by
/// the finishing call.
///
/// A request has one body, set by [`body`](Self::body) (alias
/// [`content`](Self::content)), [`json`](Self::json), [`form`](Self::form) or
/// [`multipart`](Self::multipart); giving two is an error, except `form` with
/// `multipart` (one multipart body, the form's pairs as its first text fields, as
/// httpx's `data=` with `files=`). The matching `Content-Type` is added unless the
/// request or the client sets one; `Content-Length` is exact when the length is known,
/// and the body is sent chunked otherwise.
pub struct RequestBuilder<C: ClientFlavor> {
    client: C,
    parts: Result<RequestParts, Error>,
    payload: Payload,
}

impl<C: ClientFlavor> RequestBuilder<C> {
    /// A request with `method` to `url` through `client`.
    pub fn new(client: C, method: http::Method, url: impl IntoUrl) -> RequestBuilder<C> {
        let parts = url.into_url().map(|url| RequestParts {
            method,
            url: Some(url),
            ..RequestParts::default()
        });
        RequestBuilder {
            client,
            parts,
            payload: Payload::default(),
        }
    }

    pub(super) fn with(
        mut self,
        change: impl FnOnce(&mut RequestParts) -> Result<(), Error>,
    ) -> Self {
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
            parts.headers.append(name, value)
        })
    }

    /// Adds several headers (as [`header`](Self::header) does).
    pub fn headers(self, headers: impl Into<Headers>) -> Self {
        let headers = headers.into();
        self.with(|parts| parts.headers.try_extend(headers.as_map()))
    }

    /// Adds query parameters, merged over the client's and into the URL's query: a key
    /// given here replaces that key's values; other keys are kept.
    ///
    /// `query` is anything serde can write as a form: a list of pairs
    /// (`&[("page", "2")]`, a key may repeat), a map, or a struct (a `None` field is
    /// left out). Values that cannot be (a nested list, say) make the request fail with
    /// an `InvalidUrl` error.
    pub fn query<T: Serialize + ?Sized>(self, query: &T) -> Self {
        let pairs = query_pairs(query);
        self.with(|parts| {
            for (key, value) in pairs? {
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
    /// replayed for a redirect or a retry). No `Content-Type` is added.
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        let body = body.into();
        let claimed = self.payload.claim(Source::Body);
        self.with(|parts| {
            claimed?;
            parts.body = body;
            Ok(())
        })
    }

    /// Sets the body, as [`body`](Self::body) (httpx's `content=`).
    pub fn content(self, content: impl Into<Body>) -> Self {
        self.body(content)
    }

    /// Sends `value` as compact JSON with `Content-Type: application/json` (unless one
    /// is set), as httpx's `json=`.
    ///
    /// A NaN or infinite float anywhere in `value` makes the request fail with an
    /// `InvalidBody` error naming where it is (`serde_json` would silently write
    /// `null`; httpx refuses them too).
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        let encoded = self
            .payload
            .claim(Source::Json)
            .and_then(|()| encode_json(value));
        if encoded.is_ok() {
            self.payload.set_json();
        }
        self.with(|parts| {
            parts.body = Body::from(encoded?);
            Ok(())
        })
    }

    /// Sends `form` urlencoded with `Content-Type: application/x-www-form-urlencoded`
    /// (unless one is set), as httpx's `data=`: a struct, a map or a list of pairs (a
    /// key may repeat: `&[("tag", "a"), ("tag", "b")]`); spaces become `+`. See
    /// [`encode_form`] for how values are written (`None` is left out). Given with
    /// [`multipart`](Self::multipart), its pairs become the multipart's first text
    /// fields instead.
    pub fn form<T: Serialize + ?Sized>(mut self, form: &T) -> Self {
        let encoded = self
            .payload
            .claim(Source::Form)
            .and_then(|()| encode_form(form));
        let failed = match encoded {
            Ok(encoded) => {
                self.payload.set_form(encoded);
                Ok(())
            }
            Err(error) => Err(error),
        };
        self.with(|_| failed)
    }

    /// Sends a `multipart/form-data` body, as httpx's `files=`. Its file parts are read
    /// when the request is sent, by the client, off the async runtime.
    pub fn multipart(mut self, multipart: Multipart) -> Self {
        let claimed = self.payload.claim(Source::Multipart);
        if claimed.is_ok() {
            self.payload.set_multipart(multipart);
        }
        self.with(|_| claimed)
    }

    /// Sends the file at `path` as the body, read when the request is sent (see
    /// [`Body::from_file`]); the path is checked now.
    pub fn body_file(self, path: impl AsRef<std::path::Path>) -> Self {
        match Body::from_file(path) {
            Ok(body) => self.body(body),
            Err(error) => self.with(|_| Err(error)),
        }
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
        let mut parts = self.parts?;
        let config = self.client.config();
        let content_type = self.payload.apply(&mut parts, &config.headers)?;
        let mut request = merge_request(config, parts)?;
        set_content_type(request.headers_mut(), content_type);
        Ok(request)
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
    /// reader body (or a multipart with a reader part). (An invalid builder copies its
    /// error.)
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
                trace: parts.trace.clone(),
                upload_progress: parts.upload_progress.clone(),
                download_progress: parts.download_progress.clone(),
            }),
            Err(error) => Err(copy_error(error)),
        };
        Some(RequestBuilder {
            client: self.client.clone(),
            parts,
            payload: self.payload.try_clone()?,
        })
    }
}

impl<C: ClientFlavor> fmt::Debug for RequestBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("parts", &self.parts)
            .field("payload", &self.payload)
            .finish_non_exhaustive()
    }
}

/// A header name and value from the builders' `TryInto` arguments, as a typed
/// `InvalidHeader` error when not valid. Added through [`Headers::append`] or
/// [`Headers::insert`], which mark sensitive values.
pub(crate) fn header_pair<K, V>(name: K, value: V) -> Result<(HeaderName, HeaderValue), Error>
where
    K: TryInto<HeaderName>,
    V: TryInto<HeaderValue>,
{
    let name = name
        .try_into()
        .map_err(|_| Error::new(ErrorKind::InvalidHeader).with_message("invalid header name"))?;
    let value = value.try_into().map_err(|_| {
        Error::new(ErrorKind::InvalidHeader).with_message(format!(
            "invalid value for header '{name}': it holds CR, LF, NUL or another control character"
        ))
    })?;
    Ok((name, value))
}

#[cfg(test)]
mod tests {
    use crate::client::ClientBuilder;
    use crate::client::test_client::TestClient;
    use crate::multipart::Multipart;

    #[test]
    fn debug_shows_no_cookie_form_or_multipart_values() {
        let client = ClientBuilder::<TestClient>::new().build().unwrap();
        let builder = client
            .post("http://h/")
            .cookie("session", "cookie-s3cret")
            .form(&[("password", "form-s3cret")])
            .multipart(Multipart::new().text("token", "multipart-s3cret"));
        let debug = format!("{builder:?}");
        for secret in ["cookie-s3cret", "form-s3cret", "multipart-s3cret"] {
            assert!(!debug.contains(secret), "{debug}");
        }
        assert!(
            debug.contains("session") && debug.contains("token"),
            "{debug}"
        );
    }
}
