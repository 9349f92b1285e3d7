//! The client's stack, composed once per client (DESIGN §2):
//!
//! ```text
//! per logical request   user layers (layer_per_request) -> auth -> redirects (history)
//!                       -> retries (a pass-through without a policy)
//! per hop               hooks -> cookies -> decompression -> trace (feature `tracing`)
//!                       -> user layers (layer_per_hop)
//! routing               Dispatch -> transport
//! ```
//!
//! With the `tracing` feature, each logical request runs in a `DEBUG` span `request`
//! (created only when a subscriber wants it).
//!
//! Without user layers every service is concrete: one future, held inline in the
//! `Pending` box; with them, the user's part is erased into `BoxTransport`s.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::HeaderValue;
use tower_layer::Layer;
use tower_service::Service;
use xhttp_core::client::ClientConfig;
use xhttp_core::{Body, CookieStore, Error, Url};

use crate::dispatch::{Dispatch, DispatchFuture};
use crate::layers::redirect::Standard;
use crate::layers::{AuthLayer, CookieLayer, DecompressionLayer, HooksLayer, RedirectLayer};
use crate::layers::{AuthService, Cookies, Decompression, HookService, Redirect};
use crate::layers::{Retry, RetryLayer};
use crate::transport::{BoxTransport, TransportFuture};

/// The per-logical-request stack without user layers.
pub(crate) type Stack =
    AuthService<Redirect<Retry<HookService<Cookies<Decompression<Traced<Hop>>>>>, Standard>>;

/// The hop, logged when the `tracing` feature is on.
#[cfg(feature = "tracing")]
type Traced<S> = crate::layers::Trace<S>;
#[cfg(not(feature = "tracing"))]
type Traced<S> = S;

#[cfg(feature = "tracing")]
fn traced(hop: Hop) -> Traced<Hop> {
    crate::layers::TraceLayer::new().layer(hop)
}

#[cfg(not(feature = "tracing"))]
fn traced(hop: Hop) -> Traced<Hop> {
    hop
}

/// The whole stack: concrete, or erased when the user added per-request layers.
#[derive(Clone)]
pub(crate) enum Pipeline {
    Direct(Stack),
    Layered(BoxTransport),
}

impl Pipeline {
    pub(crate) fn new(config: &ClientConfig<BoxTransport>, dispatch: Dispatch) -> Pipeline {
        let hop = if config.layers_per_hop.is_empty() {
            Hop::Direct(dispatch)
        } else {
            let mut service = BoxTransport::new(dispatch);
            for wrap in &config.layers_per_hop {
                service = wrap(service);
            }
            Hop::Layered(service)
        };
        let store: Arc<dyn CookieStore> = match &config.cookie_store {
            Some(store) => Arc::clone(store),
            None => Arc::new(NoStore),
        };
        // The client's default headers carry `Accept-Encoding` (users can see and
        // change it), so the layer does not add one.
        let mut decompression = DecompressionLayer::new().accept_encoding(false);
        if let Some(limit) = config.max_decompressed_body {
            decompression = decompression.max_decoded_size(limit);
        }
        let hop = decompression.layer(traced(hop));
        // Hooks and auth read bodies before the caller gets the response: the client's
        // read limit applies to those reads too.
        let hooks = HooksLayer::new(config.hooks.clone()).read_limit(config.max_response_body);
        let hop = hooks.layer(CookieLayer::new(store).layer(hop));
        let hop = RetryLayer::optional(config.retry.clone()).layer(hop);
        let redirects = RedirectLayer::new()
            .policy(Standard::new(config.max_redirects))
            .follow(config.follow_redirects);
        let auth = AuthLayer::new().read_limit(config.max_response_body);
        let stack = auth.layer(redirects.layer(hop));
        if config.layers_per_request.is_empty() {
            return Pipeline::Direct(stack);
        }
        let mut service = BoxTransport::new(stack);
        for wrap in &config.layers_per_request {
            service = wrap(service);
        }
        Pipeline::Layered(service)
    }

    /// Sends one logical request through the stack (in its span, when traced).
    pub(crate) fn send(&self, request: http::Request<Body>) -> PipelineFuture {
        #[cfg(feature = "tracing")]
        let span = {
            let span = tracing::debug_span!(
                target: "xhttp",
                "request",
                method = %request.method(),
                url = %crate::layers::trace::RedactedUri(request.uri()),
            );
            (!span.is_disabled()).then_some(span)
        };
        let inner = match self {
            Pipeline::Direct(stack) => Sending::Direct(stack.clone().call(request)),
            Pipeline::Layered(service) => Sending::Layered(service.send(request)),
        };
        PipelineFuture {
            inner,
            #[cfg(feature = "tracing")]
            span,
        }
    }
}

/// The future of [`Pipeline::send`]: the stack's own future, no extra state machine.
pub(crate) struct PipelineFuture {
    inner: Sending,
    /// The logical request's span, entered on each poll; `None` when not wanted.
    #[cfg(feature = "tracing")]
    span: Option<tracing::Span>,
}

enum Sending {
    Direct(<Stack as Service<http::Request<Body>>>::Future),
    Layered(TransportFuture),
}

impl Future for PipelineFuture {
    type Output = Result<http::Response<Body>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        #[cfg(feature = "tracing")]
        let _entered = this.span.as_ref().map(tracing::Span::enter);
        match &mut this.inner {
            Sending::Direct(future) => Pin::new(future).poll(cx),
            Sending::Layered(future) => future.as_mut().poll(cx),
        }
    }
}

impl fmt::Debug for PipelineFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PipelineFuture")
    }
}

impl fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pipeline::Direct(_) => f.write_str("Pipeline::Direct"),
            Pipeline::Layered(_) => f.write_str("Pipeline::Layered"),
        }
    }
}

/// The per-hop service under cookies and hooks: routing, or the user's per-hop layers
/// around it.
#[derive(Clone, Debug)]
pub(crate) enum Hop {
    Direct(Dispatch),
    Layered(BoxTransport),
}

impl Service<http::Request<Body>> for Hop {
    type Response = http::Response<Body>;
    type Error = Error;
    type Future = HopFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> HopFuture {
        match self {
            Hop::Direct(dispatch) => HopFuture::Direct(dispatch.call(request)),
            Hop::Layered(service) => HopFuture::Layered(service.send(request)),
        }
    }
}

/// The future of [`Hop`].
pub(crate) enum HopFuture {
    Direct(DispatchFuture),
    Layered(TransportFuture),
}

impl Future for HopFuture {
    type Output = Result<http::Response<Body>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            HopFuture::Direct(future) => Pin::new(future).poll(cx),
            HopFuture::Layered(future) => future.as_mut().poll(cx),
        }
    }
}

impl fmt::Debug for HopFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HopFuture")
    }
}

/// The store of a client without cookies: keeps nothing, sends nothing.
#[derive(Debug)]
struct NoStore;

impl CookieStore for NoStore {
    fn set_cookies(&self, _: &Url, _: &http::HeaderMap) {}

    fn cookies(&self, _: &Url) -> Option<HeaderValue> {
        None
    }
}
