//! Accepting connections and serving each one: TLS handshake, then HTTP/1.1, HTTP/2
//! or a misbehaving mode.

use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::{http1, http2};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};
use tokio_rustls::TlsAcceptor;

use crate::builder::Protocol;
use crate::events::{ConnectionEvent, ConnectionId};
use crate::modes::Behavior;
use crate::modes::paced::PacedBody;
use crate::modes::raw::{RawHandler, RawWorkers};
use crate::modes::silent;
use crate::server::{Handler, Shared};

/// How the server thread serves its connections.
pub(crate) struct Serving {
    pub(crate) protocol: Protocol,
    pub(crate) acceptor: Option<TlsAcceptor>,
    pub(crate) behavior: Behavior,
    pub(crate) handler: Arc<dyn Handler>,
    pub(crate) raw: Option<Arc<dyn RawHandler>>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) http2_max_streams: Option<u32>,
}

/// Accepts connections until the server is stopped.
pub(crate) async fn accept_loop(
    listener: TcpListener,
    serving: Arc<Serving>,
    mut stopped: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => {
                // An accept error (say, out of file descriptors) ends no test by itself:
                // the client sees the failed connection.
                let Ok((stream, peer)) = accepted else { continue };
                let id = serving.shared.open(peer);
                if let Some(raw) = &serving.raw {
                    spawn_raw(&serving.shared, stream, id, peer, Arc::clone(raw));
                } else {
                    tokio::spawn(serve_connection(stream, id, Arc::clone(&serving)));
                }
            }
        }
    }
}

fn spawn_raw(
    shared: &Arc<Shared>,
    stream: TcpStream,
    id: ConnectionId,
    peer: SocketAddr,
    handler: Arc<dyn RawHandler>,
) {
    let spawned = stream
        .into_std()
        .and_then(|stream| RawWorkers::spawn(shared, stream, id, peer, handler));
    if spawned.is_err() {
        // The socket is gone already: the client sees the connection closed.
        shared
            .events
            .push(ConnectionEvent::Closed { id, requests: 0 });
    }
}

/// Records the connection closed when its task ends, or is cancelled because the
/// server stops.
struct ClosedGuard {
    id: ConnectionId,
    shared: Arc<Shared>,
    requests: Arc<AtomicUsize>,
}

impl Drop for ClosedGuard {
    fn drop(&mut self) {
        self.shared.events.push(ConnectionEvent::Closed {
            id: self.id,
            requests: self.requests.load(Ordering::SeqCst),
        });
    }
}

async fn serve_connection(stream: TcpStream, id: ConnectionId, serving: Arc<Serving>) {
    let guard = ClosedGuard {
        id,
        shared: Arc::clone(&serving.shared),
        requests: Arc::new(AtomicUsize::new(0)),
    };
    let requests = Arc::clone(&guard.requests);
    match &serving.acceptor {
        None => serve_io(stream, serving.protocol, id, &serving, requests).await,
        Some(acceptor) => {
            // A failed handshake (the client rejected the certificate, say) just ends
            // the connection.
            let Ok(tls) = acceptor.accept(stream).await else {
                return;
            };
            let protocol = match tls.get_ref().1.alpn_protocol() {
                Some(b"h2") => Protocol::Http2,
                Some(b"http/1.1") => Protocol::Http1,
                _ => serving.protocol,
            };
            serve_io(tls, protocol, id, &serving, requests).await;
        }
    }
    drop(guard);
}

async fn serve_io<I>(
    io: I,
    protocol: Protocol,
    id: ConnectionId,
    serving: &Arc<Serving>,
    requests: Arc<AtomicUsize>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let events = &serving.shared.events;
    match serving.behavior {
        Behavior::NeverAnswer => return silent::never_answer(io, id, events, &requests).await,
        Behavior::StallUpload => return silent::stall_upload(io, id, events, &requests).await,
        _ => {}
    }
    let close = Arc::new(Notify::new());
    let service = service(id, Arc::clone(serving), requests, Arc::clone(&close));
    let io = TokioIo::new(io);
    let max_streams = serving.http2_max_streams;
    // A connection error (the client reset it, say) is an ordinary end of a connection.
    let connection = async move {
        let _ = match protocol {
            Protocol::Http1 => {
                http1::Builder::new()
                    .timer(TokioTimer::new())
                    .serve_connection(io, service)
                    .await
            }
            Protocol::Http2 => {
                http2::Builder::new(TokioExecutor::new())
                    .timer(TokioTimer::new())
                    .max_concurrent_streams(max_streams)
                    .serve_connection(io, service)
                    .await
            }
            Protocol::Auto => {
                let mut builder = auto::Builder::new(TokioExecutor::new());
                builder.http1().timer(TokioTimer::new());
                builder
                    .http2()
                    .timer(TokioTimer::new())
                    .max_concurrent_streams(max_streams);
                // Only the error's presence matters, and it is ignored like the others.
                builder
                    .serve_connection(io, service)
                    .await
                    .map_err(|_| ())
                    .ok();
                Ok(())
            }
        };
    };
    tokio::select! {
        () = connection => {}
        () = close.notified() => {}
    }
}

/// The hyper service of one connection: reads each request whole, then answers with
/// the handler, paced by the behaviour.
fn service(
    id: ConnectionId,
    serving: Arc<Serving>,
    requests: Arc<AtomicUsize>,
    close: Arc<Notify>,
) -> impl hyper::service::Service<
    http::Request<Incoming>,
    Response = http::Response<PacedBody>,
    Error = hyper::Error,
    Future = impl Future<Output = Result<http::Response<PacedBody>, hyper::Error>> + Send,
> + Clone
+ Send
+ 'static {
    let seen = Arc::new(AtomicUsize::new(0));
    service_fn(move |request: http::Request<Incoming>| {
        let serving = Arc::clone(&serving);
        let requests = Arc::clone(&requests);
        let close = Arc::clone(&close);
        let index = seen.fetch_add(1, Ordering::SeqCst);
        async move {
            let (parts, body) = request.into_parts();
            let body = body.collect().await?.to_bytes();
            let request = http::Request::from_parts(parts, body);
            let method = request.method().clone();
            let target = request
                .uri()
                .path_and_query()
                .map_or_else(|| "/".to_owned(), ToString::to_string);
            requests.fetch_add(1, Ordering::SeqCst);
            let shared = &serving.shared;
            if let Behavior::CloseAfter { answered } = serving.behavior {
                if index >= answered {
                    shared
                        .events
                        .push(ConnectionEvent::RequestRead { id, method, target });
                    close.notify_one();
                    return std::future::pending().await;
                }
            }
            let response = match catch_unwind(AssertUnwindSafe(|| (serving.handler)(request))) {
                Ok(response) => response,
                Err(payload) => {
                    shared.record_panic(payload);
                    panicked_response()
                }
            };
            shared
                .events
                .push(ConnectionEvent::RequestServed { id, method, target });
            Ok(response.map(|body| PacedBody::new(body, serving.behavior)))
        }
    })
}

fn panicked_response() -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::from_static(b"testkit: the handler panicked"));
    *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
    response
}
