//! The built-in HTTP transport against testkit servers: protocols, TLS, timeouts,
//! connections. Every server runs on its own thread and runtime; no test sleeps.

mod caller_drives;
mod connect_options;
mod connections;
mod pool;
mod protocols;
mod proxy;
mod redirects;
mod routing;
mod timeouts;
mod tls;
mod trace;

use std::time::Duration;

use bytes::Bytes;
use xhttp_testkit::Server;

/// A body of `len` bytes.
fn body_of(len: usize) -> Bytes {
    Bytes::from(vec![b'x'; len])
}

/// An h1 server answering every request with its method, path and body length.
fn echo_server() -> Server {
    Server::http1(|request| {
        let text = format!(
            "{} {} {}",
            request.method(),
            request.uri(),
            request.body().len()
        );
        http::Response::new(Bytes::from(text))
    })
}

/// Short timeouts for tests that expect one to fire.
fn short(duration_ms: u64) -> Duration {
    Duration::from_millis(duration_ms)
}
