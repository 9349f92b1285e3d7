//! Seeing where the time goes: a per-request [`Trace`] callback receiving
//! [`TraceEvent`]s (DNS, connect, TLS, connection reuse, request and response phases),
//! the [`Timings`] breakdown every response carries, and [`OnProgress`] callbacks for
//! upload and download progress bars.
//!
//! Nothing is emitted, allocated or cloned for a request without a callback: each hook
//! point checks one `Option`.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use xhttp_core::trace::{Trace, TraceEvent, TraceKind};
//!
//! let seen = Arc::new(Mutex::new(Vec::new()));
//! let log = Arc::clone(&seen);
//! let trace = Trace::new(move |event: &TraceEvent| log.lock().unwrap().push(event.kind.name()));
//! trace.emit(TraceKind::RequestHeadSent);
//! assert_eq!(*seen.lock().unwrap(), ["request_head_sent"]);
//! ```

mod event;
mod progress;
mod timings;

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

pub use event::{TraceEvent, TraceKind};
pub use progress::OnProgress;
pub use timings::Timings;

type TraceFn = dyn Fn(&TraceEvent) + Send + Sync;

/// A trace callback, cheap to clone (an `Arc`): called inline, on whatever thread runs
/// the exchange, so it must be quick and must not block.
#[derive(Clone)]
pub struct Trace {
    callback: Arc<TraceFn>,
}

impl Trace {
    /// A trace calling `callback` with each event.
    pub fn new(callback: impl Fn(&TraceEvent) + Send + Sync + 'static) -> Trace {
        Trace {
            callback: Arc::new(callback),
        }
    }

    /// Calls the callback with `kind`, stamped now.
    pub fn emit(&self, kind: TraceKind) {
        self.emit_at(Instant::now(), kind);
    }

    /// Calls the callback with `kind`, stamped `at`.
    pub fn emit_at(&self, at: Instant, kind: TraceKind) {
        (self.callback)(&TraceEvent { at, kind });
    }

    /// One trace calling both (`first`, then `second`), or whichever is set.
    pub fn combine(first: Option<Trace>, second: Option<Trace>) -> Option<Trace> {
        match (first, second) {
            (Some(first), Some(second)) => Some(Trace::new(move |event| {
                (first.callback)(event);
                (second.callback)(event);
            })),
            (first, second) => first.or(second),
        }
    }
}

impl fmt::Debug for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Trace")
    }
}
