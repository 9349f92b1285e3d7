//! [`TraceEvent`]: one moment of an exchange.

use std::net::SocketAddr;
use std::time::Instant;

/// What a [`Trace`](super::Trace) callback receives: what happened, and when.
#[derive(Debug, Clone)]
pub struct TraceEvent {
    /// When it happened.
    pub at: Instant,
    /// What happened.
    pub kind: TraceKind,
}

/// What happened, in the order an exchange goes through it.
///
/// A new connection gives `ConnectStart`, then `DnsStart`/`DnsEnd` (only for a host
/// name: an IP address needs no lookup), `ConnectEnd`, then `TlsStart`/`TlsEnd` for
/// https; a connection from the pool gives none of these. Then `Connection` (reused or
/// not), `RequestHeadSent`, `RequestBodySent`, `ResponseHeadReceived` and, once the
/// body was read to its end, `ResponseBodyDone`. A phase that fails has a start and no
/// end. Events never carry header values or URLs (no secrets in traces).
///
/// In-process transports have no connection events: `ServiceTransport` gives the
/// request and response events, `MockTransport` the response ones.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TraceKind {
    /// Connecting started (the DNS lookup, when there is one, is part of it).
    ConnectStart,
    /// The lookup of `host` started.
    DnsStart {
        /// The host name looked up.
        host: String,
    },
    /// The lookup ended with these addresses.
    DnsEnd {
        /// The addresses found.
        addrs: Vec<SocketAddr>,
    },
    /// The TCP (or Unix socket) connection is established.
    ConnectEnd {
        /// The peer's address (`None` for a Unix socket).
        remote_addr: Option<SocketAddr>,
    },
    /// The TLS handshake started.
    TlsStart,
    /// The TLS handshake ended.
    TlsEnd {
        /// The protocol version, as `"TLSv1_3"`.
        version: String,
        /// The protocol ALPN chose (`b"h2"`, `b"http/1.1"`), if any.
        alpn: Option<Vec<u8>>,
    },
    /// The request has a connection: a new one, or one `reused` from the pool.
    Connection {
        /// Whether the connection served earlier requests (an HTTP/2 connection may
        /// also be shared by requests in flight).
        reused: bool,
        /// The connection's protocol.
        version: http::Version,
    },
    /// The request head was handed to the connection (or to the in-process app).
    RequestHeadSent,
    /// The request body was sent to its end (right after the head when empty).
    RequestBodySent,
    /// The response head arrived.
    ResponseHeadReceived {
        /// Its status.
        status: http::StatusCode,
    },
    /// The response body was read to its end.
    ResponseBodyDone {
        /// The body's bytes, as received.
        bytes: u64,
    },
}

impl TraceKind {
    /// A short snake_case name (`"dns_start"`, `"response_body_done"`...), for logs.
    pub fn name(&self) -> &'static str {
        match self {
            TraceKind::ConnectStart => "connect_start",
            TraceKind::DnsStart { .. } => "dns_start",
            TraceKind::DnsEnd { .. } => "dns_end",
            TraceKind::ConnectEnd { .. } => "connect_end",
            TraceKind::TlsStart => "tls_start",
            TraceKind::TlsEnd { .. } => "tls_end",
            TraceKind::Connection { .. } => "connection",
            TraceKind::RequestHeadSent => "request_head_sent",
            TraceKind::RequestBodySent => "request_body_sent",
            TraceKind::ResponseHeadReceived { .. } => "response_head_received",
            TraceKind::ResponseBodyDone { .. } => "response_body_done",
        }
    }
}
