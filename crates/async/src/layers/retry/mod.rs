//! [`RetryLayer`]: sends a failed attempt again by a [`RetryPolicy`] (opt-in).
//!
//! What is retried, when and how long the layer waits is the policy's business (see
//! [`RetryPolicy`]): idempotent methods with a replayable body by default, on
//! connect errors, network errors before the response head and the statuses 429, 502,
//! 503 and 504, with exponential backoff and jitter or the response's `Retry-After`,
//! bounded by a count and a total time.
//!
//! * A request the policy does not allow (a `POST` without opt-in, a one-shot body)
//!   passes straight through: its future is the inner one, unboxed.
//! * A retried response is read (up to 64 KiB, so its connection can serve again) and
//!   dropped; it is **not** kept in the history, which holds redirects and auth
//!   challenges as httpx's does. The last attempt's response or error is returned as
//!   it is when no retry is left or the next wait would pass the time budget.
//! * In xhttp's clients the layer sits under redirects and auth: each hop is retried
//!   on its own, and the pool's own retry of a dead kept-alive connection happens
//!   inside one attempt, so the two never multiply.

mod future;

use std::sync::Arc;
use std::task::{Context, Poll};

use tower_layer::Layer;
use tower_service::Service;
use xhttp_core::{BoxError, Error};

pub use xhttp_core::retry::{RetryPolicy, retry_after};

use super::body::ReplayBody;
use super::error::into_error;
use super::future::MaybeBoxed;

/// Retries by a [`RetryPolicy`]; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct RetryLayer {
    policy: Option<Arc<RetryPolicy>>,
}

impl RetryLayer {
    /// Retries by `policy`.
    pub fn new(policy: RetryPolicy) -> RetryLayer {
        RetryLayer {
            policy: Some(Arc::new(policy)),
        }
    }

    /// Retries by `policy` when there is one; passes every request through otherwise.
    pub(crate) fn optional(policy: Option<RetryPolicy>) -> RetryLayer {
        RetryLayer {
            policy: policy.map(Arc::new),
        }
    }
}

impl<S> Layer<S> for RetryLayer {
    type Service = Retry<S>;

    fn layer(&self, inner: S) -> Retry<S> {
        Retry {
            inner,
            policy: self.policy.clone(),
        }
    }
}

/// The service of [`RetryLayer`].
#[derive(Debug, Clone)]
pub struct Retry<S> {
    inner: S,
    policy: Option<Arc<RetryPolicy>>,
}

impl<S, ReqB, ResB, E> Service<http::Request<ReqB>> for Retry<S>
where
    S: Service<http::Request<ReqB>, Response = http::Response<ResB>, Error = E>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    E: Into<BoxError> + 'static,
    ReqB: ReplayBody + Send + 'static,
    ResB: http_body::Body + Send + 'static,
    ResB::Data: Send,
    ResB::Error: Into<BoxError>,
{
    type Response = http::Response<ResB>;
    type Error = Error;
    type Future = MaybeBoxed<S::Future, ResB>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(into_error)
    }

    fn call(&mut self, request: http::Request<ReqB>) -> Self::Future {
        let Some(policy) = &self.policy else {
            return MaybeBoxed::passthrough(self.inner.call(request));
        };
        if policy.retries() == 0 || !policy.allows_method(request.method()) {
            return MaybeBoxed::passthrough(self.inner.call(request));
        }
        let Some(copy) = future::copy(&request) else {
            // A one-shot body cannot go twice.
            return MaybeBoxed::passthrough(self.inner.call(request));
        };
        let policy = Arc::clone(policy);
        let ready = self.inner.clone();
        let service = std::mem::replace(&mut self.inner, ready);
        MaybeBoxed::boxed(Box::pin(future::run(service, request, copy, policy)))
    }
}
