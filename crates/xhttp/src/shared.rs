//! [`Shared`]: the clients behind the top-level functions (`xhttp::get()`...), one per
//! distinct setting, each call getting its own cookie jar over the shared pool.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use xhttp_async::{AsyncClient, BoxTransport};
use xhttp_core::client::{ClientConfig, IntoUrl, RequestBuilder};
use xhttp_core::{CookieStore, Jar};

/// The settings of the clients behind the top-level functions, which share one
/// connection pool and TLS configuration per distinct setting (httpx builds a client,
/// and loads its certificates, on every call).
///
/// Every call gets a client of its own over that pool, with a fresh cookie jar: cookies
/// set during one call (by a redirect's response, say) are sent for the rest of that
/// call and never to an unrelated call. The rest is httpx's defaults: 5 s timeouts, no
/// redirects followed (per request: `.follow_redirects(true)`).
///
/// ```no_run
/// // A self-signed test server: no certificate checks for these calls.
/// let response = xhttp::Shared::new()
///     .verify(false)
///     .request(xhttp::Method::GET, "https://localhost:8443/")
///     .send()?;
/// # Ok::<(), xhttp::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shared {
    verify: bool,
    trust_env: bool,
}

impl Default for Shared {
    fn default() -> Shared {
        Shared::new()
    }
}

impl Shared {
    /// The defaults: certificates verified, the environment trusted.
    pub const fn new() -> Shared {
        Shared {
            verify: true,
            trust_env: true,
        }
    }

    /// Whether server certificates are verified (default: yes).
    pub const fn verify(mut self, verify: bool) -> Shared {
        self.verify = verify;
        self
    }

    /// Whether proxies and certificates are read from the environment (default: yes).
    pub const fn trust_env(mut self, trust: bool) -> Shared {
        self.trust_env = trust;
        self
    }

    fn config(self) -> ClientConfig<BoxTransport> {
        // The same default headers as a built client, Accept-Encoding included.
        let mut config = ClientConfig::with_accept_encoding(
            <AsyncClient as xhttp_core::client::ClientFlavor>::ACCEPT_ENCODING,
        );
        config.http.verify = self.verify;
        config.trust_env = self.trust_env;
        // Each call gets a jar of its own (see `fresh_jar`).
        config.cookie_store = None;
        config
    }

    /// A blocking client for one call (or a few related ones): the shared pool, a fresh
    /// cookie jar.
    #[cfg(feature = "blocking")]
    pub fn client(self) -> crate::Client {
        static CLIENTS: OnceLock<Mutex<HashMap<Shared, crate::Client>>> = OnceLock::new();
        cached(&CLIENTS, self, || {
            crate::Client::from_settings(self.config())
        })
        .with_cookie_store(fresh_jar())
    }

    /// An async client for one call (or a few related ones): the shared pool, a fresh
    /// cookie jar. (The async functions keep a pool apart from the blocking ones: their
    /// connections live on the caller's runtime.)
    pub fn async_client(self) -> AsyncClient {
        static CLIENTS: OnceLock<Mutex<HashMap<Shared, AsyncClient>>> = OnceLock::new();
        cached(&CLIENTS, self, || AsyncClient::from_settings(self.config()))
            .with_cookie_store(fresh_jar())
    }

    /// A request with `method` to `url` on a [`client`](Self::client), to finish with
    /// `.send()` or `.stream()`.
    #[cfg(feature = "blocking")]
    pub fn request(self, method: crate::Method, url: impl IntoUrl) -> crate::RequestBuilder {
        RequestBuilder::new(self.client(), method, url)
    }

    /// A request with `method` to `url` on an [`async_client`](Self::async_client).
    pub fn async_request(
        self,
        method: crate::Method,
        url: impl IntoUrl,
    ) -> crate::AsyncRequestBuilder {
        RequestBuilder::new(self.async_client(), method, url)
    }
}

fn fresh_jar() -> Option<Arc<dyn CookieStore>> {
    Some(Arc::new(Jar::new()))
}

/// The cached client for `key` (never handed out itself, so never closed: closing a
/// call's client, made by `with_cookie_store`, leaves the shared pool open).
fn cached<K: Hash + Eq, C: Clone>(
    cache: &OnceLock<Mutex<HashMap<K, C>>>,
    key: K,
    make: impl FnOnce() -> C,
) -> C {
    let mut clients = cache
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    clients.entry(key).or_insert_with(make).clone()
}
