//! [`AsyncClient`].

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use xhttp_core::client::{ClientBuilder, ClientConfig, ClientFlavor, SendMode};
use xhttp_core::{Async, Body, Error, ErrorKind, Request, RequestHead, Response, Url};

use crate::body_channel;
use crate::http::HttpTransport;
use crate::pending::Pending;
use crate::routes::{Plan, Routes, Target};
use crate::transport::BoxTransport;

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
    default_transport: BoxTransport,
    /// Mounts, proxies and the environment's proxies.
    routes: Routes,
    closed: AtomicBool,
}

impl AsyncClient {
    /// A client with httpx's defaults.
    pub fn new() -> AsyncClient {
        // The default config has no patterns of its own to check.
        AsyncClient::with_config(ClientConfig::default(), Plan::default())
    }

    /// A builder with httpx's defaults.
    pub fn builder() -> ClientBuilder<AsyncClient> {
        ClientBuilder::new()
    }

    fn with_config(config: ClientConfig<BoxTransport>, plan: Plan) -> AsyncClient {
        let http = HttpTransport::builder()
            .options(config.http.clone())
            .limits(config.limits)
            .env(config.env.clone(), config.trust_env)
            .build();
        let default_transport = BoxTransport::new(http.clone());
        let routes = Routes::build(&config, plan, &http);
        AsyncClient {
            inner: Arc::new(Inner {
                config,
                http,
                default_transport,
                routes,
                closed: AtomicBool::new(false),
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
        self.inner.http.close();
    }

    /// A snapshot of the built-in transport's connection pool.
    pub fn pool_stats(&self) -> crate::http::PoolStats {
        self.inner.http.pool_stats()
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::Acquire)
    }

    /// The whole exchange as a `'static` future: what both clients run.
    pub fn execute(
        &self,
        request: Result<Request, Error>,
        mode: SendMode,
    ) -> impl Future<Output = Result<Response<Async>, Error>> + Send + 'static {
        let client = self.clone();
        async move { client.run(request?, mode).await }
    }

    /// One request on the wire, without authentication (see `auth_driver`).
    pub(crate) async fn send_once(
        self,
        mut request: Request,
        mode: SendMode,
    ) -> Result<Response<Async>, Error> {
        if self.is_closed() {
            return Err(request_error(
                Error::new(ErrorKind::ClientClosed)
                    .with_message("cannot send a request, as the client has been closed"),
                &request,
            ));
        }
        let context = request.context_mut();
        if context.timeout.is_none() {
            context.timeout = Some(self.inner.config.timeout);
        }
        if let Some(reader) = request.body_mut().take_reader() {
            // Off the runtime workers: a reader may block.
            let (sender, body) = body_channel::channel(reader.length());
            tokio::task::spawn_blocking(move || sender.pump(reader));
            request.set_body(Body::from_stream(body));
        }
        let transport = self
            .route(request.url())
            .map_err(|e| request_error(e, &request))?;
        let head = Arc::new(RequestHead {
            method: request.method().clone(),
            url: request.url().clone(),
            headers: request.headers().clone(),
        });
        let started = Instant::now();
        let response = transport
            .send(request.into_http())
            .await
            .map_err(|error| head_error(error, &head))?;
        let mut response = Response::<Async>::from_http(response, ());
        // Every response feeds the jar, before its body is read. The redirect loop (a
        // later issue) must do the same for each hop, then recompute `Cookie` for the
        // next URL from the store only (per-request cookies are not re-sent, as httpx).
        if let Some(store) = &self.inner.config.cookie_store {
            store.set_cookies(&head.url, response.headers().as_map());
        }
        let meta = response.meta_mut();
        meta.request = Some(Arc::clone(&head));
        meta.started = Some(started);
        if mode == SendMode::Read {
            if let Err(error) = response.read().await {
                response.close().await;
                return Err(head_error(error, &head));
            }
        }
        Ok(response)
    }

    fn route(&self, url: &Url) -> Result<BoxTransport, Error> {
        match self.inner.routes.route(url) {
            Some(Target::Transport(transport)) => return Ok(transport.clone()),
            Some(Target::Invalid(message)) => {
                return Err(Error::new(ErrorKind::Proxy).with_message(message.clone()));
            }
            Some(Target::Default) | None => {}
        }
        if let Some(transport) = &self.inner.config.transport {
            return Ok(transport.clone());
        }
        match url.scheme() {
            "http" | "https" => Ok(self.inner.default_transport.clone()),
            other => Err(
                Error::new(ErrorKind::UnsupportedProtocol).with_message(format!(
                    "request URL has an unsupported protocol '{other}://'"
                )),
            ),
        }
    }
}

impl Default for AsyncClient {
    fn default() -> AsyncClient {
        AsyncClient::new()
    }
}

/// Names the request in an error that does not name one yet.
fn request_error(error: Error, request: &Request) -> Error {
    attach(error, request.method(), request.url())
}

fn head_error(error: Error, head: &RequestHead) -> Error {
    attach(error, &head.method, &head.url)
}

fn attach(mut error: Error, method: &http::Method, url: &Url) -> Error {
    if error.method().is_none() {
        error = error.with_method(method.clone());
    }
    if error.url().is_none() {
        error = error.with_url(url);
    }
    error
}

impl ClientFlavor for AsyncClient {
    type Flavor = Async;
    type Transport = BoxTransport;
    type Pending = Pending;

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
