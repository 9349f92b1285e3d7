//! The settings of the built-in HTTP transport: protocols, TLS, connecting.
//!
//! Plain data, so that the shared [`ClientBuilder`](crate::client::ClientBuilder) can
//! carry them; the async crate's `HttpTransport` turns them into connectors and a
//! rustls configuration. (Escape hatches taking live objects, such as a whole
//! `rustls::ClientConfig` or a custom DNS resolver, are on `HttpTransport`'s builder.)

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// A TLS protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TlsVersion {
    /// TLS 1.2.
    Tls12,
    /// TLS 1.3.
    Tls13,
}

/// A client certificate chain and its private key, both PEM.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity {
    /// The certificate chain, leaf first (PEM).
    pub certificate_chain_pem: Vec<u8>,
    /// The private key (PEM: PKCS#8, PKCS#1 or SEC1).
    pub private_key_pem: Vec<u8>,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("certificate_chain_pem", &self.certificate_chain_pem.len())
            .field("private_key_pem", &"[secure]")
            .finish()
    }
}

/// The built-in HTTP transport's settings, with xhttp's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpOptions {
    /// Speak HTTP/1.1 (default: yes).
    pub http1: bool,
    /// Offer HTTP/2 by ALPN on https (default: yes, unlike httpx: a deliberate difference).
    pub http2: bool,
    /// Speak HTTP/2 by prior knowledge on plain http (h2c; default: no).
    pub http2_prior_knowledge: bool,
    /// Verify server certificates (default: yes).
    pub verify: bool,
    /// Trust the system's roots (default: yes; loaded once per process, on first use).
    pub system_roots: bool,
    /// More trusted roots, each PEM (one or more certificates) or DER.
    pub root_certificates: Vec<Vec<u8>>,
    /// A client certificate to present.
    pub identity: Option<Identity>,
    /// The lowest TLS version allowed.
    pub min_tls_version: Option<TlsVersion>,
    /// The highest TLS version allowed.
    pub max_tls_version: Option<TlsVersion>,
    /// The name to send as SNI and verify the certificate against, instead of the host.
    pub tls_sni: Option<String>,
    /// Connect from this local address.
    pub local_address: Option<IpAddr>,
    /// Connect every request through this Unix domain socket (https still gets TLS over
    /// it; proxies, the environment's included, do not apply).
    pub unix_socket: Option<PathBuf>,
    /// Retries of a failed connect (not of requests), with backoff 0 s, 0.5 s, 1 s, 2 s...
    pub retries: u32,
    /// Fixed addresses for host names, checked before DNS.
    pub resolve: Vec<(String, Vec<SocketAddr>)>,
    /// `TCP_NODELAY` (default: on).
    pub tcp_nodelay: bool,
    /// TCP keep-alive probes' idle time (default: none).
    pub tcp_keepalive: Option<Duration>,
    /// HTTP/2 initial stream window (default: hyper's).
    pub http2_stream_window: Option<u32>,
    /// HTTP/2 initial connection window (default: hyper's).
    pub http2_connection_window: Option<u32>,
    /// HTTP/2 keep-alive ping interval (default: none).
    pub http2_keep_alive_interval: Option<Duration>,
    /// The largest response head accepted, in bytes (HTTP/1.1 buffer and HTTP/2 header
    /// list; default 64 KiB).
    pub max_response_header_bytes: usize,
    /// The most response headers accepted on HTTP/1.1 (default 100).
    pub max_response_headers: usize,
}

impl Default for HttpOptions {
    fn default() -> HttpOptions {
        HttpOptions {
            http1: true,
            http2: true,
            http2_prior_knowledge: false,
            verify: true,
            system_roots: true,
            root_certificates: Vec::new(),
            identity: None,
            min_tls_version: None,
            max_tls_version: None,
            tls_sni: None,
            local_address: None,
            unix_socket: None,
            retries: 0,
            resolve: Vec::new(),
            tcp_nodelay: true,
            tcp_keepalive: None,
            http2_stream_window: None,
            http2_connection_window: None,
            http2_keep_alive_interval: None,
            max_response_header_bytes: 64 * 1024,
            max_response_headers: 100,
        }
    }
}

/// What the transport knew of the connection a response came on: a response extension.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionInfo {
    /// The server's address (absent over a Unix socket).
    pub remote_addr: Option<SocketAddr>,
    /// Our address.
    pub local_addr: Option<SocketAddr>,
    /// What TLS negotiated, on https.
    pub tls: Option<TlsInfo>,
}

impl ConnectionInfo {
    /// What a transport knew of a connection.
    pub fn new(
        remote_addr: Option<SocketAddr>,
        local_addr: Option<SocketAddr>,
        tls: Option<TlsInfo>,
    ) -> ConnectionInfo {
        ConnectionInfo {
            remote_addr,
            local_addr,
            tls,
        }
    }
}

/// What TLS negotiated on a connection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TlsInfo {
    /// The protocol version, as `TLSv1_3`.
    pub version: String,
    /// The cipher suite, as `TLS13_AES_256_GCM_SHA384`.
    pub cipher: String,
    /// The ALPN protocol chosen, as `h2`.
    pub alpn: Option<Vec<u8>>,
    /// The server's leaf certificate (DER).
    pub peer_certificate: Option<Vec<u8>>,
}

impl TlsInfo {
    /// What TLS negotiated.
    pub fn new(
        version: String,
        cipher: String,
        alpn: Option<Vec<u8>>,
        peer_certificate: Option<Vec<u8>>,
    ) -> TlsInfo {
        TlsInfo {
            version,
            cipher,
            alpn,
            peer_certificate,
        }
    }
}
