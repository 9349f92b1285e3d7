//! xhttp's middleware as public tower layers, usable with the clients (which compose
//! them) or around any other HTTP service, a plain hyper-util client included.
//!
//! | layer | service | what it does |
//! |---|---|---|
//! | [`RedirectLayer`] | [`Redirect`] | follows redirects with httpx's rules, a pluggable [`Policy`](redirect::Policy), history |
//! | [`AuthLayer`] | [`AuthService`] | drives `Auth` flows (Basic, Digest...), challenges in history |
//! | [`CookieLayer`] | [`Cookies`] | a cookie store in and out on every hop |
//! | [`HooksLayer`] | [`HookService`] | event hooks on every hop |
//! | [`RetryLayer`] | [`Retry`] | retries by a [`RetryPolicy`]: backoff, `Retry-After`, idempotency (opt-in) |
//! | `TraceLayer` | `Trace` | httpx's log line per hop through `tracing` (feature `tracing`) |
//! | [`DecompressionLayer`] | [`Decompression`] | undoes `Content-Encoding` (gzip, deflate, br, zstd), keeping the raw bytes reachable |
//!
//! The clients compose, per logical request: user layers (`layer_per_request`) -> auth
//! -> redirects -> retries (when a policy is set); per hop: hooks -> cookies ->
//! decompression -> trace -> user layers (`layer_per_hop`) -> routing to a transport.
//!
//! Each service is generic over the request body ([`ReplayBody`]) and the response body
//! (hooks: xhttp's `Body` only), takes any inner error `Into<BoxError>` (see
//! [`into_error`]) and answers [`xhttp::Error`](xhttp_core::Error). They are as cheap to
//! clone as the inner service (an `Arc` or two more), and ready when the inner service
//! is: xhttp's transports are always ready, all waiting happens inside the futures. A
//! layer with nothing to do for a request (no auth, no hooks, redirects not followed)
//! passes the inner future through without allocating.
//!
//! ```no_run
//! use http_body_util::Full;
//! use hyper_util::client::legacy::Client;
//! use hyper_util::rt::TokioExecutor;
//! use tower_layer::Layer;
//! use tower_service::Service;
//! use xhttp_async::layers::RedirectLayer;
//!
//! # async fn run() -> Result<(), xhttp_core::Error> {
//! let client = Client::builder(TokioExecutor::new()).build_http::<Full<bytes::Bytes>>();
//! let mut service = RedirectLayer::new().layer(client);
//! let request = http::Request::get("http://example.com/old").body(Full::default()).unwrap();
//! let response = service.call(request).await?;
//! # let _ = response; Ok(()) }
//! ```

pub mod auth;
mod body;
pub mod cookies;
pub mod decompression;
mod error;
pub mod future;
pub mod hooks;
mod read;
pub mod redirect;
pub mod retry;
#[cfg(feature = "tracing")]
pub mod trace;

pub use auth::{AuthLayer, AuthService};
pub use body::ReplayBody;
pub use cookies::{CookieLayer, Cookies};
pub use decompression::{Decompression, DecompressionLayer};
pub use error::into_error;
pub use hooks::{HookService, HooksLayer};
pub use read::HISTORY_BODY_LIMIT;
pub use redirect::{Redirect, RedirectLayer};
pub use retry::{Retry, RetryLayer, RetryPolicy};
#[cfg(feature = "tracing")]
pub use trace::{Trace, TraceLayer};
