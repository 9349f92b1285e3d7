//! Connecting: DNS (with overrides), TCP with Happy Eyeballs (hyper-util's
//! `HttpConnector`), TLS (rustls), or a Unix socket; connect retries with backoff; all
//! within one `connect` timeout.

pub mod dns;
pub(crate) mod io;
pub(crate) mod proxy;
mod roots;
pub(crate) mod tls;

use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper_util::client::legacy::connect::HttpConnector;
use rustls::ClientConfig;
use rustls_pki_types::ServerName;
use tokio::io::BufReader;
use tokio::sync::OnceCell;
use tower_service::Service;
use xhttp_core::{ConnectionInfo, Env, Error, ErrorKind, HttpOptions, TlsInfo, Trace, TraceKind};

use tokio::net::TcpStream;

use self::dns::{DnsObserver, Resolve, ResolverService};
use self::io::{Io, TLS_READ_AHEAD};
use crate::http::key::{Key, Scheme, Via};

/// A connected stream with what is known about it.
#[derive(Debug)]
pub(crate) struct Connected {
    pub(crate) io: Io,
    pub(crate) info: Arc<ConnectionInfo>,
    /// ALPN chose HTTP/2.
    pub(crate) h2: bool,
    /// A forward proxy: requests go in absolute form, over HTTP/1.1 only.
    pub(crate) forward: bool,
    /// How long each phase took.
    pub(crate) phases: ConnectPhases,
}

/// How long connecting took, phase by phase (for `Timings`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ConnectPhases {
    /// The DNS lookup, when there was one.
    pub(crate) dns: Option<Duration>,
    /// The TCP (or Unix socket) connect, the lookup excluded.
    pub(crate) connect: Option<Duration>,
    /// The TLS handshake.
    pub(crate) tls: Option<Duration>,
}

/// Makes connections for the transport.
pub(crate) struct Connector {
    /// The resolver; each connect makes its TCP connector around it (an observed copy
    /// for the origin's lookup). SOCKS5 proxies that want the target's address use it too.
    resolver: ResolverService,
    options: Arc<HttpOptions>,
    env: Env,
    trust_env: bool,
    tls: OnceCell<Arc<ClientConfig>>,
    /// The TLS configuration to an https proxy: HTTP/1.1 only by ALPN.
    proxy_tls: OnceCell<Arc<ClientConfig>>,
    tls_override: Option<Arc<ClientConfig>>,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Connector {
    pub(crate) fn new(
        options: Arc<HttpOptions>,
        env: Env,
        trust_env: bool,
        resolver: Arc<dyn Resolve>,
        tls_override: Option<Arc<ClientConfig>>,
    ) -> Connector {
        Connector {
            resolver: ResolverService::new(&options.resolve, resolver),
            options,
            env,
            trust_env,
            tls: OnceCell::new(),
            proxy_tls: OnceCell::new(),
            tls_override,
        }
    }

    /// The TCP connector (Happy Eyeballs) for one connect, its lookups observed.
    fn tcp(&self, observer: Option<Arc<DnsObserver>>) -> HttpConnector<ResolverService> {
        let resolver = match observer {
            Some(observer) => self.resolver.observed(observer),
            None => self.resolver.clone(),
        };
        let mut tcp = HttpConnector::new_with_resolver(resolver);
        tcp.enforce_http(false);
        tcp.set_nodelay(self.options.tcp_nodelay);
        tcp.set_keepalive(self.options.tcp_keepalive);
        tcp.set_local_address(self.options.local_address);
        tcp.set_happy_eyeballs_timeout(Some(Duration::from_millis(300)));
        tcp
    }

    /// Connects to `key`, retrying failed connects as configured; each phase is reported
    /// to `trace`. The caller bounds it (with the handshake) by the connect timeout.
    pub(crate) async fn connect(
        &self,
        key: &Key,
        trace: Option<&Trace>,
    ) -> Result<Connected, Error> {
        let mut attempt = 0u32;
        loop {
            match self.connect_once(key, trace).await {
                Ok(connected) => return Ok(connected),
                Err(error)
                    if attempt < self.options.retries && error.kind() == ErrorKind::Connect =>
                {
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// A stream to the configured Unix socket, if there is one.
    async fn connect_unix(&self) -> Result<Option<Io>, Error> {
        #[cfg(unix)]
        if let Some(path) = &self.options.unix_socket {
            let stream = tokio::net::UnixStream::connect(path)
                .await
                .map_err(|error| {
                    Error::new(ErrorKind::Connect)
                        .with_message(format!(
                            "cannot connect to the Unix socket '{}'",
                            path.display()
                        ))
                        .with_source(error)
                })?;
            return Ok(Some(Io::Unix(stream)));
        }
        Ok(None)
    }

    async fn connect_once(&self, key: &Key, trace: Option<&Trace>) -> Result<Connected, Error> {
        let started = Instant::now();
        if let Some(trace) = trace {
            trace.emit_at(started, TraceKind::ConnectStart);
        }
        let observer = DnsObserver::new(trace.cloned());
        let (io, remote_addr, local_addr) = match &key.via {
            // A Unix socket takes every request (`transport::target` gives it no proxy,
            // so its keys are direct), then TLS like any other stream when https.
            Via::Direct => match self.connect_unix().await? {
                Some(io) => (io, None, None),
                None => {
                    let stream = self
                        .tcp_connect_observed(
                            key.connect_uri()?,
                            &key.host,
                            key.port,
                            Some(Arc::clone(&observer)),
                        )
                        .await?;
                    let (remote, local) = (stream.peer_addr().ok(), stream.local_addr().ok());
                    (Io::Tcp(stream), remote, local)
                }
            },
            Via::Forward(proxy) => {
                let (io, remote, local) = self.connect_to_proxy(proxy).await?;
                let phases = ConnectPhases {
                    connect: Some(started.elapsed()),
                    ..ConnectPhases::default()
                };
                if let Some(trace) = trace {
                    trace.emit(TraceKind::ConnectEnd {
                        remote_addr: remote,
                    });
                }
                return Ok(Connected {
                    io,
                    info: Arc::new(ConnectionInfo::new(remote, local, None)),
                    h2: false,
                    forward: true,
                    phases,
                });
            }
            Via::Tunnel(proxy) if proxy.scheme.is_socks() => {
                let stream = self.tcp_to_proxy(proxy).await?;
                let (remote, local) = (stream.peer_addr().ok(), stream.local_addr().ok());
                let stream = proxy::socks::handshake(stream, proxy, key, &self.resolver).await?;
                (Io::Tcp(stream), remote, local)
            }
            Via::Tunnel(proxy) => {
                let (io, remote, local) = self.connect_to_proxy(proxy).await?;
                let io = proxy::connect_tunnel::open(io, proxy, &key.host, key.port).await?;
                (io, remote, local)
            }
        };
        let connected_at = Instant::now();
        let dns = observer.took();
        let mut phases = ConnectPhases {
            dns,
            connect: Some((connected_at - started).saturating_sub(dns.unwrap_or_default())),
            tls: None,
        };
        if let Some(trace) = trace {
            trace.emit_at(connected_at, TraceKind::ConnectEnd { remote_addr });
        }
        if key.scheme == Scheme::Http {
            return Ok(Connected {
                io,
                info: Arc::new(ConnectionInfo::new(remote_addr, local_addr, None)),
                h2: false,
                forward: false,
                phases,
            });
        }
        let config = self.tls_config().await?;
        let tls_started = Instant::now();
        if let Some(trace) = trace {
            trace.emit_at(tls_started, TraceKind::TlsStart);
        }
        let name = self.options.tls_sni.as_deref().unwrap_or(&key.host);
        let (io, info) = tls_handshake(io, name, config).await?;
        let tls_ended = Instant::now();
        phases.tls = Some(tls_ended - tls_started);
        if let Some(trace) = trace {
            trace.emit_at(
                tls_ended,
                TraceKind::TlsEnd {
                    version: info.version.clone(),
                    alpn: info.alpn.clone(),
                },
            );
        }
        let h2 = info.alpn.as_deref() == Some(b"h2");
        Ok(Connected {
            io,
            info: Arc::new(ConnectionInfo::new(remote_addr, local_addr, Some(info))),
            h2,
            forward: false,
            phases,
        })
    }

    /// A TCP connection by hyper-util's connector (resolver overrides, Happy Eyeballs,
    /// socket options); `host` and `port` name it in errors.
    async fn tcp_connect(&self, uri: http::Uri, host: &str, port: u16) -> Result<TcpStream, Error> {
        self.tcp_connect_observed(uri, host, port, None).await
    }

    /// [`tcp_connect`](Self::tcp_connect) with its DNS lookup reported to `observer`.
    async fn tcp_connect_observed(
        &self,
        uri: http::Uri,
        host: &str,
        port: u16,
        observer: Option<Arc<DnsObserver>>,
    ) -> Result<TcpStream, Error> {
        let mut tcp = self.tcp(observer);
        let stream = tcp.call(uri).await.map_err(|error| {
            Error::new(ErrorKind::Connect)
                .with_message(connect_message(&error, host, port))
                .with_source(error)
        })?;
        Ok(stream.into_inner())
    }

    /// The TLS configuration, built on the first https connect (system roots load then).
    async fn tls_config(&self) -> Result<Arc<ClientConfig>, Error> {
        if let Some(config) = &self.tls_override {
            return Ok(Arc::clone(config));
        }
        self.tls
            .get_or_try_init(|| async {
                tls::client_config(&self.options, &self.env, self.trust_env)
                    .await
                    .map(Arc::new)
            })
            .await
            .cloned()
    }
}

/// 0 s, 0.5 s, 1 s, 2 s, 4 s... (httpx's connect retries).
fn backoff(attempt: u32) -> Duration {
    match attempt {
        0 => Duration::ZERO,
        n => Duration::from_millis(500) * 2u32.saturating_pow(n - 1).min(64),
    }
}

/// The TLS handshake over `io` with `name` as SNI and certificate name.
async fn tls_handshake(
    io: Io,
    name: &str,
    config: Arc<ClientConfig>,
) -> Result<(Io, TlsInfo), Error> {
    let server_name = ServerName::try_from(name.to_owned()).map_err(|error| {
        Error::new(ErrorKind::Connect)
            .with_message(format!("'{name}' is not a valid TLS server name"))
            .with_source(error)
    })?;
    let tls = tokio_rustls::TlsConnector::from(config)
        .connect(server_name, BufReader::with_capacity(TLS_READ_AHEAD, io))
        .await
        .map_err(|error| {
            Error::new(ErrorKind::Connect)
                .with_message(format!("TLS handshake with '{name}' failed: {error}"))
                .with_source(error)
        })?;
    let session = tls.get_ref().1;
    let info = TlsInfo::new(
        session
            .protocol_version()
            .map(|version| format!("{version:?}"))
            .unwrap_or_default(),
        session
            .negotiated_cipher_suite()
            .map(|suite| format!("{:?}", suite.suite()))
            .unwrap_or_default(),
        session.alpn_protocol().map(<[u8]>::to_vec),
        session
            .peer_certificates()
            .and_then(|chain| chain.first())
            .map(|certificate| certificate.to_vec()),
    );
    Ok((Io::Tls(Box::new(tls)), info))
}

fn connect_message(error: &(dyn std::error::Error + 'static), host: &str, port: u16) -> String {
    let mut cause = error.to_string();
    let mut source = error.source();
    while let Some(next) = source {
        cause = next.to_string();
        source = next.source();
    }
    format!(
        "cannot connect to {}: {cause}",
        proxy::authority(host, port)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_after_an_immediate_retry() {
        let delays: Vec<_> = (0..5).map(backoff).collect();
        assert_eq!(
            delays,
            [0, 500, 1000, 2000, 4000].map(Duration::from_millis)
        );
    }
}
