//! In-process test servers for xhttp's own tests.
//!
//! Every server runs on its **own thread and its own tokio runtime**, never on the
//! test's runtime: a blocking client called from inside `#[tokio::test]` would
//! otherwise starve the server it talks to (see DESIGN §4).
//!
//! * [`Server`]: an HTTP/1.1 server on `127.0.0.1:0` driven by a closure. A panic in
//!   the closure is caught, answered with a 500, and re-raised in the test when the
//!   server is dropped (or at [`Server::finish`]), so a failing handler fails the test.
//! * [`ConnectionEvent`]: what the server saw of each connection (opened, requests
//!   served, closed), for tests of keep-alive and pooling.
//! * [`peers`]: the fixed loopback addresses of the real servers that
//!   `scripts/peers start` runs (nginx, httpbin).
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
