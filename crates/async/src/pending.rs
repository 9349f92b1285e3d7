//! [`Pending`]: the future `send()` returns.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use xhttp_core::{Async, Error, Response};

type Inner = Pin<Box<dyn Future<Output = Result<Response<Async>, Error>> + Send>>;

/// A request on its way: resolves to the response (read in full for `send()`, unread
/// for `stream()`). Dropping it cancels the request.
#[must_use = "a request is sent only when its future is awaited"]
pub struct Pending {
    inner: Inner,
}

impl Pending {
    pub(crate) fn new(
        future: impl Future<Output = Result<Response<Async>, Error>> + Send + 'static,
    ) -> Pending {
        Pending {
            inner: Box::pin(future),
        }
    }
}

impl Future for Pending {
    type Output = Result<Response<Async>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl fmt::Debug for Pending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pending")
    }
}
