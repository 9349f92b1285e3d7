//! [`AuthDriver`]: the I/O-free half of driving an [`AuthFlow`], shared by both clients.

use std::fmt;

use super::{Auth, AuthFlow, AuthResponse};
use crate::{Error, ErrorKind, Request};

/// How many follow-up requests one logical request may make for authentication before
/// the exchange fails (a guard against flows that never finish).
pub const MAX_AUTH_ROUNDS: usize = 16;

/// Drives one [`AuthFlow`] through the contract of the [module documentation](super):
/// it runs the flow's steps, keeps the copy of each request sent, and refuses to
/// re-send a one-shot body or to go on past [`MAX_AUTH_ROUNDS`]. The client does the
/// I/O: send what the driver hands back, read and close the responses.
pub struct AuthDriver {
    flow: Box<dyn AuthFlow>,
    requires_request_body: bool,
    requires_response_body: bool,
    sent: Option<Sent>,
    rounds: usize,
}

/// The copy of the request last sent, and whether its body came along.
struct Sent {
    copy: Request,
    replayable: bool,
}

impl AuthDriver {
    /// A driver for a fresh flow of `auth`.
    pub fn new<A: Auth + ?Sized>(auth: &A) -> AuthDriver {
        AuthDriver {
            flow: auth.flow(),
            requires_request_body: auth.requires_request_body(),
            requires_response_body: auth.requires_response_body(),
            sent: None,
            rounds: 0,
        }
    }

    /// Whether the client must have the request body in memory before
    /// [`start`](Self::start).
    pub fn requires_request_body(&self) -> bool {
        self.requires_request_body
    }

    /// Whether the client must read each response body before
    /// [`on_response`](Self::on_response) and pass it in the view.
    pub fn requires_response_body(&self) -> bool {
        self.requires_response_body
    }

    /// Authenticates the first request and remembers a copy of it; the client then
    /// sends `request`.
    pub fn start(&mut self, request: &mut Request) -> Result<(), Error> {
        self.flow.authenticate(request)?;
        self.sent = Some(remember(request));
        Ok(())
    }

    /// Hands the flow the response to the request last sent. `Some(next)`: close that
    /// response (keep it as history) and send `next`, then call this again with its
    /// response. `None`: the response is the answer.
    ///
    /// Called before [`start`](Self::start), or again after it returned `None`, it
    /// returns `None`.
    pub fn on_response(&mut self, response: &AuthResponse<'_>) -> Result<Option<Request>, Error> {
        let Some(sent) = self.sent.take() else {
            return Ok(None);
        };
        let Some(next) = self.flow.on_response(&sent.copy, response)? else {
            return Ok(None);
        };
        if !sent.replayable {
            return Err(Error::new(ErrorKind::StreamConsumed).with_message(
                "the request body is a one-shot stream and cannot be sent again for \
                 authentication: give the request a replayable body (bytes, text, form, JSON)",
            ));
        }
        self.rounds += 1;
        if self.rounds > MAX_AUTH_ROUNDS {
            return Err(Error::new(ErrorKind::LocalProtocol).with_message(format!(
                "the auth flow asked for more than {MAX_AUTH_ROUNDS} follow-up requests"
            )));
        }
        self.sent = Some(remember(&next));
        Ok(Some(next))
    }
}

/// A copy of `request` for the flow: the whole request when its body is replayable,
/// else its head with an empty body (marked as not replayable).
fn remember(request: &Request) -> Sent {
    if let Some(copy) = request.try_clone() {
        return Sent {
            copy,
            replayable: true,
        };
    }
    let mut copy = Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.context_mut() = request.context().clone();
    *copy.extensions_mut() = request.extensions().clone();
    Sent {
        copy,
        replayable: false,
    }
}

impl fmt::Debug for AuthDriver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthDriver")
            .field("requires_request_body", &self.requires_request_body)
            .field("requires_response_body", &self.requires_response_body)
            .field("rounds", &self.rounds)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use http::StatusCode;

    use super::*;
    use crate::auth::test_driver::{exchange, get};
    use crate::headers::Headers;

    /// Asks for the same request again, forever.
    #[derive(Debug)]
    struct Forever;

    struct ForeverFlow;

    impl Auth for Forever {
        fn flow(&self) -> Box<dyn AuthFlow> {
            Box::new(ForeverFlow)
        }
    }

    impl AuthFlow for ForeverFlow {
        fn authenticate(&mut self, _request: &mut Request) -> Result<(), Error> {
            Ok(())
        }

        fn on_response(
            &mut self,
            request: &Request,
            _response: &AuthResponse<'_>,
        ) -> Result<Option<Request>, Error> {
            Ok(request.try_clone())
        }
    }

    #[test]
    fn a_flow_that_never_ends_is_stopped() {
        let mut sent = 0;
        let error = exchange(&Forever, get("http://h/"), |_| {
            sent += 1;
            (StatusCode::UNAUTHORIZED, Headers::new())
        })
        .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::LocalProtocol);
        assert_eq!(sent, MAX_AUTH_ROUNDS + 1);
    }

    #[test]
    fn responses_without_a_request_sent_end_nothing() {
        let headers = Headers::new();
        let mut driver = AuthDriver::new(&Forever);
        let view = AuthResponse::new(StatusCode::OK, &headers);
        assert!(driver.on_response(&view).unwrap().is_none());
    }

    #[test]
    fn the_flow_sees_the_request_as_sent_and_its_body() {
        let mut request = get("http://h/");
        request.set_body(crate::Body::from_bytes("payload"));
        let mut driver = AuthDriver::new(&Forever);
        driver.start(&mut request).unwrap();
        let headers = Headers::new();
        let next = driver
            .on_response(&AuthResponse::new(StatusCode::UNAUTHORIZED, &headers))
            .unwrap()
            .unwrap();
        assert_eq!(next.content().unwrap(), b"payload");
        assert!(format!("{driver:?}").contains("rounds: 1"));
    }
}
