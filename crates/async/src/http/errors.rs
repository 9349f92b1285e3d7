//! hyper's errors as xhttp errors. hyper's error kind is private: it is read through
//! its predicates and the source chain (`io::Error`, `h2::Error`), which hyper leaves
//! out of semver, hence the pinned minor version and one test per mapping.

use std::error::Error as _;

use xhttp_core::{Error, ErrorKind};

/// Whether the response head had arrived when the error happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Sending the request or waiting for the head.
    Request,
    /// Reading the response body.
    Body,
}

/// An error of ours that travelled through hyper (say, a request body that failed).
fn ours(error: &hyper::Error) -> Option<Error> {
    let mut source = error.source();
    while let Some(next) = source {
        if let Some(ours) = next.downcast_ref::<Error>() {
            let mut copy = Error::new(ours.kind());
            if let Some(message) = ours.message() {
                copy = copy.with_message(message.to_owned());
            }
            return Some(copy);
        }
        source = next.source();
    }
    None
}

fn io_kind(error: &hyper::Error) -> Option<std::io::ErrorKind> {
    let mut source = error.source();
    while let Some(next) = source {
        if let Some(io) = next.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        source = next.source();
    }
    None
}

/// Maps a hyper error met in `phase` (on an HTTP/1.1 connection, or from outside the
/// transport).
pub(crate) fn map(error: hyper::Error, phase: Phase) -> Error {
    map_on(error, phase, false)
}

/// Maps a hyper error met in `phase` on an HTTP/2 connection when `h2`. For a stream
/// failed by its connection's I/O error hyper hands over the `io::Error` itself, not the
/// `h2::Error`: only the caller knows the protocol then. h2 reports a connection that
/// ended under a stream (the server closed it) as `BrokenPipe`.
pub(crate) fn map_on(error: hyper::Error, phase: Phase, h2: bool) -> Error {
    if let Some(ours) = ours(&error) {
        return ours.with_source(error);
    }
    let (kind, message) = if error.is_timeout() {
        (ErrorKind::ReadTimeout, "timed out waiting for the server")
    } else if error.is_parse() || error.is_parse_status() {
        // hyper names the "too large" case only in its message.
        if error.to_string().contains("too large") {
            (
                ErrorKind::RemoteProtocol,
                "the response head is larger than allowed",
            )
        } else {
            (
                ErrorKind::RemoteProtocol,
                "the server sent a malformed response",
            )
        }
    } else if error.is_incomplete_message() {
        disconnected(phase)
    } else if error.is_body_write_aborted() {
        (ErrorKind::Write, "sending the request body was aborted")
    } else if error.is_canceled() || error.is_closed() {
        (
            ErrorKind::RemoteProtocol,
            "the connection closed before the exchange finished",
        )
    } else if error.is_user() {
        (
            ErrorKind::LocalProtocol,
            "the request cannot be sent as it is",
        )
    } else if let Some(kind) = io_kind(&error) {
        io_error(kind, phase, h2)
    } else if let Some(h2) = h2_error(&error) {
        h2_kind(h2, phase)
    } else {
        (ErrorKind::RemoteProtocol, "the exchange failed")
    };
    Error::new(kind).with_message(message).with_source(error)
}

/// The server closed the connection in `phase`.
fn disconnected(phase: Phase) -> (ErrorKind, &'static str) {
    match phase {
        Phase::Request => (
            ErrorKind::RemoteProtocol,
            "server disconnected without sending a response",
        ),
        Phase::Body => (
            ErrorKind::RemoteProtocol,
            "server disconnected before the response body was complete",
        ),
    }
}

/// An I/O error of the connection, on HTTP/2 when `h2`.
fn io_error(kind: std::io::ErrorKind, phase: Phase, h2: bool) -> (ErrorKind, &'static str) {
    match kind {
        std::io::ErrorKind::UnexpectedEof => disconnected(phase),
        // h2's name for "the connection ended under the stream".
        std::io::ErrorKind::BrokenPipe if h2 => disconnected(phase),
        std::io::ErrorKind::TimedOut => (ErrorKind::ReadTimeout, "the connection timed out"),
        std::io::ErrorKind::BrokenPipe => (ErrorKind::Write, "the connection failed"),
        _ => (ErrorKind::Read, "the connection failed"),
    }
}

/// An HTTP/2 error of the stream or of its connection.
fn h2_kind(h2: &h2::Error, phase: Phase) -> (ErrorKind, &'static str) {
    // A response body's error keeps h2's error whole (it has no `source()`), I/O included.
    if let Some(io) = h2.get_io() {
        return io_error(io.kind(), phase, true);
    }
    if h2.is_remote() {
        if h2.is_go_away() {
            (
                ErrorKind::RemoteProtocol,
                "the server closed the HTTP/2 connection (GOAWAY)",
            )
        } else if h2.reason() == Some(h2::Reason::REFUSED_STREAM) {
            (
                ErrorKind::RemoteProtocol,
                "the server refused the HTTP/2 stream",
            )
        } else {
            (
                ErrorKind::RemoteProtocol,
                "the server reset the HTTP/2 stream",
            )
        }
    } else if h2.is_library()
        && !matches!(
            h2.reason(),
            Some(h2::Reason::NO_ERROR | h2::Reason::CANCEL | h2::Reason::INTERNAL_ERROR)
        )
    {
        // h2 found the server's frames broke the protocol (a malformed frame or head,
        // flow control overrun, a header list larger than allowed): the stream or the
        // connection was reset by h2 itself.
        (
            ErrorKind::RemoteProtocol,
            "the server broke the HTTP/2 protocol",
        )
    } else {
        (ErrorKind::LocalProtocol, "the HTTP/2 stream failed")
    }
}

fn h2_error(error: &hyper::Error) -> Option<&h2::Error> {
    let mut source = error.source();
    while let Some(next) = source {
        if let Some(h2) = next.downcast_ref::<h2::Error>() {
            return Some(h2);
        }
        source = next.source();
    }
    None
}

/// How the server said it did not process an HTTP/2 stream (RFC 9113 §8.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// `RST_STREAM` with `REFUSED_STREAM`: the connection stays usable.
    Stream,
    /// A `GOAWAY` whose last stream id is below this stream's (h2 fails only those
    /// streams with the server's GOAWAY; the ones at or below it fail with the
    /// connection's own end): no new streams on this connection.
    GoAway,
}

/// Whether an HTTP/2 failure says the server did not process the stream. Only what the
/// server said counts: a GOAWAY or reset that h2 itself sent (on a malformed frame from
/// the server, say) fails streams the server may have processed.
pub(crate) fn refused(error: &hyper::Error) -> Option<Refused> {
    let h2 = h2_error(error)?;
    if !h2.is_remote() {
        return None;
    }
    if h2.is_go_away() {
        Some(Refused::GoAway)
    } else if h2.is_reset() && h2.reason() == Some(h2::Reason::REFUSED_STREAM) {
        Some(Refused::Stream)
    } else {
        None
    }
}
