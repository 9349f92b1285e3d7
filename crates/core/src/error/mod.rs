//! xhttp's one error type.

mod kind;

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

pub use kind::ErrorKind;

/// A boxed error from a lower layer (I/O, hyper, a decoder, a user's service).
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// The error of every fallible xhttp operation.
///
/// Opaque and one pointer wide: match on [`kind`](Error::kind) or use the predicates
/// (`is_timeout()`, `is_connect()`...). It names the request's method and URL when
/// it has them, and the phase that failed.
///
/// **No secrets.** An error never holds URL userinfo or the values of
/// `Authorization`, `Proxy-Authorization`, `Cookie` or `Set-Cookie`: the URL is kept
/// in redacted form only, and messages are written not to quote them. So an `Error`
/// may be logged as it is, by `Display` or `Debug`.
///
/// ```
/// use xhttp_core::{Error, ErrorKind};
///
/// let error = Error::new(ErrorKind::ReadTimeout).with_message("no data for 5s");
/// assert!(error.is_timeout());
/// assert_eq!(error.to_string(), "read timeout: no data for 5s");
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: Option<Cow<'static, str>>,
    method: Option<http::Method>,
    /// The request URL with its userinfo removed.
    url: Option<Box<str>>,
    status: Option<http::StatusCode>,
    source: Option<BoxError>,
}

impl Error {
    /// An error of `kind` with nothing else attached.
    pub fn new(kind: ErrorKind) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                message: None,
                method: None,
                url: None,
                status: None,
                source: None,
            }),
        }
    }

    /// Adds a message saying what exactly went wrong. It must not quote secrets.
    pub fn with_message(mut self, message: impl Into<Cow<'static, str>>) -> Error {
        self.inner.message = Some(message.into());
        self
    }

    /// Adds the lower-level error that caused this one (see [`StdError::source`]).
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Error {
        self.inner.source = Some(source.into());
        self
    }

    /// Adds the method of the request that failed.
    pub fn with_method(mut self, method: http::Method) -> Error {
        self.inner.method = Some(method);
        self
    }

    /// Adds the URL of the request that failed; only its redacted form (no userinfo)
    /// is kept.
    pub fn with_url(self, url: &crate::url::Url) -> Error {
        self.with_redacted_url(url.redacted())
    }

    /// Names the request that failed — its method and URL — in whichever of the two
    /// the error does not name yet (an inner layer's naming wins).
    pub fn or_request(mut self, method: &http::Method, url: &crate::url::Url) -> Error {
        if self.inner.method.is_none() {
            self.inner.method = Some(method.clone());
        }
        if self.url().is_none() {
            self = self.with_url(url);
        }
        self
    }

    /// Adds the status of the response that caused a `Status` error.
    pub fn with_status(mut self, status: http::StatusCode) -> Error {
        self.inner.status = Some(status);
        self
    }

    /// The status of the response, for errors from `raise_for_status`.
    pub fn status(&self) -> Option<http::StatusCode> {
        self.inner.status
    }

    /// Adds the URL of the request that failed, already stripped of userinfo.
    pub(crate) fn with_redacted_url(mut self, url: impl Into<Box<str>>) -> Error {
        self.inner.url = Some(url.into());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The message saying what exactly went wrong, if there is one.
    pub fn message(&self) -> Option<&str> {
        self.inner.message.as_deref()
    }

    /// The method of the request that failed, when known.
    pub fn method(&self) -> Option<&http::Method> {
        self.inner.method.as_ref()
    }

    /// The URL of the request that failed, when known, **without userinfo**.
    pub fn url(&self) -> Option<&str> {
        self.inner.url.as_deref()
    }

    /// See [`ErrorKind::is_timeout`].
    pub fn is_timeout(&self) -> bool {
        self.kind().is_timeout()
    }

    /// See [`ErrorKind::is_connect`].
    pub fn is_connect(&self) -> bool {
        self.kind().is_connect()
    }

    /// See [`ErrorKind::is_network`].
    pub fn is_network(&self) -> bool {
        self.kind().is_network()
    }

    /// See [`ErrorKind::is_protocol`].
    pub fn is_protocol(&self) -> bool {
        self.kind().is_protocol()
    }

    /// See [`ErrorKind::is_transport`].
    pub fn is_transport(&self) -> bool {
        self.kind().is_transport()
    }

    /// See [`ErrorKind::is_request`].
    pub fn is_request(&self) -> bool {
        self.kind().is_request()
    }

    /// See [`ErrorKind::is_stream`].
    pub fn is_stream(&self) -> bool {
        self.kind().is_stream()
    }

    /// `raise_for_status` met a status that is not a success.
    pub fn is_status(&self) -> bool {
        self.kind() == ErrorKind::Status
    }

    /// A redirect chain was longer than allowed.
    pub fn is_redirect(&self) -> bool {
        self.kind() == ErrorKind::TooManyRedirects
    }

    /// The response body could not be decoded.
    pub fn is_decode(&self) -> bool {
        self.kind() == ErrorKind::Decoding
    }

    /// A URL could not be parsed or is not valid.
    pub fn is_invalid_url(&self) -> bool {
        self.kind() == ErrorKind::InvalidUrl
    }
}

/// A copy of `error` keeping its kind and message (errors are not `Clone`: their source
/// may not be).
pub(crate) fn copy_error(error: &Error) -> Error {
    let copy = Error::new(error.kind());
    match error.message() {
        Some(message) => copy.with_message(message.to_owned()),
        None => copy,
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error::new(kind)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.inner.kind.description())?;
        if let Some(message) = &self.inner.message {
            write!(f, ": {message}")?;
        }
        match (&self.inner.method, &self.inner.url) {
            (Some(method), Some(url)) => write!(f, " ({method} {url})"),
            (None, Some(url)) => write!(f, " ({url})"),
            (Some(method), None) => write!(f, " ({method})"),
            (None, None) => Ok(()),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("xhttp::Error");
        debug.field("kind", &self.inner.kind);
        if let Some(message) = &self.inner.message {
            debug.field("message", message);
        }
        if let Some(method) = &self.inner.method {
            debug.field("method", method);
        }
        if let Some(url) = &self.inner.url {
            debug.field("url", url);
        }
        if let Some(status) = &self.inner.status {
            debug.field("status", status);
        }
        if let Some(source) = &self.inner.source {
            debug.field("source", source);
        }
        debug.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|source| &**source as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_one_pointer_wide() {
        assert_eq!(size_of::<Error>(), size_of::<usize>());
    }

    #[test]
    fn display_names_kind_message_method_and_url() {
        let error = Error::new(ErrorKind::Connect)
            .with_message("connection refused")
            .with_method(http::Method::POST)
            .with_redacted_url("http://example.com/a");
        assert_eq!(
            error.to_string(),
            "connect error: connection refused (POST http://example.com/a)"
        );
    }

    #[test]
    fn an_attached_url_never_shows_userinfo() {
        let url: crate::url::Url = "http://user:hunter2@example.com/p".parse().unwrap();
        let error = Error::new(ErrorKind::ReadTimeout).with_url(&url);
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(
                !text.contains("hunter2") && !text.contains("user"),
                "{text}"
            );
            assert!(text.contains("example.com/p"), "{text}");
        }
    }

    #[test]
    fn keeps_its_source() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        let error = Error::new(ErrorKind::Read).with_source(io);
        let source = error.source().expect("a source");
        assert_eq!(source.to_string(), "reset");
        assert!(format!("{error:?}").contains("source"));
    }

    #[test]
    fn predicates_follow_httpx_tree() {
        use ErrorKind::*;
        for kind in [
            ConnectTimeout,
            ReadTimeout,
            WriteTimeout,
            PoolTimeout,
            TotalTimeout,
        ] {
            assert!(
                kind.is_timeout() && kind.is_transport() && kind.is_request(),
                "{kind}"
            );
            assert!(!kind.is_network());
        }
        for kind in [Connect, Read, Write, Close] {
            assert!(
                kind.is_network() && kind.is_transport() && !kind.is_timeout(),
                "{kind}"
            );
        }
        assert!(ConnectTimeout.is_connect() && Connect.is_connect() && !Read.is_connect());
        for kind in [LocalProtocol, RemoteProtocol] {
            assert!(kind.is_protocol() && kind.is_transport());
        }
        assert!(Proxy.is_transport() && UnsupportedProtocol.is_transport());
        assert!(Decoding.is_request() && !Decoding.is_transport());
        assert!(TooManyRedirects.is_request() && !TooManyRedirects.is_transport());
        for kind in [
            Status,
            InvalidUrl,
            InvalidHeader,
            CookieConflict,
            BlockingInsideRuntime,
            InvalidBody,
        ] {
            assert!(!kind.is_request() && !kind.is_stream(), "{kind}");
        }
        for kind in [
            StreamConsumed,
            StreamClosed,
            ResponseNotRead,
            RequestNotRead,
        ] {
            assert!(kind.is_stream() && !kind.is_request(), "{kind}");
        }
    }
}
