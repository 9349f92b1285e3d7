//! Splitting a URL string into its RFC 3986 components and normalising each.
//!
//! The split follows httpx's regular expression (itself RFC 3986 Appendix B):
//! `scheme:` `//authority` `path` `?query` `#fragment`. Unlike WHATWG, a backslash is
//! an ordinary path character and whitespace is neither stripped nor removed:
//! control characters are rejected with their position before anything else.

use std::fmt::Write as _;

use super::encode::{self, FRAGMENT, PATH, QUERY, USERINFO};
use super::host::Host;
use super::invalid;
use crate::Error;

/// The longest URL accepted, in characters (httpx's limit).
pub(super) const MAX_URL_LENGTH: usize = 65_536;

/// The components of a URL or relative reference, each normalised and encoded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(super) struct Parts {
    /// Lower case; empty for a relative reference (`http` and `https` are not allocated).
    pub(super) scheme: std::borrow::Cow<'static, str>,
    /// Present when the URL has `//`.
    pub(super) authority: Option<Authority>,
    /// Percent-encoded.
    pub(super) path: String,
    /// Percent-encoded, without `?`.
    pub(super) query: Option<String>,
    /// Percent-encoded, without `#`.
    pub(super) fragment: Option<String>,
}

/// The authority: `userinfo@host:port`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Authority {
    /// Percent-encoded username and password; `None` when the URL has no userinfo.
    pub(super) userinfo: Option<Userinfo>,
    pub(super) host: Host,
    /// `None` when absent (or, once normalised, the scheme's default).
    pub(super) port: Option<u16>,
}

/// Percent-encoded credentials.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Userinfo {
    pub(super) username: String,
    pub(super) password: Option<String>,
}

impl Userinfo {
    /// Encodes raw credentials; `None` when both are empty.
    pub(super) fn new(username: &str, password: Option<&str>) -> Option<Userinfo> {
        if username.is_empty() && password.is_none_or(str::is_empty) {
            return None;
        }
        Some(Userinfo {
            username: encode::encode(username, USERINFO).into_owned(),
            password: password.map(|p| encode::encode(p, USERINFO).into_owned()),
        })
    }
}

/// Checks the length and the absence of control characters, as httpx does.
pub(super) fn check_text(input: &str) -> Result<(), Error> {
    if input.len() > MAX_URL_LENGTH && input.chars().count() > MAX_URL_LENGTH {
        return Err(invalid(format!(
            "URL too long: more than {MAX_URL_LENGTH} characters"
        )));
    }
    if input.bytes().any(|b| b.is_ascii_control()) {
        for (position, c) in input.chars().enumerate() {
            if c.is_ascii_control() {
                return Err(invalid(format!(
                    "invalid non-printable ASCII character in URL, '{}' at position {position}",
                    escape(c)
                )));
            }
        }
    }
    Ok(())
}

/// Python's `repr` of a control character, without the quotes.
fn escape(c: char) -> String {
    match c {
        '\n' => "\\n".into(),
        '\r' => "\\r".into(),
        '\t' => "\\t".into(),
        other => format!("\\x{:02x}", u32::from(other)),
    }
}

/// Whether `text` is an RFC 3986 scheme: a letter, then letters, digits, `+`, `-`, `.`.
pub(super) fn is_scheme(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// Whether a relative path would be read as `scheme:…` (`a:b`, not `./a:b` or `1:b`).
pub(super) fn path_reads_as_scheme(path: &str) -> bool {
    path.find([':', '/', '?', '#'])
        .is_some_and(|end| path.as_bytes()[end] == b':' && is_scheme(&path[..end]))
}

/// Splits and normalises the components of `input` (not yet port- or path-normalised
/// against the scheme: see [`super::Url::from_parts`]).
pub(super) fn parse(input: &str) -> Result<Parts, Error> {
    check_text(input)?;
    let mut rest = input;
    let mut parts = Parts::default();

    if let Some(end) = rest.find([':', '/', '?', '#'])
        && rest.as_bytes()[end] == b':'
        && is_scheme(&rest[..end])
    {
        parts.scheme = scheme_of(&rest[..end]);
        rest = &rest[end + 1..];
    }

    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        // An `@` after the authority suggests a password holding `/`, `?` or `#` that
        // cut the authority short: then nothing of the authority is quoted in errors.
        let may_hold_secrets = after[end..].contains('@');
        parts.authority = Some(parse_authority(&after[..end]).map_err(|error| {
            if may_hold_secrets {
                invalid("invalid host or port (not quoted: the URL may hold credentials)")
            } else {
                error
            }
        })?);
        rest = &after[end..];
    }

    let (before_fragment, fragment) = match rest.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (rest, None),
    };
    let (path, query) = match before_fragment.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (before_fragment, None),
    };
    parts.path = encode::encode(path, PATH).into_owned();
    parts.query = query.map(|q| encode::encode(q, QUERY).into_owned());
    parts.fragment = fragment.map(|f| encode::encode(f, FRAGMENT).into_owned());
    Ok(parts)
}

/// A scheme in lower case, without allocating for the common ones.
pub(super) fn scheme_of(text: &str) -> std::borrow::Cow<'static, str> {
    for known in ["http", "https", "ws", "wss"] {
        if text.eq_ignore_ascii_case(known) {
            return std::borrow::Cow::Borrowed(known);
        }
    }
    std::borrow::Cow::Owned(text.to_ascii_lowercase())
}

/// Parses `userinfo@host:port`. Messages never quote the userinfo.
fn parse_authority(text: &str) -> Result<Authority, Error> {
    let (userinfo, host_port) = match text.rfind('@') {
        Some(at) => (Some(&text[..at]), &text[at + 1..]),
        None => (None, text),
    };
    let userinfo = userinfo.and_then(|info| match info.split_once(':') {
        Some((username, password)) => Userinfo::new(username, Some(password)),
        None => Userinfo::new(info, None),
    });

    let (host_text, port_text) = if host_port.starts_with('[') {
        match host_port.find(']') {
            Some(close) => {
                let after = &host_port[close + 1..];
                let port = match after.strip_prefix(':') {
                    Some(port) => Some(port),
                    None if after.is_empty() => None,
                    None => {
                        return Err(invalid(format!(
                            "invalid IPv6 address: unexpected text after ']' in {}",
                            super::host::quoted(host_port)
                        )));
                    }
                };
                (&host_port[..=close], port)
            }
            None => {
                return Err(invalid(format!(
                    "invalid IPv6 address: missing ']' in {}",
                    super::host::quoted(host_port)
                )));
            }
        }
    } else {
        match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };

    Ok(Authority {
        userinfo,
        host: Host::parse(host_text)?,
        port: match port_text {
            None | Some("") => None,
            Some(port) => Some(parse_port(port)?),
        },
    })
}

/// Parses a port, `0..=65535`.
///
/// The text is quoted only when it is a short run of digits: a password holding a `/`
/// would otherwise end the authority early and land here (`http://user:pa/ss@host`).
pub(super) fn parse_port(text: &str) -> Result<u16, Error> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("invalid port: not a decimal number"));
    }
    if text.len() > 5 {
        return Err(invalid(
            "invalid port: out of range (the largest port is 65535)",
        ));
    }
    text.parse::<u16>().map_err(|_| {
        invalid(format!(
            "invalid port: {text} is out of range (the largest port is 65535)"
        ))
    })
}

impl Parts {
    /// Whether the URL has a non-empty host.
    pub(super) fn has_host(&self) -> bool {
        self.authority.as_ref().is_some_and(|a| !a.host.is_empty())
    }

    /// At least the length [`write`](Parts::write) gives, so that one allocation holds it.
    pub(super) fn written_len_bound(&self) -> usize {
        // `://`, `@`, `:` and a port, `?`, `#`, an IPv4 or IPv6 address: 64 covers them.
        let authority = self.authority.as_ref().map_or(0, |authority| {
            let userinfo = authority.userinfo.as_ref().map_or(0, |info| {
                info.username.len() + info.password.as_ref().map_or(0, String::len)
            });
            let host = match &authority.host {
                Host::Domain(name) => name.len(),
                Host::Ipv4(_) | Host::Ipv6(_) => 0,
            };
            userinfo + host
        });
        self.scheme.len()
            + authority
            + self.path.len()
            + self.query.as_ref().map_or(0, String::len)
            + self.fragment.as_ref().map_or(0, String::len)
            + 64
    }

    /// Writes the URL; `userinfo` chooses how userinfo is shown.
    pub(super) fn write(&self, out: &mut String, userinfo: UserinfoStyle) {
        if !self.scheme.is_empty() {
            out.push_str(&self.scheme);
            out.push(':');
        }
        if let Some(authority) = &self.authority {
            out.push_str("//");
            if let Some(info) = &authority.userinfo {
                match userinfo {
                    UserinfoStyle::Full => {
                        out.push_str(&info.username);
                        if let Some(password) = &info.password {
                            out.push(':');
                            out.push_str(password);
                        }
                        out.push('@');
                    }
                    UserinfoStyle::MaskPassword => {
                        // A username alone is often a token (`https://TOKEN@host`):
                        // it is masked too.
                        if info.password.is_some() {
                            out.push_str(&info.username);
                            out.push(':');
                        }
                        out.push_str("[secure]@");
                    }
                    UserinfoStyle::Redact => out.push_str("[redacted]@"),
                    UserinfoStyle::Omit => {}
                }
            }
            write_host_port(out, authority);
        }
        out.push_str(&self.path);
        if let Some(query) = &self.query {
            out.push('?');
            out.push_str(query);
        }
        if userinfo != UserinfoStyle::Omit
            && let Some(fragment) = &self.fragment
        {
            out.push('#');
            out.push_str(fragment);
        }
    }
}

/// Writes `host[:port]`, IPv6 in brackets.
pub(super) fn write_host_port(out: &mut String, authority: &Authority) {
    // Without the formatting machinery for the common hosts: this runs for every
    // request built from a string.
    match &authority.host {
        Host::Domain(name) => out.push_str(name),
        Host::Ipv4(address) => {
            for (index, octet) in address.octets().into_iter().enumerate() {
                if index > 0 {
                    out.push('.');
                }
                push_decimal(out, u16::from(octet));
            }
        }
        Host::Ipv6(_) => {
            let _ = write!(out, "{}", authority.host);
        }
    }
    if let Some(port) = authority.port {
        out.push(':');
        push_decimal(out, port);
    }
}

/// Appends `value` in decimal.
fn push_decimal(out: &mut String, value: u16) {
    let mut digits = [0u8; 5];
    let mut start = digits.len();
    let mut rest = value;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &digit in &digits[start..] {
        out.push(char::from(digit));
    }
}

/// How [`Parts::write`] shows the userinfo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum UserinfoStyle {
    /// As it is (`Display`).
    Full,
    /// The password replaced by `[secure]` (`Debug`, as httpx's repr), or a username
    /// given alone (unlike httpx: it is often a token).
    MaskPassword,
    /// The whole userinfo replaced by `[redacted]` (errors, logs).
    Redact,
    /// No userinfo and no fragment: the `http::Uri` form.
    Omit,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_hosts_and_ports_as_display_does() {
        for text in [
            "http://0.0.0.0:0/",
            "http://127.0.0.1:8080/",
            "http://255.255.255.255:65535/x",
            "http://10.20.3.40/",
            "http://[::1]:9/",
            "http://example.com:10/",
        ] {
            let parts = parse(text).unwrap();
            let authority = parts.authority.as_ref().unwrap();
            let mut written = String::new();
            write_host_port(&mut written, authority);
            let mut expected = authority.host.to_string();
            if let Some(port) = authority.port {
                expected.push_str(&format!(":{port}"));
            }
            assert_eq!(written, expected, "{text}");
        }
    }

    #[test]
    fn splits_components() {
        let parts = parse("HTTP://u:p@Example.com:8080/a/b?x=1#frag").unwrap();
        assert_eq!(parts.scheme, "http");
        let authority = parts.authority.as_ref().unwrap();
        let userinfo = authority.userinfo.as_ref().unwrap();
        assert_eq!(
            (userinfo.username.as_str(), userinfo.password.as_deref()),
            ("u", Some("p"))
        );
        assert_eq!(authority.host, Host::Domain("example.com".into()));
        assert_eq!(authority.port, Some(8080));
        assert_eq!(parts.path, "/a/b");
        assert_eq!(parts.query.as_deref(), Some("x=1"));
        assert_eq!(parts.fragment.as_deref(), Some("frag"));
    }

    #[test]
    fn relative_references() {
        let parts = parse("../a?b").unwrap();
        assert_eq!(parts.scheme, "");
        assert!(parts.authority.is_none());
        assert_eq!(parts.path, "../a");
        let parts = parse("//other.org/p").unwrap();
        assert_eq!(parts.scheme, "");
        assert!(parts.has_host());
        // Not a scheme: starts with a digit.
        assert_eq!(parse("1a:b").unwrap().path, "1a:b");
    }

    #[test]
    fn userinfo_splits_on_last_at_and_first_colon() {
        let parts = parse("http://a@b:c:d@host/").unwrap();
        let info = parts.authority.unwrap().userinfo.unwrap();
        assert_eq!(info.username, "a%40b");
        assert_eq!(info.password.as_deref(), Some("c%3Ad"));
    }

    #[test]
    fn control_characters_are_rejected_with_position() {
        let error = parse("https://www.example.com/\nabc").unwrap_err();
        assert_eq!(
            error.message(),
            Some("invalid non-printable ASCII character in URL, '\\n' at position 24")
        );
        let error = parse("ä\u{7f}").unwrap_err();
        assert_eq!(
            error.message(),
            Some("invalid non-printable ASCII character in URL, '\\x7f' at position 1")
        );
        assert!(
            parse("http://a/\tb")
                .unwrap_err()
                .message()
                .unwrap()
                .contains("'\\t' at position 9")
        );
    }

    #[test]
    fn ports() {
        assert_eq!(parse_port("0").unwrap(), 0);
        assert_eq!(parse_port("65535").unwrap(), 65535);
        assert!(
            parse_port("99999")
                .unwrap_err()
                .message()
                .unwrap()
                .contains("99999")
        );
        assert!(parse_port("123456").is_err());
        assert!(parse_port("-1").is_err());
        assert!(parse_port("8a").is_err());
        assert_eq!(
            parse("http://host:/").unwrap().authority.unwrap().port,
            None
        );
    }

    #[test]
    fn ipv6_authority() {
        let authority = parse("http://[::1]:8080/").unwrap().authority.unwrap();
        assert_eq!(authority.host.to_string(), "[::1]");
        assert_eq!(authority.port, Some(8080));
        assert!(parse("http://[::1/").is_err());
        assert!(parse("http://[::1]x/").is_err());
    }

    #[test]
    fn length_limit() {
        let long = format!("http://example.com/{}", "a".repeat(MAX_URL_LENGTH));
        assert!(
            parse(&long)
                .unwrap_err()
                .message()
                .unwrap()
                .contains("too long")
        );
        let fits = format!("http://e.com/{}", "a".repeat(MAX_URL_LENGTH - 13));
        assert_eq!(fits.len(), MAX_URL_LENGTH);
        assert!(parse(&fits).is_ok());
    }
}
