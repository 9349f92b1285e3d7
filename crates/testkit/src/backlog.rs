//! A loopback address where `connect` hangs: for connect timeouts without leaving
//! the machine.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use crate::listener;

/// How long a connect attempt may take before the backlog counts as full.
const PROBE: Duration = Duration::from_millis(100);

/// At most this many connections are made to fill the backlog.
const MAX_FILLERS: usize = 16;

/// A loopback listener that never accepts, with its accept queue filled by
/// connections the testkit holds open, so that a further `connect` to
/// [`addr`](FullBacklog::addr) hangs: the kernel drops the SYN of a connection its
/// full queue has no room for, and the client retransmits it (on Linux, for about
/// two minutes) until its own connect timeout fires.
///
/// On Linux a listener with a backlog of 0 queues exactly one connection; the
/// constructor checks that a further connect does not complete within 100 ms, and
/// panics when it cannot make one hang. Nothing is ever accepted, so a
/// `FullBacklog` records no [`ConnectionEvent`](crate::ConnectionEvent)s.
///
/// ```
/// use std::net::TcpStream;
/// use std::time::Duration;
///
/// let hanging = xhttp_testkit::FullBacklog::new();
/// let attempt = TcpStream::connect_timeout(&hanging.addr(), Duration::from_millis(50));
/// assert_eq!(attempt.unwrap_err().kind(), std::io::ErrorKind::TimedOut);
/// ```
#[derive(Debug)]
pub struct FullBacklog {
    listener: TcpListener,
    fillers: Vec<TcpStream>,
}

impl FullBacklog {
    /// A full backlog on `127.0.0.1`.
    ///
    /// # Panics
    /// When no port can be bound, or a connect to it cannot be made to hang.
    pub fn new() -> FullBacklog {
        FullBacklog::on(false)
    }

    /// A full backlog on `::1`.
    ///
    /// # Panics
    /// When no port can be bound, or a connect to it cannot be made to hang.
    pub fn ipv6() -> FullBacklog {
        FullBacklog::on(true)
    }

    fn on(ipv6: bool) -> FullBacklog {
        match FullBacklog::try_on(ipv6) {
            Ok(Some(full)) => full,
            Ok(None) => panic!(
                "testkit: {MAX_FILLERS} connections did not fill a backlog of 0: \
                 connect cannot be made to hang here"
            ),
            Err(error) => panic!("testkit: could not fill a listener's backlog: {error}"),
        }
    }

    fn try_on(ipv6: bool) -> io::Result<Option<FullBacklog>> {
        let listener = listener::bind(listener::loopback(ipv6), None, 0)?;
        let addr = listener.local_addr()?;
        let mut fillers = Vec::new();
        while fillers.len() < MAX_FILLERS {
            match TcpStream::connect_timeout(&addr, PROBE) {
                Ok(stream) => fillers.push(stream),
                Err(error) if error.kind() == io::ErrorKind::TimedOut => {
                    return Ok(Some(FullBacklog { listener, fillers }));
                }
                Err(error) => return Err(error),
            }
        }
        Ok(None)
    }

    /// The address where `connect` hangs.
    pub fn addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|error| panic!("testkit: a bound listener has no address: {error}"))
    }

    /// `http://ADDR` followed by `path_and_query`.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{}", self.addr(), path_and_query)
    }

    /// How many connections fill the queue (1 on Linux).
    pub fn fillers(&self) -> usize {
        self.fillers.len()
    }
}

impl Default for FullBacklog {
    fn default() -> Self {
        FullBacklog::new()
    }
}
