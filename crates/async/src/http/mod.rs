//! The built-in HTTP transport: connectors, TLS, hyper's HTTP/1.1 and HTTP/2
//! connections, timeouts per protocol, and keep-alive.

pub(crate) mod body;
pub(crate) mod conn;
mod driven;
pub(crate) mod errors;
mod exchange;
mod head;
mod intake;
pub(crate) mod key;
pub mod pool;
mod transport;
pub(crate) mod watch;

pub use driven::CallerDrives;
pub use pool::{OriginStats, PoolStats};
pub use transport::{HttpTransport, HttpTransportBuilder};
