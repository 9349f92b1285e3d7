//! The blocking client of xhttp: [`Client`], the same engine as the async client, run
//! on one private, process-wide runtime. Users normally depend on the `xhttp` crate,
//! which re-exports it as `xhttp::Client`.
//!
//! How a blocking call works: the request's future is spawned on the private runtime and
//! the calling thread waits on a plain thread park, never on `block_on`, so a blocking
//! client also works inside `#[tokio::test]` and any other runtime. A request body read
//! from an `io::Read` is read on the calling thread while it waits. A blocking call made
//! from inside the private runtime itself (from a mock transport's closure, say) fails
//! with `BlockingInsideRuntime` instead of deadlocking.

mod client;
mod driver;
mod park;
pub mod runtime;

pub use client::Client;
