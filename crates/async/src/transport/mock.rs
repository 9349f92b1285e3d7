//! [`MockTransport`]: answers requests with a closure, with no network.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http_body_util::BodyExt;
use tower_service::Service;
use xhttp_core::{Body, Error, Request};

use super::TransportFuture;

type Handler = dyn Fn(Request) -> Pin<Box<dyn Future<Output = Result<http::Response<Body>, Error>> + Send>>
    + Send
    + Sync;

/// A transport that answers every request with a closure, as httpx's `MockTransport`.
///
/// The request body is read first (a stream is collected), so the closure sees it whole
/// with [`Request::content`]. The closure returns any response flavour
/// (`xhttp::Response` or `xhttp::AsyncResponse`), or an `http::Response<Body>`.
///
/// ```
/// use xhttp_async::MockTransport;
/// use xhttp_core::{Async, Response};
///
/// let transport = MockTransport::new(|request| {
///     Response::<Async>::new(http::StatusCode::OK).with_content(request.url().path().into_owned())
/// });
/// # let _ = transport;
/// ```
#[derive(Clone)]
pub struct MockTransport {
    handler: Arc<Handler>,
}

impl MockTransport {
    /// A transport answering with a plain closure.
    pub fn new<R>(handler: impl Fn(Request) -> R + Send + Sync + 'static) -> MockTransport
    where
        R: Into<http::Response<Body>>,
    {
        let handler = Arc::new(handler);
        MockTransport {
            handler: Arc::new(move |request| {
                let response = handler(request).into();
                Box::pin(std::future::ready(Ok(response)))
            }),
        }
    }

    /// A transport answering with a closure that may fail (say, with a simulated
    /// connect error).
    pub fn try_new<R>(
        handler: impl Fn(Request) -> Result<R, Error> + Send + Sync + 'static,
    ) -> MockTransport
    where
        R: Into<http::Response<Body>>,
    {
        let handler = Arc::new(handler);
        MockTransport {
            handler: Arc::new(move |request| {
                let response = handler(request).map(Into::into);
                Box::pin(std::future::ready(response))
            }),
        }
    }

    /// A transport answering with an async closure.
    pub fn new_async<Fut, R>(
        handler: impl Fn(Request) -> Fut + Send + Sync + 'static,
    ) -> MockTransport
    where
        Fut: Future<Output = Result<R, Error>> + Send + 'static,
        R: Into<http::Response<Body>>,
    {
        let handler = Arc::new(handler);
        MockTransport {
            handler: Arc::new(move |request| {
                let future = handler(request);
                Box::pin(async move { future.await.map(Into::into) })
            }),
        }
    }
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MockTransport")
    }
}

impl Service<http::Request<Body>> for MockTransport {
    type Response = http::Response<Body>;
    type Error = Error;
    type Future = TransportFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> TransportFuture {
        let handler = Arc::clone(&self.handler);
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let body = if body.is_replayable() {
                body
            } else {
                Body::from_bytes(body.collect().await?.to_bytes())
            };
            let request = Request::from_http(http::Request::from_parts(parts, body))?;
            handler(request).await
        })
    }
}
