//! [`RedirectLayer`] / [`Redirect`]: follows redirects with httpx's rules, keeping each
//! hop in the final response's history.
//!
//! * 301, 302, 303, 307 and 308 with a `Location` are redirects; other 3xx are final.
//! * Methods: 302 and 303 turn every method but `HEAD` into `GET`; 301 turns `POST` into
//!   `GET`; 307 and 308 keep the method and the body. A one-shot body on a 307/308 is a
//!   `StreamConsumed` error (never a silently empty body).
//! * A body dropped with the method change takes `Content-Length`, `Transfer-Encoding`
//!   **and `Content-Type`** along (httpx keeps a dangling `Content-Type`; a careful user
//!   does not want it).
//! * A relative `Location` is joined onto the URL that answered; the fragment is carried
//!   over when the new URL has none. A `Location` that is no URL is a `RemoteProtocol`
//!   error ("invalid URL in location header").
//! * Cross-origin hops (scheme, host or port changes) lose `Authorization` (except an
//!   `http://host` to `https://host` upgrade on default ports, as httpx), `Cookie` and
//!   `Proxy-Authorization`; `Host` is rewritten. `https` to `http` is followed, without
//!   credentials.
//! * A Digest `Authorization` is dropped on a hop that changes the method or the request
//!   target (path and query), even on the same origin: the answer is bound to both
//!   (httpx keeps it). Basic and Bearer credentials stay on same-origin hops.
//! * The client's own `Cookie` header (see `RequestContext::cookies_from_client`) is
//!   dropped on every hop: the cookies layer writes each hop's from the store, so cookies
//!   set by a redirect response go with the next hop and per-request cookies are not
//!   re-sent (as httpx). A `Cookie` header set by the user survives same-origin hops
//!   (httpx drops it on every hop).
//! * Each redirect response is read to its end (its connection released) and kept in the
//!   final response's `history()` (bodies over 1 MiB are kept as empty).
//! * How many redirects are followed is the [`Policy`]'s call: [`Standard`] follows 20 and
//!   fails the 21st with `TooManyRedirects`, as httpx.
//! * Whether to follow at all: the request's `RequestContext::follow_redirects`, else the
//!   layer's [`follow`](RedirectLayer::follow) setting (on by default for the layer; the
//!   clients set it from `follow_redirects`, off by default as httpx). When not following,
//!   a redirect response carries `next_request` (from its request head in
//!   `ResponseMeta`); an invalid `Location` then just leaves `next_request` unset.
//!
//! The service is generic over the request body (any [`ReplayBody`]), the response body
//! (any `http_body::Body`) and the inner error (anything `Into<BoxError>`, mapped by
//! [`into_error`]), so it wraps a plain hyper-util client too.
//! It is as cheap to clone as the inner service and policy; `poll_ready` is the inner
//! service's (always ready for xhttp's transports); follow-up hops use a clone of the
//! inner service, made ready inside the future.

mod future;
mod policy;
mod rules;

use std::future::poll_fn;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{Extensions, HeaderMap, Method, Version};
use tower_layer::Layer;
use tower_service::Service;
use xhttp_core::{
    BoxError, Error, ErrorKind, HistoryEntry, NextBody, NextRequest, RequestContext, RequestHead,
    Url,
};

pub use future::ResponseFuture;
pub use policy::{Action, Attempt, Policy, Standard};

use super::body::ReplayBody;
use super::error::into_error;
use super::read::{into_history, meta_mut, prepend_history};
use future::Unfollowed;
use rules::HeaderRules;

/// Wraps a service in [`Redirect`].
///
/// ```
/// use xhttp_async::layers::redirect::{RedirectLayer, Standard};
///
/// let layer = RedirectLayer::new().policy(Standard::new(5));
/// # let _ = layer;
/// ```
#[derive(Debug, Clone)]
pub struct RedirectLayer<P = Standard> {
    policy: P,
    follow: bool,
}

impl RedirectLayer {
    /// Follows redirects with httpx's policy ([`Standard`], 20 at most).
    pub fn new() -> RedirectLayer {
        RedirectLayer {
            policy: Standard::default(),
            follow: true,
        }
    }
}

impl Default for RedirectLayer {
    fn default() -> RedirectLayer {
        RedirectLayer::new()
    }
}

impl<P> RedirectLayer<P> {
    /// Decides with `policy` instead.
    pub fn policy<Q: Policy>(self, policy: Q) -> RedirectLayer<Q> {
        RedirectLayer {
            policy,
            follow: self.follow,
        }
    }

    /// Whether requests whose `RequestContext` does not say are followed (default: yes).
    pub fn follow(mut self, follow: bool) -> Self {
        self.follow = follow;
        self
    }
}

impl<S, P: Clone> Layer<S> for RedirectLayer<P> {
    type Service = Redirect<S, P>;

    fn layer(&self, inner: S) -> Redirect<S, P> {
        Redirect {
            inner,
            policy: self.policy.clone(),
            follow: self.follow,
        }
    }
}

/// Follows redirects (see the [module docs](self)).
#[derive(Debug, Clone)]
pub struct Redirect<S, P = Standard> {
    inner: S,
    policy: P,
    follow: bool,
}

impl<S, P, ReqB, ResB, E> Service<http::Request<ReqB>> for Redirect<S, P>
where
    S: Service<http::Request<ReqB>, Response = http::Response<ResB>, Error = E>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    E: Into<BoxError> + 'static,
    P: Policy,
    ReqB: ReplayBody + Send + 'static,
    ResB: http_body::Body + Send + 'static,
    ResB::Data: Send,
    ResB::Error: Into<BoxError>,
{
    type Response = http::Response<ResB>;
    type Error = Error;
    type Future = ResponseFuture<S::Future, ResB>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(into_error)
    }

    fn call(&mut self, request: http::Request<ReqB>) -> Self::Future {
        let context = request.extensions().get::<RequestContext>();
        let follow = context
            .and_then(|context| context.follow_redirects)
            .unwrap_or(self.follow);
        if !follow {
            let head = match context {
                Some(_) => None,
                None => Replay::head_of(&request).ok(),
            };
            let body = match request.body().bytes() {
                Some(bytes) if bytes.is_empty() => NextBody::Empty,
                Some(bytes) => NextBody::Bytes(bytes),
                None => NextBody::NotReplayable,
            };
            return ResponseFuture::single(self.inner.call(request), Unfollowed { body, head });
        }
        let replay = match Replay::new(&request) {
            Ok(replay) => replay,
            Err(error) => return ResponseFuture::failed(error),
        };
        let service = self.inner.clone();
        let first = self.inner.call(request);
        let policy = self.policy.clone();
        ResponseFuture::following(Box::pin(follow_all(first, service, replay, policy)))
    }
}

/// The redirect loop of one logical request.
async fn follow_all<S, P, ReqB, ResB, E>(
    first: S::Future,
    mut service: S,
    mut replay: Replay<ReqB>,
    mut policy: P,
) -> Result<http::Response<ResB>, Error>
where
    S: Service<http::Request<ReqB>, Response = http::Response<ResB>, Error = E>,
    E: Into<BoxError>,
    P: Policy,
    ReqB: ReplayBody,
    ResB: http_body::Body,
    ResB::Error: Into<BoxError>,
{
    let mut history: Vec<HistoryEntry> = Vec::new();
    let mut pending = first;
    loop {
        let mut response = pending.await.map_err(into_error)?;
        let Some(location) = rules::location(&response) else {
            prepend_history(&mut response, history);
            let meta = meta_mut(&mut response);
            if meta.request.is_none() {
                // Another client's response: name its request (the final URL).
                meta.request = Some(replay.snapshot());
            }
            return Ok(response);
        };
        let status = response.status();
        let target = rules::resolve(&replay.url, location).map_err(|e| replay.name(e))?;
        let attempt = Attempt {
            status,
            method: &replay.method,
            previous: &replay.url,
            location: &target,
            redirects: history.len() + 1,
        };
        match policy.redirect(&attempt) {
            Action::Follow => {}
            Action::Stop => {
                let next = replay.next_request(status, target);
                meta_mut(&mut response).next_request = Some(next);
                prepend_history(&mut response, history);
                return Ok(response);
            }
            Action::Error(error) => return Err(replay.name(error)),
        }
        let head = match response.extensions().get::<xhttp_core::ResponseMeta>() {
            Some(meta) if meta.request.is_some() => None,
            _ => Some(replay.snapshot()),
        };
        let next = replay.next(status, target)?;
        history.push(into_history(response, head).await?);
        poll_fn(|cx| service.poll_ready(cx))
            .await
            .map_err(into_error)?;
        pending = service.call(next);
    }
}

/// The request being redirected: what the next hop is made from.
struct Replay<B> {
    method: Method,
    url: Url,
    version: Version,
    headers: HeaderMap,
    extensions: Extensions,
    /// A copy of the body for the next hop; `None` for a one-shot body.
    body: Option<B>,
    cookies_from_client: bool,
}

impl<B: ReplayBody> Replay<B> {
    fn new(request: &http::Request<B>) -> Result<Replay<B>, Error> {
        let context = request.extensions().get::<RequestContext>();
        let url = match context {
            Some(context) => context.url.clone(),
            None => Url::try_from(request.uri())?,
        };
        Ok(Replay {
            method: request.method().clone(),
            url,
            version: request.version(),
            headers: request.headers().clone(),
            extensions: request.extensions().clone(),
            body: request.body().try_clone(),
            cookies_from_client: context.is_some_and(|context| context.cookies_from_client),
        })
    }

    /// The head of a request that the response will not name.
    fn head_of(request: &http::Request<B>) -> Result<Arc<RequestHead>, Error> {
        Ok(Arc::new(RequestHead {
            method: request.method().clone(),
            url: Url::try_from(request.uri())?,
            headers: request.headers().clone().into(),
        }))
    }

    fn snapshot(&self) -> Arc<RequestHead> {
        Arc::new(RequestHead {
            method: self.method.clone(),
            url: self.url.clone(),
            headers: self.headers.clone().into(),
        })
    }

    /// Names this hop's request in `error`.
    fn name(&self, error: Error) -> Error {
        error.or_request(&self.method, &self.url)
    }

    /// The next hop's request, for a `status` redirect to `target`; this replay then
    /// describes that request.
    fn next(&mut self, status: http::StatusCode, target: Url) -> Result<http::Request<B>, Error> {
        let method = rules::method(status, &self.method);
        let body_dropped = method != self.method && method == Method::GET;
        let body =
            if body_dropped {
                self.body = Some(B::empty());
                B::empty()
            } else {
                match self.body.as_ref().and_then(B::try_clone) {
                    Some(body) => body,
                    None => {
                        return Err(self.name(Error::new(ErrorKind::StreamConsumed).with_message(
                        "the request body is a one-shot stream and cannot be sent again for a \
                         307/308 redirect: give the request a replayable body (bytes, text, \
                         form, JSON, file)",
                    )));
                    }
                }
            };
        let rules = HeaderRules {
            body_dropped,
            cookies_from_client: self.cookies_from_client,
            method_changed: method != self.method,
        };
        rules::edit_headers(&mut self.headers, &self.url, &target, rules);
        self.cookies_from_client = false;
        self.method = method;
        self.url = target;
        if let Some(context) = self.extensions.get_mut::<RequestContext>() {
            context.url = self.url.clone();
            context.cookies_from_client = false;
        }
        let uri = http::Uri::try_from(&self.url)?;
        let mut request = http::Request::new(body);
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = uri;
        *request.version_mut() = self.version;
        *request.headers_mut() = self.headers.clone();
        *request.extensions_mut() = self.extensions.clone();
        Ok(request)
    }

    /// The request a redirect the policy stopped at points to.
    fn next_request(&self, status: http::StatusCode, target: Url) -> NextRequest {
        let method = rules::method(status, &self.method);
        let body_dropped = method != self.method && method == Method::GET;
        let mut headers = self.headers.clone();
        let rules = HeaderRules {
            body_dropped,
            cookies_from_client: true,
            method_changed: method != self.method,
        };
        rules::edit_headers(&mut headers, &self.url, &target, rules);
        let body = match (&self.body, body_dropped) {
            (_, true) => NextBody::Empty,
            (Some(body), false) => match body.bytes() {
                Some(bytes) if bytes.is_empty() => NextBody::Empty,
                Some(bytes) => NextBody::Bytes(bytes),
                None => NextBody::NotReplayable,
            },
            (None, false) => NextBody::NotReplayable,
        };
        NextRequest {
            head: Arc::new(RequestHead {
                method,
                url: target,
                headers: headers.into(),
            }),
            body,
        }
    }
}
