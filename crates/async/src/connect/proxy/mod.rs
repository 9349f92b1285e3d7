//! Connecting through a proxy: an HTTP(S) proxy forwarding plain-http requests or
//! opening a `CONNECT` tunnel, or a SOCKS5 proxy.

pub(crate) mod connect_tunnel;
pub(crate) mod http;
pub(crate) mod socks;

use std::fmt;
use std::sync::Arc;

use ::http::header::{HeaderName, HeaderValue, PROXY_AUTHORIZATION};
use xhttp_core::proxy::{Proxy, ProxyScheme};
use xhttp_core::{Error, ErrorKind};

/// A proxy as the connector uses it. Part of the pool key, so equal only when every
/// part is equal (credentials and headers included); `Debug` shows the address only.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct ProxyTarget {
    pub(crate) scheme: ProxyScheme,
    /// ASCII, IPv6 without brackets.
    pub(crate) host: String,
    pub(crate) port: u16,
    /// SOCKS5 username and password.
    pub(crate) socks_auth: Option<(String, String)>,
    /// For HTTP proxies: `Proxy-Authorization` (when there are credentials, marked
    /// sensitive) and the proxy's own headers, for `CONNECT` and forwarded requests.
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

impl ProxyTarget {
    /// The connector's view of `proxy`.
    pub(crate) fn new(proxy: &Proxy) -> Result<Arc<ProxyTarget>, Error> {
        let scheme = proxy.scheme();
        let mut headers = Vec::new();
        let mut socks_auth = None;
        if scheme.is_socks() {
            socks_auth = proxy
                .auth()
                .map(|(user, password)| (user.to_owned(), password.to_owned()));
        } else if let Some(value) = proxy.authorization()? {
            headers.push((PROXY_AUTHORIZATION, value));
        }
        for (name, value) in proxy.headers().as_map() {
            if name == PROXY_AUTHORIZATION && !headers.is_empty() {
                continue;
            }
            let mut value = value.clone();
            if name == PROXY_AUTHORIZATION {
                value.set_sensitive(true);
            }
            headers.push((name.clone(), value));
        }
        Ok(Arc::new(ProxyTarget {
            scheme,
            host: proxy.host().to_owned(),
            port: proxy.port(),
            socks_auth,
            headers,
        }))
    }

    /// `host:port`, IPv6 in brackets.
    pub(crate) fn address(&self) -> String {
        authority(&self.host, self.port)
    }

    /// Whether plain-http requests are forwarded (sent to the proxy in absolute form)
    /// rather than tunnelled.
    pub(crate) fn forwards_http(&self) -> bool {
        !self.scheme.is_socks()
    }

    /// An error of the proxy handshake.
    pub(crate) fn error(&self, message: impl fmt::Display) -> Error {
        Error::new(ErrorKind::Proxy).with_message(format!(
            "proxy {}://{}: {message}",
            self.scheme.as_str(),
            self.address()
        ))
    }
}

impl fmt::Debug for ProxyTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ProxyTarget({}://{})",
            self.scheme.as_str(),
            self.address()
        )
    }
}

/// `host:port`, IPv6 in brackets.
pub(crate) fn authority(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_neither_credentials_nor_headers() {
        let proxy = Proxy::new("http://user:secret@[::1]:3128")
            .unwrap()
            .with_header(
                HeaderName::from_static("x-token"),
                HeaderValue::from_static("hidden"),
            );
        let target = ProxyTarget::new(&proxy).unwrap();
        assert_eq!(format!("{target:?}"), "ProxyTarget(http://[::1]:3128)");
        assert_eq!(target.headers[0].0, PROXY_AUTHORIZATION);
        assert!(target.headers[0].1.is_sensitive());
        let socks = ProxyTarget::new(&Proxy::new("socks5://u:p@h:1").unwrap()).unwrap();
        assert_eq!(socks.socks_auth, Some(("u".into(), "p".into())));
        assert!(socks.headers.is_empty() && !socks.forwards_http());
    }

    #[test]
    fn identity_includes_credentials() {
        let a = ProxyTarget::new(&Proxy::new("http://u:one@h:1").unwrap()).unwrap();
        let b = ProxyTarget::new(&Proxy::new("http://u:two@h:1").unwrap()).unwrap();
        assert_ne!(a, b);
    }
}
