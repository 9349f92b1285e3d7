//! The pure models of xhttp, shared by the async and the blocking client.
//!
//! No tokio, no hyper, no sockets and no blocking file reads live here: only values,
//! the rules that govern them, and the contracts both clients share.
//!
//! * [`url`]: [`Url`], parsed once and normalised, with its `http::Uri` cached;
//!   [`query`]: [`QueryParams`].
//! * [`headers`]: [`Headers`], a case-insensitive multi-map over `http::HeaderMap`.
//! * [`timeout`], [`limits`], [`status`]: configuration values and status codes.
//! * [`Error`] and [`ErrorKind`]: one opaque error following httpx's exception tree.
//! * [`text`]: charsets, incremental text decoding and httpx's line splitter.
//! * [`Body`], [`Request`], [`Response<F>`](Response): the in-flight types, moved to and
//!   from `http::Request<Body>` / `http::Response<Body>` without copies; form and JSON
//!   encoding in [`body`], `multipart/form-data` in [`multipart`].
//! * [`client`]: the builders both clients share and the [`client::ClientFlavor`]
//!   contract; [`flavor`]: the [`Blocking`] and [`Async`] markers.
//! * [`proxy`]: [`Proxy`], `NO_PROXY` and the environment's proxies; [`mounts`]: routing
//!   by httpx's URL patterns.
//! * [`cookies`]: [`Cookies`], the RFC 6265 jar, and the [`CookieStore`] a client uses.
//! * [`trace`]: trace events, [`Timings`] and progress callbacks.

#![deny(missing_docs)]

pub mod auth;
pub mod body;
pub mod client;
pub mod context;
pub mod cookies;
pub mod env;
pub mod error;
pub mod flavor;
pub mod headers;
pub mod history;
pub mod hooks;
pub mod http_options;
pub mod limits;
pub mod mounts;
pub mod multipart;
pub mod proxy;
pub mod query;
pub mod request;
pub mod response;
pub mod retry;
pub mod status;
pub mod text;
pub mod timeout;
pub mod trace;
pub mod url;

pub use encoding_rs;
pub use http;

pub use auth::Auth;
pub use body::Body;
pub use context::{RequestContext, RequestHead, ResponseMeta};
pub use cookies::{CookieStore, Cookies, Jar};
pub use env::Env;
pub use error::{BoxError, Error, ErrorKind};
pub use flavor::{Async, Blocking, BlockingDriver, Flavor};
pub use headers::Headers;
pub use history::{HistoryEntry, NextBody, NextRequest};
pub use http_options::{ConnectionInfo, HttpOptions, Identity, TlsInfo, TlsVersion};
pub use limits::Limits;
pub use multipart::{Multipart, Part};
pub use proxy::Proxy;
pub use query::QueryParams;
pub use request::Request;
pub use response::Response;
pub use timeout::Timeout;
pub use trace::{OnProgress, Timings, Trace, TraceEvent, TraceKind};
pub use url::Url;
