//! [`Url`]: a URL or relative reference, parsed once and normalised as httpx does.
//!
//! # Parsing
//!
//! The split into `scheme`, `//authority`, `path`, `?query` and `#fragment` follows RFC 3986
//! (and httpx's parser), not WHATWG: a backslash is an ordinary path character, and
//! whitespace is not stripped. Control characters (`U+0000..=U+001F`, `U+007F`) are
//! rejected with their position, where WHATWG would silently drop tabs and newlines.
//! A URL may be at most 65 536 characters long, before and after normalisation.
//!
//! # Normalisation
//!
//! * The scheme and host are lower case, also for upper-case input:
//!   `HTTPS://EXAMPLE.COM:443/` is `https://example.com/` (httpx keeps the port there:
//!   its quirk A.2, fixed).
//! * Default ports are dropped: http 80, https 443, ws 80, wss 443, ftp 21.
//! * The port must be in `0..=65535` (httpx accepts `99999`: quirk A.3, fixed).
//! * Dot segments are removed when the URL has a scheme or an authority; a relative
//!   reference keeps them, as they matter when it is joined onto a base.
//! * An empty path is `/` for http, https, ws, wss and ftp URLs with a host.
//! * The path, query, fragment and userinfo are percent-encoded with the WHATWG encode
//!   sets (as httpx does). An existing `%XX` is kept (no double encoding) and an invalid
//!   one like `%zz` is left alone.
//! * Domain names are processed by **UTS 46, non-transitional** (the WHATWG "domain to
//!   ASCII", by the `idna` crate), stored in ASCII form and shown in Unicode form by
//!   [`Url::host`]. httpx uses strict IDNA 2008 (the `idna` Python package), which
//!   rejects what UTS 46 maps or accepts: upper-case letters (mapped to lower case),
//!   `ß` (kept, `straße.de` → `xn--strae-oqa.de`), emoji and symbols such as `☃`
//!   (`☃.com` → `xn--n3h.com`), full-width characters (mapped). A host must then be made
//!   of RFC 3986 `reg-name` characters: httpx percent-encodes a space in a host, xhttp
//!   rejects it.
//! * Four dot-separated runs of digits must be a valid IPv4 address; `[...]` must hold a
//!   valid IPv6 address, written back in its RFC 5952 form.
//!
//! # Secrets
//!
//! `Display` and [`Url::as_str`] show the whole URL, as httpx's `str()`. `Debug` masks the
//! password as `[secure]`, as httpx's `repr()`. [`Url::redacted`] replaces the whole
//! userinfo and is what errors and logs use. Error messages never quote userinfo.

mod convert;
mod encode;
mod host;
mod parse;
mod resolve;
mod setters;

#[cfg(test)]
mod proptests;

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use self::host::Host;
use self::parse::{MAX_URL_LENGTH, Parts, UserinfoStyle};
use crate::query::QueryParams;
use crate::{Error, ErrorKind};

/// An `InvalidUrl` error with `message`.
fn invalid(message: impl Into<Cow<'static, str>>) -> Error {
    Error::new(ErrorKind::InvalidUrl).with_message(message)
}

/// The default port of the schemes httpx knows.
fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

/// Schemes that get an `http::Uri`, which must then be valid.
fn is_http_like(scheme: &str) -> bool {
    matches!(scheme, "http" | "https" | "ws" | "wss")
}

/// A URL, absolute (`https://example.com/a?b`) or relative (`../a?b`, `//host/p`).
///
/// Parsed once and normalised (see the [module docs](self)); an absolute http(s) URL also
/// holds its `http::Uri`, built at parse time. Cheap to clone (one `Arc`). Equality and
/// hashing compare the normalised string.
///
/// ```
/// use xhttp_core::url::Url;
///
/// let url = Url::parse("HTTPS://User:Pw@EXAMPLE.com:443/a/./b/../c?q=1#top")?;
/// assert_eq!(url.as_str(), "https://User:Pw@example.com/a/c?q=1#top");
/// assert_eq!(url.host(), "example.com");
/// assert_eq!(url.port(), None);
/// assert_eq!(url.port_or_known_default(), Some(443));
/// assert_eq!(url.raw_path(), "/a/c?q=1");
/// assert_eq!(url.redacted(), "https://[redacted]@example.com/a/c?q=1#top");
/// assert_eq!(format!("{url:?}"), r#"Url("https://User:[secure]@example.com/a/c?q=1#top")"#);
/// # Ok::<(), xhttp_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Url {
    inner: Arc<Inner>,
}

struct Inner {
    parts: Parts,
    serialization: String,
    /// The Unicode form of a punycode host.
    host_unicode: Option<String>,
    uri: Option<http::Uri>,
}

impl Url {
    /// Parses and normalises a URL or relative reference.
    ///
    /// ```
    /// use xhttp_core::url::Url;
    ///
    /// let error = Url::parse("http://user:secret@host:abc/").unwrap_err();
    /// assert!(error.is_invalid_url());
    /// assert!(!error.to_string().contains("secret"));
    /// ```
    pub fn parse(input: &str) -> Result<Url, Error> {
        Url::from_parts(parse::parse(input)?)
    }

    /// Normalises `parts` against the scheme and builds the URL.
    fn from_parts(mut parts: Parts) -> Result<Url, Error> {
        let default = default_port(&parts.scheme);
        if let Some(authority) = &mut parts.authority {
            if authority.port.is_some() && authority.port == default {
                authority.port = None;
            }
            if !authority.host.is_empty() && parts.path.is_empty() && default.is_some() {
                parts.path.push('/');
            }
            if !parts.path.is_empty() && !parts.path.starts_with('/') {
                return Err(invalid(
                    "a URL with a host must have a path that is empty or begins with '/'",
                ));
            }
        }
        if (!parts.scheme.is_empty() || parts.authority.is_some())
            && resolve::has_dot_segments(&parts.path)
        {
            parts.path = resolve::remove_dot_segments(&parts.path);
        }
        if parts.authority.is_none() && parts.path.starts_with("//") {
            // `//` would read as an authority: WHATWG's `/.` prefix keeps it a path.
            parts.path.insert_str(0, "/.");
        }
        if parts.scheme.is_empty()
            && parts.authority.is_none()
            && parse::path_reads_as_scheme(&parts.path)
        {
            // `a:b` would read as a scheme.
            parts.path.insert_str(0, "./");
        }

        let mut serialization = String::with_capacity(parts.written_len_bound());
        parts.write(&mut serialization, UserinfoStyle::Full);
        if serialization.len() > MAX_URL_LENGTH {
            return Err(invalid(format!(
                "URL too long: more than {MAX_URL_LENGTH} characters once normalised"
            )));
        }

        let uri = if !parts.scheme.is_empty() && parts.has_host() {
            let shows_more = parts.fragment.is_some()
                || parts
                    .authority
                    .as_ref()
                    .is_some_and(|authority| authority.userinfo.is_some());
            // Without userinfo or fragment the target is the serialization itself.
            let target = if shows_more {
                let mut target = String::with_capacity(serialization.len());
                parts.write(&mut target, UserinfoStyle::Omit);
                target
            } else {
                serialization.clone()
            };
            match http::Uri::try_from(target) {
                Ok(uri) => Some(uri),
                Err(error) if is_http_like(&parts.scheme) => {
                    return Err(invalid(format!(
                        "URL is not a valid HTTP request target: {error}"
                    )));
                }
                Err(_) => None,
            }
        } else {
            None
        };
        let host_unicode = parts.authority.as_ref().and_then(|a| a.host.unicode());
        Ok(Url {
            inner: Arc::new(Inner {
                parts,
                serialization,
                host_unicode,
                uri,
            }),
        })
    }

    /// Adds this URL, redacted, to an error about a change to it.
    fn name_in(&self, error: Error) -> Error {
        error.with_redacted_url(self.redacted())
    }

    fn parts(&self) -> &Parts {
        &self.inner.parts
    }

    /// The whole URL, normalised, userinfo included (as httpx's `str()`).
    pub fn as_str(&self) -> &str {
        &self.inner.serialization
    }

    /// The scheme, lower case; empty for a relative reference.
    pub fn scheme(&self) -> &str {
        &self.parts().scheme
    }

    /// The username, percent-decoded; empty when there is none.
    pub fn username(&self) -> Cow<'_, str> {
        match self.userinfo() {
            Some(info) => encode::decode(&info.username),
            None => Cow::Borrowed(""),
        }
    }

    /// The password, percent-decoded, when the URL has one.
    pub fn password(&self) -> Option<Cow<'_, str>> {
        self.userinfo()?.password.as_deref().map(encode::decode)
    }

    fn userinfo(&self) -> Option<&parse::Userinfo> {
        self.parts().authority.as_ref()?.userinfo.as_ref()
    }

    /// Whether the URL holds a username or a password.
    pub fn has_userinfo(&self) -> bool {
        self.userinfo().is_some()
    }

    fn host_value(&self) -> Option<&Host> {
        self.parts().authority.as_ref().map(|a| &a.host)
    }

    /// The host in Unicode form (`münchen.de`), IPv6 without brackets; empty when there
    /// is none.
    ///
    /// ```
    /// use xhttp_core::url::Url;
    ///
    /// let url = Url::parse("http://xn--mnchen-3ya.de/")?;
    /// assert_eq!(url.host(), "münchen.de");
    /// assert_eq!(url.raw_host(), "xn--mnchen-3ya.de");
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn host(&self) -> Cow<'_, str> {
        match &self.inner.host_unicode {
            Some(unicode) => Cow::Borrowed(unicode),
            None => self.raw_host(),
        }
    }

    /// The host in ASCII (punycode) form, IPv6 without brackets; empty when there is none.
    pub fn raw_host(&self) -> Cow<'_, str> {
        match self.host_value() {
            Some(Host::Domain(name)) => Cow::Borrowed(name),
            Some(host) => Cow::Owned(host.ascii()),
            None => Cow::Borrowed(""),
        }
    }

    /// The explicit port; `None` when absent or the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.parts().authority.as_ref()?.port
    }

    /// The port, or the scheme's default port when the scheme has one.
    pub fn port_or_known_default(&self) -> Option<u16> {
        self.port().or_else(|| default_port(self.scheme()))
    }

    /// Whether `other` has the same origin: scheme, host and effective port.
    ///
    /// ```
    /// use xhttp_core::url::Url;
    ///
    /// let a = Url::parse("https://example.com/a")?;
    /// assert!(a.same_origin(&Url::parse("https://EXAMPLE.com:443/b")?));
    /// assert!(!a.same_origin(&Url::parse("http://example.com/a")?));
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn same_origin(&self, other: &Url) -> bool {
        self.scheme() == other.scheme()
            && self.raw_host() == other.raw_host()
            && self.port_or_known_default() == other.port_or_known_default()
    }

    /// `host[:port]` in ASCII form, IPv6 in brackets, without userinfo; empty when there
    /// is no authority.
    pub fn netloc(&self) -> String {
        let mut out = String::new();
        if let Some(authority) = &self.parts().authority {
            parse::write_host_port(&mut out, authority);
        }
        out
    }

    /// The path, percent-decoded; `/` when empty (as httpx).
    pub fn path(&self) -> Cow<'_, str> {
        match self.parts().path.as_str() {
            "" => Cow::Borrowed("/"),
            path => encode::decode(path),
        }
    }

    /// The path and query, encoded: what goes on the request line (`/a/b?x=1`); the path
    /// is `/` when empty, and a bare trailing `?` is kept.
    pub fn raw_path(&self) -> Cow<'_, str> {
        let parts = self.parts();
        match (&parts.query, parts.path.as_str()) {
            (None, "") => Cow::Borrowed("/"),
            (None, path) => Cow::Borrowed(path),
            (Some(query), path) => Cow::Owned(format!(
                "{}?{query}",
                if path.is_empty() { "/" } else { path }
            )),
        }
    }

    /// The query, encoded, without `?`; `None` when the URL has no `?`.
    pub fn query(&self) -> Option<&str> {
        self.parts().query.as_deref()
    }

    /// The fragment, percent-decoded, without `#`.
    pub fn fragment(&self) -> Option<Cow<'_, str>> {
        self.parts().fragment.as_deref().map(encode::decode)
    }

    /// The query parsed into [`QueryParams`] (empty when there is no query).
    pub fn params(&self) -> QueryParams {
        QueryParams::parse(self.query().unwrap_or(""))
    }

    /// Whether the URL has a scheme and a host (httpx's `is_absolute_url`).
    pub fn is_absolute(&self) -> bool {
        !self.scheme().is_empty() && self.parts().has_host()
    }

    /// The opposite of [`Url::is_absolute`] (httpx's `is_relative_url`).
    pub fn is_relative(&self) -> bool {
        !self.is_absolute()
    }

    /// The cached `http::Uri` of an absolute URL: no userinfo, no fragment. `None` for a
    /// relative URL (and for a scheme `http::Uri` cannot hold).
    pub fn uri(&self) -> Option<&http::Uri> {
        self.inner.uri.as_ref()
    }

    /// The URL with its userinfo replaced by `[redacted]`: safe for errors and logs.
    ///
    /// ```
    /// use xhttp_core::url::Url;
    ///
    /// let url = Url::parse("http://user:pw@host/path")?;
    /// assert_eq!(url.redacted(), "http://[redacted]@host/path");
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn redacted(&self) -> String {
        if !self.has_userinfo() {
            return self.as_str().to_owned();
        }
        let mut out = String::with_capacity(self.as_str().len());
        self.parts().write(&mut out, UserinfoStyle::Redact);
        out
    }
}

/// A URL reference as written (a `Location` value, say), with its userinfo replaced by
/// `[redacted]`: a value that parses gets [`Url::redacted`]; one that does not (it may
/// still hold credentials) has everything from its `//` to its last `@` replaced.
pub(crate) fn redacted_reference(text: &str) -> Cow<'_, str> {
    if !text.contains('@') {
        return Cow::Borrowed(text);
    }
    match Url::parse(text) {
        Ok(url) if url.has_userinfo() => Cow::Owned(url.redacted()),
        Ok(_) => Cow::Borrowed(text),
        Err(_) => redact_before_last_at(text),
    }
}

/// `text` (which need not parse as a URL: it may be a pattern, or a mistyped URL) with
/// everything from its `//` (or its start) to its last `@` replaced by `[redacted]`:
/// what may be userinfo, whatever else is wrong with the text.
pub(crate) fn redact_before_last_at(text: &str) -> Cow<'_, str> {
    let start = text.find("//").map_or(0, |slashes| slashes + 2);
    match text.rfind('@') {
        Some(at) if at >= start => {
            Cow::Owned(format!("{}[redacted]@{}", &text[..start], &text[at + 1..]))
        }
        _ => Cow::Borrowed(text),
    }
}

impl fmt::Display for Url {
    /// The whole URL, userinfo included (as httpx's `str()`); use [`Url::redacted`] for
    /// logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Url {
    /// `Url("…")` with the password shown as `[secure]`, as httpx's `repr()`; a
    /// username given without a password (often a token) is masked too.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = match self.userinfo() {
            Some(_) => {
                let mut out = String::with_capacity(self.as_str().len());
                self.parts().write(&mut out, UserinfoStyle::MaskPassword);
                Cow::Owned(out)
            }
            _ => Cow::Borrowed(self.as_str()),
        };
        f.debug_tuple("Url").field(&shown).finish()
    }
}

impl PartialEq for Url {
    fn eq(&self, other: &Url) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Url {}

impl PartialEq<str> for Url {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Url {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Hash for Url {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl AsRef<str> for Url {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(input: &str) -> Url {
        Url::parse(input).unwrap()
    }

    #[test]
    fn upper_case_scheme_and_default_port_fix_quirk_a2() {
        let u = url("HTTPS://EXAMPLE.COM:443/");
        assert_eq!(u.as_str(), "https://example.com/");
        assert_eq!(u.port(), None);
        assert_eq!(u.netloc(), "example.com");
        assert_eq!(url("http://a:80/").as_str(), "http://a/");
        assert_eq!(url("ws://a:80/").as_str(), "ws://a/");
        assert_eq!(url("wss://a:443/").as_str(), "wss://a/");
        assert_eq!(url("ftp://a:21/").as_str(), "ftp://a/");
        assert_eq!(url("http://a:443/").as_str(), "http://a:443/");
        assert_eq!(url("http://a:443/").port(), Some(443));
        assert_eq!(url("foo://a:80/").port(), Some(80));
        assert_eq!(url("foo://a/").port_or_known_default(), None);
    }

    #[test]
    fn idna_round_trip() {
        let u = url("http://münchen.de/");
        assert_eq!(u.raw_host(), "xn--mnchen-3ya.de");
        assert_eq!(u.host(), "münchen.de");
        assert_eq!(u.as_str(), "http://xn--mnchen-3ya.de/");
        let back = url("http://xn--mnchen-3ya.de/");
        assert_eq!(back.host(), "münchen.de");
        assert_eq!(back, u);
        assert_eq!(url("http://MÜNCHEN.DE/").raw_host(), "xn--mnchen-3ya.de");
    }

    #[test]
    fn port_range_fixes_quirk_a3() {
        let error = Url::parse("http://example.com:99999/").unwrap_err();
        assert!(error.is_invalid_url());
        assert_eq!(
            error.to_string(),
            "invalid URL: invalid port: 99999 is out of range (the largest port is 65535)"
        );
        assert_eq!(url("http://example.com:65535/").port(), Some(65535));
        assert_eq!(url("http://example.com:0/").port(), Some(0));
    }

    #[test]
    fn control_character_position() {
        let error = Url::parse("https://www.example.com/\nabc").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid URL: invalid non-printable ASCII character in URL, '\\n' at position 24"
        );
    }

    #[test]
    fn percent_encoding() {
        assert_eq!(url("http://a/%zz").as_str(), "http://a/%zz");
        assert_eq!(url("http://a/a%20b").as_str(), "http://a/a%20b");
        assert_eq!(
            url("http://a/a b?c d#e f").as_str(),
            "http://a/a%20b?c%20d#e%20f"
        );
        assert_eq!(url("http://a/a%20b").path(), "/a b");
        assert_eq!(
            url("http://a/ä?ö#ü").as_str(),
            "http://a/%C3%A4?%C3%B6#%C3%BC"
        );
        assert_eq!(url("http://a/#ü").fragment().as_deref(), Some("ü"));
        assert_eq!(url("http://a/{x}?{y}").as_str(), "http://a/%7Bx%7D?{y}");
        // Backslashes are path characters, not slashes.
        assert_eq!(url("http://a/b\\c").path(), "/b\\c");
    }

    #[test]
    fn accessors() {
        let u = url("https://us%20er:p%40ss@[::1]:8443/a%2Fb/c?x=1&y=2#frag");
        assert_eq!(u.scheme(), "https");
        assert_eq!(u.username(), "us er");
        assert_eq!(u.password().as_deref(), Some("p@ss"));
        assert_eq!(u.host(), "::1");
        assert_eq!(u.raw_host(), "::1");
        assert_eq!(u.port(), Some(8443));
        assert_eq!(u.netloc(), "[::1]:8443");
        assert_eq!(u.path(), "/a/b/c");
        assert_eq!(u.raw_path(), "/a%2Fb/c?x=1&y=2");
        assert_eq!(u.query(), Some("x=1&y=2"));
        assert_eq!(u.fragment().as_deref(), Some("frag"));
        assert_eq!(u.params().get("y"), Some("2"));
        assert!(u.is_absolute() && !u.is_relative() && u.has_userinfo());
        let uri = u.uri().unwrap();
        assert_eq!(uri.to_string(), "https://[::1]:8443/a%2Fb/c?x=1&y=2");
    }

    #[test]
    fn raw_path_and_empty_paths() {
        assert_eq!(url("http://a").as_str(), "http://a/");
        assert_eq!(url("http://a?x").as_str(), "http://a/?x");
        assert_eq!(url("http://a/p?").raw_path(), "/p?");
        assert_eq!(url("http://a/p?").query(), Some(""));
        assert_eq!(url("http://a/p").query(), None);
        assert_eq!(url("foo://a").as_str(), "foo://a");
        assert_eq!(url("foo://a").path(), "/");
        assert_eq!(url("foo://a").raw_path(), "/");
        assert_eq!(url("file:///etc/hosts").as_str(), "file:///etc/hosts");
        assert_eq!(url("file:///etc/hosts").host(), "");
    }

    #[test]
    fn relative_references() {
        for (input, absolute) in [
            ("/a/../b", false),
            ("../a", false),
            ("a", false),
            ("", false),
            ("//host/p", false),
            ("http:/p", false),
            ("http://h/", true),
        ] {
            let u = url(input);
            assert_eq!(u.is_absolute(), absolute, "{input}");
            assert_eq!(u.is_relative(), !absolute, "{input}");
        }
        // Dot segments are kept in relative references, removed otherwise.
        assert_eq!(url("../a/./b").as_str(), "../a/./b");
        assert_eq!(url("//host/a/../b").as_str(), "//host/b");
        assert!(url("/a").uri().is_none());
        assert!(url("//host/a").uri().is_none());
        // A path that would read as an authority or scheme is protected.
        assert_eq!(url("http:/a/..//b").as_str(), "http:/.//b");
        assert_eq!(url("http:/a/..//b"), url("http:/.//b"));
        assert_eq!(url(" http://a/").as_str(), "%20http://a/");
        assert_eq!(url("1a:b").as_str(), "1a:b");
        assert_eq!(url("x").join_url(&url("./a:b")).unwrap().as_str(), "./a:b");
    }

    #[test]
    fn secrets_stay_out_of_errors_and_debug() {
        for input in [
            "http://user:secret@host:abc/",
            "http://user:secret@host:99999/",
            "http://user:secret@999.1.1.1/",
            "http://user:secret@[::zz]/",
            "http://user:secret@exa mple.com/",
            "http://user:secret@host/\n",
            "http://user:secret/x@host/",
            "http://user:1234567/x@host/",
            "http://us er:secret/x@host/",
            "http://[user:secret/x@host/",
            "http://user:secret?@host/",
        ] {
            let error = Url::parse(input).unwrap_err();
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains("secret"), "{shown}");
            assert!(!shown.contains("user"), "{shown}");
            assert!(!shown.contains("1234567"), "{shown}");
        }
        let u = url("http://user:secret@host/");
        let debug = format!("{u:?}");
        assert!(!debug.contains("secret"), "{debug}");
        assert_eq!(debug, r#"Url("http://user:[secure]@host/")"#);
        assert_eq!(u.redacted(), "http://[redacted]@host/");
        assert_eq!(u.to_string(), "http://user:secret@host/");
        assert!(!u.uri().unwrap().to_string().contains("secret"));
        // A username alone is often a token: masked too (httpx shows it).
        assert_eq!(
            format!("{:?}", url("http://ghp_token@h/")),
            r#"Url("http://[secure]@h/")"#
        );
        assert_eq!(url("http://h/").redacted(), "http://h/");
    }

    #[test]
    fn empty_userinfo_is_dropped() {
        assert_eq!(url("http://@host/").as_str(), "http://host/");
        assert_eq!(url("http://:@host/").as_str(), "http://host/");
        assert!(!url("http://@host/").has_userinfo());
        assert_eq!(url("http://u:@host/").as_str(), "http://u:@host/");
    }

    #[test]
    fn equality_and_hash_by_normalised_string() {
        use std::collections::HashSet;
        let a = url("HTTP://Example.COM:80/a/./b");
        let b = url("http://example.com/a/b");
        assert_eq!(a, b);
        let set: HashSet<Url> = [a, b].into_iter().collect();
        assert_eq!(set.len(), 1);
        assert_ne!(url("http://a/x"), url("http://a/y"));
    }

    #[test]
    fn too_long_after_normalisation() {
        // Fits as input, but encoding triples it.
        let input = format!("http://a/{}", " ".repeat(30_000));
        assert!(
            Url::parse(&input)
                .unwrap_err()
                .to_string()
                .contains("too long")
        );
    }
}
