//! The top-level functions, as httpx's: `xhttp::get(url)?.text()?`.
//!
//! Each call runs on a client of its own with a fresh cookie jar, over a connection
//! pool and TLS configuration shared by all calls (see [`Shared`]): a script making
//! many calls to one host reuses connections, and unrelated calls never share cookies.
//! For headers, parameters, a JSON or form body, auth or a timeout, start with
//! [`request`] and finish with `.send()` (or `.stream()`); for a pool of your own, use a
//! [`Client`](crate::Client).

use xhttp_core::client::IntoUrl;
use xhttp_core::{Body, Error};

use crate::{Method, RequestBuilder, Response, Shared};

/// A request with `method` to `url`, on a one-call client over the shared pool: add
/// headers, a body, auth... and finish it with `.send()` (body read) or `.stream()`.
///
/// ```no_run
/// let response = xhttp::request(xhttp::Method::POST, "https://httpbin.org/post")
///     .json(&serde_json::json!({"name": "xhttp"}))
///     .bearer_auth("token")
///     .send()?;
/// # Ok::<(), xhttp::Error>(())
/// ```
pub fn request(method: Method, url: impl IntoUrl) -> RequestBuilder {
    Shared::new().request(method, url)
}

/// Sends a `GET` and reads the body.
///
/// ```no_run
/// let text = xhttp::get("https://example.com/")?.text()?;
/// # Ok::<(), xhttp::Error>(())
/// ```
pub fn get(url: impl IntoUrl) -> Result<Response, Error> {
    request(Method::GET, url).send()
}

/// Sends a `HEAD`.
pub fn head(url: impl IntoUrl) -> Result<Response, Error> {
    request(Method::HEAD, url).send()
}

/// Sends an `OPTIONS` and reads the body.
pub fn options(url: impl IntoUrl) -> Result<Response, Error> {
    request(Method::OPTIONS, url).send()
}

/// Sends a `DELETE` and reads the body.
pub fn delete(url: impl IntoUrl) -> Result<Response, Error> {
    request(Method::DELETE, url).send()
}

/// Sends a `POST` with `body` (bytes or text, no `Content-Type` added; use
/// [`request`] for JSON, forms and multipart) and reads the response body.
pub fn post(url: impl IntoUrl, body: impl Into<Body>) -> Result<Response, Error> {
    request(Method::POST, url).body(body).send()
}

/// Sends a `PUT` with `body` and reads the response body.
pub fn put(url: impl IntoUrl, body: impl Into<Body>) -> Result<Response, Error> {
    request(Method::PUT, url).body(body).send()
}

/// Sends a `PATCH` with `body` and reads the response body.
pub fn patch(url: impl IntoUrl, body: impl Into<Body>) -> Result<Response, Error> {
    request(Method::PATCH, url).body(body).send()
}

/// Sends a request with `method` and leaves the body unread, for streaming (httpx's
/// `stream()`): the response holds its connection until the body is read, closed or
/// dropped.
///
/// ```no_run
/// let mut response = xhttp::stream(xhttp::Method::GET, "https://example.com/big")?;
/// for chunk in response.iter_bytes(None) {
///     let _chunk = chunk?;
/// }
/// # Ok::<(), xhttp::Error>(())
/// ```
pub fn stream(method: Method, url: impl IntoUrl) -> Result<Response, Error> {
    request(method, url).stream()
}
