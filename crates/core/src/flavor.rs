//! The two flavours of the client: [`Blocking`] and [`Async`].
//!
//! One generic definition serves both (`Response<F>`); the body API is per flavour:
//!
//! ```
//! # async fn f(mut blocking: xhttp_core::Response<xhttp_core::Blocking>, mut asynchronous: xhttp_core::Response<xhttp_core::Async>) {
//! let _ = blocking.iter_bytes(None);
//! let _ = asynchronous.bytes_stream(None);
//! # }
//! ```
//!
//! so using the wrong one does not compile:
//!
//! ```compile_fail
//! # fn f(mut response: xhttp_core::Response<xhttp_core::Blocking>) {
//! let _ = response.bytes_stream(None); // async API on a blocking response
//! # }
//! ```
//!
//! ```compile_fail
//! # fn f(mut response: xhttp_core::Response<xhttp_core::Async>) {
//! let _ = response.iter_bytes(None); // blocking API on an async response
//! # }
//! ```

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

mod sealed {
    pub trait Sealed {}
}

/// A flavour of the client: [`Blocking`] or [`Async`]. Sealed.
pub trait Flavor: sealed::Sealed + fmt::Debug + Send + Sync + 'static {
    /// What a response of this flavour needs to read its body.
    type Driver: Clone + Default + fmt::Debug + Send + Sync + 'static;
}

/// The blocking flavour: calls return when they are done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Blocking;

/// The async flavour: calls return futures and streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Async;

impl sealed::Sealed for Blocking {}
impl sealed::Sealed for Async {}

impl Flavor for Blocking {
    type Driver = Option<Arc<dyn BlockingDriver>>;
}

impl Flavor for Async {
    type Driver = ();
}

/// How a blocking response waits for its body: installed by the blocking client.
///
/// Bodies held in memory need no driver; a streamed body (bytes still arriving from the
/// network) does, since waiting for it means waiting on the client's runtime.
pub trait BlockingDriver: fmt::Debug + Send + Sync {
    /// Calls `poll` until it returns `Ready`, blocking the calling thread in between.
    /// `poll` is given a context whose waker wakes this thread. Fails when this thread
    /// must not block (it is one of the client's own runtime threads).
    fn wait(&self, poll: &mut dyn FnMut(&mut Context<'_>) -> Poll<()>) -> Result<(), crate::Error>;
}
