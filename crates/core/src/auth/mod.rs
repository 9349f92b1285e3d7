//! Authentication: the [`Auth`] trait, its per-request [`AuthFlow`], and the schemes
//! xhttp ships ([`BasicAuth`], [`BearerAuth`], [`DigestAuth`], [`NetRcAuth`],
//! [`FnAuth`]).
//!
//! This is httpx's `auth_flow` generator turned into a sans-IO state machine, so the
//! same flows serve the async and the blocking client:
//!
//! * An [`Auth`] value is configured once (on a client or a request) and shared by
//!   every request; state that outlives a request (Digest's remembered challenge and
//!   nonce count) lives inside it, behind a lock.
//! * For each logical request, the client asks it for a fresh [`AuthFlow`] and drives
//!   that flow with [`AuthDriver`], which owns the bookkeeping of the contract below.
//!
//! # The driver contract
//!
//! For one logical request, the client (the "driver") does:
//!
//! 1. `flow = auth.flow()`; if [`Auth::requires_request_body`], make the request body
//!    readable in memory first (a stream is read into memory).
//! 2. `flow.authenticate(&mut request)`: the flow adds headers to the first request.
//! 3. Keep a copy of the request as sent (its body, when replayable), then send it.
//! 4. With the response: if [`Auth::requires_response_body`], read the body first.
//!    Call `flow.on_response(&copy, &view)` with an [`AuthResponse`] view (status,
//!    headers and, when read, the body bytes).
//!    * `Ok(None)`: the flow is done; that response is the answer.
//!    * `Ok(Some(next))`: the response is read, closed and put in the history of the
//!      final response (`final.history == [first]`, as httpx), `next` is sent, and
//!      the driver continues at step 3 with `next`.
//!    * `Err(e)`: the exchange fails with `e`; the response is closed.
//! 5. A flow that asks for a request after the original body turned out to be
//!    one-shot fails with `StreamConsumed`, and one that keeps asking past
//!    [`MAX_AUTH_ROUNDS`] follow-up requests fails with `LocalProtocol`.
//!
//! [`AuthDriver`] does steps 2, 3 (the copy) and 5 for you; the client only sends,
//! reads and closes. Flows never block or await: anything they need is passed in.
//!
//! ```
//! use xhttp_core::auth::{AuthDriver, AuthResponse, BasicAuth};
//! use xhttp_core::{Headers, Request, Url};
//!
//! let auth = BasicAuth::new("user", "pass");
//! let mut driver = AuthDriver::new(&auth);
//! let mut request = Request::new(http::Method::GET, Url::parse("http://example.com/")?);
//! driver.start(&mut request)?;
//! assert_eq!(request.headers().get("authorization").unwrap(), "Basic dXNlcjpwYXNz");
//! // ... the client sends `request` and gets a response ...
//! let headers = Headers::new();
//! let next = driver.on_response(&AuthResponse::new(http::StatusCode::OK, &headers))?;
//! assert!(next.is_none());
//! # Ok::<(), xhttp_core::Error>(())
//! ```

mod base64;
mod basic;
mod bearer;
mod digest;
mod driver;
mod func;
mod netrc;
mod response;
#[cfg(test)]
mod test_driver;

use std::fmt;
use std::sync::Arc;

pub use basic::BasicAuth;
pub use bearer::BearerAuth;
pub use digest::{DigestAuth, DigestError};
pub use driver::{AuthDriver, MAX_AUTH_ROUNDS};
pub use func::FnAuth;
pub use netrc::{NetRc, NetRcAuth, NetRcEntry, NetRcError};
pub use response::AuthResponse;

use crate::{Error, Request};

/// A way to authenticate requests: configured once, shared by every request it is used
/// for, and asked for a fresh [`AuthFlow`] per logical request.
///
/// Implement it for custom schemes; see the [module documentation](self) for how a
/// client drives the flows.
///
/// ```
/// use xhttp_core::auth::{Auth, AuthFlow, AuthResponse};
/// use xhttp_core::{Error, Request};
///
/// /// Sends an API key header.
/// #[derive(Debug)]
/// struct ApiKey;
///
/// struct ApiKeyFlow;
///
/// impl Auth for ApiKey {
///     fn flow(&self) -> Box<dyn AuthFlow> {
///         Box::new(ApiKeyFlow)
///     }
/// }
///
/// impl AuthFlow for ApiKeyFlow {
///     fn authenticate(&mut self, request: &mut Request) -> Result<(), Error> {
///         request.headers_mut().insert("x-api-key", "k")
///     }
///
///     fn on_response(
///         &mut self,
///         _request: &Request,
///         _response: &AuthResponse<'_>,
///     ) -> Result<Option<Request>, Error> {
///         Ok(None)
///     }
/// }
/// ```
pub trait Auth: Send + Sync + fmt::Debug {
    /// Whether flows need the request body in memory before
    /// [`AuthFlow::authenticate`] (say, to sign it). Default: no.
    fn requires_request_body(&self) -> bool {
        false
    }

    /// Whether flows need the body of each response in [`AuthFlow::on_response`].
    /// Default: no (only status and headers are seen).
    fn requires_response_body(&self) -> bool {
        false
    }

    /// A fresh flow for one logical request.
    fn flow(&self) -> Box<dyn AuthFlow>;
}

/// The state machine of one logical request's authentication (httpx's `auth_flow`
/// generator). See the [module documentation](self) for the contract.
pub trait AuthFlow: Send {
    /// Prepares the first request (adds `Authorization`, usually).
    fn authenticate(&mut self, request: &mut Request) -> Result<(), Error>;

    /// Sees the response to `request` (a copy of the request as it was sent) and
    /// returns the next request to send, or `None` when the flow is done. By default
    /// the flow is done after its first request (schemes that only add a header).
    fn on_response(
        &mut self,
        request: &Request,
        response: &AuthResponse<'_>,
    ) -> Result<Option<Request>, Error> {
        let _ = (request, response);
        Ok(None)
    }
}

/// Shares one [`Auth`] between clients and requests (say, one [`DigestAuth`] and its
/// remembered challenge).
impl<A: Auth + ?Sized> Auth for Arc<A> {
    fn requires_request_body(&self) -> bool {
        (**self).requires_request_body()
    }

    fn requires_response_body(&self) -> bool {
        (**self).requires_response_body()
    }

    fn flow(&self) -> Box<dyn AuthFlow> {
        (**self).flow()
    }
}

/// The flow of schemes that only add a header to the first request (or fail it when
/// the credentials cannot be a header value): it never asks for another request.
struct HeaderFlow {
    header: Option<Result<http::HeaderValue, Error>>,
}

impl AuthFlow for HeaderFlow {
    fn authenticate(&mut self, request: &mut Request) -> Result<(), Error> {
        if let Some(value) = self.header.take() {
            request
                .headers_mut()
                .as_map_mut()
                .insert(http::header::AUTHORIZATION, value?);
        }
        Ok(())
    }
}

/// A header flow for `value`, or a flow failing with its error.
fn header_flow(value: Result<http::HeaderValue, Error>) -> Box<dyn AuthFlow> {
    Box::new(HeaderFlow {
        header: Some(value),
    })
}

/// `text` as a sensitive header value; an `InvalidHeader` error (that never quotes the
/// text) when it holds characters a header cannot.
fn sensitive_value(text: String) -> Result<http::HeaderValue, Error> {
    let mut value = http::HeaderValue::try_from(text).map_err(|_| {
        Error::new(crate::ErrorKind::InvalidHeader)
            .with_message("the credentials hold characters not allowed in a header")
    })?;
    value.set_sensitive(true);
    Ok(value)
}
