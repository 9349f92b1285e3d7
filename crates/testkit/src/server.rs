//! The test server's handle: start, address, event log, stop and panic re-raise.

use std::any::Any;
use std::io;
use std::net::SocketAddr;
use std::panic::resume_unwind;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use bytes::Bytes;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

use crate::builder::{Config, ServerBuilder};
use crate::connection::{self, Serving};
use crate::events::{self, ConnectionEvent, ConnectionId, EventLog};
use crate::listener;
use crate::modes::raw::RawWorkers;
use crate::tls;

/// What a test server calls for every request: the whole request body is read
/// first, and the returned response is sent as is.
///
/// Any `Fn(http::Request<Bytes>) -> http::Response<Bytes> + Send + Sync + 'static`
/// closure is a handler.
pub trait Handler:
    Fn(http::Request<Bytes>) -> http::Response<Bytes> + Send + Sync + 'static
{
}

impl<T> Handler for T where
    T: Fn(http::Request<Bytes>) -> http::Response<Bytes> + Send + Sync + 'static
{
}

/// State shared by the server thread, its connections and the test.
#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) events: EventLog,
    /// The first panic raised by the handler (or by the server thread itself).
    panic: Mutex<Option<Box<dyn Any + Send>>>,
    next_connection: AtomicUsize,
    pub(crate) raw_workers: RawWorkers,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("next_connection", &self.next_connection)
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// Numbers a newly accepted connection and records it opened.
    pub(crate) fn open(&self, peer: SocketAddr) -> ConnectionId {
        let id = ConnectionId(self.next_connection.fetch_add(1, Ordering::SeqCst));
        self.events.push(ConnectionEvent::Opened { id, peer });
        id
    }

    pub(crate) fn record_panic(&self, payload: Box<dyn Any + Send>) {
        let mut slot = self.panic.lock().unwrap_or_else(PoisonError::into_inner);
        slot.get_or_insert(payload);
    }

    fn take_panic(&self) -> Option<Box<dyn Any + Send>> {
        self.panic
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

/// A test server on a loopback port, on its own thread and current-thread runtime,
/// that answers every request with a closure (keep-alive on), configured by
/// [`Server::builder`].
///
/// Dropping the server stops it (open connections are cut) and re-raises, in the
/// test's thread, the first panic of the handler.
pub struct Server {
    addr: SocketAddr,
    tls: bool,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Starts a plain HTTP/1.1 server on `127.0.0.1` that answers with `handler`.
    ///
    /// # Panics
    /// When no loopback port can be bound or no thread or runtime can be started:
    /// the test cannot run without its server.
    pub fn http1(handler: impl Handler) -> Server {
        Server::builder().http1().handler(handler).start()
    }

    /// A builder for any other server: HTTP/2, TLS, misbehaving modes, raw bytes.
    pub fn builder() -> ServerBuilder {
        ServerBuilder::new()
    }

    pub(crate) fn start(config: Config) -> io::Result<Server> {
        let acceptor = match config.tls {
            Some(mode) => {
                let server_config =
                    tls::server_config(mode, config.protocol.alpn()).map_err(io::Error::other)?;
                Some(TlsAcceptor::from(Arc::new(server_config)))
            }
            None => None,
        };
        let listener = listener::bind(listener::loopback(config.ipv6), config.recv_buffer, 1024)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = {
            let _context = runtime.enter();
            TcpListener::from_std(listener)?
        };
        let shared = Arc::new(Shared::default());
        let (shutdown, stopped) = oneshot::channel();
        let serving = Arc::new(Serving {
            protocol: config.protocol,
            acceptor,
            behavior: config.behavior,
            handler: config.handler,
            raw: config.raw,
            shared: Arc::clone(&shared),
            http2_max_streams: config.http2_max_streams,
        });
        let thread = thread::Builder::new()
            .name(format!("testkit-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(connection::accept_loop(listener, serving, stopped));
                // Dropping the runtime here cancels every connection task.
            })?;
        Ok(Server {
            addr,
            tls: config.tls.is_some(),
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (`https://` with TLS, `[::1]` on IPv6) followed by
    /// `path_and_query`.
    pub fn url(&self, path_and_query: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}{}", self.addr, path_and_query)
    }

    /// Whether the server speaks TLS.
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// Everything the server saw so far, in order.
    pub fn events(&self) -> Vec<ConnectionEvent> {
        self.shared.events.snapshot()
    }

    /// How many connections the server accepted so far.
    pub fn connections_opened(&self) -> usize {
        self.shared.next_connection.load(Ordering::SeqCst)
    }

    /// Requests served per connection, indexed by [`ConnectionId`], open ones included.
    pub fn requests_per_connection(&self) -> Vec<usize> {
        events::requests_per_connection(&self.events())
    }

    /// Waits (without sleeping) until `done` holds for the event log, or `timeout`
    /// passes; returns whether it held.
    pub fn wait_for(
        &self,
        timeout: Duration,
        done: impl FnMut(&[ConnectionEvent]) -> bool,
    ) -> bool {
        self.shared.events.wait_until(timeout, done)
    }

    /// Waits until at least `count` connections have closed; returns whether they did
    /// within `timeout`.
    pub fn wait_for_closed(&self, count: usize, timeout: Duration) -> bool {
        self.wait_for(timeout, |events| {
            let closed = events
                .iter()
                .filter(|event| matches!(event, ConnectionEvent::Closed { .. }))
                .count();
            closed >= count
        })
    }

    /// Stops the server, re-raises the handler's first panic if any, and returns
    /// everything the server saw, connections cut by the stop included. Dropping the
    /// server stops it too; this spells it out at the end of a test.
    pub fn finish(mut self) -> Vec<ConnectionEvent> {
        self.stop();
        if let Some(payload) = self.shared.take_panic() {
            resume_unwind(payload);
        }
        self.events()
    }

    fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            // The thread may already be gone (it panicked): nothing to tell it then.
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            if let Err(payload) = thread.join() {
                self.shared.record_panic(payload);
            }
        }
        RawWorkers::stop(&self.shared);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
        if thread::panicking() {
            // The test is failing already; a second panic would abort the process.
            return;
        }
        if let Some(payload) = self.shared.take_panic() {
            resume_unwind(payload);
        }
    }
}
