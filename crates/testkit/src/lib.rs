//! In-process test servers for xhttp's own tests.
//!
//! Every server runs on its **own thread and its own tokio runtime**, never on the
//! test's runtime: a blocking client called from inside `#[tokio::test]` would
//! otherwise starve the server it talks to (see DESIGN §4).
//!
//! * [`Server`]: a server on a loopback port driven by a closure. A panic in the
//!   closure is caught, answered with a 500, and re-raised in the test when the
//!   server is dropped (or at [`Server::finish`]), so a failing handler fails the test.
//!   [`Server::http1`] starts a plain HTTP/1.1 one; [`Server::builder`] configures
//!   HTTP/2 or both ([`Protocol`]), TLS ([`tls::TlsMode`]), `::1`, and a misbehaving
//!   [`Behavior`] for timeout, truncation and stale-connection tests.
//! * [`RawConnection`]: with [`ServerBuilder::raw`], the test writes the bytes itself
//!   (malformed responses, huge headers).
//! * [`FullBacklog`]: a loopback address where `connect` hangs, for connect timeouts.
//! * [`tls`]: the process-wide test CA (`ring` only), its certificates and a client
//!   identity.
//! * [`ConnectionEvent`]: what the server saw of each connection (opened, requests
//!   served or read, closed), for tests of keep-alive and pooling, and for waiting on
//!   the server without sleeping.
//! * [`peers`]: the fixed loopback addresses of the real servers that
//!   `scripts/peers start` runs (nginx, httpbin, tinyproxy, microsocks).
//!
//! ```
//! use xhttp_testkit::Server;
//!
//! let server = Server::http1(|request| {
//!     http::Response::new(format!("you asked for {}", request.uri().path()).into())
//! });
//! assert!(server.url("/hello").starts_with("http://127.0.0.1:"));
//! ```

mod backlog;
mod builder;
mod ca;
mod connection;
mod events;
mod listener;
mod modes;
pub mod peers;
mod server;
pub mod tls;

pub use backlog::FullBacklog;
pub use builder::{Protocol, ServerBuilder};
pub use events::{ConnectionEvent, ConnectionId};
pub use modes::Behavior;
pub use modes::raw::{RawConnection, RawHandler, RawRequest};
pub use server::{Handler, Server};

/// Whether this machine has the IPv6 loopback (`::1`): containers often run without it.
/// Tests of IPv6 behaviour check this and say they were skipped, rather than fail for
/// the machine.
pub fn ipv6_loopback_available() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}
