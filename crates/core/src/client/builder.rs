//! [`ClientBuilder`]: one client's settings, for either flavour.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use http::{HeaderName, HeaderValue};

use super::config::ClientConfig;
use super::merge::check_base_url;
use super::request_builder::header_pair;
use super::{ClientFlavor, IntoUrl};
use crate::Error;
use crate::auth::{Auth, BasicAuth, BearerAuth};
use crate::cookies::CookieStore;
use crate::env::Env;
use crate::limits::Limits;
use crate::timeout::Timeout;

/// The settings of a new client `C` (`xhttp::Client` or `xhttp::AsyncClient`), with
/// httpx's defaults: 5 s timeouts, limits 100/20/5 s, no redirects followed (at most
/// 20 when on), the environment trusted.
///
/// An invalid argument is kept and reported by [`build`](ClientBuilder::build).
pub struct ClientBuilder<C: ClientFlavor> {
    config: Result<ClientConfig<C::Transport>, Error>,
    /// `cookie()` calls, added to the client's jar by `build()`.
    cookies: Vec<(String, String)>,
    client: PhantomData<fn() -> C>,
}

impl<C: ClientFlavor> Default for ClientBuilder<C> {
    fn default() -> Self {
        ClientBuilder {
            config: Ok(ClientConfig::with_accept_encoding(C::ACCEPT_ENCODING)),
            cookies: Vec::new(),
            client: PhantomData,
        }
    }
}

impl<C: ClientFlavor> ClientBuilder<C> {
    /// A builder with httpx's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    pub(super) fn with(
        mut self,
        change: impl FnOnce(&mut ClientConfig<C::Transport>) -> Result<(), Error>,
    ) -> Self {
        if let Ok(config) = &mut self.config {
            if let Err(error) = change(config) {
                self.config = Err(error);
            }
        }
        self
    }

    /// Joined in front of every relative request URL (its path gets a trailing `/`).
    ///
    /// It must be absolute (`https://api.example.com/v1`): one without a scheme or a
    /// host (`api.example.com/v1`) makes [`build`](Self::build) fail with `InvalidUrl`.
    pub fn base_url(self, url: impl IntoUrl) -> Self {
        let url = url.into_url();
        self.with(|config| {
            let url = url?;
            check_base_url(&url)?;
            config.base_url = Some(url);
            Ok(())
        })
    }

    /// A header sent with every request (added to the defaults; several values of one
    /// name are kept).
    pub fn header<K, V>(self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        let header = header_pair(name, value);
        self.with(|config| {
            let (name, value) = header?;
            config.headers.append(name, value)
        })
    }

    /// The `User-Agent` header.
    pub fn user_agent<V: TryInto<HeaderValue>>(self, value: V) -> Self {
        let header = header_pair(http::header::USER_AGENT, value);
        self.with(|config| {
            let (name, value) = header?;
            config.headers.insert(name, value)
        })
    }

    /// A query parameter added to every request whose URL's query does not have this
    /// key already (a per-request param replaces it).
    pub fn param(self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let (key, value) = (key.into(), value.into());
        self.with(|config| {
            config.params.append(key, value);
            Ok(())
        })
    }

    /// A cookie valid for any host (domain `""`, path `/`), put in the client's jar when
    /// the client is built: sent with every request, until a server replaces it.
    ///
    /// The jar is the default one, or the [`Jar`](crate::cookies::Jar) given to
    /// [`cookie_store`](Self::cookie_store) (shared jars get the cookie too). With
    /// [`no_cookies`](Self::no_cookies) or a store that is not a `Jar`, `build` fails
    /// with `InvalidHeader`; a bad name or value fails the same way.
    pub fn cookie(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.cookies.push((name.into(), value.into()));
        self
    }

    /// Where the client keeps cookies, instead of a fresh jar of its own: a
    /// [`Jar`](crate::cookies::Jar) shared with other clients, or a store of your own.
    pub fn cookie_store<S: CookieStore + 'static>(self, store: Arc<S>) -> Self {
        self.with(|config| {
            config.cookie_store = Some(store);
            Ok(())
        })
    }

    /// No cookie store: responses' cookies are dropped, and requests carry only their
    /// own cookies.
    pub fn no_cookies(self) -> Self {
        self.with(|config| {
            config.cookie_store = None;
            Ok(())
        })
    }

    /// Credentials for every request.
    pub fn auth(self, auth: impl Auth + 'static) -> Self {
        let auth: std::sync::Arc<dyn Auth> = std::sync::Arc::new(auth);
        self.with(|config| {
            config.auth = Some(auth);
            Ok(())
        })
    }

    /// HTTP Basic credentials for every request.
    pub fn basic_auth(self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth(BasicAuth::new(username, password))
    }

    /// A bearer token for every request.
    pub fn bearer_auth(self, token: impl Into<String>) -> Self {
        self.auth(BearerAuth::new(token))
    }

    /// The timeouts (`Duration` for all four phases, or a [`Timeout`]).
    pub fn timeout(self, timeout: impl Into<Timeout>) -> Self {
        let timeout = timeout.into();
        self.with(|config| {
            config.timeout = timeout;
            Ok(())
        })
    }

    /// Whether redirects are followed (default: no).
    pub fn follow_redirects(self, follow: bool) -> Self {
        self.with(|config| {
            config.follow_redirects = follow;
            Ok(())
        })
    }

    /// How many redirects may be followed (default 20).
    pub fn max_redirects(self, max: usize) -> Self {
        self.with(|config| {
            config.max_redirects = max;
            Ok(())
        })
    }

    /// Connection pool limits.
    pub fn limits(self, limits: Limits) -> Self {
        self.with(|config| {
            config.limits = limits;
            Ok(())
        })
    }

    /// The transport for every request instead of the default HTTP transport (this also
    /// turns off proxies from the environment, as httpx).
    pub fn transport(self, transport: impl Into<C::Transport>) -> Self {
        let transport = transport.into();
        self.with(|config| {
            config.transport = Some(transport);
            Ok(())
        })
    }

    /// A transport for URLs matching `pattern`, httpx's mount keys: `"all://"`,
    /// `"https://"`, `"all://example.com"`, `"http://example.com:1234"`,
    /// `"all://*example.com"` (the domain and its subdomains), `"all://*.example.com"`
    /// (subdomains only), `"all://*:1234"`, or any other scheme (`"custom://"`) for
    /// URLs the default transport cannot serve. The most specific pattern wins (one
    /// with a port, then a longer host, then a longer scheme); `None` routes matching
    /// URLs to the default transport (direct, even where a proxy would apply). Mounts
    /// take precedence over [`proxy`](Self::proxy) and the environment's proxies on the
    /// same pattern. An invalid pattern is reported by [`build`](Self::build).
    pub fn mount<T: Into<C::Transport>>(
        self,
        pattern: impl Into<String>,
        transport: Option<T>,
    ) -> Self {
        let (pattern, transport) = (pattern.into(), transport.map(Into::into));
        self.with(|config| {
            config.mounts.push((pattern, transport));
            Ok(())
        })
    }

    /// Whether proxies and certificates are read from the environment (default: yes).
    pub fn trust_env(self, trust: bool) -> Self {
        self.with(|config| {
            config.trust_env = trust;
            Ok(())
        })
    }

    /// Where the environment is read from (default: the process environment).
    pub fn env(self, env: Env) -> Self {
        self.with(|config| {
            config.env = env;
            Ok(())
        })
    }

    /// The client.
    pub fn build(self) -> Result<C, Error> {
        let config = self.config?;
        if !self.cookies.is_empty() {
            let jar = config.cookie_store.as_deref().and_then(CookieStore::jar);
            let Some(jar) = jar else {
                return Err(Error::new(crate::ErrorKind::InvalidHeader).with_message(
                    "ClientBuilder::cookie needs a cookie Jar, but the client has none \
                     (no_cookies) or a cookie store of another type",
                ));
            };
            // All checked before any reaches a jar that may be shared.
            let mut checked = crate::cookies::Cookies::new();
            for (name, value) in &self.cookies {
                checked.set(name, value, "", "/")?;
            }
            let mut cookies = jar.lock();
            for (name, value) in &self.cookies {
                cookies.set(name, value, "", "/")?;
            }
        }
        C::from_config(config)
    }
}

impl<C: ClientFlavor> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .field("cookies", &self.cookies.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::client::test_client::TestClient;

    #[test]
    fn a_base_url_without_scheme_or_host_fails_build() {
        let error = ClientBuilder::<TestClient>::new()
            .base_url("api.example.com/v1")
            .build()
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidUrl);
        let message = error.to_string();
        assert!(
            message.contains("base_url must be absolute: it has no scheme"),
            "{message}"
        );
        assert!(
            ClientBuilder::<TestClient>::new()
                .base_url("https://api.example.com/v1")
                .build()
                .is_ok()
        );
    }
}
