//! A client type for the unit tests of the shared builders: it builds, and sending
//! returns the request that would be sent.

// The shared `client_methods!` writes `pub` methods (not all used) on this
// crate-private type.
#![allow(unreachable_pub, dead_code)]

use std::sync::Arc;

use super::{ClientConfig, ClientFlavor, EraseService, SendMode, Transport};
use crate::flavor::Blocking;
use crate::{Error, Request};

/// A transport that is never called.
#[derive(Debug, Clone)]
pub(crate) struct NoTransport;

impl EraseService for NoTransport {
    fn erase<S: Transport>(_service: S) -> Self {
        NoTransport
    }
}

/// A client that only keeps its settings.
#[derive(Debug, Clone)]
pub(crate) struct TestClient {
    config: Arc<ClientConfig<NoTransport>>,
}

impl ClientFlavor for TestClient {
    type Flavor = Blocking;
    type Transport = NoTransport;
    type Pending = Result<Request, Error>;

    fn from_config(config: ClientConfig<NoTransport>) -> Result<Self, Error> {
        Ok(TestClient {
            config: Arc::new(config),
        })
    }

    fn config(&self) -> &ClientConfig<NoTransport> {
        &self.config
    }

    fn dispatch(&self, request: Result<Request, Error>, _mode: SendMode) -> Self::Pending {
        request
    }
}

crate::client_methods!(TestClient);
