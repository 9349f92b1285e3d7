//! [`AuthLayer`] / [`AuthService`]: runs the request's [`Auth`] flow (Basic, Bearer,
//! Digest, `.netrc`, closures, your own) around the inner service, per the driver
//! contract of [`xhttp_core::auth`].
//!
//! * The auth is the request's `RequestContext::auth` (what the client merged: the
//!   request's, the client's or the URL's userinfo), else the layer's own.
//! * When the auth needs the request body (`requires_request_body`), a streamed body is
//!   read into memory first; the flow then sees it.
//! * When the auth asks for response bodies (`requires_response_body`), each is read
//!   for the flow up to the layer's [`read_limit`](AuthLayer::read_limit) (the client's
//!   `max_response_body`); past it the exchange fails with `BodyTooLarge`.
//! * When a flow asks for another request, the earlier response is read (in full when
//!   the auth asks for bodies, `requires_response_body`; bounded otherwise) and put in
//!   the final response's `history()`, as httpx. The follow-up carries the original
//!   body again: a one-shot body then fails with `StreamConsumed`. (A flow cannot swap
//!   the body of a follow-up: only its method, URL and headers are taken.)
//! * With no auth the request passes through untouched, with no allocation.
//!
//! Generic over the request body (a [`ReplayBody`] that is an `http_body::Body`), the
//! response body (a [`ReplayBody`] too: a body read for the flow is given back in
//! memory) and the inner error.

mod future;

use std::future::poll_fn;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::BodyExt;
use tower_layer::Layer;
use tower_service::Service;
use xhttp_core::auth::{Auth, AuthDriver, AuthResponse};
use xhttp_core::body::body_too_large;
use xhttp_core::{Body, BoxError, Error, ErrorKind, HistoryEntry, Request, RequestContext};

pub use future::ResponseFuture;

use super::body::ReplayBody;
use super::error::into_error;
use super::read::{into_history, meta_mut, prepend_history};

/// Wraps a service in [`AuthService`].
#[derive(Debug, Clone, Default)]
pub struct AuthLayer {
    auth: Option<Arc<dyn Auth>>,
    read_limit: Option<u64>,
}

impl AuthLayer {
    /// Runs the auth each request's `RequestContext` names (what the clients do).
    pub fn new() -> AuthLayer {
        AuthLayer::default()
    }

    /// Runs `auth` for requests whose `RequestContext` names none (or that have none).
    ///
    /// ```
    /// use xhttp_async::layers::auth::AuthLayer;
    /// use xhttp_core::auth::DigestAuth;
    ///
    /// let layer = AuthLayer::with_auth(DigestAuth::new("user", "pass"));
    /// # let _ = layer;
    /// ```
    pub fn with_auth(auth: impl Auth + 'static) -> AuthLayer {
        AuthLayer {
            auth: Some(Arc::new(auth)),
            read_limit: None,
        }
    }

    /// The most bytes of a response body read for an auth that asks for bodies
    /// (`requires_response_body`); `None` for no limit (the default). Past it the
    /// exchange fails with `BodyTooLarge`. The clients pass their `max_response_body`.
    ///
    /// ```
    /// use xhttp_async::layers::auth::AuthLayer;
    ///
    /// let layer = AuthLayer::new().read_limit(Some(10 << 20));
    /// # let _ = layer;
    /// ```
    pub fn read_limit(mut self, limit: Option<u64>) -> AuthLayer {
        self.read_limit = limit;
        self
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> AuthService<S> {
        AuthService {
            inner,
            auth: self.auth.clone(),
            read_limit: self.read_limit,
        }
    }
}

/// Authenticates requests (see the [module docs](self)).
#[derive(Debug, Clone)]
pub struct AuthService<S> {
    inner: S,
    auth: Option<Arc<dyn Auth>>,
    read_limit: Option<u64>,
}

impl<S, ReqB, ResB> Service<http::Request<ReqB>> for AuthService<S>
where
    S: Service<http::Request<ReqB>, Response = http::Response<ResB>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    ReqB: ReplayBody + http_body::Body + Send + 'static,
    ReqB::Data: Send,
    ReqB::Error: Into<BoxError>,
    ResB: ReplayBody + http_body::Body + Send + 'static,
    ResB::Data: Send,
    ResB::Error: Into<BoxError>,
{
    type Response = http::Response<ResB>;
    type Error = Error;
    type Future = ResponseFuture<S::Future, ResB>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(into_error)
    }

    fn call(&mut self, request: http::Request<ReqB>) -> Self::Future {
        let auth = request
            .extensions()
            .get::<RequestContext>()
            .and_then(|context| context.auth.clone())
            .or_else(|| self.auth.clone());
        let Some(auth) = auth else {
            return ResponseFuture::passthrough(self.inner.call(request));
        };
        // The instance polled ready serves the first request; a clone takes its place.
        let ready = self.inner.clone();
        let service = std::mem::replace(&mut self.inner, ready);
        ResponseFuture::boxed(Box::pin(authenticate(
            service,
            request,
            auth,
            self.read_limit,
        )))
    }
}

/// One logical request through its auth flow.
async fn authenticate<S, ReqB, ResB>(
    mut service: S,
    request: http::Request<ReqB>,
    auth: Arc<dyn Auth>,
    read_limit: Option<u64>,
) -> Result<http::Response<ResB>, Error>
where
    S: Service<http::Request<ReqB>, Response = http::Response<ResB>>,
    S::Error: Into<BoxError>,
    ReqB: ReplayBody + http_body::Body,
    ReqB::Error: Into<BoxError>,
    ResB: ReplayBody + http_body::Body,
    ResB::Error: Into<BoxError>,
{
    let mut driver = AuthDriver::new(&*auth);
    let (parts, mut body) = request.into_parts();
    if driver.requires_request_body() && body.bytes().is_none() {
        body = buffer(body).await?;
    }
    let mut view = Request::from_http(http::Request::from_parts(parts, view_of(&body)))?;
    driver
        .start(&mut view)
        .map_err(|error| name(error, &view))?;
    let mut replay = body.try_clone();
    let mut history: Vec<HistoryEntry> = Vec::new();
    let mut request = with_body(view, body);
    loop {
        let mut response = service.call(request).await.map_err(into_error)?;
        let mut content = None;
        if driver.requires_response_body() {
            let (parts, body) = response.into_parts();
            let bytes = read_limited(body, read_limit).await?;
            content = Some(bytes.clone());
            let body = ResB::from_bytes(bytes).ok_or_else(|| {
                Error::new(ErrorKind::InvalidBody).with_message(
                    "the auth reads response bodies, but the response body type cannot hold bytes",
                )
            })?;
            response = http::Response::from_parts(parts, body);
        }
        let headers = xhttp_core::Headers::from(std::mem::take(response.headers_mut()));
        let step = {
            let mut view = AuthResponse::new(response.status(), &headers);
            if let Some(content) = &content {
                view = view.with_body(content);
            }
            driver.on_response(&view)
        };
        *response.headers_mut() = headers.into();
        let next = match step {
            Ok(None) => {
                prepend_history(&mut response, history);
                return Ok(response);
            }
            Ok(Some(next)) => next,
            Err(error) => return Err(name_response(error, &response)),
        };
        let Some(body) = replay.take() else {
            return Err(name(
                Error::new(ErrorKind::StreamConsumed).with_message(
                    "the request body is a one-shot stream and cannot be sent again for \
                     authentication: give the request a replayable body (bytes, text, form, JSON)",
                ),
                &next,
            ));
        };
        replay = body.try_clone();
        // The redirect hops before this challenge come first.
        history.append(&mut meta_mut(&mut response).history);
        history.push(into_history(response, None).await?);
        request = with_body(next, body);
        poll_fn(|cx| service.poll_ready(cx))
            .await
            .map_err(into_error)?;
    }
}

/// What the flow sees of the body: the bytes when in memory, else nothing.
fn view_of<B: ReplayBody>(body: &B) -> Body {
    match body.bytes() {
        Some(bytes) => Body::from_bytes(bytes),
        None => Body::empty(),
    }
}

/// The flow's request (method, URL, headers, context) with the real body.
fn with_body<B>(request: Request, body: B) -> http::Request<B> {
    let (parts, _) = request.into_http().into_parts();
    http::Request::from_parts(parts, body)
}

/// A response body read into memory for the flow: a `BodyTooLarge` error as soon as it
/// holds more than `limit` bytes (the rest is dropped unread).
async fn read_limited<B>(body: B, limit: Option<u64>) -> Result<Bytes, Error>
where
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    let bound = limit.map_or(usize::MAX, |limit| {
        usize::try_from(limit).unwrap_or(usize::MAX)
    });
    super::read::read_bounded(body, bound)
        .await?
        .ok_or_else(|| {
            body_too_large(
                "response body",
                limit.unwrap_or(u64::MAX),
                "max_response_body",
            )
        })
}

/// A streamed body read into memory.
async fn buffer<B>(body: B) -> Result<B, Error>
where
    B: ReplayBody + http_body::Body,
    B::Error: Into<BoxError>,
{
    let bytes = body
        .readable()
        .collect()
        .await
        .map_err(into_error)?
        .to_bytes();
    B::from_bytes(bytes).ok_or_else(|| {
        Error::new(ErrorKind::InvalidBody).with_message(
            "the auth needs the request body in memory, but the body type cannot hold bytes",
        )
    })
}

fn name(error: Error, request: &Request) -> Error {
    error.or_request(request.method(), request.url())
}

fn name_response<B>(error: Error, response: &http::Response<B>) -> Error {
    let head = response
        .extensions()
        .get::<xhttp_core::ResponseMeta>()
        .and_then(|meta| meta.request.as_deref());
    match head {
        Some(head) => error.or_request(&head.method, &head.url),
        None => error,
    }
}
