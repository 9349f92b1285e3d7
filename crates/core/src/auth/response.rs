//! [`AuthResponse`]: what an auth flow sees of a response, whatever the client flavour.

use http::StatusCode;

use crate::headers::Headers;

/// A flavour-independent view of a response for [`AuthFlow::on_response`]: the status,
/// the headers and, when the [`Auth`](super::Auth) asked for it, the body bytes.
///
/// [`AuthFlow::on_response`]: super::AuthFlow::on_response
#[derive(Debug, Clone, Copy)]
pub struct AuthResponse<'a> {
    status: StatusCode,
    headers: &'a Headers,
    body: Option<&'a [u8]>,
}

impl<'a> AuthResponse<'a> {
    /// A view of a response's status and headers, without its body.
    pub fn new(status: StatusCode, headers: &'a Headers) -> AuthResponse<'a> {
        AuthResponse {
            status,
            headers,
            body: None,
        }
    }

    /// The same view with the response body (given when
    /// [`Auth::requires_response_body`](super::Auth::requires_response_body)).
    pub fn with_body(mut self, body: &'a [u8]) -> AuthResponse<'a> {
        self.body = Some(body);
        self
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &'a Headers {
        self.headers
    }

    /// The body, when the driver read it for the flow.
    pub fn body(&self) -> Option<&'a [u8]> {
        self.body
    }
}
