//! [`MaybeBoxed`]: a layer's future that is the inner future itself when the layer has
//! nothing to do, and one boxed future when it has.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;
use xhttp_core::{BoxError, Error};

use super::error::into_error;

/// A boxed future of a response.
pub type BoxResponseFuture<B> =
    Pin<Box<dyn Future<Output = Result<http::Response<B>, Error>> + Send + 'static>>;

pin_project! {
    /// The future of the auth and hooks services: the inner future as it is when the
    /// layer has nothing to do (no allocation), one boxed future when it has.
    pub struct MaybeBoxed<F, B> {
        #[pin]
        state: State<F, B>,
    }
}

pin_project! {
    #[project = StateProjection]
    enum State<F, B> {
        Passthrough {
            #[pin]
            inner: F,
        },
        Boxed {
            inner: BoxResponseFuture<B>,
        },
    }
}

impl<F, B> MaybeBoxed<F, B> {
    /// The inner future, untouched.
    pub(crate) fn passthrough(inner: F) -> Self {
        MaybeBoxed {
            state: State::Passthrough { inner },
        }
    }

    /// The layer's own work.
    pub(crate) fn boxed(inner: BoxResponseFuture<B>) -> Self {
        MaybeBoxed {
            state: State::Boxed { inner },
        }
    }
}

impl<F, B, E> Future for MaybeBoxed<F, B>
where
    F: Future<Output = Result<http::Response<B>, E>>,
    E: Into<BoxError>,
{
    type Output = Result<http::Response<B>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProjection::Passthrough { inner } => {
                Poll::Ready(ready!(inner.poll(cx)).map_err(into_error))
            }
            StateProjection::Boxed { inner } => inner.as_mut().poll(cx),
        }
    }
}

impl<F, B> fmt::Debug for MaybeBoxed<F, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.state {
            State::Passthrough { .. } => f.write_str("MaybeBoxed::Passthrough"),
            State::Boxed { .. } => f.write_str("MaybeBoxed::Boxed"),
        }
    }
}
