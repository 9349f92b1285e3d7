//! [`CookieLayer`] / [`Cookies`]: a [`CookieStore`] in and out on every hop.
//!
//! * In: a hop without a `Cookie` header gets the store's for its URL. A hop that has
//!   one keeps it: an explicit `Cookie` header set by the user disables the store for
//!   that request (as httpx); so does a header the client wrote at build time from the
//!   store and the request's own cookies (`RequestBuilder::cookie`). The redirect layer
//!   drops the latter on each hop, so per-request cookies are not re-sent after a
//!   redirect (as httpx) and the store's are recomputed for every new URL.
//! * Out: the `Set-Cookie` headers of every response, redirects and auth challenges
//!   included, go into the store before the next hop is built (a cookie set by a 302 is
//!   sent on the next hop).
//!
//! The URL is the request's `RequestContext` URL (or its URI for requests from outside
//! xhttp). The service is generic over both body types and any inner error; `poll_ready`
//! is the inner service's.

mod future;

use std::sync::Arc;
use std::task::{Context, Poll};

use tower_layer::Layer;
use tower_service::Service;
use xhttp_core::{BoxError, CookieStore, Error, RequestContext, Url};

pub use future::ResponseFuture;

use super::error::into_error;

/// Wraps a service in [`Cookies`] with a store.
///
/// ```
/// use std::sync::Arc;
/// use xhttp_async::layers::cookies::CookieLayer;
/// use xhttp_core::Jar;
///
/// let jar = Jar::new();
/// let layer = CookieLayer::new(Arc::new(jar.clone()));
/// # let _ = layer;
/// ```
#[derive(Debug, Clone)]
pub struct CookieLayer {
    store: Arc<dyn CookieStore>,
}

impl CookieLayer {
    /// Cookies kept in `store`.
    pub fn new(store: Arc<dyn CookieStore>) -> CookieLayer {
        CookieLayer { store }
    }
}

impl<S> Layer<S> for CookieLayer {
    type Service = Cookies<S>;

    fn layer(&self, inner: S) -> Cookies<S> {
        Cookies {
            inner,
            store: Arc::clone(&self.store),
        }
    }
}

/// Sends and keeps cookies on every hop (see the [module docs](self)).
#[derive(Debug, Clone)]
pub struct Cookies<S> {
    inner: S,
    store: Arc<dyn CookieStore>,
}

impl<S, ReqB, ResB> Service<http::Request<ReqB>> for Cookies<S>
where
    S: Service<http::Request<ReqB>, Response = http::Response<ResB>>,
    S::Error: Into<BoxError>,
{
    type Response = http::Response<ResB>;
    type Error = Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(into_error)
    }

    fn call(&mut self, mut request: http::Request<ReqB>) -> Self::Future {
        // The URL for `Set-Cookie`: the response's `ResponseMeta` names it; this one (a
        // reference count for xhttp's requests, else parsed from the URI) stands in when
        // a layer below answered without it.
        let own = match request.extensions().get::<RequestContext>() {
            Some(context) => Some(context.url.clone()),
            None => Url::try_from(request.uri()).ok(),
        };
        if !request.headers().contains_key(http::header::COOKIE) {
            if let Some(mut value) = own.as_ref().and_then(|url| self.store.cookies(url)) {
                // Whatever the store: cookies are credentials, never indexed by HPACK.
                value.set_sensitive(true);
                request.headers_mut().insert(http::header::COOKIE, value);
            }
        }
        let store = Arc::clone(&self.store);
        ResponseFuture::new(self.inner.call(request), Some((store, own)))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use http::HeaderValue;

    use super::*;

    /// A custom store whose values are not marked sensitive.
    #[derive(Debug)]
    struct PlainStore;

    impl CookieStore for PlainStore {
        fn set_cookies(&self, _: &Url, _: &http::HeaderMap) {}

        fn cookies(&self, _: &Url) -> Option<HeaderValue> {
            Some(HeaderValue::from_static("id=secret"))
        }
    }

    /// Records the `Cookie` header it is called with.
    #[derive(Clone, Default)]
    struct Record(Arc<Mutex<Option<HeaderValue>>>);

    impl Service<http::Request<()>> for Record {
        type Response = http::Response<()>;
        type Error = Error;
        type Future = std::future::Ready<Result<http::Response<()>, Error>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: http::Request<()>) -> Self::Future {
            let cookie = request.headers().get(http::header::COOKIE).cloned();
            *self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = cookie;
            std::future::ready(Ok(http::Response::new(())))
        }
    }

    #[test]
    fn a_custom_stores_cookie_header_is_marked_sensitive() {
        let record = Record::default();
        let mut service = CookieLayer::new(Arc::new(PlainStore)).layer(record.clone());
        let request = http::Request::get("http://h/").body(()).expect("a request");
        drop(service.call(request));
        let value = record.0.lock().expect("the record").clone();
        let value = value.expect("a Cookie header");
        assert_eq!(value, "id=secret");
        assert!(value.is_sensitive());
    }
}
