//! How a test server misbehaves, for the client's timeout, truncation and
//! stale-connection tests.

pub(crate) mod head;
pub(crate) mod paced;
pub(crate) mod raw;
pub(crate) mod silent;

use std::time::Duration;

/// What a server does with each connection beyond answering with its handler.
///
/// Set with [`ServerBuilder::behavior`](crate::ServerBuilder::behavior). Every mode
/// records [`ConnectionEvent`](crate::ConnectionEvent)s: `Opened` and `Closed` always
/// (a connection still held when the server stops is recorded closed then), and
/// `RequestServed` or `RequestRead` for each request it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Behavior {
    /// Answer every request with the handler.
    #[default]
    Normal,
    /// Read the request (and whatever follows it, discarding it) and never answer:
    /// the connection stays open until the client closes it or the server stops.
    /// For read (response) timeouts. Over HTTP/2 the server never even sends its
    /// SETTINGS, so the client's handshake hangs; the `RequestRead` recorded is then
    /// the connection preface (`PRI *`).
    NeverAnswer,
    /// Read the request head only, never read its body, never answer. The listener's
    /// receive buffer is small (4 KiB unless
    /// [`ServerBuilder::recv_buffer_size`](crate::ServerBuilder::recv_buffer_size) says
    /// otherwise), so a large upload stalls once the client's own send buffer is full
    /// too (on loopback that can be a few MiB): for write timeouts. The server cannot
    /// see the client close such a connection: it is recorded closed when the server stops.
    StallUpload,
    /// Send the handler's response head (with the `Content-Length` of its whole body)
    /// and the first `after` bytes of the body, then nothing more, ever. `after` must be
    /// smaller than the body for the client to see a stall.
    StallBody {
        /// How many body bytes to send before stalling.
        after: usize,
    },
    /// Send the handler's response head, then its body one byte at a time, waiting
    /// `every` before each byte (real time, on the server's own runtime).
    Drip {
        /// The pause before each body byte.
        every: Duration,
    },
    /// Send the handler's response head (with the `Content-Length` of its whole body)
    /// and the first `after` bytes of the body, then fail the body: over HTTP/1.1 the
    /// connection is closed, over HTTP/2 the stream is reset.
    Truncate {
        /// How many body bytes to send before giving up.
        after: usize,
    },
    /// Answer the first `answered` requests of each connection with the handler, then
    /// read the next request and close the connection without answering it (0: close
    /// right after reading the first request). For stale-connection tests.
    CloseAfter {
        /// How many requests each connection answers before closing.
        answered: usize,
    },
}
