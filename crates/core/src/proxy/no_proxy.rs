//! [`NoProxy`]: the hosts `NO_PROXY` sends direct, with httpx's rules plus CIDR ranges.

use std::net::IpAddr;

use crate::mounts::{HostPattern, UrlPattern, split_port};
use crate::url::Url;

/// The hosts a `NO_PROXY` value exempts from proxies (comma separated, whitespace
/// trimmed), with httpx's rules:
///
/// * `*` anywhere: no proxy for any host (then the environment's proxies are not used
///   at all);
/// * `example.com`: the domain and its subdomains, but not `wwwexample.com` nor
///   `example.com.info`; `.example.com`: subdomains only;
/// * `localhost`, an IPv4 address, an IPv6 address (with or without brackets): that host;
/// * an entry with `://` (`http://github.com`): a mount pattern, used as it is;
/// * `host:port`: that host on that port only.
///
/// Different from httpx on purpose: CIDR ranges (`192.168.0.0/16`, `fd00::/8`) match
/// every address in the range; httpx reads them as the single address before the `/`.
/// Entries that parse as none of these are ignored.
///
/// ```
/// use xhttp_core::proxy::NoProxy;
/// use xhttp_core::Url;
///
/// let no_proxy = NoProxy::parse("mit.edu, .example.com, 10.0.0.0/8");
/// let exempt = |url: &str| no_proxy.matches(&Url::parse(url).unwrap());
/// assert!(exempt("http://courses.mit.edu/"));
/// assert!(!exempt("http://mit.edu.info/"));
/// assert!(!exempt("http://example.com/"));
/// assert!(exempt("http://10.1.2.3:8080/"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoProxy {
    all: bool,
    patterns: Vec<UrlPattern>,
}

impl NoProxy {
    /// Parses a `NO_PROXY` value.
    pub fn parse(value: &str) -> NoProxy {
        let mut no_proxy = NoProxy::default();
        for entry in value.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if entry == "*" {
                no_proxy.all = true;
            } else if let Some(pattern) = entry_pattern(entry) {
                no_proxy.patterns.push(pattern);
            }
        }
        no_proxy
    }

    /// Whether `*` was given: no host uses a proxy.
    pub fn matches_all(&self) -> bool {
        self.all
    }

    /// Whether requests to `url` go direct.
    pub fn matches(&self, url: &Url) -> bool {
        self.all || self.patterns.iter().any(|pattern| pattern.matches(url))
    }

    /// The entries as mount patterns (each one routes direct).
    pub fn patterns(&self) -> &[UrlPattern] {
        &self.patterns
    }
}

/// One entry as a pattern; `None` when it is not one.
fn entry_pattern(entry: &str) -> Option<UrlPattern> {
    if entry.contains("://") {
        return UrlPattern::parse(entry).ok();
    }
    if let Some(pattern) = cidr(entry) {
        return Some(pattern);
    }
    // A bare IPv6 address has colons but no port.
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(pattern_for(entry, HostPattern::exact_ip(ip), None));
    }
    let (host, port) = split_port(entry).ok()?;
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Some(pattern_for(entry, HostPattern::exact_ip(ip), port));
    }
    let host_pattern = if host.eq_ignore_ascii_case("localhost") || host.starts_with('*') {
        HostPattern::parse(host)
    } else {
        // `example.com` means `*example.com`; `.example.com` means `*.example.com`.
        HostPattern::parse(&format!("*{host}"))
    };
    Some(pattern_for(entry, host_pattern.ok()?, port))
}

/// `10.0.0.0/8`, `[fd00::]/8` or `fd00::/8`.
fn cidr(entry: &str) -> Option<UrlPattern> {
    let (address, prefix) = entry.split_once('/')?;
    let address = address
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(address);
    let network: IpAddr = address.parse().ok()?;
    let prefix: u8 = prefix.parse().ok()?;
    let max = if network.is_ipv4() { 32 } else { 128 };
    if prefix > max {
        return None;
    }
    Some(pattern_for(
        entry,
        HostPattern::Range { network, prefix },
        None,
    ))
}

fn pattern_for(entry: &str, host: HostPattern, port: Option<u16>) -> UrlPattern {
    let host_len = match port {
        Some(_) => entry
            .rsplit_once(':')
            .map_or(entry.len(), |(host, _)| host.len()),
        None => entry.len(),
    };
    // `*name` in httpx's key is one character longer than the entry.
    let host_len = match &host {
        HostPattern::DomainAndSubdomains(_) | HostPattern::SubdomainsOnly(_)
            if !entry.starts_with('*') =>
        {
            host_len + 1
        }
        _ => host_len,
    };
    UrlPattern::from_parts(format!("all://{entry}"), host, port, host_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exempt(no_proxy: &str, url: &str) -> bool {
        NoProxy::parse(no_proxy).matches(&Url::parse(url).unwrap())
    }

    #[test]
    fn a_domain_covers_its_subdomains_only_on_label_boundaries() {
        assert!(exempt("mit.edu", "http://mit.edu/"));
        assert!(exempt("mit.edu", "https://courses.mit.edu/"));
        assert!(exempt("MIT.edu", "https://a.b.mit.EDU:8443/"));
        assert!(!exempt("mit.edu", "http://mit.edu.info/"));
        assert!(!exempt("mit.edu", "http://wwwmit.edu/"));
    }

    #[test]
    fn a_leading_dot_means_subdomains_only() {
        assert!(exempt(".example.com", "http://www.example.com/"));
        assert!(!exempt(".example.com", "http://example.com/"));
        assert!(!exempt(".example.com", "http://example.com.evil/"));
    }

    #[test]
    fn cidr_ranges_match_every_address_in_them() {
        let list = "192.168.0.0/16, fd00::/8, [fe80::]/10";
        assert!(exempt(list, "http://192.168.1.20/"));
        assert!(exempt(list, "http://192.168.255.255:8080/"));
        assert!(!exempt(list, "http://192.169.0.1/"));
        assert!(exempt(list, "http://[fd12:3456::1]/"));
        assert!(exempt(list, "http://[fe80::1]/"));
        assert!(!exempt(list, "http://[fc00::1]/"));
        // A host name never falls in a range, even one that looks numeric.
        assert!(!exempt(list, "http://192.168.example/"));
        // Out-of-range prefixes are not entries.
        assert!(NoProxy::parse("10.0.0.0/33").patterns().is_empty());
    }

    #[test]
    fn addresses_localhost_ports_and_schemes() {
        assert!(exempt("127.0.0.1", "http://127.0.0.1:18080/"));
        assert!(!exempt("127.0.0.1", "http://127.0.0.2/"));
        assert!(exempt("::1", "http://[::1]:8080/"));
        assert!(exempt("[::1]", "http://[::1]/"));
        assert!(exempt("localhost", "http://localhost:1234/"));
        assert!(!exempt("localhost", "http://www.localhost/"));
        assert!(exempt("example.com:8080", "http://example.com:8080/"));
        assert!(!exempt("example.com:8080", "http://example.com/"));
        assert!(exempt("[::1]:8080", "http://[::1]:8080/"));
        assert!(exempt("http://github.com", "http://github.com/"));
        assert!(!exempt("http://github.com", "https://github.com/"));
    }

    #[test]
    fn a_star_anywhere_exempts_everything() {
        let no_proxy = NoProxy::parse("example.com, *");
        assert!(no_proxy.matches_all());
        assert!(exempt("example.com, *", "https://anything.test/"));
        assert!(!NoProxy::parse("").matches(&Url::parse("http://a.test/").unwrap()));
        assert!(!NoProxy::parse(" , ,").matches_all());
    }

    #[test]
    fn entries_are_as_specific_as_httpx_keys() {
        // httpx's key for `example.com` is `all://*example.com`: 12 host characters.
        let host_len = |entry: &str| NoProxy::parse(entry).patterns()[0].priority().1.0;
        assert_eq!(host_len("example.com"), "*example.com".len());
        assert_eq!(host_len(".example.com"), "*.example.com".len());
        assert_eq!(host_len("10.0.0.0/8"), "10.0.0.0/8".len());
    }
}
