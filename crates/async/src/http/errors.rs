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

/// Maps a hyper error met in `phase`.
pub(crate) fn map(error: hyper::Error, phase: Phase) -> Error {
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
        match (kind, phase) {
            (std::io::ErrorKind::UnexpectedEof, Phase::Request) => (
                ErrorKind::RemoteProtocol,
                "server disconnected without sending a response",
            ),
            (std::io::ErrorKind::UnexpectedEof, Phase::Body) => (
                ErrorKind::RemoteProtocol,
                "server disconnected before the response body was complete",
            ),
            (std::io::ErrorKind::TimedOut, _) => {
                (ErrorKind::ReadTimeout, "the connection timed out")
            }
            (std::io::ErrorKind::BrokenPipe, _) => (ErrorKind::Write, "the connection failed"),
            _ => (ErrorKind::Read, "the connection failed"),
        }
    } else if let Some(h2) = h2_error(&error) {
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
        } else if h2.is_remote() {
            (
                ErrorKind::RemoteProtocol,
                "the server reset the HTTP/2 stream",
            )
        } else {
            (ErrorKind::LocalProtocol, "the HTTP/2 stream failed")
        }
    } else {
        (ErrorKind::RemoteProtocol, "the exchange failed")
    };
    Error::new(kind).with_message(message).with_source(error)
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

/// Whether an HTTP/2 failure says the server did not process the stream: REFUSED_STREAM,
/// or a GOAWAY (hyper fails the streams the server will not process).
pub(crate) fn is_refused(error: &hyper::Error) -> bool {
    h2_error(error)
        .is_some_and(|h2| h2.is_go_away() || h2.reason() == Some(h2::Reason::REFUSED_STREAM))
}
