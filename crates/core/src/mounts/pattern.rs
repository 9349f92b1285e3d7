//! [`UrlPattern`]: httpx's URL-like mount keys (`all://`, `https://example.com:8443`,
//! `all://*.example.com`...), parsed once.

use std::cmp::Reverse;
use std::fmt;
use std::net::IpAddr;

use crate::error::{Error, ErrorKind};
use crate::url::Url;

/// A pattern of URLs, as httpx's mount keys: `scheme://host:port` where the scheme may
/// be `all`, the host may be absent (any host), `*` (any host), `*example.com` (the
/// domain and its subdomains), `*.example.com` (subdomains only), a name or an IP
/// address; the port may be absent (any port).
///
/// ```
/// use xhttp_core::mounts::UrlPattern;
/// use xhttp_core::Url;
///
/// let pattern = UrlPattern::parse("all://*example.com")?;
/// assert!(pattern.matches(&Url::parse("https://www.example.com/")?));
/// assert!(pattern.matches(&Url::parse("http://example.com/")?));
/// assert!(!pattern.matches(&Url::parse("http://wwwexample.com/")?));
/// # Ok::<(), xhttp_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct UrlPattern {
    text: String,
    /// `None`: `all`.
    scheme: Option<String>,
    host: HostPattern,
    port: Option<u16>,
    /// The length of the host as written: longer hosts are more specific.
    host_len: usize,
}

/// Which hosts a pattern matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HostPattern {
    Any,
    /// Exactly this name (ASCII, lower case).
    Name(String),
    /// The domain and its subdomains (`*example.com`).
    DomainAndSubdomains(String),
    /// Subdomains only (`*.example.com`).
    SubdomainsOnly(String),
    /// IP addresses whose first `prefix` bits are those of `network` (an exact address
    /// has the full prefix).
    Range {
        network: IpAddr,
        prefix: u8,
    },
}

impl UrlPattern {
    /// Parses a pattern.
    ///
    /// # Errors
    /// `InvalidUrl` when it has no `://` (`"http"` instead of `"http://"`), a path, a
    /// query, userinfo, a bad port or host.
    pub fn parse(text: &str) -> Result<UrlPattern, Error> {
        let Some((scheme, rest)) = text.split_once("://") else {
            let shown = crate::url::redact_before_last_at(text);
            return Err(invalid(
                text,
                format!("use a URL form such as '{shown}://' rather than a plain scheme"),
            ));
        };
        let scheme = scheme.to_ascii_lowercase();
        let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !scheme_ok {
            return Err(invalid(text, "the scheme is not valid".into()));
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#', '@']) {
            return Err(invalid(
                text,
                "a pattern has a scheme, a host and a port only (no path, query or userinfo)"
                    .into(),
            ));
        }
        let (host, port) = split_port(rest).map_err(|message| invalid(text, message))?;
        let host_pattern = HostPattern::parse(host).map_err(|message| invalid(text, message))?;
        Ok(UrlPattern {
            text: text.to_owned(),
            scheme: (scheme != "all").then_some(scheme),
            host: host_pattern,
            port,
            host_len: host.len(),
        })
    }

    /// A pattern built from parts (for `NO_PROXY` entries, which may be CIDR ranges).
    pub(crate) fn from_parts(
        text: String,
        host: HostPattern,
        port: Option<u16>,
        host_len: usize,
    ) -> UrlPattern {
        UrlPattern {
            text,
            scheme: None,
            host,
            port,
            host_len,
        }
    }

    /// The pattern as it was written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether `url` matches: the scheme (unless `all`), the host, and the port (a
    /// pattern's port is compared with the URL's port or its scheme's default).
    pub fn matches(&self, url: &Url) -> bool {
        if let Some(scheme) = &self.scheme {
            if scheme != url.scheme() {
                return false;
            }
        }
        if let Some(port) = self.port {
            if url.port_or_known_default() != Some(port) {
                return false;
            }
        }
        self.host.matches(&url.raw_host())
    }

    /// The sort key: patterns with a port first, then longer hosts, then longer schemes
    /// (httpx's order; the first match wins).
    pub(crate) fn priority(&self) -> (bool, Reverse<usize>, Reverse<usize>) {
        let scheme_len = self.scheme.as_deref().map_or(3, str::len);
        (
            self.port.is_none(),
            Reverse(self.host_len),
            Reverse(scheme_len),
        )
    }
}

impl fmt::Debug for UrlPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UrlPattern({:?})", self.text)
    }
}

impl std::str::FromStr for UrlPattern {
    type Err = Error;

    fn from_str(text: &str) -> Result<UrlPattern, Error> {
        UrlPattern::parse(text)
    }
}

impl HostPattern {
    /// A host as written in a pattern: empty or `*`, `*.name`, `*name`, an IP address
    /// (IPv6 without brackets), or a name.
    pub(crate) fn parse(host: &str) -> Result<HostPattern, String> {
        if host.is_empty() || host == "*" {
            return Ok(HostPattern::Any);
        }
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Ok(HostPattern::exact_ip(ip));
        }
        if let Some(domain) = host.strip_prefix("*.") {
            return Ok(HostPattern::SubdomainsOnly(domain_to_ascii(domain)?));
        }
        if let Some(domain) = host.strip_prefix('*') {
            return Ok(HostPattern::DomainAndSubdomains(domain_to_ascii(domain)?));
        }
        Ok(HostPattern::Name(domain_to_ascii(host)?))
    }

    pub(crate) fn exact_ip(ip: IpAddr) -> HostPattern {
        let prefix = if ip.is_ipv4() { 32 } else { 128 };
        HostPattern::Range {
            network: ip,
            prefix,
        }
    }

    /// `host` is a URL's ASCII host, IPv6 without brackets.
    fn matches(&self, host: &str) -> bool {
        match self {
            HostPattern::Any => true,
            HostPattern::Name(name) => host.eq_ignore_ascii_case(name),
            HostPattern::DomainAndSubdomains(domain) => {
                host.eq_ignore_ascii_case(domain) || is_subdomain(host, domain)
            }
            HostPattern::SubdomainsOnly(domain) => is_subdomain(host, domain),
            HostPattern::Range { network, prefix } => host
                .parse::<IpAddr>()
                .is_ok_and(|ip| in_range(ip, *network, *prefix)),
        }
    }
}

/// `www.example.com` is a subdomain of `example.com`; `wwwexample.com` is not.
fn is_subdomain(host: &str, domain: &str) -> bool {
    host.len() > domain.len() + 1
        && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
        && host[host.len() - domain.len()..].eq_ignore_ascii_case(domain)
}

/// Whether `ip` lies in `network/prefix` (both of the same family).
pub(crate) fn in_range(ip: IpAddr, network: IpAddr, prefix: u8) -> bool {
    match (ip, network) {
        (IpAddr::V4(ip), IpAddr::V4(network)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(network) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(network)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(network) & mask
        }
        _ => false,
    }
}

/// Splits `host[:port]` or `[v6][:port]`; the IPv6 host comes back without brackets.
pub(crate) fn split_port(text: &str) -> Result<(&str, Option<u16>), String> {
    let (host, port) = if let Some(bracketed) = text.strip_prefix('[') {
        let Some((host, after)) = bracketed.split_once(']') else {
            return Err("an IPv6 address misses its closing ']'".into());
        };
        if host.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!("'{host}' is not an IPv6 address"));
        }
        match after {
            "" => (host, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return Err("unexpected text after the IPv6 address".into()),
            },
        }
    } else {
        match text.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        }
    };
    let port = match port {
        Some(port) => Some(
            port.parse::<u16>()
                .map_err(|_| format!("'{port}' is not a port number"))?,
        ),
        None => None,
    };
    Ok((host, port))
}

fn domain_to_ascii(domain: &str) -> Result<String, String> {
    let invalid = || format!("'{domain}' is not a valid host name");
    if domain.is_empty() || domain.contains(['*', ':', ' ', '[', ']', '/', '@', '?', '#']) {
        return Err(invalid());
    }
    idna::domain_to_ascii(domain).map_err(|_| invalid())
}

/// An `InvalidUrl` error quoting `pattern` with any userinfo redacted.
fn invalid(pattern: &str, message: String) -> Error {
    let pattern = crate::url::redact_before_last_at(pattern);
    Error::new(ErrorKind::InvalidUrl)
        .with_message(format!("invalid mount pattern '{pattern}': {message}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    fn matches(pattern: &str, target: &str) -> bool {
        UrlPattern::parse(pattern).unwrap().matches(&url(target))
    }

    #[test]
    fn schemes() {
        assert!(matches("all://", "http://a.test/"));
        assert!(matches("all://", "https://a.test/"));
        assert!(matches("http://", "http://a.test/"));
        assert!(!matches("http://", "https://a.test/"));
        assert!(matches("HTTPS://", "https://a.test/"));
        assert!(matches("custom://", "custom://a.test/x"));
    }

    #[test]
    fn hosts() {
        assert!(matches("all://example.com", "http://EXAMPLE.com/"));
        assert!(!matches("all://example.com", "http://www.example.com/"));
        assert!(matches("all://*example.com", "http://example.com/"));
        assert!(matches("all://*example.com", "http://a.b.example.com/"));
        assert!(!matches("all://*example.com", "http://wwwexample.com/"));
        assert!(!matches("all://*.example.com", "http://example.com/"));
        assert!(matches("all://*.example.com", "http://www.example.com/"));
        assert!(!matches("all://*.example.com", "http://example.com.info/"));
        assert!(matches("all://*", "http://anything.test/"));
        assert!(matches("all://[::1]", "http://[::1]:8080/"));
        assert!(matches("all://[0:0::1]", "http://[::1]/"));
        assert!(matches("all://127.0.0.1", "http://127.0.0.1/"));
        assert!(matches("all://bücher.de", "http://xn--bcher-kva.de/"));
    }

    #[test]
    fn ports() {
        assert!(matches(
            "http://example.com:1234",
            "http://example.com:1234/"
        ));
        assert!(!matches("http://example.com:1234", "http://example.com/"));
        assert!(matches("all://*:1234", "https://a.test:1234/"));
        assert!(!matches("all://*:1234", "https://a.test:1235/"));
        assert!(matches("all://example.com:443", "https://example.com/"));
        assert!(!matches(
            "all://example.com:443",
            "https://example.com:8443/"
        ));
        assert!(matches("all://[::1]:8080", "http://[::1]:8080/"));
    }

    #[test]
    fn invalid_patterns_are_typed_errors() {
        for text in [
            "http",
            "example.com",
            "1http://",
            "http://a/b",
            "http://a:port",
            "http://a:70000",
            "all://[::1",
            "all://*.",
            "all://a*b",
        ] {
            let error = UrlPattern::parse(text).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidUrl, "{text}");
            assert!(error.to_string().contains(text), "{error}");
        }
        assert!(UrlPattern::parse("http://").is_ok());
        assert!(UrlPattern::parse("all://example.com/").is_ok());
    }

    #[test]
    fn errors_never_quote_userinfo() {
        for (text, shown) in [
            (
                "http://user:secret@proxy:3128",
                "http://[redacted]@proxy:3128",
            ),
            ("http://u@a", "http://[redacted]@a"),
            ("all://user:p@ss@word@host/x", "all://[redacted]@host/x"),
            ("user:secret@proxy:3128", "[redacted]@proxy:3128"),
            ("http://a/secret@b", "http://[redacted]@b"),
        ] {
            let error = UrlPattern::parse(text).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidUrl, "{text}");
            let message = error.to_string();
            assert!(message.contains(shown), "{message}");
            for secret in ["secret", "user:", "u@", "p@ss"] {
                assert!(!message.contains(secret), "{message}");
            }
        }
    }

    #[test]
    fn ranges() {
        let v4 = "10.1.0.0".parse().unwrap();
        assert!(in_range("10.1.255.3".parse().unwrap(), v4, 16));
        assert!(!in_range("10.2.0.1".parse().unwrap(), v4, 16));
        assert!(in_range("1.2.3.4".parse().unwrap(), v4, 0));
        let v6 = "fd00::".parse().unwrap();
        assert!(in_range("fd12::1".parse().unwrap(), v6, 8));
        assert!(!in_range("fe00::1".parse().unwrap(), v6, 8));
        assert!(!in_range("10.1.0.1".parse().unwrap(), v6, 8));
    }
}
