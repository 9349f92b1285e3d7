//! [`OnProgress`]: upload and download progress callbacks.

use std::fmt;
use std::sync::Arc;

type ProgressFn = dyn Fn(u64, Option<u64>) + Send + Sync;

/// A progress callback, cheap to clone: called with the bytes transferred so far and
/// the total when known (`Content-Length`), after each chunk. Called inline on whatever
/// thread runs the exchange: it must be quick and must not block.
///
/// ```
/// use xhttp_core::trace::OnProgress;
///
/// let progress = OnProgress::new(|done, total| {
///     if let Some(total) = total {
///         let _percent = done * 100 / total.max(1);
///     }
/// });
/// progress.report(5, Some(10));
/// ```
#[derive(Clone)]
pub struct OnProgress {
    callback: Arc<ProgressFn>,
}

impl OnProgress {
    /// A progress callback calling `callback(done, total)`.
    pub fn new(callback: impl Fn(u64, Option<u64>) + Send + Sync + 'static) -> OnProgress {
        OnProgress {
            callback: Arc::new(callback),
        }
    }

    /// Reports `done` bytes out of `total`.
    pub fn report(&self, done: u64, total: Option<u64>) {
        (self.callback)(done, total);
    }
}

impl fmt::Debug for OnProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OnProgress")
    }
}
