//! The retry loop of [`Retry`](super::Retry).

use std::future::poll_fn;
use std::hash::{BuildHasher, RandomState};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime};

use http_body_util::BodyExt;
use tower_service::Service;
use xhttp_core::retry::{RetryPolicy, retry_after};
use xhttp_core::{BoxError, Error};

use crate::layers::body::ReplayBody;
use crate::layers::error::into_error;

/// How much of a retried response's body is read so its connection can serve again.
const DRAIN_LIMIT: usize = 64 * 1024;

/// A copy of `request` to send again, when its body is replayable.
pub(super) fn copy<B: ReplayBody>(request: &http::Request<B>) -> Option<http::Request<B>> {
    let body = request.body().try_clone()?;
    let mut copy = http::Request::new(body);
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    *copy.extensions_mut() = request.extensions().clone();
    Some(copy)
}

/// Sends `request`, then its copies while the policy says so.
pub(super) async fn run<S, ReqB, ResB, E>(
    mut service: S,
    request: http::Request<ReqB>,
    first_copy: http::Request<ReqB>,
    policy: Arc<RetryPolicy>,
) -> Result<http::Response<ResB>, Error>
where
    S: Service<http::Request<ReqB>, Response = http::Response<ResB>, Error = E>,
    E: Into<BoxError>,
    ReqB: ReplayBody,
    ResB: http_body::Body,
    ResB::Error: Into<BoxError>,
{
    let started = Instant::now();
    let mut request = request;
    let mut spare = Some(first_copy);
    let mut retries = 0;
    loop {
        poll_fn(|cx| service.poll_ready(cx))
            .await
            .map_err(into_error)?;
        let result = service.call(request).await.map_err(into_error);
        // `Some(wait)`: retry, after the server's `Retry-After` when it gave one.
        let wait = match &result {
            Ok(response) if policy.retries_status(response.status()) => {
                Some(retry_after(response.headers(), SystemTime::now()))
            }
            Ok(_) => None,
            Err(error) if policy.retries_error(error) => Some(None),
            Err(_) => None,
        };
        let (Some(wait), Some(next)) = (wait, spare.take()) else {
            return result;
        };
        retries += 1;
        let delay = wait.unwrap_or_else(|| policy.backoff_delay(retries, random()));
        if started.elapsed().saturating_add(delay) > policy.elapsed_budget() {
            return result;
        }
        if retries < policy.retries() {
            spare = copy(&next);
        }
        #[cfg(feature = "tracing")]
        tracing::debug!(
            target: "xhttp",
            retry = retries,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            failed = %Outcome(&result),
            "retrying"
        );
        if let Ok(response) = result {
            drain(response.into_body()).await;
        }
        tokio::time::sleep(delay).await;
        request = next;
    }
}

/// What an attempt ended with, for the log: a status, or an error's kind.
#[cfg(feature = "tracing")]
struct Outcome<'a, B>(&'a Result<http::Response<B>, Error>);

#[cfg(feature = "tracing")]
impl<B> std::fmt::Display for Outcome<'_, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Ok(response) => write!(f, "status {}", response.status().as_u16()),
            Err(error) => write!(f, "{}", error.kind()),
        }
    }
}

/// Reads up to [`DRAIN_LIMIT`] bytes of a retried response's body, then drops it (a
/// longer body closes its connection instead).
async fn drain<B: http_body::Body>(body: B) {
    let mut body = pin!(body);
    let mut read = 0;
    while read < DRAIN_LIMIT {
        match body.as_mut().frame().await {
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    read += bytes::Buf::remaining(data);
                }
            }
            Some(Err(_)) | None => return,
        }
    }
}

/// A random number for the jitter (std's per-instance hash keys; not for secrets).
fn random() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    RandomState::new().hash_one(COUNTER.fetch_add(1, Ordering::Relaxed))
}
