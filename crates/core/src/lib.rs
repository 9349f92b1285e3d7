//! The pure models of xhttp, shared by the async and the blocking client.
//!
//! No tokio, no hyper, no sockets and no blocking file reads live here: only values
//! and the rules that govern them.
//!
//! * [`url`]: [`Url`], parsed once and normalised as httpx does, with its `http::Uri`
//!   cached; [`query`]: [`QueryParams`].
//! * [`headers`]: [`Headers`], a case-insensitive multi-map over `http::HeaderMap`.
//! * [`timeout`], [`limits`], [`status`]: the client's configuration values and
//!   status codes with their reason phrases.
//! * [`Error`] and [`ErrorKind`]: one opaque error following httpx's exception tree.
//! * [`text`]: charsets, incremental text decoding and httpx's line splitter.

pub mod error;
pub mod headers;
pub mod limits;
pub mod query;
pub mod status;
pub mod text;
pub mod timeout;
pub mod url;

pub use error::{BoxError, Error, ErrorKind};
pub use headers::Headers;
pub use limits::Limits;
pub use query::QueryParams;
pub use timeout::Timeout;
pub use url::Url;
