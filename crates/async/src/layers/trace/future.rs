//! The future of [`Trace`](super::Trace): logs the hop when its head arrives.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use pin_project_lite::pin_project;

use super::RedactedUri;

/// What the log line needs of the request, kept only when the event is enabled.
#[derive(Debug)]
pub(crate) struct Hop {
    method: http::Method,
    uri: http::Uri,
    started: Instant,
}

impl Hop {
    pub(crate) fn new(method: &http::Method, uri: &http::Uri) -> Box<Hop> {
        Box::new(Hop {
            method: method.clone(),
            uri: uri.clone(),
            started: Instant::now(),
        })
    }
}

pin_project! {
    /// The inner future, and the hop to log when logging is on.
    pub struct TraceFuture<F> {
        #[pin]
        inner: F,
        hop: Option<Box<Hop>>,
    }
}

impl<F> TraceFuture<F> {
    pub(super) fn new(inner: F, hop: Option<Box<Hop>>) -> Self {
        TraceFuture { inner, hop }
    }
}

impl<F, B, E> Future for TraceFuture<F>
where
    F: Future<Output = Result<http::Response<B>, E>>,
    E: fmt::Display,
{
    type Output = Result<http::Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        if let Some(hop) = this.hop.take() {
            log(&hop, &result);
        }
        Poll::Ready(result)
    }
}

fn log<B, E: fmt::Display>(hop: &Hop, result: &Result<http::Response<B>, E>) {
    let url = RedactedUri(&hop.uri);
    let elapsed_ms = u64::try_from(hop.started.elapsed().as_millis()).unwrap_or(u64::MAX);
    match result {
        Ok(response) => {
            let status = response.status();
            let version = xhttp_core::response::version_name(response.version());
            tracing::info!(
                target: "xhttp",
                method = %hop.method,
                url = %url,
                status = status.as_u16(),
                version,
                elapsed_ms,
                "HTTP Request: {} {} \"{} {} {}\"",
                hop.method,
                url,
                version,
                status.as_u16(),
                xhttp_core::status::reason_phrase(status),
            );
        }
        Err(error) => {
            tracing::debug!(
                target: "xhttp",
                method = %hop.method,
                url = %url,
                elapsed_ms,
                "HTTP Request: {} {} failed: {}",
                hop.method,
                url,
                error,
            );
        }
    }
}

impl<F> fmt::Debug for TraceFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TraceFuture")
            .field("logging", &self.hop.is_some())
            .finish_non_exhaustive()
    }
}
