//! Connecting: DNS (with overrides), TCP with Happy Eyeballs (hyper-util's
//! `HttpConnector`), TLS (rustls), or a Unix socket; connect retries with backoff; all
//! within one `connect` timeout.

pub mod dns;
pub(crate) mod io;
mod roots;
pub(crate) mod tls;

use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper_util::client::legacy::connect::HttpConnector;
use rustls::ClientConfig;
use rustls_pki_types::ServerName;
use tokio::sync::OnceCell;
use tower_service::Service;
use xhttp_core::{ConnectionInfo, Env, Error, ErrorKind, HttpOptions, TlsInfo, Trace, TraceKind};

use self::dns::{DnsObserver, Resolve, ResolverService};
use self::io::Io;
use crate::http::key::{Key, Scheme};

/// A connected stream with what is known about it.
#[derive(Debug)]
pub(crate) struct Connected {
    pub(crate) io: Io,
    pub(crate) info: Arc<ConnectionInfo>,
    /// ALPN chose HTTP/2.
    pub(crate) h2: bool,
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
    /// The resolver; each connect makes its TCP connector around an observed copy.
    resolver: ResolverService,
    options: Arc<HttpOptions>,
    env: Env,
    trust_env: bool,
    tls: OnceCell<Arc<ClientConfig>>,
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
            tls_override,
        }
    }

    /// The TCP connector (Happy Eyeballs) for one connect, its lookups observed.
    fn tcp(&self, observer: Arc<DnsObserver>) -> HttpConnector<ResolverService> {
        let mut tcp = HttpConnector::new_with_resolver(self.resolver.observed(observer));
        tcp.enforce_http(false);
        tcp.set_nodelay(self.options.tcp_nodelay);
        tcp.set_keepalive(self.options.tcp_keepalive);
        tcp.set_local_address(self.options.local_address);
        tcp.set_happy_eyeballs_timeout(Some(Duration::from_millis(300)));
        tcp
    }

    /// Connects to `key`, retrying failed connects as configured, all within `timeout`;
    /// each phase is reported to `trace`.
    pub(crate) async fn connect(
        &self,
        key: &Key,
        timeout: Option<Duration>,
        trace: Option<&Trace>,
    ) -> Result<Connected, Error> {
        let attempts = async {
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
        };
        match timeout {
            Some(limit) => tokio::time::timeout(limit, attempts)
                .await
                .unwrap_or_else(|_| {
                    Err(Error::new(ErrorKind::ConnectTimeout)
                        .with_message(format!("no connection within {limit:?}")))
                }),
            None => attempts.await,
        }
    }

    async fn connect_once(&self, key: &Key, trace: Option<&Trace>) -> Result<Connected, Error> {
        let started = Instant::now();
        if let Some(trace) = trace {
            trace.emit_at(started, TraceKind::ConnectStart);
        }
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
            let phases = ConnectPhases {
                connect: Some(started.elapsed()),
                ..ConnectPhases::default()
            };
            if let Some(trace) = trace {
                trace.emit(TraceKind::ConnectEnd { remote_addr: None });
            }
            return Ok(Connected {
                io: Io::Unix(stream),
                info: Arc::new(ConnectionInfo::default()),
                h2: false,
                phases,
            });
        }
        let uri = key.connect_uri()?;
        let observer = DnsObserver::new(trace.cloned());
        let mut tcp = self.tcp(Arc::clone(&observer));
        let stream = tcp.call(uri).await.map_err(|error| {
            Error::new(ErrorKind::Connect)
                .with_message(connect_message(&error, key))
                .with_source(error)
        })?;
        let stream = stream.into_inner();
        let remote_addr = stream.peer_addr().ok();
        let local_addr = stream.local_addr().ok();
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
                io: Io::Tcp(stream),
                info: Arc::new(ConnectionInfo::new(remote_addr, local_addr, None)),
                h2: false,
                phases,
            });
        }
        let config = self.tls_config().await?;
        let tls_started = Instant::now();
        if let Some(trace) = trace {
            trace.emit_at(tls_started, TraceKind::TlsStart);
        }
        let name = self.options.tls_sni.as_deref().unwrap_or(&key.host);
        let server_name = ServerName::try_from(name.to_owned()).map_err(|error| {
            Error::new(ErrorKind::Connect)
                .with_message(format!("'{name}' is not a valid TLS server name"))
                .with_source(error)
        })?;
        let tls = tokio_rustls::TlsConnector::from(config)
            .connect(server_name, stream)
            .await
            .map_err(|error| {
                Error::new(ErrorKind::Connect)
                    .with_message(format!("TLS handshake with '{name}' failed: {error}"))
                    .with_source(error)
            })?;
        let tls_ended = Instant::now();
        phases.tls = Some(tls_ended - tls_started);
        let session = tls.get_ref().1;
        let alpn = session.alpn_protocol().map(<[u8]>::to_vec);
        let version = session
            .protocol_version()
            .map(|version| format!("{version:?}"))
            .unwrap_or_default();
        if let Some(trace) = trace {
            trace.emit_at(
                tls_ended,
                TraceKind::TlsEnd {
                    version: version.clone(),
                    alpn: alpn.clone(),
                },
            );
        }
        let info = TlsInfo::new(
            version,
            session
                .negotiated_cipher_suite()
                .map(|suite| format!("{:?}", suite.suite()))
                .unwrap_or_default(),
            alpn.clone(),
            session
                .peer_certificates()
                .and_then(|chain| chain.first())
                .map(|certificate| certificate.to_vec()),
        );
        Ok(Connected {
            io: Io::Tls(Box::new(tls)),
            info: Arc::new(ConnectionInfo::new(remote_addr, local_addr, Some(info))),
            h2: alpn.as_deref() == Some(b"h2"),
            phases,
        })
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

fn connect_message(error: &(dyn std::error::Error + 'static), key: &Key) -> String {
    let mut cause = error.to_string();
    let mut source = error.source();
    while let Some(next) = source {
        cause = next.to_string();
        source = next.source();
    }
    format!("cannot connect to {}:{}: {cause}", key.host, key.port)
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
