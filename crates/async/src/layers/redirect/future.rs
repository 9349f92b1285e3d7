//! [`ResponseFuture`]: the future of [`Redirect`](super::Redirect).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use http::Method;
use pin_project_lite::pin_project;
use xhttp_core::{BoxError, Error, NextBody, NextRequest, RequestHead};

use super::rules::{self, HeaderRules};
use crate::layers::error::into_error;
use crate::layers::read::meta_mut;

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

pin_project! {
    /// The future of [`Redirect`](super::Redirect): the inner future as it is when not
    /// following redirects (no allocation), one boxed future when following.
    pub struct ResponseFuture<F, B> {
        #[pin]
        state: State<F, B>,
    }
}

pin_project! {
    #[project = StateProjection]
    enum State<F, B> {
        Single {
            #[pin]
            inner: F,
            unfollowed: Option<Unfollowed>,
        },
        Following {
            inner: BoxFuture<Result<http::Response<B>, Error>>,
        },
        Failed {
            error: Option<Error>,
        },
    }
}

impl<F, B> ResponseFuture<F, B> {
    pub(super) fn single(inner: F, unfollowed: Unfollowed) -> Self {
        ResponseFuture {
            state: State::Single {
                inner,
                unfollowed: Some(unfollowed),
            },
        }
    }

    pub(super) fn following(inner: BoxFuture<Result<http::Response<B>, Error>>) -> Self {
        ResponseFuture {
            state: State::Following { inner },
        }
    }

    pub(super) fn failed(error: Error) -> Self {
        ResponseFuture {
            state: State::Failed { error: Some(error) },
        }
    }
}

impl<F, B, E> Future for ResponseFuture<F, B>
where
    F: Future<Output = Result<http::Response<B>, E>>,
    E: Into<BoxError>,
{
    type Output = Result<http::Response<B>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProjection::Single { inner, unfollowed } => {
                let mut response = ready!(inner.poll(cx)).map_err(into_error)?;
                if let Some(unfollowed) = unfollowed.take() {
                    unfollowed.record(&mut response);
                }
                Poll::Ready(Ok(response))
            }
            StateProjection::Following { inner } => inner.as_mut().poll(cx),
            StateProjection::Failed { error } => Poll::Ready(Err(error
                .take()
                .unwrap_or_else(|| xhttp_core::ErrorKind::LocalProtocol.into()))),
        }
    }
}

impl<F, B> fmt::Debug for ResponseFuture<F, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("redirect::ResponseFuture")
    }
}

/// What a request that does not follow redirects keeps, to give a redirect response its
/// `next_request`.
pub(super) struct Unfollowed {
    /// The request body, when in memory (for a 307/308's next request).
    pub(super) body: NextBody,
    /// The request head, when the response will not name it (no `ResponseMeta`: the
    /// layer wraps another client).
    pub(super) head: Option<Arc<RequestHead>>,
}

impl Unfollowed {
    /// Sets `next_request` on a redirect response. An invalid `Location` leaves it
    /// unset (the response is returned as it is: not following means not judging it).
    fn record<B>(self, response: &mut http::Response<B>) {
        let Some(location) = rules::location(response) else {
            return;
        };
        let status = response.status();
        let location = location.clone();
        let meta = meta_mut(response);
        let Some(head) = meta.request.clone().or(self.head) else {
            return;
        };
        let Ok(target) = rules::resolve(&head.url, &location) else {
            return;
        };
        let method = rules::method(status, &head.method);
        let body_dropped = method != head.method && method == Method::GET;
        let mut headers = head.headers.clone();
        rules::edit_headers(
            headers.as_map_mut(),
            &head.url,
            &target,
            HeaderRules {
                body_dropped,
                // The client's cookies layer writes the header of the request when it is
                // sent (httpx's next_request has the jar's cookies for the new URL).
                cookies_from_client: true,
                method_changed: method != head.method,
            },
        );
        meta.next_request = Some(NextRequest {
            head: Arc::new(RequestHead {
                method,
                url: target,
                headers,
            }),
            body: if body_dropped {
                NextBody::Empty
            } else {
                self.body
            },
        });
    }
}
