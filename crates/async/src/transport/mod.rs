//! The transport contract: what finally sends an `http::Request<Body>`.
//!
//! A transport is a cloneable tower `Service<http::Request<Body>>` answering
//! `http::Response<Body>` or an [`Error`]. Its `poll_ready` is always ready: all
//! waiting (the pool timeout included) happens inside the returned future. Transports
//! are cheap to clone (an `Arc` inside).

mod mock;
mod service;

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tower_service::Service;
use xhttp_core::{Body, Error};

pub use mock::MockTransport;
pub use service::ServiceTransport;
/// Any service that can serve as a transport (see the [module docs](self)); defined in
/// the core crate, where the client builders name it too.
pub use xhttp_core::client::Transport;

/// A boxed future of a transport's answer.
pub type TransportFuture =
    Pin<Box<dyn Future<Output = Result<http::Response<Body>, Error>> + Send + 'static>>;

trait ErasedTransport: Send + Sync {
    fn send(&self, request: http::Request<Body>) -> TransportFuture;
    fn name(&self) -> &'static str;
}

struct Erased<T>(T);

impl<T: Transport> ErasedTransport for Erased<T> {
    fn send(&self, request: http::Request<Body>) -> TransportFuture {
        let mut service = self.0.clone();
        Box::pin(async move {
            poll_fn(|cx| service.poll_ready(cx)).await?;
            service.call(request).await
        })
    }

    fn name(&self) -> &'static str {
        std::any::type_name::<T>()
    }
}

/// A transport that is always ready and whose future is already boxed: called directly,
/// without a second box around its future.
struct ErasedReady<T>(T);

impl<T> ErasedTransport for ErasedReady<T>
where
    T: Transport + Service<http::Request<Body>, Future = TransportFuture>,
{
    fn send(&self, request: http::Request<Body>) -> TransportFuture {
        self.0.clone().call(request)
    }

    fn name(&self) -> &'static str {
        std::any::type_name::<T>()
    }
}

/// Any [`Transport`], type-erased and cheap to clone: what clients and mounts hold.
#[derive(Clone)]
pub struct BoxTransport {
    inner: Arc<dyn ErasedTransport>,
}

impl BoxTransport {
    /// Erases `transport`'s type.
    pub fn new<T: Transport>(transport: T) -> BoxTransport {
        BoxTransport {
            inner: Arc::new(Erased(transport)),
        }
    }

    /// Erases a transport that keeps the transport contract to the letter (`poll_ready`
    /// always ready) and already boxes its future: calls skip `poll_ready` and a second
    /// box. xhttp's own transports are built this way.
    pub fn new_ready<T>(transport: T) -> BoxTransport
    where
        T: Transport + Service<http::Request<Body>, Future = TransportFuture>,
    {
        BoxTransport {
            inner: Arc::new(ErasedReady(transport)),
        }
    }

    /// Sends `request`.
    pub fn send(&self, request: http::Request<Body>) -> TransportFuture {
        self.inner.send(request)
    }
}

impl fmt::Debug for BoxTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BoxTransport({})", self.inner.name())
    }
}

impl Service<http::Request<Body>> for BoxTransport {
    type Response = http::Response<Body>;
    type Error = Error;
    type Future = TransportFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> TransportFuture {
        self.send(request)
    }
}

impl From<MockTransport> for BoxTransport {
    fn from(transport: MockTransport) -> BoxTransport {
        BoxTransport::new_ready(transport)
    }
}

impl From<crate::http::HttpTransport> for BoxTransport {
    fn from(transport: crate::http::HttpTransport) -> BoxTransport {
        BoxTransport::new_ready(transport)
    }
}
