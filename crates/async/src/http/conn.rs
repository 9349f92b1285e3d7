//! One HTTP connection over a connected stream: the hyper handshake for HTTP/1.1 or
//! HTTP/2, and the sending half the pool keeps.

use std::sync::Arc;

use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use xhttp_core::{ConnectionInfo, Error, ErrorKind, HttpOptions};

use super::watch::WatchedBody;
use crate::connect::Connected;

/// The sending half of a connection.
#[derive(Debug)]
pub(crate) enum Sender {
    H1(http1::SendRequest<WatchedBody>),
    H2(http2::SendRequest<WatchedBody>),
}

/// A connection ready for requests, with what is known about it.
#[derive(Debug)]
pub(crate) struct Conn {
    pub(crate) sender: Sender,
    pub(crate) info: Arc<ConnectionInfo>,
}

impl Conn {
    /// Whether the connection is gone (closed by either side).
    pub(crate) fn is_closed(&self) -> bool {
        match &self.sender {
            Sender::H1(sender) => sender.is_closed(),
            Sender::H2(sender) => sender.is_closed(),
        }
    }
}

/// Runs the hyper handshake: HTTP/2 when ALPN chose it (or by prior knowledge on plain
/// http when so configured), else HTTP/1.1. The connection task runs on the runtime.
pub(crate) async fn handshake(connected: Connected, options: &HttpOptions) -> Result<Conn, Error> {
    let Connected { io, info, h2 } = connected;
    let io = TokioIo::new(io);
    let use_h2 = h2 || (info.tls.is_none() && options.http2_prior_knowledge);
    let sender = if use_h2 {
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
        tokio::spawn(async move {
            // A connection error reaches the requests on it; nothing more to report here.
            let _ = connection.await;
        });
        Sender::H2(sender)
    } else {
        if !options.http1 {
            return Err(Error::new(ErrorKind::UnsupportedProtocol)
                .with_message("the server does not speak HTTP/2 and HTTP/1.1 is turned off"));
        }
        let mut builder = http1::Builder::new();
        builder
            .max_buf_size(options.max_response_header_bytes.max(8192))
            .max_headers(options.max_response_headers);
        let (sender, connection) = builder.handshake(io).await.map_err(handshake_error)?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Sender::H1(sender)
    };
    Ok(Conn { sender, info })
}

fn handshake_error(error: hyper::Error) -> Error {
    Error::new(ErrorKind::Connect)
        .with_message("the HTTP handshake failed")
        .with_source(error)
}
