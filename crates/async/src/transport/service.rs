//! [`ServiceTransport`]: an in-process app (any tower service, an axum `Router`...)
//! called with no socket, its response streamed.

use std::fmt;
use std::future::poll_fn;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use tower_service::Service;
use xhttp_core::{Body, BoxError, Error, ErrorKind, RequestContext, TraceKind};

use super::TransportFuture;
use crate::observe::CountedBody;

/// A transport calling an in-process app: any tower `Service` taking
/// `http::Request<xhttp::Body>` and answering `http::Response<B>` for any body `B`
/// (bytes, errors convertible to a `BoxError`), as httpx's `WSGITransport` and
/// `ASGITransport`. An axum `Router` is one such service.
///
/// * **Streaming**: the response body is handed over as the app produces it, chunk by
///   chunk (httpx's ASGI transport buffers the whole body first): server-sent events
///   and long downloads work, and `stream()` sees the first chunk while the app is
///   still writing the rest.
/// * **App errors**: a service error is an [`ErrorKind::App`] error with the app's
///   error as its source, or, with [`raise_app_exceptions(false)`](Self::raise_app_exceptions),
///   a `500 Internal Server Error` with no headers and no body (as httpx). An error in
///   the middle of the response body is always an `App` error (the head was sent).
/// * The request reaches the app with its absolute URI, its headers and its body as a
///   one-shot stream (what the client's layers made of it: cookies, auth...). A service
///   wanting another body type can convert with `tower::ServiceBuilder::map_request`.
/// * The service is cloned for each request (tower's `poll_ready` then `call`) and need
///   not be `Sync`.
/// * **`Content-Length`**, as a server (hyper) would add it: when the app's response
///   has neither `Content-Length` nor `Transfer-Encoding` and its body's `size_hint` is
///   exact, the length is added (not for a `HEAD` request, nor a 1xx, 204 or 304
///   response) and kept on the body, so download progress has a total. A body that
///   then runs longer or shorter than its hint fails with an `App` error.
/// * **Timeouts do not apply**: the client's read, write, pool and total timeouts are
///   enforced by its HTTP exchange, which an in-process app never goes through (connect
///   timeouts have nothing to time either). An app that never answers, or a body that
///   never ends, waits for ever: bound it yourself (say, `tokio::time::timeout` around
///   the call, or a timeout layer in the app).
///
/// With the **blocking** client, the app's futures run on the calling thread (inside
/// the client's private runtime's context, where `tokio::spawn` and timers work), as
/// does the rest of a blocking exchange: an app that blocks the thread holds up only
/// that call, but one that waits on a runtime the caller is itself blocking (the
/// current-thread runtime of a `#[tokio::test]` calling the blocking client) never
/// wakes up. Use the async client there.
///
/// ```
/// use xhttp_async::{AsyncClient, ServiceTransport};
///
/// # async fn run(app: Hello) -> Result<(), xhttp_core::Error> {
/// // `app`: any tower service, such as an axum `Router`.
/// let client = AsyncClient::builder()
///     .base_url("http://app.test")
///     .transport(ServiceTransport::new(app))
///     .build()?;
/// let response = client.get("/hello").send().await?;
/// assert_eq!(response.text()?, "you asked for /hello");
/// # Ok(()) }
/// # #[derive(Clone)]
/// # struct Hello;
/// # impl tower_service::Service<http::Request<xhttp_core::Body>> for Hello {
/// #     type Response = http::Response<xhttp_core::Body>;
/// #     type Error = std::convert::Infallible;
/// #     type Future = std::future::Ready<Result<Self::Response, Self::Error>>;
/// #     fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
/// #         std::task::Poll::Ready(Ok(()))
/// #     }
/// #     fn call(&mut self, request: http::Request<xhttp_core::Body>) -> Self::Future {
/// #         let text = format!("you asked for {}", request.uri().path());
/// #         std::future::ready(Ok(http::Response::new(text.into())))
/// #     }
/// # }
/// ```
pub struct ServiceTransport<S> {
    /// Locked only to clone it, so the service need not be `Sync`.
    service: Arc<Mutex<S>>,
    raise_app_exceptions: bool,
}

impl<S> ServiceTransport<S> {
    /// A transport calling `service`; its errors are raised as `App` errors.
    pub fn new(service: S) -> ServiceTransport<S> {
        ServiceTransport {
            service: Arc::new(Mutex::new(service)),
            raise_app_exceptions: true,
        }
    }

    /// Whether a service error is raised as an [`ErrorKind::App`] error (the default)
    /// or turned into a `500` response with no headers and no body.
    pub fn raise_app_exceptions(mut self, raise: bool) -> ServiceTransport<S> {
        self.raise_app_exceptions = raise;
        self
    }
}

impl<S> Clone for ServiceTransport<S> {
    fn clone(&self) -> Self {
        ServiceTransport {
            service: Arc::clone(&self.service),
            raise_app_exceptions: self.raise_app_exceptions,
        }
    }
}

impl<S> fmt::Debug for ServiceTransport<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceTransport")
            .field("service", &std::any::type_name::<S>())
            .field("raise_app_exceptions", &self.raise_app_exceptions)
            .finish()
    }
}

impl<S, B> Service<http::Request<Body>> for ServiceTransport<S>
where
    S: Service<http::Request<Body>, Response = http::Response<B>> + Clone + Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = http::Response<Body>;
    type Error = Error;
    type Future = TransportFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> TransportFuture {
        let mut service = self
            .service
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let raise = self.raise_app_exceptions;
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let (trace, upload) = match parts.extensions.get::<RequestContext>() {
                Some(context) => (context.trace.clone(), context.upload_progress.clone()),
                None => (None, None),
            };
            if let Some(trace) = &trace {
                trace.emit(TraceKind::RequestHeadSent);
            }
            let body = CountedBody::upload(body, &parts.headers, upload, trace);
            let head = parts.method == http::Method::HEAD;
            let request = http::Request::from_parts(parts, body);
            let answered = async {
                poll_fn(|cx| service.poll_ready(cx)).await?;
                service.call(request).await
            };
            match answered.await {
                Ok(response) => {
                    let (mut parts, body) = response.into_parts();
                    let body = if head {
                        Body::empty()
                    } else {
                        match announced_length(&parts, &body) {
                            Some(length) => {
                                parts
                                    .headers
                                    .insert(http::header::CONTENT_LENGTH, length.into());
                                Body::from_stream_with_length(
                                    ExactBody::new(body.map_err(app_body_error), length),
                                    length,
                                )
                            }
                            None => Body::from_stream(body.map_err(app_body_error)),
                        }
                    };
                    Ok(http::Response::from_parts(parts, body))
                }
                Err(error) if raise => Err(Error::new(ErrorKind::App)
                    .with_message("the in-process app failed")
                    .with_source(error)),
                Err(_) => {
                    let mut response = http::Response::new(Body::empty());
                    *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
                    Ok(response)
                }
            }
        })
    }
}

/// The `Content-Length` a server would add to the app's response: its body's exact
/// size hint, when the app framed the body neither way and the status may carry one.
fn announced_length<B: http_body::Body>(parts: &http::response::Parts, body: &B) -> Option<u64> {
    let framed = parts.headers.contains_key(http::header::CONTENT_LENGTH)
        || parts.headers.contains_key(http::header::TRANSFER_ENCODING);
    let bodiless = parts.status.is_informational()
        || parts.status == http::StatusCode::NO_CONTENT
        || parts.status == http::StatusCode::NOT_MODIFIED;
    if framed || bodiless {
        return None;
    }
    body.size_hint().exact()
}

pin_project_lite::pin_project! {
    /// The app's body held to the length announced for it: running longer or ending
    /// shorter is an `App` error (what a server's framing check would make of it), never
    /// a body that contradicts its `Content-Length`.
    struct ExactBody<B> {
        #[pin]
        inner: B,
        length: u64,
        remaining: u64,
        failed: bool,
    }
}

impl<B> ExactBody<B> {
    fn new(inner: B, length: u64) -> ExactBody<B> {
        ExactBody {
            inner,
            length,
            remaining: length,
            failed: false,
        }
    }
}

fn length_mismatch(what: &str, length: u64) -> Error {
    Error::new(ErrorKind::App).with_message(format!(
        "the in-process app's response body is {what} than the {length} bytes its size \
         hint announced (sent as Content-Length)"
    ))
}

impl<B> http_body::Body for ExactBody<B>
where
    B: http_body::Body<Data = Bytes, Error = Error>,
{
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let this = self.project();
        if *this.failed {
            return Poll::Ready(None);
        }
        let polled = ready!(this.inner.poll_frame(cx));
        let mismatch = match &polled {
            Some(Ok(frame)) => match frame.data_ref() {
                Some(data) if data.len() as u64 > *this.remaining => Some("longer"),
                Some(data) => {
                    *this.remaining -= data.len() as u64;
                    None
                }
                None => None,
            },
            None if *this.remaining > 0 => Some("shorter"),
            _ => None,
        };
        if let Some(what) = mismatch {
            *this.failed = true;
            return Poll::Ready(Some(Err(length_mismatch(what, *this.length))));
        }
        Poll::Ready(polled)
    }

    fn is_end_stream(&self) -> bool {
        self.failed || (self.remaining == 0 && self.inner.is_end_stream())
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}

/// An error of the app's response body: an xhttp error as it is (the app passed on a
/// body of ours), any other as an `App` error.
fn app_body_error(error: impl Into<BoxError>) -> Error {
    match error.into().downcast::<Error>() {
        Ok(error) => *error,
        Err(other) => Error::new(ErrorKind::App)
            .with_message("the in-process app's response body failed")
            .with_source(other),
    }
}

impl<S, B> From<ServiceTransport<S>> for super::BoxTransport
where
    S: Service<http::Request<Body>, Response = http::Response<B>> + Clone + Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    fn from(transport: ServiceTransport<S>) -> super::BoxTransport {
        // Always ready and already boxing its future: no `poll_ready` call or second box.
        super::BoxTransport::new_ready(transport)
    }
}
