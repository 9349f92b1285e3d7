//! [`Client`]: the blocking client.

use std::fmt;

use xhttp_async::{AsyncClient, BoxTransport, body_channel};
use xhttp_core::client::{ClientBuilder, ClientConfig, ClientFlavor, SendMode};
use xhttp_core::{Blocking, Error, ErrorKind, Request, Response};

use crate::driver::CallerThreadDriver;
use crate::park;
use crate::runtime;

/// The blocking client: the async client's engine behind a private runtime (see the
/// [crate docs](crate)). Cheap to clone, `Send + Sync`; clones share one pool.
///
/// ```
/// use xhttp_async::MockTransport;
/// use xhttp_blocking::Client;
/// use xhttp_core::Response;
///
/// let client = Client::builder()
///     .transport(MockTransport::new(|_| Response::<xhttp_core::Blocking>::new(http::StatusCode::OK).with_content("hello")))
///     .build()?;
/// let response = client.get("http://example.com/").send()?;
/// assert_eq!(response.content()?, "hello");
/// # Ok::<(), xhttp_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: AsyncClient,
}

impl Client {
    /// A client with httpx's defaults.
    pub fn new() -> Client {
        Client {
            inner: AsyncClient::new(),
        }
    }

    /// A builder with httpx's defaults.
    pub fn builder() -> ClientBuilder<Client> {
        ClientBuilder::new()
    }

    /// A client from settings gathered elsewhere (what [`ClientBuilder::build`] does,
    /// without its checks): should a proxy or mount pattern not parse, every request
    /// fails with that error.
    pub fn from_settings(config: ClientConfig<BoxTransport>) -> Client {
        Client {
            inner: AsyncClient::from_settings(config),
        }
    }

    /// A client sharing this one's connection pool, transports and settings, with
    /// `store` for its cookies instead (`None`: no cookies); see
    /// [`AsyncClient::with_cookie_store`].
    pub fn with_cookie_store(
        &self,
        store: Option<std::sync::Arc<dyn xhttp_core::CookieStore>>,
    ) -> Client {
        Client {
            inner: self.inner.with_cookie_store(store),
        }
    }

    /// A snapshot of the connection pool (see [`AsyncClient::pool_stats`]).
    pub fn pool_stats(&self) -> xhttp_async::http::PoolStats {
        self.inner.pool_stats()
    }

    /// Closes the client: later requests fail with `ClientClosed`, on every clone.
    pub fn close(&self) {
        self.inner.close_now();
    }

    /// Whether [`close`](Self::close) was called, on this client or on the one whose
    /// pool it shares (see [`with_cookie_store`](Self::with_cookie_store)).
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    fn run(
        &self,
        request: Result<Request, Error>,
        mode: SendMode,
    ) -> Result<Response<Blocking>, Error> {
        if runtime::on_private_runtime() {
            return Err(runtime::inside_runtime_error());
        }
        let handle = runtime::handle()?;
        let mut request = request?;
        // A one-shot reader is read on this thread. A replayable reader body (files) goes
        // on as it is: each hop (redirect, auth, retry) opens it again, off the runtime's
        // workers, as the async client does.
        let pump = if request.body().is_replayable() {
            None
        } else {
            request.body_mut().take_reader().map(|reader| {
                let (sender, body) = body_channel::channel(reader.length());
                request.set_body(body.into_body());
                (sender, reader)
            })
        };
        let future = self.inner.execute(Ok(request), mode);
        let response = match (pump, runtime::bridge()) {
            // Nothing to read on this thread: poll the exchange here, inside the
            // runtime's context, so only the I/O wake-ups cross threads.
            (None, runtime::Bridge::CallerThread) => {
                let _context = handle.enter();
                park::wait(tokio::task::unconstrained(future))?
            }
            // The caller's thread reads the body (if any) while the runtime sends it.
            (pump, _) => {
                let task = handle.spawn(future);
                if let Some((sender, reader)) = pump {
                    sender.pump(reader);
                }
                match park::wait(tokio::task::unconstrained(task)) {
                    Ok(response) => response?,
                    // A panic in the exchange (user code: a hook, a mock, an app) reaches
                    // the caller as it does when the exchange is polled on its thread.
                    Err(join_error) if join_error.is_panic() => {
                        std::panic::resume_unwind(join_error.into_panic())
                    }
                    // The private runtime is never shut down; should its task be
                    // cancelled all the same, the request did not complete.
                    Err(join_error) => {
                        return Err(Error::new(ErrorKind::Connect)
                            .with_message("the request's task was cancelled")
                            .with_source(join_error));
                    }
                }
            }
        };
        let driver = CallerThreadDriver::shared(handle);
        Ok(response.into_flavor::<Blocking>(Some(driver)))
    }
}

impl Default for Client {
    fn default() -> Client {
        Client::new()
    }
}

impl ClientFlavor for Client {
    type Flavor = Blocking;
    type Transport = BoxTransport;
    type Pending = Result<Response<Blocking>, Error>;

    const ACCEPT_ENCODING: Option<&'static str> = AsyncClient::ACCEPT_ENCODING;

    fn from_config(config: ClientConfig<BoxTransport>) -> Result<Client, Error> {
        Ok(Client {
            inner: AsyncClient::from_config(config)?,
        })
    }

    fn config(&self) -> &ClientConfig<BoxTransport> {
        self.inner.config()
    }

    fn dispatch(&self, request: Result<Request, Error>, mode: SendMode) -> Self::Pending {
        self.run(request, mode)
    }
}

xhttp_core::client_methods!(Client);

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("inner", &self.inner)
            .finish()
    }
}
