//! Name resolution: a [`Resolve`] trait, the system resolver, and per-host overrides.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper_util::client::legacy::connect::dns::Name;
use tower_service::Service;
use xhttp_core::{Trace, TraceKind};

/// A boxed future of resolved addresses.
pub type Resolving = Pin<Box<dyn Future<Output = io::Result<Vec<SocketAddr>>> + Send>>;

/// Resolves host names to addresses. The port of each address is used when the URL
/// gives none; otherwise the URL's port wins.
pub trait Resolve: Send + Sync + fmt::Debug + 'static {
    /// The addresses of `host` (never an IP literal: those skip resolution).
    fn resolve(&self, host: &str) -> Resolving;
}

/// The system resolver (`getaddrinfo` on tokio's blocking pool).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, host: &str) -> Resolving {
        let host = host.to_owned();
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addrs.collect())
        })
    }
}

/// What one connect's lookup took, and whom to tell about it.
#[derive(Debug, Default)]
pub(crate) struct DnsObserver {
    trace: Option<Trace>,
    took: Mutex<Option<Duration>>,
}

impl DnsObserver {
    pub(crate) fn new(trace: Option<Trace>) -> Arc<DnsObserver> {
        Arc::new(DnsObserver {
            trace,
            took: Mutex::new(None),
        })
    }

    /// How long the lookup took; `None` when there was none (an IP address).
    pub(crate) fn took(&self) -> Option<Duration> {
        *self.took.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(&self, took: Duration) {
        *self.took.lock().unwrap_or_else(PoisonError::into_inner) = Some(took);
    }
}

/// Overrides first, then the resolver; what hyper-util's connector calls.
#[derive(Clone)]
pub(crate) struct ResolverService {
    overrides: Arc<HashMap<String, Vec<SocketAddr>>>,
    resolver: Arc<dyn Resolve>,
    /// Set on the copy made for one connect.
    observer: Option<Arc<DnsObserver>>,
}

impl ResolverService {
    pub(crate) fn new(overrides: &[(String, Vec<SocketAddr>)], resolver: Arc<dyn Resolve>) -> Self {
        let overrides = overrides
            .iter()
            .map(|(host, addrs)| (host.to_ascii_lowercase(), addrs.clone()))
            .collect();
        ResolverService {
            overrides: Arc::new(overrides),
            resolver,
            observer: None,
        }
    }

    /// A copy reporting its lookups to `observer`.
    pub(crate) fn observed(&self, observer: Arc<DnsObserver>) -> ResolverService {
        ResolverService {
            observer: Some(observer),
            ..self.clone()
        }
    }

    fn lookup(&self, host: &str) -> <Self as Service<Name>>::Future {
        if let Some(addrs) = self.overrides.get(&host.to_ascii_lowercase()) {
            let addrs = addrs.clone();
            return Box::pin(async move { Ok(addrs.into_iter()) });
        }
        // hyper-util does not resolve IP literals; bracket-free IPv6 may still arrive.
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Box::pin(async move { Ok(vec![SocketAddr::new(ip, 0)].into_iter()) });
        }
        let resolving = self.resolver.resolve(host);
        let host = host.to_owned();
        Box::pin(async move {
            let addrs = resolving.await?;
            if addrs.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("no addresses for host '{host}'"),
                ));
            }
            Ok(addrs.into_iter())
        })
    }
}

impl fmt::Debug for ResolverService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolverService")
            .field("overrides", &self.overrides.keys().collect::<Vec<_>>())
            .field("resolver", &self.resolver)
            .finish()
    }
}

impl Service<Name> for ResolverService {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<Self::Response>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let lookup = self.lookup(name.as_str());
        let Some(observer) = self.observer.clone() else {
            return lookup;
        };
        let started = Instant::now();
        if let Some(trace) = &observer.trace {
            trace.emit_at(
                started,
                TraceKind::DnsStart {
                    host: name.as_str().to_owned(),
                },
            );
        }
        Box::pin(async move {
            let addrs = lookup.await?;
            let ended = Instant::now();
            observer.record(ended - started);
            match &observer.trace {
                Some(trace) => {
                    let addrs: Vec<SocketAddr> = addrs.collect();
                    trace.emit_at(
                        ended,
                        TraceKind::DnsEnd {
                            addrs: addrs.clone(),
                        },
                    );
                    Ok(addrs.into_iter())
                }
                None => Ok(addrs),
            }
        })
    }
}
