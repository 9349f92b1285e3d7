//! Proxies: [`Proxy`] (where, with which credentials and headers), the `NO_PROXY`
//! matcher ([`NoProxy`]) and the proxies of the environment ([`env_mounts`]).

mod env;
mod no_proxy;

use std::fmt;

use http::{HeaderName, HeaderValue};

pub use env::{EnvProxy, env_mounts};
pub use no_proxy::NoProxy;

use crate::auth::BasicAuth;
use crate::error::{Error, ErrorKind};
use crate::headers::Headers;
use crate::url::Url;

/// The kind of proxy a URL's scheme names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProxyScheme {
    /// `http://`: a forward proxy for http targets, a `CONNECT` tunnel for https ones.
    Http,
    /// `https://`: as `http://`, over TLS to the proxy itself.
    Https,
    /// `socks5://`: SOCKS5, the target's name resolved locally.
    Socks5,
    /// `socks5h://`: SOCKS5, the target's name resolved by the proxy.
    Socks5h,
}

impl ProxyScheme {
    /// The scheme as written in a URL.
    pub fn as_str(self) -> &'static str {
        match self {
            ProxyScheme::Http => "http",
            ProxyScheme::Https => "https",
            ProxyScheme::Socks5 => "socks5",
            ProxyScheme::Socks5h => "socks5h",
        }
    }

    /// The port a proxy URL without one means: 80, 443, or 1080 for SOCKS.
    pub fn default_port(self) -> u16 {
        match self {
            ProxyScheme::Http => 80,
            ProxyScheme::Https => 443,
            ProxyScheme::Socks5 | ProxyScheme::Socks5h => 1080,
        }
    }

    /// Whether this is a SOCKS5 proxy.
    pub fn is_socks(self) -> bool {
        matches!(self, ProxyScheme::Socks5 | ProxyScheme::Socks5h)
    }
}

/// A proxy: its URL (`http`, `https`, `socks5` or `socks5h`), credentials, and headers
/// for the proxy (sent on `CONNECT` and on forwarded requests, never to the origin).
///
/// Credentials in the URL are percent-decoded and moved out of it, as httpx does; `Debug`
/// and [`url`](Proxy::url) never show them.
///
/// ```
/// use xhttp_core::proxy::Proxy;
///
/// let proxy = Proxy::new("http://us%40r:p%3Ass@proxy.test:3128")?;
/// assert_eq!(proxy.url().as_str(), "http://proxy.test:3128/");
/// assert_eq!(proxy.auth(), Some(("us@r", "p:ss")));
/// assert!(!format!("{proxy:?}").contains("p:ss"));
/// # Ok::<(), xhttp_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    url: Url,
    scheme: ProxyScheme,
    host: String,
    port: u16,
    auth: Option<BasicAuth>,
    password: String,
    headers: Headers,
}

impl Proxy {
    /// A proxy from its URL; `user:password@` in it become the credentials.
    ///
    /// # Errors
    /// `InvalidUrl` when the URL does not parse, has no host, or its scheme is not
    /// `http`, `https`, `socks5` or `socks5h`.
    pub fn new(url: impl IntoProxyUrl) -> Result<Proxy, Error> {
        Proxy::from_url(&url.into_proxy_url()?)
    }

    fn from_url(url: &Url) -> Result<Proxy, Error> {
        let scheme = match url.scheme() {
            "http" => ProxyScheme::Http,
            "https" => ProxyScheme::Https,
            "socks5" => ProxyScheme::Socks5,
            "socks5h" => ProxyScheme::Socks5h,
            other => {
                return Err(Error::new(ErrorKind::InvalidUrl).with_message(format!(
                    "unknown scheme '{other}' for a proxy URL: use http, https, socks5 or socks5h"
                )));
            }
        };
        let host = url.raw_host().into_owned();
        if host.is_empty() {
            return Err(Error::new(ErrorKind::InvalidUrl)
                .with_message(format!("the proxy URL '{}' has no host", url.redacted())));
        }
        let port = url.port().unwrap_or(scheme.default_port());
        let netloc = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let clean = Url::parse(&format!("{}://{netloc}", scheme.as_str()))?;
        let mut proxy = Proxy {
            url: clean,
            scheme,
            host,
            port,
            auth: None,
            password: String::new(),
            headers: Headers::new(),
        };
        if url.has_userinfo() {
            let password = url.password().unwrap_or_default();
            proxy = proxy.with_auth(url.username(), password);
        }
        Ok(proxy)
    }

    /// Basic credentials for the proxy (replacing any from the URL).
    pub fn with_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Proxy {
        let password = password.into();
        self.auth = Some(BasicAuth::new(username, password.clone()));
        self.password = password;
        self
    }

    /// A header sent to the proxy (on `CONNECT` and on forwarded requests); several
    /// values of one name are kept.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Proxy {
        self.headers.as_map_mut().append(name, value);
        self
    }

    /// Headers sent to the proxy, replacing those given before.
    pub fn with_headers(mut self, headers: Headers) -> Proxy {
        self.headers = headers;
        self
    }

    /// The proxy's URL, without credentials: `scheme://host:port`.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// What kind of proxy this is.
    pub fn scheme(&self) -> ProxyScheme {
        self.scheme
    }

    /// The proxy's host (ASCII, IPv6 without brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The proxy's port (the scheme's default when the URL gives none).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The username and password, when there are credentials.
    pub fn auth(&self) -> Option<(&str, &str)> {
        self.auth
            .as_ref()
            .map(|auth| (auth.username(), self.password.as_str()))
    }

    /// The `Proxy-Authorization` value for HTTP proxies (`Basic ...`, marked sensitive),
    /// when there are credentials.
    ///
    /// # Errors
    /// Never in practice (base64 is ASCII); `InvalidHeader` otherwise.
    pub fn authorization(&self) -> Result<Option<HeaderValue>, Error> {
        self.auth.as_ref().map(BasicAuth::header_value).transpose()
    }

    /// The headers for the proxy.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Proxy");
        debug.field("url", &self.url.as_str());
        if let Some(auth) = &self.auth {
            debug.field("auth", &(auth.username(), "[secure]"));
        }
        if !self.headers.as_map().is_empty() {
            debug.field("headers", &self.headers);
        }
        debug.finish()
    }
}

/// A proxy URL: `&str`, `String` or [`Url`]. A text without `://` is taken as
/// `http://` followed by it (as proxy environment variables are read).
pub trait IntoProxyUrl {
    /// The parsed URL.
    ///
    /// # Errors
    /// `InvalidUrl` when it does not parse.
    fn into_proxy_url(self) -> Result<Url, Error>;
}

fn parse_proxy_url(text: &str) -> Result<Url, Error> {
    let parsed = if text.contains("://") {
        Url::parse(text)
    } else {
        Url::parse(&format!("http://{text}"))
    };
    // The URL may hold credentials: the parser's own error (which may quote the
    // input) is not kept, only a message without the userinfo.
    parsed.map_err(|error| {
        let userinfo = text
            .split_once("://")
            .map_or(text, |(_, rest)| rest)
            .split(['/', '?', '#'])
            .next()
            .and_then(|authority| authority.rsplit_once('@'))
            .map(|(userinfo, _)| userinfo);
        let message = error.message().unwrap_or("it does not parse");
        let message = match userinfo {
            Some(userinfo)
                if userinfo
                    .split(':')
                    .any(|part| !part.is_empty() && message.contains(part)) =>
            {
                "it does not parse"
            }
            _ => message,
        };
        Error::new(ErrorKind::InvalidUrl).with_message(format!("invalid proxy URL: {message}"))
    })
}

impl IntoProxyUrl for &str {
    fn into_proxy_url(self) -> Result<Url, Error> {
        parse_proxy_url(self)
    }
}

impl IntoProxyUrl for String {
    fn into_proxy_url(self) -> Result<Url, Error> {
        parse_proxy_url(&self)
    }
}

impl IntoProxyUrl for &String {
    fn into_proxy_url(self) -> Result<Url, Error> {
        parse_proxy_url(self)
    }
}

impl IntoProxyUrl for Url {
    fn into_proxy_url(self) -> Result<Url, Error> {
        Ok(self)
    }
}

impl IntoProxyUrl for &Url {
    fn into_proxy_url(self) -> Result<Url, Error> {
        Ok(self.clone())
    }
}

/// What [`ClientBuilder::proxy`](crate::client::ClientBuilder::proxy) takes: a
/// [`Proxy`], or a proxy URL.
pub trait IntoProxy {
    /// The proxy.
    ///
    /// # Errors
    /// As [`Proxy::new`].
    fn into_proxy(self) -> Result<Proxy, Error>;
}

impl IntoProxy for Proxy {
    fn into_proxy(self) -> Result<Proxy, Error> {
        Ok(self)
    }
}

impl<T: IntoProxyUrl> IntoProxy for T {
    fn into_proxy(self) -> Result<Proxy, Error> {
        Proxy::new(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_leave_the_url_percent_decoded() {
        let proxy = Proxy::new("socks5h://user:p%40ss%20word@127.0.0.1:1081").unwrap();
        assert_eq!(proxy.scheme(), ProxyScheme::Socks5h);
        assert_eq!(proxy.url().as_str(), "socks5h://127.0.0.1:1081");
        assert_eq!((proxy.host(), proxy.port()), ("127.0.0.1", 1081));
        assert_eq!(proxy.auth(), Some(("user", "p@ss word")));
        let debug = format!("{proxy:?}");
        assert!(
            !debug.contains("p@ss") && !debug.contains("p%40ss"),
            "{debug}"
        );
        assert!(debug.contains("user"), "{debug}");
        let header = proxy.authorization().unwrap().unwrap();
        assert!(header.is_sensitive());
        // base64("user:p@ss word")
        assert_eq!(header, "Basic dXNlcjpwQHNzIHdvcmQ=");
    }

    #[test]
    fn defaults_and_bare_host_port() {
        let proxy = Proxy::new("proxy.test:3128").unwrap();
        assert_eq!(proxy.url().as_str(), "http://proxy.test:3128/");
        assert_eq!(proxy.auth(), None);
        assert_eq!(Proxy::new("https://p.test/").unwrap().port(), 443);
        assert_eq!(Proxy::new("socks5://p.test/").unwrap().port(), 1080);
        assert_eq!(Proxy::new("http://[::1]:8080").unwrap().host(), "::1");
        let proxy = Proxy::new("http://user@p.test").unwrap();
        assert_eq!(proxy.auth(), Some(("user", "")));
        let proxy = proxy.with_auth("other", "pw");
        assert_eq!(proxy.auth(), Some(("other", "pw")));
    }

    #[test]
    fn unknown_schemes_and_bad_urls_are_errors_without_secrets() {
        let error = Proxy::new("ftp://user:secret@p.test").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidUrl);
        assert!(error.to_string().contains("ftp"), "{error}");
        assert!(!format!("{error} {error:?}").contains("secret"));
        let error = Proxy::new("http://user:secret@[bad").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidUrl);
        assert!(!format!("{error} {error:?}").contains("secret"));
    }

    #[test]
    fn headers_are_kept_and_shown_masked() {
        let proxy = Proxy::new("http://p.test:1/")
            .unwrap()
            .with_header(
                HeaderName::from_static("x-proxy"),
                HeaderValue::from_static("1"),
            )
            .with_header(
                http::header::PROXY_AUTHORIZATION,
                HeaderValue::from_static("Bearer hidden"),
            );
        assert_eq!(proxy.headers().as_map().len(), 2);
        assert!(!format!("{proxy:?}").contains("hidden"));
    }
}
