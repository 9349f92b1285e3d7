//! The client contract shared by both flavours: one [`ClientBuilder`] and one
//! [`RequestBuilder`], generic over the client type, and the [`ClientFlavor`] trait each
//! client crate implements for its own client.
//!
//! The generic parameter is the client itself (`xhttp::Client` or `xhttp::AsyncClient`)
//! rather than the flavour marker: Rust's coherence rules let the client crates
//! implement a core trait only for their own types, and `send()` must return a
//! different thing per client (a response, or a future of one).

mod builder;
mod builder_hooks;
mod builder_http;
mod builder_layers2;
mod builder_proxy;
mod builder_trace;
mod config;
mod into_url;
mod merge;
mod payload;
mod request_builder;
#[cfg(test)]
mod test_client;

pub use builder::ClientBuilder;
pub use config::{
    ClientConfig, DEFAULT_MAX_REDIRECTS, LayerFn, default_headers, default_headers_with,
};
pub use into_url::IntoUrl;
pub use merge::{AuthChoice, RequestParts, merge_request};
pub use request_builder::RequestBuilder;

use crate::flavor::Flavor;
use crate::{Body, Error, Request};

/// Whether `send` reads the response body before returning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendMode {
    /// Read the whole body: `content()`, `text()`, `json()` work at once (`send()`).
    Read,
    /// Leave the body unread, for streaming (`stream()`).
    Stream,
}

/// What a client crate implements for its client type, so that the shared builders can
/// build it and send through it. Users do not call these methods directly.
pub trait ClientFlavor: Clone + Send + Sync + Sized + 'static {
    /// The flavour of the responses (`Blocking` or `Async`).
    type Flavor: Flavor;
    /// The transport type a builder accepts.
    type Transport: EraseService + Clone + std::fmt::Debug + Send + Sync + 'static;
    /// What sending returns: a response, or a future of one.
    type Pending;

    /// Builds the client from the settings a builder gathered.
    fn from_config(config: ClientConfig<Self::Transport>) -> Result<Self, Error>;

    /// The client's settings, for merging into each request.
    fn config(&self) -> &ClientConfig<Self::Transport>;

    /// Sends a request built by a [`RequestBuilder`] (or the error that stopped it).
    fn dispatch(&self, request: Result<Request, Error>, mode: SendMode) -> Self::Pending;

    /// The `Accept-Encoding` a new client's default headers carry: the content codings
    /// the client can decode (`None`: the header is not added).
    const ACCEPT_ENCODING: Option<&'static str> = None;
}

/// Any service that can serve as a transport: a cloneable tower `Service` from
/// `http::Request<Body>` to `http::Response<Body>` failing with [`Error`], whose future is
/// `Send`. Its `poll_ready` is always ready (all waiting happens inside the future) and
/// it is cheap to clone. Implemented for every such service; the bound of user layers'
/// services and of what [`EraseService`] erases.
pub trait Transport:
    tower_service::Service<
        http::Request<Body>,
        Response = http::Response<Body>,
        Error = Error,
        Future: Send + 'static,
    > + Clone
    + Send
    + Sync
    + 'static
{
}

impl<T> Transport for T where
    T: tower_service::Service<
            http::Request<Body>,
            Response = http::Response<Body>,
            Error = Error,
            Future: Send + 'static,
        > + Clone
        + Send
        + Sync
        + 'static
{
}

/// A client's erased service type (its transport type): what user layers given to
/// `ClientBuilder::layer_per_hop` / `layer_per_request` wrap, and what their services
/// are erased back into. Implemented by the client crates.
pub trait EraseService: Sized {
    /// Erases `service`'s type.
    fn erase<S: Transport>(service: S) -> Self;
}

/// Writes the request methods (`get`, `post`, ..., `request`, `build_request`, `send`,
/// `stream`) of a client type that implements [`ClientFlavor`]. For client crates.
#[doc(hidden)]
#[macro_export]
macro_rules! client_methods {
    (@shortcuts $client:ty; $($name:ident $method:ident $text:literal),*) => {
        $(
            #[doc = concat!("Starts a `", $text, "` request.")]
            pub fn $name(
                &self,
                url: impl $crate::client::IntoUrl,
            ) -> $crate::client::RequestBuilder<$client> {
                self.request($crate::http::Method::$method, url)
            }
        )*
    };
    ($client:ty) => {
        impl $client {
            /// Starts a request with `method` to `url` (joined onto `base_url` when
            /// relative).
            pub fn request(
                &self,
                method: $crate::http::Method,
                url: impl $crate::client::IntoUrl,
            ) -> $crate::client::RequestBuilder<$client> {
                $crate::client::RequestBuilder::new(self.clone(), method, url)
            }

            $crate::client_methods!(@shortcuts $client;
                get GET "GET", post POST "POST", put PUT "PUT", patch PATCH "PATCH",
                delete DELETE "DELETE", head HEAD "HEAD", options OPTIONS "OPTIONS");

            /// Sends a request as it is: the client's defaults (base_url, headers,
            /// params, cookies, auth) are not applied again; its timeout is, when the
            /// request has none. The body is read before returning.
            pub fn send(
                &self,
                request: $crate::Request,
            ) -> <$client as $crate::client::ClientFlavor>::Pending {
                $crate::client::ClientFlavor::dispatch(
                    self,
                    Ok(request),
                    $crate::client::SendMode::Read,
                )
            }

            /// Like [`send`](Self::send), but the body is left unread for streaming.
            pub fn send_stream(
                &self,
                request: $crate::Request,
            ) -> <$client as $crate::client::ClientFlavor>::Pending {
                $crate::client::ClientFlavor::dispatch(
                    self,
                    Ok(request),
                    $crate::client::SendMode::Stream,
                )
            }
        }
    };
}
