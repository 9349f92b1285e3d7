//! The [`ClientBuilder`] settings of the built-in HTTP transport.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use super::ClientFlavor;
use super::builder::ClientBuilder;
use crate::http_options::{HttpOptions, Identity, TlsVersion};

impl<C: ClientFlavor> ClientBuilder<C> {
    fn with_http(self, change: impl FnOnce(&mut HttpOptions)) -> Self {
        self.with(|config| {
            change(&mut config.http);
            Ok(())
        })
    }

    /// All of the built-in transport's settings at once.
    pub fn http_options(self, options: HttpOptions) -> Self {
        self.with_http(|http| *http = options)
    }

    /// Whether HTTP/1.1 is spoken (default: yes).
    pub fn http1(self, enabled: bool) -> Self {
        self.with_http(|http| http.http1 = enabled)
    }

    /// Whether HTTP/2 is offered by ALPN on https (default: yes).
    pub fn http2(self, enabled: bool) -> Self {
        self.with_http(|http| http.http2 = enabled)
    }

    /// Speak HTTP/2 by prior knowledge on plain http (h2c).
    pub fn http2_prior_knowledge(self) -> Self {
        self.with_http(|http| http.http2_prior_knowledge = true)
    }

    /// Whether server certificates are verified (default: yes). `false` accepts any
    /// certificate: for tests only.
    pub fn verify(self, verify: bool) -> Self {
        self.with_http(|http| http.verify = verify)
    }

    /// Trusts a root certificate (PEM, one or more certificates, or DER) besides the
    /// system's.
    pub fn add_root_certificate(self, certificate: impl Into<Vec<u8>>) -> Self {
        let certificate = certificate.into();
        self.with_http(|http| http.root_certificates.push(certificate))
    }

    /// Whether the system's roots are trusted (default: yes).
    pub fn system_roots(self, enabled: bool) -> Self {
        self.with_http(|http| http.system_roots = enabled)
    }

    /// A client certificate chain and key (PEM) to present.
    pub fn identity(
        self,
        certificate_chain_pem: impl Into<Vec<u8>>,
        private_key_pem: impl Into<Vec<u8>>,
    ) -> Self {
        let identity = Identity {
            certificate_chain_pem: certificate_chain_pem.into(),
            private_key_pem: private_key_pem.into(),
        };
        self.with_http(|http| http.identity = Some(identity))
    }

    /// The lowest TLS version allowed.
    pub fn min_tls_version(self, version: TlsVersion) -> Self {
        self.with_http(|http| http.min_tls_version = Some(version))
    }

    /// The highest TLS version allowed.
    pub fn max_tls_version(self, version: TlsVersion) -> Self {
        self.with_http(|http| http.max_tls_version = Some(version))
    }

    /// The TLS server name (SNI and certificate check) instead of the URL's host.
    pub fn tls_sni(self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.with_http(|http| http.tls_sni = Some(name))
    }

    /// Connects from this local address (`0.0.0.0` forces IPv4, `::` IPv6).
    pub fn local_address(self, address: IpAddr) -> Self {
        self.with_http(|http| http.local_address = Some(address))
    }

    /// Sends every request through this Unix domain socket. An https URL still gets TLS
    /// over it; proxies, the environment's included, do not apply.
    pub fn unix_socket(self, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        self.with_http(|http| http.unix_socket = Some(path))
    }

    /// Retries failed connects (not requests) this many times, with backoff.
    pub fn retries(self, retries: u32) -> Self {
        self.with_http(|http| http.retries = retries)
    }

    /// Connects to `address` for `host` instead of asking DNS (the URL's port wins when it
    /// has one).
    pub fn resolve(self, host: impl Into<String>, address: SocketAddr) -> Self {
        let host = host.into();
        self.with_http(
            |http| match http.resolve.iter_mut().find(|(known, _)| *known == host) {
                Some((_, addresses)) => addresses.push(address),
                None => http.resolve.push((host, vec![address])),
            },
        )
    }

    /// TCP keep-alive probes after this idle time.
    pub fn tcp_keepalive(self, idle: Duration) -> Self {
        self.with_http(|http| http.tcp_keepalive = Some(idle))
    }
}
