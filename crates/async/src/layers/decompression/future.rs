//! The future of [`Decompression`](super::Decompression).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use pin_project_lite::pin_project;
use xhttp_core::{BoxError, Error};

use super::Options;
use crate::layers::error::into_error;

pin_project! {
    /// The inner future; its response's body is wrapped when it has a coding to undo.
    /// No allocation of its own.
    pub struct DecompressionFuture<F> {
        #[pin]
        inner: F,
        options: Options,
        head: bool,
    }
}

impl<F> DecompressionFuture<F> {
    pub(super) fn new(inner: F, options: Options, head: bool) -> Self {
        DecompressionFuture {
            inner,
            options,
            head,
        }
    }
}

impl<F, B, E> Future for DecompressionFuture<F>
where
    F: Future<Output = Result<http::Response<B>, E>>,
    E: Into<BoxError>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Output = Result<http::Response<xhttp_core::Body>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response = ready!(this.inner.poll(cx)).map_err(into_error)?;
        Poll::Ready(Ok(super::decode_response(
            response,
            *this.options,
            *this.head,
        )))
    }
}

impl<F> fmt::Debug for DecompressionFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecompressionFuture")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}
