//! How a blocking response waits for its body: polled on the caller's thread, inside the
//! private runtime's context.
//!
//! An HTTP/1.1 body's connection is driven on the caller's thread during the wait (see
//! `park`), so its bytes are read there; an HTTP/2 body's arrive through h2 from the
//! connection task on the runtime, one wake-up per wait. Decompression and decoding run
//! on the caller's thread. Polling is `unconstrained` so tokio's cooperative budget
//! cannot turn this loop into a livelock.

use std::future::poll_fn;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use tokio::runtime::Handle;
use xhttp_core::{BlockingDriver, Error};

use crate::park;
use crate::runtime;

/// Waits on the caller's thread (see the [module docs](self)).
#[derive(Debug, Clone)]
pub(crate) struct CallerThreadDriver {
    handle: Handle,
}

impl CallerThreadDriver {
    /// The process's one driver for the private runtime behind `handle`: made once and
    /// shared by every blocking response (the runtime is process-wide too).
    pub(crate) fn shared(handle: &Handle) -> Arc<dyn BlockingDriver> {
        static DRIVER: OnceLock<Arc<dyn BlockingDriver>> = OnceLock::new();
        Arc::clone(DRIVER.get_or_init(|| {
            Arc::new(CallerThreadDriver {
                handle: handle.clone(),
            })
        }))
    }
}

impl BlockingDriver for CallerThreadDriver {
    fn wait(&self, poll: &mut dyn FnMut(&mut Context<'_>) -> Poll<()>) -> Result<(), Error> {
        if runtime::on_private_runtime() {
            return Err(runtime::inside_runtime_error());
        }
        // Timers created while polling need the runtime's context.
        let _context = self.handle.enter();
        park::wait(tokio::task::unconstrained(poll_fn(poll)));
        Ok(())
    }
}
