//! One exchange on the built-in transport: a connection from the pool or a new one, the
//! request sent with the write and read timeouts watched, the response body wrapped.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::{self, HeaderValue};
use hyper::body::Incoming;
use pin_project_lite::pin_project;
use tokio::time::Instant;
use xhttp_core::{Body, Error, ErrorKind, RequestContext, ResponseMeta, Timeout, TraceKind};

use super::body::{Lease, ResponseBody};
use super::conn::{Handshaken, handshake};
use super::errors::Refused;
use super::head::{Failure, Head, deadline_after};
use super::key::{Key, Scheme, Via};
use super::pool::Acquired;
use super::transport::Shared;
use super::watch::{Observers, Progress, WatchedBody};
use crate::connect::ConnectPhases;
use crate::transport::TransportFuture;

/// Sends `request` and answers its response, within the request's timeouts.
///
/// The exchange's future is boxed once, here. It is built from plain functions that
/// return `async` blocks capturing what they use: an `async fn` keeps a second copy of
/// each argument it moves, and this future is allocated and copied with every request.
pub(crate) fn send(shared: Arc<Shared>, request: http::Request<Body>) -> TransportFuture {
    if let Err(error) = check_supported(&request) {
        return Box::pin(std::future::ready(Err(error)));
    }
    let context = request.extensions().get::<RequestContext>();
    let timeout = context
        .and_then(|context| context.timeout)
        .unwrap_or_default();
    let observers = context.and_then(|context| {
        Observers::new(
            context.trace.clone(),
            context.upload_progress.clone(),
            request.body().content_length(),
        )
    });
    let key = match Key::from_uri(request.uri()).and_then(|key| Ok(key.through(shared.proxy()?))) {
        Ok(key) => key,
        Err(error) => return Box::pin(std::future::ready(Err(error))),
    };
    let total = timeout
        .total()
        .map(|limit| deadline_after(Instant::now(), limit));
    let exchange = exchange(shared, key, request, timeout, total, observers);
    match total {
        Some(deadline) => Box::pin(TotalDeadline {
            inner: exchange,
            deadline,
            timer: None,
        }),
        None => Box::pin(exchange),
    }
}

pin_project! {
    /// An exchange under the request's total deadline. The timer is made at the first
    /// poll: the transport may be called outside a runtime, its future polled inside.
    struct TotalDeadline<F> {
        #[pin]
        inner: F,
        deadline: Instant,
        timer: Option<Pin<Box<tokio::time::Sleep>>>,
    }
}

impl<F> Future for TotalDeadline<F>
where
    F: Future<Output = Result<http::Response<Body>, Error>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        if let Poll::Ready(outcome) = this.inner.poll(cx) {
            return Poll::Ready(outcome);
        }
        let deadline = *this.deadline;
        let timer = this
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        timer.as_mut().poll(cx).map(|()| {
            Err(Error::new(ErrorKind::TotalTimeout)
                .with_message("the total deadline passed before the response head"))
        })
    }
}

/// Tunnels (`CONNECT`) and protocol upgrades hand the connection over to the caller,
/// which the client's API cannot do: they are refused before a connection is taken.
/// A method comparison and two header lookups per request.
fn check_supported(request: &http::Request<Body>) -> Result<(), Error> {
    let headers = request.headers();
    let upgrade = request.method() == http::Method::CONNECT
        || headers.contains_key(header::UPGRADE)
        || headers
            .get_all(header::CONNECTION)
            .iter()
            .any(|value| has_token(value, b"upgrade"));
    if upgrade {
        return Err(Error::new(ErrorKind::UnsupportedProtocol).with_message(
            "tunnels (CONNECT) and protocol upgrades (Upgrade, Connection: upgrade) are not \
             supported by the client API",
        ));
    }
    Ok(())
}

/// Whether a comma-separated header value lists `token` (ASCII case-insensitive).
fn has_token(value: &HeaderValue, token: &[u8]) -> bool {
    value
        .as_bytes()
        .split(|&byte| byte == b',')
        .any(|item| item.trim_ascii().eq_ignore_ascii_case(token))
}

fn exchange(
    shared: Arc<Shared>,
    key: Key,
    request: http::Request<Body>,
    timeout: Timeout,
    total: Option<Instant>,
    observers: Option<Box<Observers>>,
) -> impl Future<Output = Result<http::Response<Body>, Error>> + Send + 'static {
    let coalesce = key.scheme == Scheme::Https && shared.options.http2;
    let progress = Progress::new(observers);
    let (parts, body) = request.into_parts();
    let idempotent = is_idempotent(&parts.method);
    let mut request =
        http::Request::from_parts(parts, WatchedBody::new(body, Arc::clone(&progress)));
    async move {
        let shared = &*shared;
        // Set at the first wait for the pool, for all of this exchange's checkouts.
        let mut pool_deadline = None;
        let mut fresh = false;
        // A refused stream (REFUSED_STREAM, or above a GOAWAY's last stream) was not
        // processed: it may go again. A server that ends connections after N requests
        // (nginx's keepalive_requests) refuses every stream past N of each; the bound is
        // finite.
        let mut refused_retries_left = 10;
        loop {
            let mut phases = None;
            let lease = match shared
                .pool
                .acquire(&key, coalesce, fresh, timeout.pool(), &mut pool_deadline)
                .await?
            {
                Acquired::H1(lease) => Lease::H1(lease),
                Acquired::H2(lease) => Lease::H2(lease),
                Acquired::Connect(permit) => {
                    // On failure the permit is dropped: its slot goes back to the pool.
                    // Boxed: a connect is rare next to a reuse, and its future is large.
                    let (handshaken, connected) =
                        Box::pin(connect(shared, &key, timeout, progress.trace())).await?;
                    phases = Some(connected);
                    shared.pool.connected(permit, handshaken)
                }
            };
            // Reused: the connection served requests before, or (HTTP/2) this exchange
            // did not open it. Only then may a failure be a stale connection's.
            let (reused, version) = match &lease {
                Lease::H1(lease) => (lease.reused, http::Version::HTTP_11),
                Lease::H2(_) => (phases.is_none(), http::Version::HTTP_2),
            };
            if let Some(trace) = progress.trace() {
                trace.emit(TraceKind::Connection { reused, version });
            }
            // A copy to send again, kept only when a retry could be allowed: on a reused
            // connection for an idempotent method, or on HTTP/2 (a refused stream was not
            // processed, whatever its method), and only with a replayable body.
            let replay = match &lease {
                Lease::H2(_) if refused_retries_left > 0 => copy_request(&request),
                _ if fresh => None,
                _ if reused && idempotent => copy_request(&request),
                Lease::H1(_) | Lease::H2(_) => None,
            };
            // Bound to this attempt: a body of an earlier one that hyper still polls
            // moves no timer of this one.
            request.body_mut().rebind();
            match send_on(shared, lease, request, &progress, timeout, total, phases).await {
                // The exchange's record of the request body goes with the response: an
                // HTTP/1.1 connection is pooled at the body's end only if it was sent.
                Ok(response) => {
                    return Ok(response.map(|body| Body::from_stream(body.start(progress))));
                }
                // hyper gave the request back unsent: the connection was dead already.
                // Any method may go again, once, on a new connection.
                Err(Failure::Unsent(unsent, _)) if !fresh => request = *unsent,
                Err(Failure::BeforeHead {
                    error,
                    refused: Some(refused),
                }) => match replay {
                    Some(copy) if refused_retries_left > 0 => {
                        refused_retries_left -= 1;
                        request = copy.into_request();
                        progress.restart();
                        // A refused stream: the connection stays usable, a normal checkout
                        // may share it again. After a GOAWAY (the connection left the
                        // pool's use) it goes on a connection of its own, where it is the
                        // first stream, which a server that caps requests per connection
                        // always serves: shared ones may be as full as the one that
                        // refused it.
                        fresh |= refused == Refused::GoAway;
                        continue;
                    }
                    _ => return Err(error),
                },
                // DESIGN §5: a stale connection is a reused one.
                Err(Failure::BeforeHead { error, .. }) if !fresh && reused && idempotent => {
                    match replay {
                        Some(copy) => request = copy.into_request(),
                        None => return Err(error),
                    }
                }
                Err(
                    Failure::Unsent(_, error)
                    | Failure::BeforeHead { error, .. }
                    | Failure::Failed(error),
                ) => {
                    return Err(error);
                }
            }
            fresh = true;
            progress.restart();
        }
    }
}

/// RFC 9110 §9.2.2.
fn is_idempotent(method: &http::Method) -> bool {
    matches!(
        *method,
        http::Method::GET
            | http::Method::HEAD
            | http::Method::OPTIONS
            | http::Method::TRACE
            | http::Method::PUT
            | http::Method::DELETE
    )
}

/// A copy of a request whose body is replayable (and not yet sent).
fn copy_request(request: &http::Request<WatchedBody>) -> Option<Replay> {
    let body = request.body().try_clone()?;
    // The client's snapshot of the head (an `Arc`) stands for the headers: they are
    // copied only if the request is actually sent again.
    let headers = match request
        .extensions()
        .get::<RequestContext>()
        .and_then(|context| context.head.clone())
    {
        Some(head) => ReplayHeaders::Snapshot(head),
        None => ReplayHeaders::Copy(request.headers().clone()),
    };
    Some(Replay {
        method: request.method().clone(),
        uri: request.uri().clone(),
        version: request.version(),
        headers,
        body,
    })
}

/// What is kept to send a request again.
struct Replay {
    method: http::Method,
    uri: http::Uri,
    version: http::Version,
    headers: ReplayHeaders,
    body: WatchedBody,
}

enum ReplayHeaders {
    Snapshot(Arc<xhttp_core::RequestHead>),
    Copy(http::HeaderMap),
}

impl Replay {
    fn into_request(self) -> http::Request<WatchedBody> {
        let mut request = http::Request::new(self.body);
        *request.method_mut() = self.method;
        *request.uri_mut() = self.uri;
        *request.version_mut() = self.version;
        *request.headers_mut() = match self.headers {
            ReplayHeaders::Snapshot(head) => head.headers.as_map().clone(),
            ReplayHeaders::Copy(headers) => headers,
        };
        request
    }
}

async fn connect(
    shared: &Shared,
    key: &Key,
    timeout: Timeout,
    trace: Option<&xhttp_core::Trace>,
) -> Result<(Handshaken, ConnectPhases), Error> {
    let connect = async {
        let connected = shared.connector.connect(key, trace).await?;
        let phases = connected.phases;
        Ok((handshake(connected, &shared.options).await?, phases))
    };
    match timeout.connect() {
        Some(limit) => tokio::time::timeout(limit, connect)
            .await
            .unwrap_or_else(|_| {
                Err(Error::new(ErrorKind::ConnectTimeout).with_message(format!(
                    "no connection to {}:{} within {limit:?}",
                    key.host, key.port
                )))
            }),
        None => connect.await,
    }
}

/// Hands `request` to the leased connection and answers its response, the body wrapped
/// with its timers and the lease (to be [`started`](ResponseBody::start)). Not an
/// `async fn`: that would keep a second copy of `request` (see [`send`]).
#[allow(clippy::manual_async_fn)]
fn send_on<'a>(
    shared: &'a Shared,
    lease: Lease,
    mut request: http::Request<WatchedBody>,
    progress: &'a Progress,
    timeout: Timeout,
    total: Option<Instant>,
    phases: Option<ConnectPhases>,
) -> impl Future<Output = Result<http::Response<ResponseBody>, Failure>> + Send + 'a {
    async move {
        // When the head was handed to hyper: the start of `waiting`.
        let sent_at;
        let (response, lease, info) = match lease {
            Lease::H1(mut lease) => {
                match &lease.key.via {
                    Via::Forward(proxy) => prepare_forward(&mut request, &proxy.headers),
                    Via::Direct | Via::Tunnel(_) => prepare_h1(&mut request),
                }
                let Some(sender) = lease.sender.as_mut() else {
                    return Err(Failure::Failed(
                        Error::new(ErrorKind::LocalProtocol)
                            .with_message("the connection lease was already given back"),
                    ));
                };
                // A blocking caller waiting on this thread writes the request and reads the
                // response itself (see `driven`).
                std::future::poll_fn(|cx| {
                    sender.borrow_here(cx);
                    std::task::Poll::Ready(())
                })
                .await;
                if sender.ready().await.is_err() {
                    let error = Error::new(ErrorKind::RemoteProtocol)
                        .with_message("the connection closed while idle");
                    return Err(Failure::Unsent(Box::new(request), error));
                }
                sent_at = std::time::Instant::now();
                progress.head_sent(sent_at, request.body().is_complete());
                let sent = match sender.try_send(request) {
                    Ok(sent) => sent,
                    Err(unsent) => return Err(Failure::Unsent(unsent, closed_before_sent())),
                };
                let response = Head::new(sent, progress, timeout, false).await?;
                let info = Arc::clone(&lease.info);
                (response, Lease::H1(lease), info)
            }
            Lease::H2(lease) => {
                prepare_h2(&mut request).map_err(Failure::Failed)?;
                sent_at = std::time::Instant::now();
                progress.head_sent(sent_at, request.body().is_complete());
                let sent = match lease.sender().try_send(request) {
                    Ok(sent) => sent,
                    // The connection task ended (its pool entry goes with it): not sent.
                    Err(unsent) => return Err(Failure::Unsent(unsent, closed_before_sent())),
                };
                let response = match Head::new(sent, progress, timeout, true).await {
                    Ok(response) => response,
                    Err(failure) => {
                        if let Failure::BeforeHead {
                            refused: Some(Refused::GoAway),
                            ..
                        } = failure
                        {
                            // No new streams on this connection. Its other streams go on;
                            // its slot comes back when it closes (or its last stream ends).
                            // A refused stream alone leaves it in use.
                            lease.mark_dead();
                        }
                        return Err(failure);
                    }
                };
                let info = Arc::clone(&lease.entry.info);
                (response, Lease::H2(lease), info)
            }
        };
        let head_at = std::time::Instant::now();
        let (mut parts, incoming): (_, Incoming) = response.into_parts();
        check_head_size(&parts.headers, shared.options.max_response_header_bytes)
            .map_err(Failure::Failed)?;
        if let Some(reason) = parts.extensions.remove::<hyper::ext::ReasonPhrase>() {
            let phrase = bytes::Bytes::copy_from_slice(reason.as_bytes());
            parts
                .extensions
                .insert(xhttp_core::response::ReasonPhrase(phrase));
        }
        // One extension entry for everything the transport tells: the connection travels in
        // the response's metadata.
        let meta = parts.extensions.get_or_insert_default::<ResponseMeta>();
        meta.connection = Some(info);
        let timings = &mut meta.timings;
        if let Some(phases) = phases {
            timings.dns = phases.dns;
            timings.connect = phases.connect;
            timings.tls = phases.tls;
        }
        timings.waiting = Some(head_at.saturating_duration_since(sent_at));
        timings.mark_response_head(head_at);
        let body = ResponseBody::new(incoming, timeout.read(), total, Some(lease));
        Ok(http::Response::from_parts(parts, body))
    }
}

/// A request that found its connection's task ended: it was not sent.
fn closed_before_sent() -> Error {
    Error::new(ErrorKind::RemoteProtocol)
        .with_message("the connection closed before the request was sent")
}

/// The response head must fit `limit` bytes (names, values and the `: ` and CRLF of each
/// line, as on the wire).
fn check_head_size(headers: &http::HeaderMap, limit: usize) -> Result<(), Error> {
    let size: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if size > limit {
        return Err(Error::new(ErrorKind::RemoteProtocol).with_message(format!(
            "the response head is larger than allowed ({size} bytes, limit {limit})"
        )));
    }
    Ok(())
}

/// HTTP/1.1 wants the request target in origin form and a `Host` header.
fn prepare_h1(request: &mut http::Request<WatchedBody>) {
    *request.version_mut() = http::Version::HTTP_11;
    add_host(request);
    // The parsed path and query, shared (a reference count), not parsed again.
    let mut origin = http::uri::Parts::default();
    origin.path_and_query = Some(path_and_query(request.uri()));
    if let Ok(origin) = http::Uri::from_parts(origin) {
        *request.uri_mut() = origin;
    }
}

/// `Host` from the URI's authority (without userinfo), unless the request has one.
fn add_host(request: &mut http::Request<WatchedBody>) {
    if request.headers().contains_key(header::HOST) {
        return;
    }
    if let Some(authority) = request.uri().authority() {
        let host = authority.as_str().rsplit('@').next().unwrap_or_default();
        if let Ok(value) = HeaderValue::from_str(host) {
            request.headers_mut().insert(header::HOST, value);
        }
    }
}

/// The URI's path and query, `/` when it has none.
fn path_and_query(uri: &http::Uri) -> http::uri::PathAndQuery {
    uri.path_and_query()
        .cloned()
        .unwrap_or_else(|| http::uri::PathAndQuery::from_static("/"))
}

/// A forward proxy wants the request target in absolute form (without userinfo), a
/// `Host` header, and its own headers (credentials included) where the request has
/// none of the same name.
fn prepare_forward(
    request: &mut http::Request<WatchedBody>,
    proxy_headers: &[(http::HeaderName, HeaderValue)],
) {
    *request.version_mut() = http::Version::HTTP_11;
    add_host(request);
    // The absolute target is kept as parsed; only userinfo (which xhttp's own URIs
    // never carry) or a missing path makes it rebuilt, from its parsed parts.
    let uri = request.uri();
    let userinfo = uri
        .authority()
        .is_some_and(|authority| authority.as_str().contains('@'));
    if userinfo || uri.path_and_query().is_none() {
        let mut parts = uri.clone().into_parts();
        if let Some(authority) = &parts.authority {
            let host = authority.as_str().rsplit('@').next().unwrap_or_default();
            parts.authority = http::uri::Authority::try_from(host).ok();
        }
        if parts.path_and_query.is_none() {
            parts.path_and_query = Some(http::uri::PathAndQuery::from_static("/"));
        }
        if let Ok(absolute) = http::Uri::from_parts(parts) {
            *request.uri_mut() = absolute;
        }
    }
    let headers = request.headers_mut();
    // Decided before adding any: a proxy header of several values is added whole.
    let missing: Vec<bool> = proxy_headers
        .iter()
        .map(|(name, _)| !headers.contains_key(name))
        .collect();
    for ((name, value), missing) in proxy_headers.iter().zip(missing) {
        if missing {
            headers.append(name.clone(), value.clone());
        }
    }
}

/// HTTP/2 carries the host in `:authority` (from the `Host` header when the request has
/// one, as httpcore does) and forbids connection-specific headers.
fn prepare_h2(request: &mut http::Request<WatchedBody>) -> Result<(), Error> {
    *request.version_mut() = http::Version::HTTP_2;
    if let Some(host) = request.headers_mut().remove(header::HOST) {
        authority_from_host(request.uri_mut(), &host)?;
    }
    let headers = request.headers_mut();
    headers.remove(header::CONNECTION);
    headers.remove(header::TRANSFER_ENCODING);
    headers.remove("keep-alive");
    headers.remove("proxy-connection");
    if headers
        .get(header::TE)
        .is_some_and(|value| !value.as_bytes().eq_ignore_ascii_case(b"trailers"))
    {
        headers.remove(header::TE);
    }
    Ok(())
}

/// Makes `host` the authority of `uri`. The client sets `Host` from the URL: a header
/// equal to the URI's authority is the common case, a byte comparison. Another one
/// must be a valid authority without userinfo (RFC 9113 §8.3.1).
fn authority_from_host(uri: &mut http::Uri, host: &HeaderValue) -> Result<(), Error> {
    if uri
        .authority()
        .is_some_and(|authority| authority.as_str().as_bytes() == host.as_bytes())
    {
        return Ok(());
    }
    let invalid = || {
        Error::new(ErrorKind::InvalidHeader)
            .with_message("the Host header is not a valid HTTP/2 authority (host[:port])")
    };
    if host.as_bytes().contains(&b'@') {
        return Err(invalid());
    }
    let authority = http::uri::Authority::try_from(host.as_bytes()).map_err(|_| invalid())?;
    let mut parts = std::mem::take(uri).into_parts();
    parts.authority = Some(authority);
    if parts.path_and_query.is_none() {
        parts.path_and_query = Some(http::uri::PathAndQuery::from_static("/"));
    }
    *uri = http::Uri::from_parts(parts).map_err(|_| invalid())?;
    Ok(())
}
