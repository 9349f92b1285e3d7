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
//! | `blocking` (default) | [`Client`], the blocking client |
//!
//! Status: the network transport (connectors, TLS, the pool) is not built yet; requests
//! go through a transport you give the client, such as [`MockTransport`].

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

pub use xhttp_async::{AsyncClient, BoxTransport, MockTransport, Pending, Transport};
#[cfg(feature = "blocking")]
pub use xhttp_blocking::Client;
/// When and how requests are retried (`ClientBuilder::retry`, `layers::RetryLayer`).
pub use xhttp_core::retry::RetryPolicy;

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
