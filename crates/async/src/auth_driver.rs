//! The minimal auth driver of [`AsyncClient`]: runs the request's
//! [`Auth`](xhttp_core::auth::Auth) flow around [`AsyncClient::send_once`].
//!
//! The auth layer of the pipeline will replace it (with history, event hooks and
//! buffering of request bodies for `requires_request_body`); until then this keeps
//! every flow working for both flavours, the blocking client running this too.

use xhttp_core::auth::{AuthDriver, AuthResponse};
use xhttp_core::client::SendMode;
use xhttp_core::{Async, Error, Request, Response};

use crate::AsyncClient;

impl AsyncClient {
    /// Sends `request`, authenticated by the auth in its context (if any): the flow's
    /// first step, then as many follow-up requests as the flow asks for (each earlier
    /// response is closed and dropped: there is no history yet).
    pub(crate) async fn run(
        self,
        mut request: Request,
        mode: SendMode,
    ) -> Result<Response<Async>, Error> {
        let Some(auth) = request.context().auth.clone() else {
            return self.send_once(request, mode).await;
        };
        let mut driver = AuthDriver::new(&*auth);
        if let Err(error) = driver.start(&mut request) {
            return Err(attach(error, request.method(), request.url()));
        }
        let mut response = self.clone().send_once(request, mode).await?;
        loop {
            if driver.requires_response_body() {
                response.read().await?;
            }
            let view = AuthResponse::new(response.status(), response.headers());
            let view = match response.content() {
                Ok(body) if driver.requires_response_body() => view.with_body(body),
                _ => view,
            };
            let step = driver.on_response(&view);
            match step {
                Ok(None) => return Ok(response),
                Ok(Some(next)) => {
                    response.close().await;
                    response = self.clone().send_once(next, mode).await?;
                }
                Err(error) => {
                    let error = match response.request() {
                        Some(head) => attach(error, &head.method, &head.url),
                        None => error,
                    };
                    response.close().await;
                    return Err(error);
                }
            }
        }
    }
}

/// Names the request in an error that does not name one yet.
fn attach(mut error: Error, method: &http::Method, url: &xhttp_core::Url) -> Error {
    if error.method().is_none() {
        error = error.with_method(method.clone());
    }
    if error.url().is_none() {
        error = error.with_url(url);
    }
    error
}
