//! Where a connection goes: the pool key.

use xhttp_core::{Error, ErrorKind};

/// http or https.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Scheme {
    Http,
    Https,
}

/// A connection's destination: scheme, host and port. (Proxy and TLS identity join it
/// with the pool issue.)
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    pub(crate) scheme: Scheme,
    /// The host as it goes on the wire: ASCII, IPv6 without brackets.
    pub(crate) host: String,
    pub(crate) port: u16,
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
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let port = uri.port_u16().unwrap_or(match scheme {
            Scheme::Http => 80,
            Scheme::Https => 443,
        });
        Ok(Key { scheme, host, port })
    }

    /// `scheme://host:port`, for statistics.
    pub(crate) fn origin(&self) -> String {
        let scheme = match self.scheme {
            Scheme::Http => "http",
            Scheme::Https => "https",
        };
        if self.host.contains(':') {
            format!("{scheme}://[{}]:{}", self.host, self.port)
        } else {
            format!("{scheme}://{}:{}", self.host, self.port)
        }
    }

    /// The URI hyper-util's TCP connector takes. A default port is left out, so that
    /// the port of a resolver override applies (an explicit port always wins).
    pub(crate) fn connect_uri(&self) -> Result<http::Uri, Error> {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
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
            (key.scheme, key.host.as_str(), key.port),
            (Scheme::Https, "::1", 443)
        );
        assert_eq!(key.connect_uri().unwrap(), "https://[::1]/");
        let key = Key::from_uri(&"http://Example.com:8080/".parse().unwrap()).unwrap();
        assert_eq!((key.host.as_str(), key.port), ("example.com", 8080));
    }

    #[test]
    fn other_schemes_are_unsupported() {
        let error = Key::from_uri(&"ftp://h/".parse().unwrap()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnsupportedProtocol);
    }
}
