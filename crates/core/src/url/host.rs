//! Hosts: domain names (IDNA by UTS 46), IPv4 and IPv6 addresses.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use idna::AsciiDenyList;

use super::invalid;
use crate::Error;

/// A validated, normalised host.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Host {
    /// A registered name in ASCII (punycode) form, lower case; may be empty.
    Domain(String),
    /// A dotted-quad IPv4 address.
    Ipv4(Ipv4Addr),
    /// An IPv6 address, written in brackets in a URL.
    Ipv6(Ipv6Addr),
}

impl Host {
    /// The empty host (as in `file:///etc/hosts`).
    pub(super) fn empty() -> Host {
        Host::Domain(String::new())
    }

    /// Whether this is the empty host.
    pub(super) fn is_empty(&self) -> bool {
        matches!(self, Host::Domain(name) if name.is_empty())
    }

    /// Parses the host as written in a URL (IPv6 in brackets).
    pub(super) fn parse(text: &str) -> Result<Host, Error> {
        if text.is_empty() {
            return Ok(Host::empty());
        }
        if let Some(inner) = text.strip_prefix('[') {
            let Some(inner) = inner.strip_suffix(']') else {
                return Err(invalid(format!("invalid IPv6 address: {}", quoted(text))));
            };
            return inner
                .parse::<Ipv6Addr>()
                .map(Host::Ipv6)
                .map_err(|_| invalid(format!("invalid IPv6 address: {}", quoted(text))));
        }
        if looks_like_ipv4(text) {
            return parse_ipv4(text, text);
        }
        let ascii =
            idna::domain_to_ascii_cow(text.as_bytes(), AsciiDenyList::URL).map_err(|_| {
                invalid(format!(
                    "invalid host name: {} is not a valid internationalised domain name (UTS 46)",
                    quoted(text)
                ))
            })?;
        if let Some(bad) = ascii.chars().find(|&c| !is_reg_name_char(c)) {
            return Err(invalid(format!(
                "invalid character {bad:?} in host name {}",
                quoted(text)
            )));
        }
        // UTS 46 maps some characters (full-width digits, ideographic full stops) to
        // ASCII digits and dots: the result is then an IPv4 address.
        if looks_like_ipv4(&ascii) {
            return parse_ipv4(&ascii, text);
        }
        Ok(Host::Domain(ascii.into_owned()))
    }

    /// Parses a host given without brackets, as to [`Url::with_host`](super::Url::with_host):
    /// a text containing `:` is taken as an IPv6 address.
    pub(super) fn parse_unbracketed(text: &str) -> Result<Host, Error> {
        if text.contains(':') && !text.starts_with('[') {
            return text
                .parse::<Ipv6Addr>()
                .map(Host::Ipv6)
                .map_err(|_| invalid(format!("invalid IPv6 address: {}", quoted(text))));
        }
        Host::parse(text)
    }

    /// The host in ASCII form, without brackets.
    pub(super) fn ascii(&self) -> String {
        match self {
            Host::Domain(name) => name.clone(),
            Host::Ipv4(address) => address.to_string(),
            Host::Ipv6(address) => address.to_string(),
        }
    }

    /// The Unicode form of a domain whose ASCII form has punycode labels, else `None`.
    pub(super) fn unicode(&self) -> Option<String> {
        match self {
            Host::Domain(name) if name.contains("xn--") => {
                let (unicode, result) = idna::domain_to_unicode(name);
                result.is_ok().then_some(unicode)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Host {
    /// The host as written in a URL: ASCII form, IPv6 in brackets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Domain(name) => f.write_str(name),
            Host::Ipv4(address) => write!(f, "{address}"),
            Host::Ipv6(address) => write!(f, "[{address}]"),
        }
    }
}

/// `text` for an error message, cut to 100 characters.
pub(super) fn quoted(text: &str) -> String {
    match text.char_indices().nth(100) {
        Some((cut, _)) => format!("'{}…'", &text[..cut]),
        None => format!("'{text}'"),
    }
}

/// httpx's test for an IPv4 address: four dot-separated runs of digits.
fn looks_like_ipv4(text: &str) -> bool {
    let mut parts = 0;
    for part in text.split('.') {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        parts += 1;
    }
    parts == 4
}

fn parse_ipv4(ascii: &str, original: &str) -> Result<Host, Error> {
    ascii
        .parse::<Ipv4Addr>()
        .map(Host::Ipv4)
        .map_err(|_| invalid(format!("invalid IPv4 address: {}", quoted(original))))
}

/// RFC 3986 `reg-name` characters, without percent-escapes.
fn is_reg_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(error: Error) -> String {
        error.to_string()
    }

    #[test]
    fn domains_are_lower_cased_and_punycoded() {
        assert_eq!(
            Host::parse("EXAMPLE.COM").unwrap(),
            Host::Domain("example.com".into())
        );
        let host = Host::parse("münchen.de").unwrap();
        assert_eq!(host.ascii(), "xn--mnchen-3ya.de");
        assert_eq!(host.unicode().as_deref(), Some("münchen.de"));
        let again = Host::parse("xn--mnchen-3ya.de").unwrap();
        assert_eq!(again, host);
    }

    #[test]
    fn uts46_accepts_what_idna2008_rejects() {
        assert_eq!(Host::parse("☃.com").unwrap().ascii(), "xn--n3h.com");
        assert_eq!(
            Host::parse("straße.de").unwrap().ascii(),
            "xn--strae-oqa.de"
        );
    }

    #[test]
    fn ip_addresses() {
        assert_eq!(
            Host::parse("127.0.0.1").unwrap(),
            Host::Ipv4(Ipv4Addr::LOCALHOST)
        );
        assert_eq!(
            Host::parse("[::1]").unwrap(),
            Host::Ipv6(Ipv6Addr::LOCALHOST)
        );
        assert_eq!(Host::parse("[::1]").unwrap().to_string(), "[::1]");
        assert_eq!(
            Host::parse("[2001:DB8:0:0::1]").unwrap().to_string(),
            "[2001:db8::1]"
        );
        assert_eq!(
            message(Host::parse("999.999.999.999").unwrap_err()),
            "invalid URL: invalid IPv4 address: '999.999.999.999'"
        );
        assert_eq!(
            message(Host::parse("[2001]").unwrap_err()),
            "invalid URL: invalid IPv6 address: '[2001]'"
        );
        // Full-width digits map to an IPv4 address.
        assert_eq!(Host::parse("１.２.３.４").unwrap().to_string(), "1.2.3.4");
    }

    #[test]
    fn rejects_bad_characters() {
        for bad in ["exa mple.com", "a<b", "a%20b", "a{b", "xn--zz"] {
            let error = Host::parse(bad).unwrap_err();
            assert!(error.is_invalid_url(), "{bad}");
            assert!(error.to_string().contains("host name"), "{error}");
        }
    }

    #[test]
    fn long_hosts_are_cut_in_messages() {
        let long = format!("{}<", "a".repeat(500));
        let message = Host::parse(&long).unwrap_err().to_string();
        assert!(message.len() < 250, "{message}");
        assert!(message.contains("…"));
    }

    #[test]
    fn unbracketed_ipv6() {
        assert_eq!(
            Host::parse_unbracketed("::1").unwrap(),
            Host::Ipv6(Ipv6Addr::LOCALHOST)
        );
        assert!(Host::parse_unbracketed("::zz").is_err());
        assert_eq!(
            Host::parse_unbracketed("[::1]").unwrap(),
            Host::Ipv6(Ipv6Addr::LOCALHOST)
        );
    }
}
