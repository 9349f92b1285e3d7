//! [`TraceLayer`]: httpx's log line for every hop, through `tracing` (cargo feature
//! `tracing`, on by default).
//!
//! Each request on the wire (every redirect hop, auth retry and retry included) gives
//! one `INFO` event of target `xhttp` when its response head arrives:
//!
//! ```text
//! HTTP Request: GET http://example.com/path?page=2 "HTTP/1.1 200 OK"
//! ```
//!
//! with the fields `method`, `url`, `status`, `version` and `elapsed_ms` (time to the
//! response head). A failed hop gives a `DEBUG` event with the error's kind. xhttp's
//! clients also open one `DEBUG` span `request` (fields `method`, `url`) per logical
//! request, around all of its hops.
//!
//! * **No secrets:** the URL is logged without its userinfo (and without a fragment,
//!   which is never sent); no header is logged, so `Authorization`, `Cookie`,
//!   `Set-Cookie` and `Proxy-Authorization` never appear. The query string is logged
//!   as httpx does: keep credentials out of query strings, or filter the `xhttp`
//!   target.
//! * **No cost when off:** when no subscriber wants the event, the layer's future is
//!   the inner future and nothing is formatted or copied.

mod future;

use std::fmt;
use std::task::{Context, Poll};

use tower_layer::Layer;
use tower_service::Service;

pub use future::TraceFuture;

/// Logs each hop; see the [module docs](self).
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceLayer {
    _private: (),
}

impl TraceLayer {
    /// The layer.
    pub fn new() -> TraceLayer {
        TraceLayer::default()
    }
}

impl<S> Layer<S> for TraceLayer {
    type Service = Trace<S>;

    fn layer(&self, inner: S) -> Trace<S> {
        Trace { inner }
    }
}

/// The service of [`TraceLayer`].
#[derive(Debug, Clone)]
pub struct Trace<S> {
    inner: S,
}

impl<S, ReqB, ResB> Service<http::Request<ReqB>> for Trace<S>
where
    S: Service<http::Request<ReqB>, Response = http::Response<ResB>>,
    S::Error: fmt::Display,
{
    type Response = http::Response<ResB>;
    type Error = S::Error;
    type Future = TraceFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqB>) -> Self::Future {
        let hop = if tracing::enabled!(target: "xhttp", tracing::Level::INFO) {
            Some(future::Hop::new(request.method(), request.uri()))
        } else {
            None
        };
        TraceFuture::new(self.inner.call(request), hop)
    }
}

/// A URI without its userinfo, formatted only when a subscriber records it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RedactedUri<'a>(pub(crate) &'a http::Uri);

impl fmt::Display for RedactedUri<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let uri = self.0;
        if let Some(scheme) = uri.scheme_str() {
            write!(f, "{scheme}://")?;
        }
        if let Some(authority) = uri.authority() {
            let host = authority.as_str();
            let host = host.rsplit_once('@').map_or(host, |(_, host)| host);
            f.write_str(host)?;
        }
        match uri.path_and_query() {
            Some(path) => write!(f, "{path}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_never_appears() {
        let uri: http::Uri = "http://user:secret@example.com:8080/a?b=c".parse().unwrap();
        assert_eq!(
            RedactedUri(&uri).to_string(),
            "http://example.com:8080/a?b=c"
        );
        let plain: http::Uri = "https://example.com/".parse().unwrap();
        assert_eq!(RedactedUri(&plain).to_string(), "https://example.com/");
        let origin: http::Uri = "/only/path".parse().unwrap();
        assert_eq!(RedactedUri(&origin).to_string(), "/only/path");
    }
}
