//! The private runtime every blocking client shares.
//!
//! One multi-thread runtime per process, built lazily on its own thread and never
//! dropped, so "dropping a runtime inside a runtime" cannot happen. Its worker count is
//! [`DEFAULT_WORKERS`] unless [`set_worker_threads`] was called before first use.

use std::cell::Cell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::runtime::Handle;
use xhttp_core::{Error, ErrorKind};

/// Worker threads of the private runtime unless configured: two, enough to spread TLS
/// and HTTP/2 work over cores without a thread per core.
pub const DEFAULT_WORKERS: usize = 2;

static WORKERS: AtomicUsize = AtomicUsize::new(DEFAULT_WORKERS);
static BRIDGE: AtomicUsize = AtomicUsize::new(Bridge::CallerThread as usize);

/// How a blocking call waits for its exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bridge {
    /// The calling thread polls the exchange itself, inside the private runtime's
    /// context (the default: measured the cheaper of the two, see `docs/PERFORMANCE.md`).
    CallerThread = 0,
    /// The exchange is spawned as a task on the private runtime and the calling thread
    /// waits for it (response bodies are still read on the calling thread).
    Spawn = 1,
}

/// Chooses how blocking calls wait, for the whole process (for measurements).
pub fn set_bridge(bridge: Bridge) {
    BRIDGE.store(bridge as usize, Ordering::Relaxed);
}

/// How blocking calls wait now.
pub fn bridge() -> Bridge {
    match BRIDGE.load(Ordering::Relaxed) {
        1 => Bridge::Spawn,
        _ => Bridge::CallerThread,
    }
}
static HANDLE: OnceLock<Result<Handle, String>> = OnceLock::new();

thread_local! {
    static ON_PRIVATE_RUNTIME: Cell<bool> = const { Cell::new(false) };
}

/// Sets the private runtime's worker count; effective only before the first blocking
/// request of the process. Returns whether it took effect.
pub fn set_worker_threads(workers: usize) -> bool {
    WORKERS.store(workers.max(1), Ordering::Relaxed);
    HANDLE.get().is_none()
}

/// Whether the current thread is one of the private runtime's.
pub(crate) fn on_private_runtime() -> bool {
    ON_PRIVATE_RUNTIME.with(Cell::get)
}

/// The error for a blocking call from the private runtime's own threads.
pub(crate) fn inside_runtime_error() -> Error {
    Error::new(ErrorKind::BlockingInsideRuntime).with_message(
        "a blocking xhttp call was made from inside xhttp's own runtime (a hook, a mock \
         transport or an in-process app): use the async client there",
    )
}

/// The private runtime's handle, built on first use.
pub(crate) fn handle() -> Result<&'static Handle, Error> {
    HANDLE.get_or_init(start).as_ref().map_err(|message| {
        Error::new(ErrorKind::Connect).with_message(format!(
            "the blocking client's runtime could not start: {message}"
        ))
    })
}

fn start() -> Result<Handle, String> {
    let workers = WORKERS.load(Ordering::Relaxed);
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("xhttp-runtime".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .thread_name("xhttp-worker")
                .on_thread_start(|| ON_PRIVATE_RUNTIME.with(|flag| flag.set(true)))
                .enable_all()
                .build();
            match runtime {
                Ok(runtime) => {
                    // The receiver waits for this; if it is gone there is nobody to tell.
                    let _ = sender.send(Ok(runtime.handle().clone()));
                    // Keep the runtime alive for the rest of the process.
                    runtime.block_on(std::future::pending::<()>());
                }
                Err(error) => {
                    let _ = sender.send(Err(error.to_string()));
                }
            }
        })
        .map_err(|error| error.to_string())?;
    receiver
        .recv()
        .map_err(|_| "the runtime thread ended before starting".to_owned())?
}
