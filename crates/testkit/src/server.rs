//! The closure-driven HTTP/1.1 test server.

use std::any::Any;
use std::io;
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::events::{self, ConnectionEvent, ConnectionId, EventLog};

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

/// State shared by the server thread and the test.
#[derive(Default)]
struct Shared {
    events: EventLog,
    /// The first panic raised by the handler (or by the server thread itself).
    panic: Mutex<Option<Box<dyn Any + Send>>>,
    next_connection: AtomicUsize,
}

impl Shared {
    fn record_panic(&self, payload: Box<dyn Any + Send>) {
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

/// An HTTP/1.1 server on `127.0.0.1:0`, on its own thread and current-thread runtime,
/// that answers every request with a closure. Keep-alive is on.
///
/// Dropping the server stops it (open connections are cut) and re-raises, in the
/// test's thread, the first panic of the handler.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("addr", &self.addr).finish()
    }
}

impl Server {
    /// Starts an HTTP/1.1 server that answers with `handler`.
    ///
    /// # Panics
    /// When no loopback port can be bound or no thread or runtime can be started:
    /// the test cannot run without its server.
    pub fn http1(handler: impl Handler) -> Server {
        match Self::try_http1(Arc::new(handler)) {
            Ok(server) => server,
            Err(error) => panic!("testkit: could not start the HTTP/1.1 test server: {error}"),
        }
    }

    fn try_http1(handler: Arc<dyn Handler>) -> io::Result<Server> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
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
        let thread_shared = Arc::clone(&shared);
        let thread = thread::Builder::new()
            .name(format!("testkit-h1-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(accept_loop(listener, handler, thread_shared, stopped));
                // Dropping the runtime here cancels every connection task.
            })?;
        Ok(Server {
            addr,
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` followed by `path_and_query`.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{}", self.addr, path_and_query)
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

    /// Stops the server and re-raises the handler's first panic, if any. Dropping the
    /// server does the same; this spells it out at the end of a test.
    pub fn finish(mut self) {
        self.stop();
        if let Some(payload) = self.shared.take_panic() {
            resume_unwind(payload);
        }
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

async fn accept_loop(
    listener: TcpListener,
    handler: Arc<dyn Handler>,
    shared: Arc<Shared>,
    mut stopped: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => {
                // An accept error (say, out of file descriptors) ends no test by itself:
                // the client sees the failed connection.
                if let Ok((stream, peer)) = accepted {
                    let handler = Arc::clone(&handler);
                    let shared = Arc::clone(&shared);
                    tokio::spawn(serve_connection(stream, peer, handler, shared));
                }
            }
        }
    }
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    handler: Arc<dyn Handler>,
    shared: Arc<Shared>,
) {
    let id = ConnectionId(shared.next_connection.fetch_add(1, Ordering::SeqCst));
    shared.events.push(ConnectionEvent::Opened { id, peer });
    let served = Arc::new(AtomicUsize::new(0));
    let service = {
        let shared = Arc::clone(&shared);
        let served = Arc::clone(&served);
        service_fn(move |request: http::Request<Incoming>| {
            let handler = Arc::clone(&handler);
            let shared = Arc::clone(&shared);
            let served = Arc::clone(&served);
            async move {
                let (parts, body) = request.into_parts();
                let body = body.collect().await?.to_bytes();
                let request = http::Request::from_parts(parts, body);
                let method = request.method().clone();
                let target = request
                    .uri()
                    .path_and_query()
                    .map_or_else(|| "/".to_owned(), ToString::to_string);
                let response = match catch_unwind(AssertUnwindSafe(|| handler(request))) {
                    Ok(response) => response,
                    Err(payload) => {
                        shared.record_panic(payload);
                        panicked_response()
                    }
                };
                served.fetch_add(1, Ordering::SeqCst);
                shared
                    .events
                    .push(ConnectionEvent::RequestServed { id, method, target });
                Ok::<_, hyper::Error>(response.map(Full::new))
            }
        })
    };
    // A connection error (the client reset it, say) is an ordinary end of a connection.
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service)
        .await;
    shared.events.push(ConnectionEvent::Closed {
        id,
        requests: served.load(Ordering::SeqCst),
    });
}

fn panicked_response() -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::from_static(b"testkit: the handler panicked"));
    *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
    response
}
