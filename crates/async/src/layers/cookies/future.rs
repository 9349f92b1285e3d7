//! [`ResponseFuture`]: the future of [`Cookies`](super::Cookies).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;
use xhttp_core::{BoxError, CookieStore, Error, ResponseMeta, Url};

use crate::layers::error::into_error;

pin_project! {
    /// The future of [`Cookies`](super::Cookies): the inner future, then the response's
    /// `Set-Cookie` headers into the store.
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        keep: Option<(Arc<dyn CookieStore>, Option<Url>)>,
    }
}

impl<F> ResponseFuture<F> {
    pub(super) fn new(inner: F, keep: Option<(Arc<dyn CookieStore>, Option<Url>)>) -> Self {
        ResponseFuture { inner, keep }
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<http::Response<B>, E>>,
    E: Into<BoxError>,
{
    type Output = Result<http::Response<B>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response = ready!(this.inner.poll(cx)).map_err(into_error)?;
        if let Some((store, own_url)) = this.keep.take() {
            if response.headers().contains_key(http::header::SET_COOKIE) {
                let meta_url = response
                    .extensions()
                    .get::<ResponseMeta>()
                    .and_then(|meta| meta.request.as_deref())
                    .map(|head| &head.url);
                if let Some(url) = meta_url.or(own_url.as_ref()) {
                    store.set_cookies(url, response.headers());
                }
            }
        }
        Poll::Ready(Ok(response))
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cookies::ResponseFuture")
    }
}
