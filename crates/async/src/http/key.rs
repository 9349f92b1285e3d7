//! Where a connection goes: the pool key.

use std::sync::Arc;

use xhttp_core::{Error, ErrorKind};

use crate::connect::proxy::ProxyTarget;

/// http or https.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Scheme {
    Http,
    Https,
}

/// How a connection reaches its destination.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Via {
    /// Straight to the origin.
    Direct,
    /// To an HTTP proxy that forwards plain-http requests (given in absolute form): one
    /// connection serves every http origin, so the key's host and port are the proxy's.
    Forward(Arc<ProxyTarget>),
    /// Through a tunnel to the origin: `CONNECT` on an HTTP proxy, or SOCKS5.
    Tunnel(Arc<ProxyTarget>),
}

/// A connection's destination: scheme, host, port and the proxy on the way (the whole
/// proxy, credentials included: connections through different proxies or as different
/// proxy users are never shared).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    pub(crate) scheme: Scheme,
    /// The host as it goes on the wire: ASCII, IPv6 without brackets (shared: keys are
    /// cloned into leases and the pool's map without allocating).
    pub(crate) host: Arc<str>,
    pub(crate) port: u16,
    pub(crate) via: Via,
}

impl Key {
    /// The key of a request URI (absolute: the transport needs scheme and host).
    pub(crate) fn from_uri(uri: &http::Uri) -> Result<Key, Error> {
        let scheme = match uri.scheme_str() {
            Some(scheme) if scheme.eq_ignore_ascii_case("http") => Scheme::Http,
            Some(scheme) if scheme.eq_ignore_ascii_case("https") => Scheme::Https,
            Some(other) => {
                return Err(
                    Error::new(ErrorKind::UnsupportedProtocol).with_message(format!(
                        "request URL has an unsupported protocol '{other}://'"
                    )),
                );
            }
            None => {
                return Err(Error::new(ErrorKind::UnsupportedProtocol)
                    .with_message("request URL is missing an 'http://' or 'https://' protocol"));
            }
        };
        let host = uri.host().filter(|host| !host.is_empty()).ok_or_else(|| {
            Error::new(ErrorKind::InvalidUrl).with_message("request URL has no host")
        })?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        // One allocation: hosts from xhttp's own URLs are lower case already.
        let host: Arc<str> = if host.bytes().any(|byte| byte.is_ascii_uppercase()) {
            Arc::from(host.to_ascii_lowercase())
        } else {
            Arc::from(host)
        };
        let port = uri.port_u16().unwrap_or(match scheme {
            Scheme::Http => 80,
            Scheme::Https => 443,
        });
        Ok(Key {
            scheme,
            host,
            port,
            via: Via::Direct,
        })
    }

    /// The key of a connection to this origin through `proxy`.
    pub(crate) fn through(self, proxy: Option<&Arc<ProxyTarget>>) -> Key {
        match proxy {
            None => self,
            Some(proxy) if self.scheme == Scheme::Http && proxy.forwards_http() => Key {
                scheme: Scheme::Http,
                host: Arc::from(proxy.host.as_str()),
                port: proxy.port,
                via: Via::Forward(Arc::clone(proxy)),
            },
            Some(proxy) => Key {
                via: Via::Tunnel(Arc::clone(proxy)),
                ..self
            },
        }
    }

    /// `scheme://host:port`, for statistics; ` via proxy` added for a tunnel, and
    /// `proxy scheme://host:port` for a forward proxy (never credentials).
    pub(crate) fn origin(&self) -> String {
        let scheme = match self.scheme {
            Scheme::Http => "http",
            Scheme::Https => "https",
        };
        let address = crate::connect::proxy::authority(&self.host, self.port);
        match &self.via {
            Via::Direct => format!("{scheme}://{address}"),
            Via::Forward(proxy) => format!("proxy {}://{address}", proxy.scheme.as_str()),
            Via::Tunnel(proxy) => format!(
                "{scheme}://{address} via {}://{}",
                proxy.scheme.as_str(),
                proxy.address()
            ),
        }
    }

    /// Whether the port is the scheme's default: a resolver override's address then
    /// gives the port (as when the URL names none).
    pub(crate) fn port_is_default(&self) -> bool {
        matches!(
            (self.scheme, self.port),
            (Scheme::Http, 80) | (Scheme::Https, 443)
        )
    }

    /// The URI hyper-util's TCP connector takes. A default port is left out, so that
    /// the port of a resolver override applies (an explicit port always wins).
    pub(crate) fn connect_uri(&self) -> Result<http::Uri, Error> {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.to_string()
        };
        let text = match (self.scheme, self.port) {
            (Scheme::Http, 80) => format!("http://{host}"),
            (Scheme::Https, 443) => format!("https://{host}"),
            (_, port) => format!("http://{host}:{port}"),
        };
        http::Uri::try_from(text).map_err(|error| {
            Error::new(ErrorKind::InvalidUrl)
                .with_message("the host cannot be connected to")
                .with_source(error)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ports_and_ipv6() {
        let key = Key::from_uri(&"https://[::1]/x".parse().unwrap()).unwrap();
        assert_eq!(
            (key.scheme, &*key.host, key.port),
            (Scheme::Https, "::1", 443)
        );
        assert_eq!(key.connect_uri().unwrap(), "https://[::1]/");
        let key = Key::from_uri(&"http://Example.com:8080/".parse().unwrap()).unwrap();
        assert_eq!((&*key.host, key.port), ("example.com", 8080));
    }

    #[test]
    fn proxies_change_the_key() {
        let proxy = |url: &str| {
            crate::connect::proxy::ProxyTarget::new(&xhttp_core::Proxy::new(url).unwrap()).unwrap()
        };
        let http = Key::from_uri(&"http://a.test/".parse().unwrap()).unwrap();
        let https = Key::from_uri(&"https://a.test/".parse().unwrap()).unwrap();
        let forward = http.clone().through(Some(&proxy("http://p.test:3128")));
        assert_eq!(forward.origin(), "proxy http://p.test:3128");
        let other = Key::from_uri(&"http://b.test:8080/".parse().unwrap()).unwrap();
        assert_eq!(other.through(Some(&proxy("http://p.test:3128"))), forward);
        let tunnel = https
            .clone()
            .through(Some(&proxy("http://u:pw@p.test:3128")));
        assert_eq!(tunnel.origin(), "https://a.test:443 via http://p.test:3128");
        assert_ne!(
            tunnel,
            https.clone().through(Some(&proxy("http://p.test:3128")))
        );
        assert_ne!(tunnel, https.clone());
        let socks = http.clone().through(Some(&proxy("socks5://p.test")));
        assert!(matches!(socks.via, Via::Tunnel(_)));
        assert_eq!(&*socks.host, "a.test");
    }

    #[test]
    fn other_schemes_are_unsupported() {
        let error = Key::from_uri(&"ftp://h/".parse().unwrap()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnsupportedProtocol);
    }
}
