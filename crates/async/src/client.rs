//! [`AsyncClient`].

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use xhttp_core::client::{ClientBuilder, ClientConfig, ClientFlavor, EraseService, SendMode};
use xhttp_core::{Async, Error, ErrorKind, Request, Response};

use crate::dispatch::Dispatch;
use crate::http::HttpTransport;
use crate::pending::Pending;
use crate::pipeline::Pipeline;
use crate::routes::{Plan, Routes};
use crate::transport::{BoxTransport, Transport};

/// The async client: cheap to clone (one `Arc`), `Send + Sync`, one connection pool and
/// configuration shared by every clone.
///
/// ```
/// use xhttp_async::{AsyncClient, MockTransport};
/// use xhttp_core::{Async, Response};
///
/// # async fn run() -> Result<(), xhttp_core::Error> {
/// let client = AsyncClient::builder()
///     .base_url("https://api.example.com/v1/")
///     .transport(MockTransport::new(|request| {
///         Response::<Async>::new(http::StatusCode::OK).with_content(request.url().to_string())
///     }))
///     .build()?;
/// let response = client.get("users").query(&[("page", "2")]).send().await?;
/// assert_eq!(response.content()?, "https://api.example.com/v1/users?page=2");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AsyncClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig<BoxTransport>,
    /// The built-in transport, for requests no other transport serves.
    http: HttpTransport,
    /// The layers, composed once.
    pipeline: Pipeline,
    /// Routing to the transports, shared with clients made by `with_cookie_store`.
    dispatch: Dispatch,
    closed: AtomicBool,
    /// Whether closing this client closes the pool (not for a client made by
    /// [`AsyncClient::with_cookie_store`], which borrows another's).
    owns_pool: bool,
}

impl AsyncClient {
    /// A client with httpx's defaults.
    pub fn new() -> AsyncClient {
        // The default config has no patterns of its own to check.
        AsyncClient::with_config(
            ClientConfig::with_accept_encoding(Self::ACCEPT_ENCODING),
            Plan::default(),
        )
    }

    /// A builder with httpx's defaults.
    pub fn builder() -> ClientBuilder<AsyncClient> {
        ClientBuilder::new()
    }

    /// A client from settings gathered elsewhere (what [`ClientBuilder::build`] does,
    /// without its checks): should a proxy or mount pattern not parse, every request
    /// fails with that error (nothing goes out unproxied).
    pub fn from_settings(config: ClientConfig<BoxTransport>) -> AsyncClient {
        let plan = Plan::or_invalid(&config);
        AsyncClient::with_config(config, plan)
    }

    /// A client sharing this one's connection pool, transports and settings, with
    /// `store` for its cookies instead (`None`: no cookies). This is how the top-level
    /// `xhttp::get()` family gives each call a fresh jar over one shared pool.
    ///
    /// Closing the new client ends its own requests only; closing this one closes the
    /// pool, and so ends the new client's requests too.
    pub fn with_cookie_store(
        &self,
        store: Option<std::sync::Arc<dyn xhttp_core::CookieStore>>,
    ) -> AsyncClient {
        let mut config = self.inner.config.clone();
        config.cookie_store = store;
        let pipeline = Pipeline::new(&config, self.inner.dispatch.clone());
        AsyncClient {
            inner: Arc::new(Inner {
                config,
                http: self.inner.http.clone(),
                pipeline,
                dispatch: self.inner.dispatch.clone(),
                closed: AtomicBool::new(false),
                owns_pool: false,
            }),
        }
    }

    fn with_config(config: ClientConfig<BoxTransport>, plan: Plan) -> AsyncClient {
        let http = HttpTransport::builder()
            .options(config.http.clone())
            .limits(config.limits)
            .env(config.env.clone(), config.trust_env)
            .build();
        let default_transport = BoxTransport::from(http.clone());
        let routes = Routes::build(&config, plan, &http);
        let dispatch = Dispatch::new(
            config.transport.clone(),
            default_transport,
            config.timeout,
            routes,
        );
        let pipeline = Pipeline::new(&config, dispatch.clone());
        AsyncClient {
            inner: Arc::new(Inner {
                config,
                http,
                pipeline,
                dispatch,
                closed: AtomicBool::new(false),
                owns_pool: true,
            }),
        }
    }

    /// Closes the client: later requests fail with `ClientClosed`, on every clone.
    pub async fn close(&self) {
        self.close_now();
    }

    /// Closes the client without awaiting (what the blocking client calls): idle
    /// connections close, open responses finish.
    pub fn close_now(&self) {
        self.inner.closed.store(true, Ordering::Release);
        if self.inner.owns_pool {
            self.inner.http.close();
        }
    }

    /// A snapshot of the built-in transport's connection pool.
    pub fn pool_stats(&self) -> crate::http::PoolStats {
        self.inner.http.pool_stats()
    }

    /// Whether [`close`](Self::close) was called, on this client or on the one whose
    /// pool it shares (see [`with_cookie_store`](Self::with_cookie_store)).
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::Acquire) || self.inner.http.is_closed()
    }

    /// The whole exchange as a `'static` future: what both clients run. The request
    /// goes through the client's layers (see `xhttp::layers`), then the body is read
    /// for [`SendMode::Read`].
    pub fn execute(
        &self,
        request: Result<Request, Error>,
        mode: SendMode,
    ) -> impl Future<Output = Result<Response<Async>, Error>> + Send + 'static {
        // One async block capturing what it uses: an `async fn` awaited from it would
        // hold a second copy of the request (this future is boxed for every request).
        let client = self.clone();
        async move {
            let request = request?;
            if client.is_closed() {
                return Err(name(
                    Error::new(ErrorKind::ClientClosed)
                        .with_message("cannot send a request, as the client has been closed"),
                    &request,
                ));
            }
            let (method, url) = (request.method().clone(), request.url().clone());
            let attach = |error: Error| error.or_request(&method, &url);
            let response = client
                .inner
                .pipeline
                .send(request.into_http())
                .await
                .map_err(attach)?;
            let mut response = Response::<Async>::from_http(response, ());
            response.set_read_limit(client.inner.config.max_response_body);
            if mode == SendMode::Read {
                if let Err(error) = response.read().await {
                    let error = match response.request() {
                        Some(head) => crate::dispatch::name(error, head),
                        None => error,
                    };
                    response.close().await;
                    return Err(error);
                }
            }
            Ok(response)
        }
    }
}

impl Default for AsyncClient {
    fn default() -> AsyncClient {
        AsyncClient::new()
    }
}

/// Names the request in an error that does not name one yet.
fn name(error: Error, request: &Request) -> Error {
    error.or_request(request.method(), request.url())
}

impl EraseService for BoxTransport {
    fn erase<S: Transport>(service: S) -> BoxTransport {
        BoxTransport::new(service)
    }
}

impl ClientFlavor for AsyncClient {
    type Flavor = Async;
    type Transport = BoxTransport;
    type Pending = Pending;

    const ACCEPT_ENCODING: Option<&'static str> =
        crate::layers::decompression::ACCEPT_ENCODING_VALUE;

    fn from_config(config: ClientConfig<BoxTransport>) -> Result<AsyncClient, Error> {
        let plan = Plan::new(&config)?;
        Ok(AsyncClient::with_config(config, plan))
    }

    fn config(&self) -> &ClientConfig<BoxTransport> {
        &self.inner.config
    }

    fn dispatch(&self, request: Result<Request, Error>, mode: SendMode) -> Pending {
        Pending::new(self.execute(request, mode))
    }
}

xhttp_core::client_methods!(AsyncClient);

impl fmt::Debug for AsyncClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncClient")
            .field("config", &self.inner.config)
            .field("closed", &self.is_closed())
            .finish()
    }
}
