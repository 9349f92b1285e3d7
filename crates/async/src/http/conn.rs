//! One HTTP connection over a connected stream: the hyper handshake for HTTP/1.1 or
//! HTTP/2, and the sending halves the pool keeps.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use hyper::body::Incoming;
use hyper::client::conn::{TrySendError, http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use xhttp_core::{ConnectionInfo, Error, ErrorKind, HttpOptions};

use super::driven::{self, Driven};
pub(crate) use super::intake::H2Sender;
use super::intake::{Gated, Intake};
use super::watch::WatchedBody;
use crate::connect::Connected;
use crate::connect::io::Io;

/// An HTTP/1.1 connection's sending half, its gate (see [`Gated`]), and the connection
/// future behind it when it is shared with blocking callers (see [`handshake`]).
#[derive(Debug)]
pub(crate) struct H1Sender {
    send: http1::SendRequest<WatchedBody>,
    driven: Option<Arc<Driven>>,
    intake: Arc<Intake>,
}

/// What hyper answers a request handed to a connection with.
type Sent = Result<http::Response<Incoming>, TrySendError<http::Request<WatchedBody>>>;

impl H1Sender {
    pub(crate) fn new(
        send: http1::SendRequest<WatchedBody>,
        driven: Option<Arc<Driven>>,
        intake: Arc<Intake>,
    ) -> H1Sender {
        H1Sender {
            send,
            driven,
            intake,
        }
    }

    /// Hands `request` to the connection (which must be ready): its response to come,
    /// or the request back when the connection task has ended (it was not sent).
    pub(crate) fn try_send(
        &mut self,
        request: http::Request<WatchedBody>,
    ) -> Result<impl Future<Output = Sent> + use<>, Box<http::Request<WatchedBody>>> {
        let send = &mut self.send;
        self.intake
            .hand_over(request, |request| send.try_send_request(request))
            .map_err(Box::new)
    }

    /// Waits until the connection can take a request (hyper's `ready`); an error when it
    /// closed.
    pub(crate) async fn ready(&mut self) -> Result<(), hyper::Error> {
        self.send.ready().await
    }

    /// The connection task ended (or is ending).
    pub(crate) fn is_closed(&self) -> bool {
        self.send.is_closed()
    }

    /// Lets a blocking caller waiting on this thread drive the connection (see
    /// [`Driven::borrow_here`]).
    pub(crate) fn borrow_here(&self, cx: &Context<'_>) {
        if let Some(driven) = &self.driven {
            driven.borrow_here(cx);
        }
    }
}

/// hyper's default limit before the server's SETTINGS arrive.
pub(crate) const INITIAL_MAX_STREAMS: usize = 100;

/// A new connection, ready for requests.
#[derive(Debug)]
pub(crate) enum Handshaken {
    H1(H1Sender, Arc<ConnectionInfo>),
    /// With the server's current stream limit, kept up to date by the connection task,
    /// and what to call when the connection ends.
    H2(H2Sender, Arc<ConnectionInfo>, Arc<AtomicUsize>, OnClose),
}

type Callback = Box<dyn FnOnce() + Send>;

/// What to do when a connection task ends: set once by the pool, called once by the task.
#[derive(Clone, Default)]
pub(crate) struct OnClose(Arc<Mutex<(Option<Callback>, bool)>>);

impl OnClose {
    /// Sets the callback; calls it at once if the connection already ended.
    pub(crate) fn set(&self, callback: Callback) {
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.1 {
            drop(slot);
            callback();
        } else {
            slot.0 = Some(callback);
        }
    }

    /// Whether the connection ended (its close was told).
    #[cfg(test)]
    pub(crate) fn has_fired(&self) -> bool {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).1
    }

    fn fire(&self) {
        let callback = {
            let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            slot.1 = true;
            slot.0.take()
        };
        if let Some(callback) = callback {
            callback();
        }
    }
}

impl std::fmt::Debug for OnClose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OnClose")
    }
}

/// Runs the hyper handshake: HTTP/2 when ALPN chose it (or by prior knowledge on plain
/// http when so configured), else HTTP/1.1. The connection task runs on the runtime.
pub(crate) async fn handshake(
    connected: Connected,
    options: &HttpOptions,
) -> Result<Handshaken, Error> {
    let Connected {
        io,
        info,
        h2,
        forward,
        ..
    } = connected;
    let io = TokioIo::new(io);
    // A forward proxy is spoken to in HTTP/1.1 (absolute-form targets).
    let use_h2 = !forward && (h2 || (info.tls.is_none() && options.http2_prior_knowledge));
    if use_h2 {
        let mut builder = http2::Builder::new(TokioExecutor::new());
        builder
            .timer(TokioTimer::new())
            .initial_stream_window_size(options.http2_stream_window)
            .initial_connection_window_size(options.http2_connection_window)
            .max_header_list_size(
                u32::try_from(options.max_response_header_bytes).unwrap_or(u32::MAX),
            )
            .keep_alive_interval(options.http2_keep_alive_interval);
        let (sender, connection) = builder.handshake(io).await.map_err(handshake_error)?;
        let max_streams = Arc::new(AtomicUsize::new(INITIAL_MAX_STREAMS));
        let on_close = OnClose::default();
        let intake = Arc::new(Intake::default());
        tokio::spawn(H2Driver {
            connection: Gated::new(connection, Arc::clone(&intake)),
            max_streams: Arc::clone(&max_streams),
            on_close: on_close.clone(),
        });
        let sender = H2Sender::new(sender, intake);
        return Ok(Handshaken::H2(sender, info, max_streams, on_close));
    }
    if !options.http1 {
        return Err(Error::new(ErrorKind::UnsupportedProtocol)
            .with_message("the server does not speak HTTP/2 and HTTP/1.1 is turned off"));
    }
    // hyper's buffer size stays its default (~400 KiB): it also bounds the write queue,
    // and a small one flushes every body chunk alone (measured: 1.4x the CPU on a large
    // upload). The response-head limit is checked on the parsed head instead
    // (`exchange::check_head_size`), within hyper's bound.
    let mut builder = http1::Builder::new();
    builder.max_headers(options.max_response_headers);
    let (sender, connection) = builder.handshake(io).await.map_err(handshake_error)?;
    // A connection error reaches the requests on it; nothing more to report here.
    let intake = Arc::new(Intake::default());
    let connection = Gated::new(connection, Arc::clone(&intake));
    // Shared with blocking callers only when one is making it: a blocking client's
    // connections are made inside its callers' waits. The async client's stay plain
    // tasks, without the sharing's few atomics per wake-up.
    let driven = if driven::waiting_here() {
        Some(Driven::spawn(connection))
    } else {
        tokio::spawn(connection);
        None
    };
    Ok(Handshaken::H1(H1Sender::new(sender, driven, intake), info))
}

/// Drives an HTTP/2 connection and copies the server's stream limit (which hyper keeps
/// on the driver, not on the sending half) into an atomic after each poll. hyper's
/// connection ends behind the senders' gate (see [`Gated`]).
struct H2Driver {
    connection: Gated<http2::Connection<TokioIo<Io>, WatchedBody, TokioExecutor>>,
    max_streams: Arc<AtomicUsize>,
    on_close: OnClose,
}

impl Future for H2Driver {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.connection).poll(cx);
        if let Some(connection) = this.connection.get() {
            this.max_streams
                .store(connection.current_max_send_streams(), Ordering::Relaxed);
        }
        // Errors reach the streams; the pool is told the connection is gone.
        polled.map(|()| this.on_close.fire())
    }
}

fn handshake_error(error: hyper::Error) -> Error {
    Error::new(ErrorKind::Connect)
        .with_message("the HTTP handshake failed")
        .with_source(error)
}
