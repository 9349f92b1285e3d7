//! [`Dispatch`]: the innermost service of the client's stack. Per hop: the default
//! timeout, the reader-body pump, routing to a transport, and the response's
//! [`ResponseMeta`] (the request head snapshot and the start instant).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use tower_service::Service;
use xhttp_core::{
    Body, Error, ErrorKind, OnProgress, RequestContext, RequestHead, ResponseMeta, Timeout, Trace,
    TraceKind, Url,
};

use crate::body_channel;
use crate::observe::CountedBody;
use crate::routes::{Routes, Target};
use crate::transport::{BoxTransport, TransportFuture};

/// Routes each hop to its transport.
#[derive(Clone)]
pub(crate) struct Dispatch {
    shared: Arc<Shared>,
}

struct Shared {
    /// The transport given to the builder, for every request.
    transport: Option<BoxTransport>,
    /// The built-in transport, for http(s) requests no other transport serves.
    default_transport: BoxTransport,
    /// The client's timeouts, for requests that have none.
    timeout: Timeout,
    /// Mounts, proxies and the environment's proxies.
    routes: Routes,
}

impl Dispatch {
    pub(crate) fn new(
        transport: Option<BoxTransport>,
        default_transport: BoxTransport,
        timeout: Timeout,
        routes: Routes,
    ) -> Dispatch {
        Dispatch {
            shared: Arc::new(Shared {
                transport,
                default_transport,
                timeout,
                routes,
            }),
        }
    }

    /// Mounts (and proxies) first, then the builder's transport, then the built-in one.
    fn route(&self, url: &Url) -> Result<&BoxTransport, Error> {
        match self.shared.routes.route(url) {
            Some(Target::Transport(transport)) => return Ok(transport),
            Some(Target::Invalid(kind, message)) => {
                return Err(Error::new(*kind).with_message(message.clone()));
            }
            Some(Target::Default) | None => {}
        }
        if let Some(transport) = &self.shared.transport {
            return Ok(transport);
        }
        match url.scheme() {
            "http" | "https" => Ok(&self.shared.default_transport),
            other => Err(
                Error::new(ErrorKind::UnsupportedProtocol).with_message(format!(
                    "request URL has an unsupported protocol '{other}://'"
                )),
            ),
        }
    }
}

impl fmt::Debug for Dispatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Dispatch")
    }
}

impl Service<http::Request<Body>> for Dispatch {
    type Response = http::Response<Body>;
    type Error = Error;
    type Future = DispatchFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: http::Request<Body>) -> DispatchFuture {
        if request.extensions().get::<RequestContext>().is_none() {
            match Url::try_from(request.uri()) {
                Ok(url) => {
                    request.extensions_mut().insert(RequestContext::new(url));
                }
                Err(error) => return DispatchFuture::failed(error),
            }
        }
        let Some(context) = request.extensions_mut().get_mut::<RequestContext>() else {
            return DispatchFuture::failed(ErrorKind::InvalidUrl.into());
        };
        if context.timeout.is_none() {
            context.timeout = Some(self.shared.timeout);
        }
        let url = context.url.clone();
        let observers = match (&context.trace, &context.download_progress) {
            (None, None) => None,
            (trace, progress) => Some(Box::new((trace.clone(), progress.clone()))),
        };
        let head = Arc::new(RequestHead {
            method: request.method().clone(),
            url,
            headers: request.headers().clone().into(),
        });
        if let Some(context) = request.extensions_mut().get_mut::<RequestContext>() {
            context.head = Some(Arc::clone(&head));
        }
        let transport = match self.route(&head.url) {
            Ok(transport) => transport,
            Err(error) => return DispatchFuture::failed(name(error, &head)),
        };
        // Off the runtime workers: a reader may block. With its length: upload
        // progress gets a total, the body is held to it.
        body_channel::read_off_runtime(request.body_mut());
        let started = Instant::now();
        DispatchFuture {
            state: State::Sending {
                inner: transport.send(request),
                head,
                started,
                observers,
            },
        }
    }
}

/// The future of [`Dispatch`].
pub(crate) struct DispatchFuture {
    state: State,
}

type Observers = (Option<Trace>, Option<OnProgress>);

enum State {
    Sending {
        inner: TransportFuture,
        head: Arc<RequestHead>,
        started: Instant,
        /// The trace and the download progress callback, when either is set.
        observers: Option<Box<Observers>>,
    },
    Failed(Option<Error>),
}

impl DispatchFuture {
    fn failed(error: Error) -> DispatchFuture {
        DispatchFuture {
            state: State::Failed(Some(error)),
        }
    }
}

impl Future for DispatchFuture {
    type Output = Result<http::Response<Body>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.state {
            State::Sending {
                inner,
                head,
                started,
                observers,
            } => {
                let mut response = ready!(inner.as_mut().poll(cx)).map_err(|e| name(e, head))?;
                let meta = response
                    .extensions_mut()
                    .get_or_insert_default::<ResponseMeta>();
                meta.request = Some(Arc::clone(head));
                meta.started = Some(*started);
                // The built-in transport marked when the head arrived; others did not.
                let now = match meta.timings.response_head_at() {
                    Some(at) => at,
                    None => {
                        let now = Instant::now();
                        meta.timings.mark_response_head(now);
                        now
                    }
                };
                if meta.timings.waiting.is_none() {
                    meta.timings.waiting = Some(now - *started);
                }
                if let Some(observers) = observers.take() {
                    let (trace, progress) = *observers;
                    if let Some(trace) = &trace {
                        trace.emit_at(
                            now,
                            TraceKind::ResponseHeadReceived {
                                status: response.status(),
                            },
                        );
                    }
                    let (parts, body) = response.into_parts();
                    let body = CountedBody::download(body, &parts.headers, progress, trace);
                    response = http::Response::from_parts(parts, body);
                }
                Poll::Ready(Ok(response))
            }
            State::Failed(error) => Poll::Ready(Err(error
                .take()
                .unwrap_or_else(|| ErrorKind::LocalProtocol.into()))),
        }
    }
}

impl fmt::Debug for DispatchFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DispatchFuture")
    }
}

/// Names the request in an error that does not name one yet.
pub(crate) fn name(error: Error, head: &RequestHead) -> Error {
    error.or_request(&head.method, &head.url)
}
