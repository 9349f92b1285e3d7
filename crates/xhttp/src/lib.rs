//! xhttp: an HTTP client for Rust in the spirit of Python's httpx.
//!
//! Async-first on tokio ([`AsyncClient`]) with a blocking client over the same engine
//! ([`Client`], feature `blocking`, on by default). Both share one definition of the
//! builders and of the response, so what you learn for one flavour holds for the other.
//!
//! ```
//! use xhttp::{Client, MockTransport, Response, StatusCode};
//!
//! let client = Client::builder()
//!     .base_url("https://api.example.com/v1")
//!     .transport(MockTransport::new(|request| {
//!         Response::new(StatusCode::OK).with_content(format!("{} {}", request.method(), request.url()))
//!     }))
//!     .build()?;
//! let response = client.get("/users").query(&[("q", "a b")]).send()?;
//! assert_eq!(response.content()?, "GET https://api.example.com/v1/users?q=a+b");
//! # Ok::<(), xhttp::Error>(())
//! ```
//!
//! | feature | what it adds |
//! |---|---|
//! | `blocking` (default) | [`Client`], the blocking client (a private runtime) |
//! | `gzip` (default) | decoding `Content-Encoding: gzip` / `x-gzip` |
//! | `deflate` (default) | decoding `deflate` (zlib-wrapped or raw) |
//! | `brotli` (default) | decoding `br` |
//! | `zstd` (default) | decoding `zstd` |
//! | `tracing` (default) | an INFO event per hop and a span per request (`tracing` crate) |
//! | `aws-lc-rs` (default) | TLS crypto by aws-lc-rs; without it (`default-features = false`), ring |
//!
//! `Accept-Encoding` advertises exactly the codecs compiled in. Everything else — HTTP/1.1
//! and HTTP/2, TLS (rustls), the pool, cookies, redirects, auth (Basic, Bearer,
//! Digest, `.netrc`), proxies (HTTP, HTTPS, SOCKS5), multipart, in-process apps, trace
//! events — is always there.
//!
//! The guides ([`guide`]) are compiled as tests: [quickstart](guide::quickstart),
//! [async](guide::async_guide), [advanced](guide::advanced), [HTTP/2](guide::http2),
//! [testing](guide::testing), [proxies](guide::proxies), [the CLI](guide::cli), [coming
//! from reqwest](guide::from_reqwest) and [from httpx](guide::from_httpx).
//!
//! For scripts, the top-level functions ([`get`], [`post`], [`request`], [`stream`]...,
//! and [`async_api`]) share one connection pool, with a fresh cookie jar per call:
//!
//! ```no_run
//! let text = xhttp::get("https://example.com/")?.text()?;
//! # Ok::<(), xhttp::Error>(())
//! ```
//!
//! Transports: the built-in HTTP/1.1 and HTTP/2 one, [`MockTransport`] (a closure) and
//! [`ServiceTransport`] (an in-process tower service, such as an axum `Router`, its
//! responses streamed). Every response has [`timings`](xhttp_core::Response::timings);
//! [`trace`] callbacks see each phase of an exchange as it happens.

#![deny(missing_docs)]

pub use xhttp_core::encoding_rs;
pub use xhttp_core::http::{self, HeaderName, HeaderValue, Method, StatusCode, Version};
/// `multipart/form-data` forms: [`Multipart`] and its [`Part`]s.
pub use xhttp_core::multipart::{self, Multipart, Part};
pub use xhttp_core::{
    Async, Auth, Blocking, Body, Env, Error, ErrorKind, HistoryEntry, NextRequest, Request,
    headers::Headers, limits::Limits, query::QueryParams, timeout::Timeout, url::Url,
};

/// Authentication: the [`Auth`] trait and the schemes (Basic, Bearer, Digest, `.netrc`,
/// closures).
pub use xhttp_core::auth::{self, BasicAuth, BearerAuth, DigestAuth, FnAuth, NetRcAuth};

pub use xhttp_async::{
    AsyncClient, BoxTransport, HttpTransport, HttpTransportBuilder, MockTransport, Pending,
    Resolve, ServiceTransport, SystemResolver, Transport,
};
pub use xhttp_core::{ConnectionInfo, Flavor, HttpOptions, Identity, TlsInfo, TlsVersion};

/// The response type generic over the flavour (`Response<Blocking>` is
/// [`crate::Response`], `Response<Async>` is [`crate::AsyncResponse`]).
pub mod response {
    pub use xhttp_core::response::{Link, Response};
    pub use xhttp_core::text::DefaultEncoding;
}

/// Connection pool statistics (`AsyncClient::pool_stats`).
pub mod pool {
    pub use xhttp_async::http::{OriginStats, PoolStats};
}

/// Proxies: [`Proxy`], the `NO_PROXY` matcher and the environment's proxies.
pub mod proxy {
    pub use xhttp_core::proxy::{
        EnvProxy, IntoProxy, IntoProxyUrl, NoProxy, Proxy, ProxyScheme, env_mounts,
    };
}
pub use xhttp_core::proxy::Proxy;

/// Routing by URL pattern (httpx's mount keys): [`UrlPattern`](mounts::UrlPattern) and
/// [`Mounts`](mounts::Mounts).
pub mod mounts {
    pub use xhttp_core::mounts::{Mounts, UrlPattern};
}
#[cfg(feature = "blocking")]
pub use xhttp_blocking::Client;
/// When and how requests are retried (`ClientBuilder::retry`, `layers::RetryLayer`).
pub use xhttp_core::retry::RetryPolicy;

#[cfg(feature = "blocking")]
mod api;
pub mod async_api;
mod shared;

#[cfg(feature = "blocking")]
pub use api::{delete, get, head, options, patch, post, put, request, stream};
pub use shared::Shared;

/// Trace events, the [`Timings`] of a response and progress callbacks.
pub mod trace {
    pub use xhttp_core::trace::{OnProgress, Timings, Trace, TraceEvent, TraceKind};
}
pub use xhttp_core::Timings;

/// The blocking client's private runtime (worker count, how calls wait).
#[cfg(feature = "blocking")]
pub mod blocking {
    pub use xhttp_blocking::runtime;
}

/// The blocking response (`xhttp_core::Response<Blocking>`).
pub type Response = xhttp_core::Response<Blocking>;
/// The async response (`xhttp_core::Response<Async>`).
pub type AsyncResponse = xhttp_core::Response<Async>;
/// The builder of a blocking [`Client`].
#[cfg(feature = "blocking")]
pub type ClientBuilder = xhttp_core::client::ClientBuilder<Client>;
/// The builder of an [`AsyncClient`].
pub type AsyncClientBuilder = xhttp_core::client::ClientBuilder<AsyncClient>;
/// A request being built for a blocking [`Client`].
#[cfg(feature = "blocking")]
pub type RequestBuilder = xhttp_core::client::RequestBuilder<Client>;
/// A request being built for an [`AsyncClient`].
pub type AsyncRequestBuilder = xhttp_core::client::RequestBuilder<AsyncClient>;

/// The builders shared by both clients and the contract each client implements.
pub mod client {
    pub use xhttp_core::client::{ClientBuilder, ClientFlavor, IntoUrl, RequestBuilder, SendMode};
}

pub use xhttp_async::body_channel;

/// xhttp's middleware as public tower layers: redirects, auth, cookies, hooks,
/// decompression, retries, tracing. The
/// clients compose them; they also wrap other HTTP services (a hyper-util client...).
pub use xhttp_async::layers;

/// Event hooks: what `ClientBuilder::on_request` / `on_response` store.
pub use xhttp_core::hooks;

/// The body iterators and streams, and the other types in public signatures.
pub mod types {
    pub use xhttp_core::response::Link;
    pub use xhttp_core::response::async_api::BytesStream;
    pub use xhttp_core::response::blocking_api::IterBytes;
}

/// Cookies: the RFC 6265 jar ([`Cookies`](cookies::Cookies)), the shareable
/// [`Jar`](cookies::Jar) every client gets by default, and the
/// [`CookieStore`](cookies::CookieStore) trait for stores of your own.
pub mod cookies {
    pub use xhttp_core::cookies::{Cookie, CookieStore, Cookies, Jar};
}

/// The per-request context and response metadata carried through the stack.
pub mod context {
    pub use xhttp_core::context::{RequestContext, RequestHead, ResponseMeta};
}

/// Guides, kept in Markdown under `docs/` and compiled here as doc tests.
pub mod guide {
    #[doc = include_str!("../../../README.md")]
    pub mod readme {}

    #[doc = include_str!("../../../docs/quickstart.md")]
    pub mod quickstart {}

    #[doc = include_str!("../../../docs/cli.md")]
    pub mod cli {}

    #[doc = include_str!("../../../docs/async.md")]
    pub mod async_guide {}

    #[doc = include_str!("../../../docs/http2.md")]
    pub mod http2 {}

    #[doc = include_str!("../../../docs/advanced.md")]
    pub mod advanced {}

    #[doc = include_str!("../../../docs/testing.md")]
    pub mod testing {}

    #[doc = include_str!("../../../docs/PROXIES.md")]
    pub mod proxies {}

    #[doc = include_str!("../../../docs/migrating-from-reqwest.md")]
    pub mod from_reqwest {}

    #[doc = include_str!("../../../docs/migrating-from-httpx.md")]
    pub mod from_httpx {}
}
