//! The async client of xhttp: [`AsyncClient`], the transport contract and the
//! [`MockTransport`]. Users normally depend on the `xhttp`
//! crate, which re-exports all of this.

#![deny(missing_docs)]

pub mod body_channel;
mod client;
pub mod connect;
mod dispatch;
pub mod http;
pub mod layers;
mod observe;
mod pending;
mod pipeline;
mod routes;
pub mod transport;

pub use client::AsyncClient;
pub use connect::dns::{Resolve, SystemResolver};
pub use http::{HttpTransport, HttpTransportBuilder};
pub use pending::Pending;
pub use transport::{BoxTransport, MockTransport, ServiceTransport, Transport};
