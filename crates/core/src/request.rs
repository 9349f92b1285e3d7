//! [`Request`]: a move-only view of an in-flight `http::Request<Body>`.

use std::fmt;

use crate::body::Body;
use crate::context::RequestContext;
use crate::headers::Headers;
use crate::url::Url;
use crate::{Error, ErrorKind};

/// An HTTP request: method, [`Url`], [`Headers`], [`Body`] and extensions.
///
/// It converts to and from `http::Request<Body>` by moving its parts, never by copying
/// them: the [`RequestContext`] (with the parsed URL) travels as one extension.
///
/// ```
/// use xhttp_core::{Request, Url};
///
/// let url: Url = "https://example.com/a?b=c".parse()?;
/// let request = Request::new(http::Method::GET, url);
/// let http_request = request.into_http();
/// assert_eq!(http_request.uri(), "https://example.com/a?b=c");
/// # Ok::<(), xhttp_core::Error>(())
/// ```
pub struct Request {
    method: http::Method,
    headers: Headers,
    body: Body,
    context: RequestContext,
    extensions: http::Extensions,
}

impl Request {
    /// A request with no headers and an empty body.
    pub fn new(method: http::Method, url: Url) -> Request {
        Request {
            method,
            headers: Headers::default(),
            body: Body::empty(),
            context: RequestContext::new(url),
            extensions: http::Extensions::new(),
        }
    }

    /// The method.
    pub fn method(&self) -> &http::Method {
        &self.method
    }

    /// The method, to change it.
    pub fn method_mut(&mut self) -> &mut http::Method {
        &mut self.method
    }

    /// The URL.
    pub fn url(&self) -> &Url {
        &self.context.url
    }

    /// Replaces the URL.
    pub fn set_url(&mut self, url: Url) {
        self.context.url = url;
    }

    /// The headers.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The headers, to change them.
    pub fn headers_mut(&mut self) -> &mut Headers {
        &mut self.headers
    }

    /// The body.
    pub fn body(&self) -> &Body {
        &self.body
    }

    /// The body, to change it.
    pub fn body_mut(&mut self) -> &mut Body {
        &mut self.body
    }

    /// Replaces the body.
    pub fn set_body(&mut self, body: Body) {
        self.body = body;
    }

    /// The body's bytes, when it is in memory; a `RequestNotRead` error for a stream.
    pub fn content(&self) -> Result<&[u8], Error> {
        self.body.as_bytes().ok_or_else(|| {
            Error::new(ErrorKind::RequestNotRead)
                .with_message("the request body is a stream and was not read")
        })
    }

    /// The per-request context (timeouts, policies).
    pub fn context(&self) -> &RequestContext {
        &self.context
    }

    /// The per-request context, to change it.
    pub fn context_mut(&mut self) -> &mut RequestContext {
        &mut self.context
    }

    /// Extensions for the user's own data and for transports.
    pub fn extensions(&self) -> &http::Extensions {
        &self.extensions
    }

    /// Extensions, to change them.
    pub fn extensions_mut(&mut self) -> &mut http::Extensions {
        &mut self.extensions
    }

    /// A copy for sending again, when the body is replayable; `None` for a one-shot
    /// body (a stream or a reader).
    pub fn try_clone(&self) -> Option<Request> {
        Some(Request {
            method: self.method.clone(),
            headers: self.headers.clone(),
            body: self.body.try_clone()?,
            context: self.context.clone(),
            extensions: self.extensions.clone(),
        })
    }

    /// The in-flight form, by moving the parts: the URI is the URL's cached one, and the
    /// [`RequestContext`] goes into the extensions.
    pub fn into_http(self) -> http::Request<Body> {
        let mut request = http::Request::new(self.body);
        *request.method_mut() = self.method;
        // Absolute http(s) URLs have their URI cached; anything else (a relative URL, a
        // custom scheme for a mounted transport) is converted here.
        let url = &self.context.url;
        if let Some(uri) = url
            .uri()
            .cloned()
            .or_else(|| http::Uri::try_from(url.as_str()).ok())
        {
            *request.uri_mut() = uri;
        }
        *request.headers_mut() = self.headers.into();
        let mut extensions = self.extensions;
        extensions.insert(self.context);
        *request.extensions_mut() = extensions;
        request
    }

    /// Back from the in-flight form. The URL comes from the [`RequestContext`] when
    /// there is one, else it is parsed from the URI.
    pub fn from_http(request: http::Request<Body>) -> Result<Request, Error> {
        let (mut parts, body) = request.into_parts();
        let context = match parts.extensions.remove::<RequestContext>() {
            Some(context) => context,
            None => RequestContext::new(Url::try_from(&parts.uri)?),
        };
        Ok(Request {
            method: parts.method,
            headers: Headers::from(parts.headers),
            body,
            context,
            extensions: parts.extensions,
        })
    }
}

impl TryFrom<http::Request<Body>> for Request {
    type Error = Error;

    fn try_from(request: http::Request<Body>) -> Result<Request, Error> {
        Request::from_http(request)
    }
}

impl From<Request> for http::Request<Body> {
    fn from(request: Request) -> http::Request<Body> {
        request.into_http()
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.context.url)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .finish()
    }
}
