//! How a blocking response waits for its body: polled on the caller's thread, inside the
//! private runtime's context.
//!
//! The body's bytes arrive through hyper's channel from the connection task on the
//! runtime, so the only cross-thread hop is that wake-up; decompression and decoding run
//! on the caller's thread. (A body small enough to come with the response head was read
//! by the caller already, while it drove the connection for the head: see `park`. A
//! body's waits do not borrow the connection: measured, handing it back and forth at
//! every chunk cost 1.5x the CPU per GB of leaving it to its task.) Polling is `unconstrained` so tokio's cooperative budget
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
