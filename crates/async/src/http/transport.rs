//! [`HttpTransport`]: the transport every client uses unless given another.

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::ClientConfig;
use tower_service::Service;
use xhttp_core::{Body, Env, Error, ErrorKind, HttpOptions, Limits, Proxy};

use super::pool::Pool;
use crate::connect::Connector;
use crate::connect::dns::{Resolve, SystemResolver};
use crate::connect::proxy::ProxyTarget;
use crate::transport::TransportFuture;

/// Sends requests over HTTP/1.1 and HTTP/2 (by ALPN on https, by prior knowledge on
/// http when configured), keeping connections alive between requests. Cheap to clone:
/// clones share connections.
///
/// Timeouts come from each request's `RequestContext` (the client puts them there):
/// `connect` bounds DNS, TCP and TLS together; `read` bounds the wait for the response
/// head after the request body was sent and each wait between body chunks; `write`
/// bounds each wait of the request body for the connection to take more; `total`, when
/// set, bounds the whole exchange including the response body.
///
/// With a [`proxy`](HttpTransportBuilder::proxy), every request goes through it:
/// plain-http requests are forwarded by an HTTP proxy (absolute-form target, the proxy's
/// headers and credentials added), https ones tunnelled with `CONNECT` (then TLS to the
/// origin through the tunnel); a SOCKS5 proxy tunnels both. The proxy handshake is part
/// of the `connect` timeout, and a refused one is a `Proxy` error.
#[derive(Clone)]
pub struct HttpTransport {
    pub(crate) shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) options: Arc<HttpOptions>,
    pub(crate) connector: Arc<Connector>,
    pub(crate) pool: Arc<Pool>,
    /// The proxy every request goes through, or why it cannot be used.
    proxy: Result<Option<Arc<ProxyTarget>>, String>,
}

impl Shared {
    /// The proxy for this transport's requests.
    pub(crate) fn proxy(&self) -> Result<Option<&Arc<ProxyTarget>>, Error> {
        match &self.proxy {
            Ok(proxy) => Ok(proxy.as_ref()),
            Err(message) => Err(Error::new(ErrorKind::Proxy).with_message(message.clone())),
        }
    }
}

/// The proxy connections go through: none over a Unix socket, which takes every
/// request itself (a proxy would only add its headers and credentials to requests that
/// never reach it).
fn target(
    options: &HttpOptions,
    proxy: Option<&Proxy>,
) -> Result<Option<Arc<ProxyTarget>>, String> {
    if options.unix_socket.is_some() {
        return Ok(None);
    }
    proxy
        .map(ProxyTarget::new)
        .transpose()
        .map_err(|error| error.message().unwrap_or("invalid proxy").to_owned())
}

impl HttpTransport {
    /// A transport with xhttp's defaults (HTTP/2 offered by ALPN, certificates verified
    /// against the system's roots, the process environment trusted).
    pub fn new() -> HttpTransport {
        HttpTransport::builder().build()
    }

    /// A builder starting from the defaults.
    pub fn builder() -> HttpTransportBuilder {
        HttpTransportBuilder {
            options: HttpOptions::default(),
            limits: Limits::default(),
            env: Env::process(),
            trust_env: true,
            resolver: Arc::new(SystemResolver),
            tls_config: None,
            proxy: None,
        }
    }
}

impl HttpTransport {
    /// A transport sending through `proxy` (or direct, with `None`) that shares this
    /// one's settings, TLS configuration and connection pool (whose keys tell the
    /// routes apart).
    pub fn with_proxy(&self, proxy: Option<&Proxy>) -> HttpTransport {
        HttpTransport {
            shared: Arc::new(Shared {
                options: Arc::clone(&self.shared.options),
                connector: Arc::clone(&self.shared.connector),
                pool: Arc::clone(&self.shared.pool),
                proxy: target(&self.shared.options, proxy),
            }),
        }
    }

    /// A snapshot of the connection pool.
    pub fn pool_stats(&self) -> super::pool::PoolStats {
        self.shared.pool.stats()
    }

    /// Closes the pool: idle connections close now, HTTP/2 ones once their open streams
    /// end, and later requests fail with `ClientClosed`.
    pub fn close(&self) {
        self.shared.pool.close();
    }

    /// Whether [`close`](Self::close) was called (on this transport or a clone).
    pub fn is_closed(&self) -> bool {
        self.shared.pool.is_closed()
    }
}

impl Default for HttpTransport {
    fn default() -> HttpTransport {
        HttpTransport::new()
    }
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport")
            .field("options", &self.shared.options)
            .field("proxy", &self.shared.proxy)
            .finish_non_exhaustive()
    }
}

/// Settings of a new [`HttpTransport`].
pub struct HttpTransportBuilder {
    options: HttpOptions,
    limits: Limits,
    env: Env,
    trust_env: bool,
    resolver: Arc<dyn Resolve>,
    tls_config: Option<Arc<ClientConfig>>,
    proxy: Option<Proxy>,
}

impl fmt::Debug for HttpTransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransportBuilder")
            .field("options", &self.options)
            .field("limits", &self.limits)
            .field("trust_env", &self.trust_env)
            .field("resolver", &self.resolver)
            .field("tls_config", &self.tls_config.is_some())
            .field("proxy", &self.proxy)
            .finish()
    }
}

impl HttpTransportBuilder {
    /// Protocol, TLS and connection settings.
    pub fn options(mut self, options: HttpOptions) -> Self {
        self.options = options;
        self
    }

    /// Connection limits (keep-alive count and expiry).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Where `SSL_CERT_FILE`, `SSL_CERT_DIR` and `SSLKEYLOGFILE` are read from, and
    /// whether they are read at all.
    pub fn env(mut self, env: Env, trust_env: bool) -> Self {
        self.env = env;
        self.trust_env = trust_env;
        self
    }

    /// A DNS resolver instead of the system's (overrides in the options still come first).
    pub fn resolver(mut self, resolver: impl Resolve) -> Self {
        self.resolver = Arc::new(resolver);
        self
    }

    /// A whole rustls configuration, used as it is (the TLS options are then ignored; set
    /// its ALPN protocols yourself for HTTP/2).
    pub fn tls_config(mut self, config: Arc<ClientConfig>) -> Self {
        self.tls_config = Some(config);
        self
    }

    /// Sends every request through `proxy` (see [`HttpTransport`]). The environment's
    /// proxies are never read by a transport: clients read them, into mounts.
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = Some(proxy);
        self
    }

    /// The transport. Nothing is loaded yet: system roots load on the first https connect.
    pub fn build(self) -> HttpTransport {
        let options = Arc::new(self.options);
        HttpTransport {
            shared: Arc::new(Shared {
                connector: Arc::new(Connector::new(
                    Arc::clone(&options),
                    self.env,
                    self.trust_env,
                    self.resolver,
                    self.tls_config,
                )),
                pool: Arc::new(Pool::new(&self.limits)),
                proxy: target(&options, self.proxy.as_ref()),
                options,
            }),
        }
    }
}

impl Service<http::Request<Body>> for HttpTransport {
    type Response = http::Response<Body>;
    type Error = Error;
    type Future = TransportFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> TransportFuture {
        let shared = Arc::clone(&self.shared);
        super::exchange::send(shared, request)
    }
}
