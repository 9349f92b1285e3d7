//! [`ClientBuilder`]'s event hooks and user layers (see [`crate::hooks`]).

use std::future::Future;
use std::sync::Arc;

use tower_layer::Layer;

use super::builder::ClientBuilder;
use super::{ClientFlavor, EraseService, Transport};
use crate::hooks::{RequestHook, ResponseHook, ResponseHookFn};
use crate::{Async, Error, Request, Response};

impl<C: ClientFlavor> ClientBuilder<C> {
    /// A hook called with each hop's request before it is sent (every redirect and auth
    /// retry included); it may change the request, and an error fails the exchange. It
    /// runs inline in the client's pipeline and must not block (see [`crate::hooks`]).
    ///
    /// ```
    /// # use xhttp_core::client::{ClientBuilder, ClientFlavor};
    /// # fn f<C: ClientFlavor>(builder: ClientBuilder<C>) -> ClientBuilder<C> {
    /// builder.on_request(|request| request.headers_mut().insert("x-trace", "1"))
    /// # }
    /// ```
    pub fn on_request(
        self,
        hook: impl Fn(&mut Request) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Self {
        let hook = RequestHook::Sync(Arc::new(hook));
        self.with(|config| {
            config.hooks.request.push(hook);
            Ok(())
        })
    }

    /// A hook called with each hop's response, body unread, before the client decides on
    /// a redirect or an auth retry; it may change the response, and an error fails the
    /// exchange. Runs inline; must not block.
    pub fn on_response(
        self,
        hook: impl Fn(&mut Response<Async>) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Self {
        self.response_hook(ResponseHookFn::Sync(Arc::new(hook)), false)
    }

    /// Like [`on_response`](Self::on_response), but the body is read into memory first
    /// so the hook can use `content()` (even for `stream()`: opt-in memory use).
    pub fn on_response_with_body(
        self,
        hook: impl Fn(&mut Response<Async>) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Self {
        self.response_hook(ResponseHookFn::Sync(Arc::new(hook)), true)
    }

    fn response_hook(self, hook: ResponseHookFn, needs_body: bool) -> Self {
        self.with(|config| {
            config
                .hooks
                .response
                .push(ResponseHook { hook, needs_body });
            Ok(())
        })
    }

    /// Wraps each hop (each request on the wire: redirects and auth retries included)
    /// in a tower `layer`, inside the client's cookies and hooks, just before routing to
    /// a transport. Layers added later wrap the earlier ones.
    ///
    /// The layer wraps the client's erased service type (`xhttp::BoxTransport`); its
    /// service must be cheap to clone and its `poll_ready` always ready (all waiting
    /// inside the future), as every service of the client's stack.
    pub fn layer_per_hop<L>(self, layer: L) -> Self
    where
        L: Layer<C::Transport> + Send + Sync + 'static,
        L::Service: Transport,
    {
        let wrap = Arc::new(move |inner| C::Transport::erase(layer.layer(inner)));
        self.with(|config| {
            config.layers_per_hop.push(wrap);
            Ok(())
        })
    }

    /// Wraps each logical request (what `send()` sends, with all its redirects and auth
    /// retries) in a tower `layer`, outside the client's auth and redirects: it sees the
    /// request as built and the final response. Same contract as
    /// [`layer_per_hop`](Self::layer_per_hop).
    pub fn layer_per_request<L>(self, layer: L) -> Self
    where
        L: Layer<C::Transport> + Send + Sync + 'static,
        L::Service: Transport,
    {
        let wrap = Arc::new(move |inner| C::Transport::erase(layer.layer(inner)));
        self.with(|config| {
            config.layers_per_request.push(wrap);
            Ok(())
        })
    }
}

impl<C: ClientFlavor<Flavor = Async>> ClientBuilder<C> {
    /// An async request hook (async client only): it takes each hop's request and gives
    /// it back (changed or not), or fails the exchange.
    pub fn on_request_async<Fut>(
        self,
        hook: impl Fn(Request) -> Fut + Send + Sync + 'static,
    ) -> Self
    where
        Fut: Future<Output = Result<Request, Error>> + Send + 'static,
    {
        let hook = RequestHook::Async(Arc::new(move |request| Box::pin(hook(request))));
        self.with(|config| {
            config.hooks.request.push(hook);
            Ok(())
        })
    }

    /// An async response hook (async client only): it takes each hop's response (body
    /// unread; it may read it) and gives it back, or fails the exchange.
    pub fn on_response_async<Fut>(
        self,
        hook: impl Fn(Response<Async>) -> Fut + Send + Sync + 'static,
    ) -> Self
    where
        Fut: Future<Output = Result<Response<Async>, Error>> + Send + 'static,
    {
        let hook = ResponseHookFn::Async(Arc::new(move |response| Box::pin(hook(response))));
        self.response_hook(hook, false)
    }
}
