//! [`HooksLayer`] / [`HookService`]: the client's event hooks
//! ([`xhttp_core::hooks`]) around each hop.
//!
//! Request hooks run in order on the hop's request (as a core `Request`), then the hop
//! is sent, then response hooks run in order on its response (as a `Response<Async>`,
//! its body read first when a hook asked for it). A hook's error fails the exchange.
//! With no hooks the request passes through untouched, with no allocation.
//!
//! * **Size limit.** The response hooks see has the layer's
//!   [`read_limit`](HooksLayer::read_limit) (the client's `max_response_body`): the read
//!   done for a hook, and any `read()` a hook calls, fail with `BodyTooLarge` past it.
//! * **A body a hook took.** A body a hook read stays read for the caller. A body a
//!   hook streamed (in part or whole, decoded or raw) or closed without reading reaches
//!   the caller as a body whose reading fails with `StreamConsumed` or `StreamClosed`
//!   (as httpx raises), never as a silently shorter, empty or still-encoded body.
//!
//! Unlike the other layers this one is over xhttp's own `Body` on both sides: hooks see
//! xhttp's request and response types.

use std::future::poll_fn;
use std::sync::Arc;
use std::task::{Context, Poll};

use tower_layer::Layer;
use tower_service::Service;
use xhttp_core::hooks::{Hooks, RequestHook, ResponseHookFn};
use xhttp_core::{Async, Body, BoxError, Error, Request, Response};

use super::error::into_error;
use super::future::MaybeBoxed;

/// Wraps a service in [`HookService`].
#[derive(Debug, Clone)]
pub struct HooksLayer {
    hooks: Arc<Hooks>,
    read_limit: Option<u64>,
}

impl HooksLayer {
    /// Runs `hooks` (set them with `ClientBuilder::on_request` and friends), with no
    /// limit on the response bodies read for them.
    pub fn new(hooks: Hooks) -> HooksLayer {
        HooksLayer {
            hooks: Arc::new(hooks),
            read_limit: None,
        }
    }

    /// The most bytes of a response body read for (or by) the response hooks; `None`
    /// for no limit (the default). Past it, reading fails with `BodyTooLarge` and the
    /// exchange fails. The clients pass their `max_response_body`.
    ///
    /// ```
    /// use xhttp_async::layers::HooksLayer;
    ///
    /// let layer = HooksLayer::new(Default::default()).read_limit(Some(10 << 20));
    /// # let _ = layer;
    /// ```
    pub fn read_limit(mut self, limit: Option<u64>) -> HooksLayer {
        self.read_limit = limit;
        self
    }
}

impl<S> Layer<S> for HooksLayer {
    type Service = HookService<S>;

    fn layer(&self, inner: S) -> HookService<S> {
        HookService {
            inner,
            hooks: Arc::clone(&self.hooks),
            read_limit: self.read_limit,
        }
    }
}

/// Runs event hooks around each request (see the [module docs](self)).
#[derive(Debug, Clone)]
pub struct HookService<S> {
    inner: S,
    hooks: Arc<Hooks>,
    read_limit: Option<u64>,
}

/// The future of [`HookService`].
pub type ResponseFuture<F> = MaybeBoxed<F, Body>;

impl<S> Service<http::Request<Body>> for HookService<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
{
    type Response = http::Response<Body>;
    type Error = Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(into_error)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        if self.hooks.is_empty() {
            return MaybeBoxed::passthrough(self.inner.call(request));
        }
        let ready = self.inner.clone();
        let service = std::mem::replace(&mut self.inner, ready);
        MaybeBoxed::boxed(Box::pin(run(
            service,
            request,
            Arc::clone(&self.hooks),
            self.read_limit,
        )))
    }
}

async fn run<S>(
    mut service: S,
    request: http::Request<Body>,
    hooks: Arc<Hooks>,
    read_limit: Option<u64>,
) -> Result<http::Response<Body>, Error>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>>,
    S::Error: Into<BoxError>,
{
    let request = if hooks.request.is_empty() {
        request
    } else {
        let mut request = Request::from_http(request)?;
        for hook in &hooks.request {
            match hook {
                RequestHook::Sync(hook) => hook(&mut request)?,
                RequestHook::Async(hook) => request = hook(request).await?,
            }
        }
        request.into_http()
    };
    poll_fn(|cx| service.poll_ready(cx))
        .await
        .map_err(into_error)?;
    let response = service.call(request).await.map_err(into_error)?;
    if hooks.response.is_empty() {
        return Ok(response);
    }
    let mut response = Response::<Async>::from_http(response, ());
    // Before any read: the one for the hooks and those the hooks make.
    response.set_read_limit(read_limit);
    if hooks.needs_body() {
        response.read().await?;
    }
    for hook in &hooks.response {
        match &hook.hook {
            ResponseHookFn::Sync(hook) => hook(&mut response)?,
            ResponseHookFn::Async(hook) => response = hook(response).await?,
        }
    }
    // A body read here (by a hook or for one) stays read for the caller.
    let read = response.content().is_ok();
    let received = response.num_bytes_downloaded();
    let meta = response.meta_mut();
    meta.body_read = read;
    meta.body_received = read.then_some(received);
    Ok(response.into_http())
}
