//! The top-level functions of the async flavour: `xhttp::async_api::get(url).await?`.
//!
//! As the blocking ones ([`crate::get`]...), over a pool shared by the async calls
//! (made on the caller's runtime) and a fresh cookie jar per call.

use xhttp_core::client::IntoUrl;
use xhttp_core::{Body, Error};

use crate::{AsyncRequestBuilder, AsyncResponse, Method, Shared};

/// A request with `method` to `url`, on a one-call async client over the shared pool:
/// finish it with `.send().await` or `.stream().await`.
pub fn request(method: Method, url: impl IntoUrl) -> AsyncRequestBuilder {
    Shared::new().async_request(method, url)
}

/// Sends a `GET` and reads the body.
///
/// ```no_run
/// # async fn run() -> Result<(), xhttp::Error> {
/// let text = xhttp::async_api::get("https://example.com/").await?.text()?;
/// # Ok(()) }
/// ```
pub async fn get(url: impl IntoUrl) -> Result<AsyncResponse, Error> {
    request(Method::GET, url).send().await
}

/// Sends a `HEAD`.
pub async fn head(url: impl IntoUrl) -> Result<AsyncResponse, Error> {
    request(Method::HEAD, url).send().await
}

/// Sends an `OPTIONS` and reads the body.
pub async fn options(url: impl IntoUrl) -> Result<AsyncResponse, Error> {
    request(Method::OPTIONS, url).send().await
}

/// Sends a `DELETE` and reads the body.
pub async fn delete(url: impl IntoUrl) -> Result<AsyncResponse, Error> {
    request(Method::DELETE, url).send().await
}

/// Sends a `POST` with `body` and reads the response body.
pub async fn post(url: impl IntoUrl, body: impl Into<Body>) -> Result<AsyncResponse, Error> {
    request(Method::POST, url).body(body).send().await
}

/// Sends a `PUT` with `body` and reads the response body.
pub async fn put(url: impl IntoUrl, body: impl Into<Body>) -> Result<AsyncResponse, Error> {
    request(Method::PUT, url).body(body).send().await
}

/// Sends a `PATCH` with `body` and reads the response body.
pub async fn patch(url: impl IntoUrl, body: impl Into<Body>) -> Result<AsyncResponse, Error> {
    request(Method::PATCH, url).body(body).send().await
}

/// Sends a request with `method` and leaves the body unread, for streaming.
pub async fn stream(method: Method, url: impl IntoUrl) -> Result<AsyncResponse, Error> {
    request(method, url).stream().await
}
