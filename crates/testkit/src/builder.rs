//! Configuring a test server before starting it.

use std::sync::Arc;

use bytes::Bytes;

use crate::modes::Behavior;
use crate::modes::raw::RawHandler;
use crate::server::{Handler, Server};
use crate::tls::TlsMode;

/// Which HTTP versions a server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Protocol {
    /// HTTP/1.1 only (ALPN `http/1.1` over TLS).
    #[default]
    Http1,
    /// HTTP/2 only: by prior knowledge over plain TCP, ALPN `h2` over TLS.
    Http2,
    /// Both: ALPN `h2` and `http/1.1` over TLS; over plain TCP, HTTP/2 when the client
    /// opens with the HTTP/2 preface and HTTP/1.1 otherwise.
    Auto,
}

impl Protocol {
    /// The ALPN protocols a TLS server offers, in order of preference.
    pub(crate) fn alpn(self) -> &'static [&'static [u8]] {
        match self {
            Protocol::Http1 => &[b"http/1.1"],
            Protocol::Http2 => &[b"h2"],
            Protocol::Auto => &[b"h2", b"http/1.1"],
        }
    }
}

/// The receive buffer [`Behavior::StallUpload`] listens with unless told otherwise.
const STALL_RECV_BUFFER: usize = 4096;

/// Everything a server is started with.
pub(crate) struct Config {
    pub(crate) protocol: Protocol,
    pub(crate) tls: Option<TlsMode>,
    pub(crate) behavior: Behavior,
    pub(crate) handler: Arc<dyn Handler>,
    pub(crate) raw: Option<Arc<dyn RawHandler>>,
    pub(crate) recv_buffer: Option<usize>,
    pub(crate) ipv6: bool,
    pub(crate) http2_max_streams: Option<u32>,
}

/// Configures a test server: protocol, TLS, behaviour and handler, then
/// [`start`](ServerBuilder::start)s it.
///
/// ```
/// use std::time::Duration;
/// use xhttp_testkit::{Behavior, Server, tls::TlsMode};
///
/// let server = Server::builder()
///     .auto()
///     .tls(TlsMode::Valid)
///     .behavior(Behavior::Drip { every: Duration::from_millis(20) })
///     .handler(|_| http::Response::new("slow".into()))
///     .start();
/// assert!(server.url("/").starts_with("https://"));
/// ```
#[must_use = "a builder does nothing until started"]
pub struct ServerBuilder {
    config: Config,
}

impl std::fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let config = &self.config;
        f.debug_struct("ServerBuilder")
            .field("protocol", &config.protocol)
            .field("tls", &config.tls)
            .field("behavior", &config.behavior)
            .field("raw", &config.raw.is_some())
            .field("recv_buffer", &config.recv_buffer)
            .field("ipv6", &config.ipv6)
            .finish_non_exhaustive()
    }
}

impl Default for ServerBuilder {
    fn default() -> Self {
        ServerBuilder {
            config: Config {
                protocol: Protocol::Http1,
                tls: None,
                behavior: Behavior::Normal,
                handler: Arc::new(|_| http::Response::new(Bytes::new())),
                raw: None,
                recv_buffer: None,
                http2_max_streams: None,
                ipv6: false,
            },
        }
    }
}

impl ServerBuilder {
    /// A plain HTTP/1.1 server on `127.0.0.1` answering every request with an empty
    /// 200 until told otherwise.
    pub fn new() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// Speaks HTTP/1.1 only (the default).
    pub fn http1(self) -> ServerBuilder {
        self.protocol(Protocol::Http1)
    }

    /// Speaks HTTP/2 only.
    pub fn http2(self) -> ServerBuilder {
        self.protocol(Protocol::Http2)
    }

    /// Speaks both HTTP/1.1 and HTTP/2 (see [`Protocol::Auto`]).
    pub fn auto(self) -> ServerBuilder {
        self.protocol(Protocol::Auto)
    }

    /// Speaks `protocol`.
    pub fn protocol(mut self, protocol: Protocol) -> ServerBuilder {
        self.config.protocol = protocol;
        self
    }

    /// Serves over TLS with the certificate of `mode`, offering the protocol's ALPN.
    pub fn tls(mut self, mode: TlsMode) -> ServerBuilder {
        self.config.tls = Some(mode);
        self
    }

    /// Misbehaves as `behavior` says.
    pub fn behavior(mut self, behavior: Behavior) -> ServerBuilder {
        self.config.behavior = behavior;
        self
    }

    /// Answers every request with `handler` (which [`Behavior`] may pace or ignore).
    pub fn handler(mut self, handler: impl Handler) -> ServerBuilder {
        self.config.handler = Arc::new(handler);
        self
    }

    /// Hands every connection to `handler` as raw bytes on a thread of its own,
    /// instead of serving HTTP. Plain TCP only: [`start`](ServerBuilder::start) panics
    /// when TLS is set too. The protocol, behaviour and handler are then unused.
    pub fn raw(mut self, handler: impl RawHandler) -> ServerBuilder {
        self.config.raw = Some(Arc::new(handler));
        self
    }

    /// Sets the listener's receive buffer (`SO_RCVBUF`, before `listen()`) to `bytes`;
    /// accepted connections inherit it.
    pub fn recv_buffer_size(mut self, bytes: usize) -> ServerBuilder {
        self.config.recv_buffer = Some(bytes);
        self
    }

    /// Allows at most `streams` concurrent HTTP/2 streams per connection (announced in
    /// the server's SETTINGS).
    pub fn http2_max_streams(mut self, streams: u32) -> ServerBuilder {
        self.config.http2_max_streams = Some(streams);
        self
    }

    /// Listens on `::1` instead of `127.0.0.1`.
    pub fn ipv6(mut self) -> ServerBuilder {
        self.config.ipv6 = true;
        self
    }

    /// Starts the server on its own thread and runtime.
    ///
    /// # Panics
    /// When no loopback port can be bound, no thread or runtime can be started, TLS
    /// cannot be configured, or a raw handler is combined with TLS: the test cannot
    /// run without its server.
    pub fn start(mut self) -> Server {
        assert!(
            !(self.config.raw.is_some() && self.config.tls.is_some()),
            "testkit: raw connections are plain TCP only"
        );
        if self.config.behavior == Behavior::StallUpload && self.config.recv_buffer.is_none() {
            self.config.recv_buffer = Some(STALL_RECV_BUFFER);
        }
        match Server::start(self.config) {
            Ok(server) => server,
            Err(error) => panic!("testkit: could not start the test server: {error}"),
        }
    }
}
