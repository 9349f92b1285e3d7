//! The settings a [`ClientBuilder`](super::ClientBuilder) gathers.

use std::fmt;
use std::sync::Arc;

use crate::auth::Auth;
use crate::cookies::{CookieStore, Jar};
use crate::env::Env;
use crate::headers::Headers;
use crate::hooks::Hooks;
use crate::http_options::HttpOptions;
use crate::limits::Limits;
use crate::proxy::Proxy;
use crate::query::QueryParams;
use crate::retry::RetryPolicy;
use crate::timeout::Timeout;
use crate::trace::Trace;
use crate::url::Url;

/// httpx's default: 20 redirects are followed, the 21st fails.
pub const DEFAULT_MAX_REDIRECTS: usize = 20;

/// The headers every client starts with: `Accept: */*` and
/// `User-Agent: xhttp/VERSION`. (The clients add `Accept-Encoding` for exactly the
/// codecs they were built with: see [`default_headers_with`].)
pub fn default_headers() -> Headers {
    default_headers_with(None)
}

/// The default headers with `Accept-Encoding: accept_encoding` when it is given (the
/// codecs a client's decompression layer has, e.g. `"gzip, deflate, br, zstd"`).
pub fn default_headers_with(accept_encoding: Option<&'static str>) -> Headers {
    let mut headers = http::HeaderMap::with_capacity(4);
    headers.insert(http::header::ACCEPT, http::HeaderValue::from_static("*/*"));
    if let Some(codecs) = accept_encoding {
        headers.insert(
            http::header::ACCEPT_ENCODING,
            http::HeaderValue::from_static(codecs),
        );
    }
    headers.insert(
        http::header::USER_AGENT,
        http::HeaderValue::from_static(concat!("xhttp/", env!("CARGO_PKG_VERSION"))),
    );
    Headers::from(headers)
}

/// Everything a client is configured with. Client crates read it; users set it through
/// [`ClientBuilder`](super::ClientBuilder).
#[derive(Clone)]
#[non_exhaustive]
pub struct ClientConfig<T> {
    /// Joined in front of relative request URLs.
    pub base_url: Option<Url>,
    /// Sent with every request; a request's header of the same name replaces them all.
    pub headers: Headers,
    /// Merged into every request's query, for keys the URL's own query lacks.
    pub params: QueryParams,
    /// Where cookies are kept: every response's `Set-Cookie` headers go in, every
    /// request's `Cookie` header comes out (unless the request has its own). Default: a
    /// fresh [`Jar`]; `None`: no cookies at all.
    pub cookie_store: Option<Arc<dyn CookieStore>>,
    /// Credentials for every request, unless a request says otherwise.
    pub auth: Option<Arc<dyn Auth>>,
    /// Timeouts of every request, unless a request gives its own.
    pub timeout: Timeout,
    /// Whether redirects are followed (default: no, as httpx).
    pub follow_redirects: bool,
    /// How many redirects may be followed before `TooManyRedirects`.
    pub max_redirects: usize,
    /// Connection pool limits.
    pub limits: Limits,
    /// The built-in HTTP transport's settings (protocols, TLS, connecting).
    pub http: HttpOptions,
    /// The transport for every request; `None` means the default HTTP transport.
    pub transport: Option<T>,
    /// Proxies by URL pattern (`"all://"` for [`proxy`](super::ClientBuilder::proxy)),
    /// served by the built-in transport; any proxy here turns the environment's off.
    pub proxies: Vec<(String, Proxy)>,
    /// Transports by URL pattern (`"all://"`, `"https://example.com"`...); a `None`
    /// transport means the default one.
    pub mounts: Vec<(String, Option<T>)>,
    /// Whether the environment (proxies, certificates) is consulted.
    pub trust_env: bool,
    /// Where the environment is read from.
    pub env: Env,
    /// Event hooks, called for every hop.
    pub hooks: Hooks,
    /// User layers around each hop (innermost first), from `layer_per_hop`.
    pub layers_per_hop: Vec<LayerFn<T>>,
    /// User layers around each logical request (innermost first), from
    /// `layer_per_request`.
    pub layers_per_request: Vec<LayerFn<T>>,
    /// A trace callback for every request (called before a request's own).
    pub trace: Option<Trace>,
    /// How requests are retried; `None` (the default): never by the retry layer.
    pub retry: Option<RetryPolicy>,
    /// The most a decoded (decompressed) response body may hold; `None`: no limit.
    pub max_decompressed_body: Option<u64>,
    /// The most `send()` and `read()` may buffer of a response body; `None`: no limit.
    pub max_response_body: Option<u64>,
}

impl<T> ClientConfig<T> {
    /// The defaults, with `Accept-Encoding: accept_encoding` among the headers when
    /// given (see [`default_headers_with`]).
    pub fn with_accept_encoding(accept_encoding: Option<&'static str>) -> Self {
        ClientConfig {
            headers: default_headers_with(accept_encoding),
            ..ClientConfig::default()
        }
    }
}

/// A user layer, erased: wraps a service (the client's transport type) into another.
pub type LayerFn<T> = Arc<dyn Fn(T) -> T + Send + Sync>;

impl<T> Default for ClientConfig<T> {
    fn default() -> Self {
        ClientConfig {
            base_url: None,
            headers: default_headers(),
            params: QueryParams::default(),
            cookie_store: Some(Arc::new(Jar::new())),
            auth: None,
            timeout: Timeout::default(),
            follow_redirects: false,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            limits: Limits::default(),
            http: HttpOptions::default(),
            transport: None,
            proxies: Vec::new(),
            mounts: Vec::new(),
            trust_env: true,
            env: Env::process(),
            hooks: Hooks::default(),
            layers_per_hop: Vec::new(),
            layers_per_request: Vec::new(),
            trace: None,
            retry: None,
            max_decompressed_body: None,
            max_response_body: None,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for ClientConfig<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("headers", &self.headers)
            .field("params", &self.params)
            .field("cookie_store", &self.cookie_store)
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("follow_redirects", &self.follow_redirects)
            .field("max_redirects", &self.max_redirects)
            .field("limits", &self.limits)
            .field("http", &self.http)
            .field("transport", &self.transport)
            .field("proxies", &self.proxies)
            .field("mounts", &self.mounts)
            .field("trust_env", &self.trust_env)
            .field("hooks", &self.hooks)
            .field("layers_per_hop", &self.layers_per_hop.len())
            .field("layers_per_request", &self.layers_per_request.len())
            .field("trace", &self.trace)
            .field("retry", &self.retry)
            .field("max_decompressed_body", &self.max_decompressed_body)
            .field("max_response_body", &self.max_response_body)
            .finish()
    }
}
