//! The builder's servers, TLS modes and misbehaving modes, tested with raw clients:
//! std sockets for plain TCP, tokio-rustls and hyper's client connections for TLS and
//! HTTP/2. No xhttp code is involved.

mod backlog;
mod client;
mod h2;
mod modes;
mod raw;
mod tls;

use std::time::Duration;

/// How long a test waits for something that must happen.
const WAIT: Duration = Duration::from_secs(10);

/// How long a test waits to be sure that nothing arrives.
const QUIET: Duration = Duration::from_millis(200);
