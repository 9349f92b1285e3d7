//! The reference driver of the tests: the I/O half of the driver contract, against a
//! closure playing the server.

use http::StatusCode;

use super::{Auth, AuthDriver, AuthResponse};
use crate::headers::Headers;
use crate::{Error, Request};

/// Sends `request` through `auth` to `server`, following the flow until it is done:
/// every request the server saw, and the final status.
pub(crate) fn exchange<A: Auth + ?Sized>(
    auth: &A,
    mut request: Request,
    mut server: impl FnMut(&Request) -> (StatusCode, Headers),
) -> Result<(Vec<Request>, StatusCode), Error> {
    let mut driver = AuthDriver::new(auth);
    driver.start(&mut request)?;
    let mut sent = Vec::new();
    loop {
        let (status, headers) = server(&request);
        sent.push(request);
        let view = AuthResponse::new(status, &headers);
        match driver.on_response(&view)? {
            Some(next) => request = next,
            None => return Ok((sent, status)),
        }
    }
}

/// A GET request for `url`.
pub(crate) fn get(url: &str) -> Request {
    let url = crate::Url::parse(url).unwrap_or_else(|error| panic!("{url}: {error}"));
    Request::new(http::Method::GET, url)
}

/// The `Authorization` value of `request`, if any.
pub(crate) fn authorization(request: &Request) -> Option<String> {
    request
        .headers()
        .get(http::header::AUTHORIZATION)
        .map(|value| value.into_owned())
}
