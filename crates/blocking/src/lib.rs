//! The blocking client of xhttp: [`Client`], the same engine as the async client, run
//! on one private, process-wide runtime. Users normally depend on the `xhttp` crate,
//! which re-exports it as `xhttp::Client`.
//!
//! How a blocking call works: the calling thread polls the request's future itself,
//! inside the private runtime's context (so connection tasks, sockets and timers belong
//! to that runtime) and parks between polls; it never calls `block_on`, so a blocking
//! client also works inside `#[tokio::test]` and any other runtime. While it waits it
//! also drives the HTTP/1.1 connection its request uses (`xhttp_async::http::CallerDrives`):
//! the request is written and the response read on the calling thread, so the only
//! cross-thread hop is the runtime's I/O driver reporting the socket readable (two
//! context switches per sequential request instead of six). When the wait ends, the
//! connection's task on the runtime drives it again. When the request body is a
//! one-shot `io::Read`, the exchange is spawned on the runtime instead and the calling
//! thread reads the body meanwhile; a replayable one (a file, a multipart of files) is
//! read on the runtime's blocking pool for each hop, as the async client does, so
//! redirects, auth flows and retries can send it again.
//!
//! Measured on MockTransport (`cargo bench --bench mock_overhead`): polling on the
//! caller's thread costs about what the async client costs (~2 µs a request here), where
//! spawning and waiting on a task cost ~39 µs (two cross-thread wake-ups). A blocking call made
//! from inside the private runtime itself (from a mock transport's closure, say) fails
//! with `BlockingInsideRuntime` instead of deadlocking.

#![deny(missing_docs)]

mod client;
mod driver;
mod park;
pub mod runtime;

pub use client::Client;
