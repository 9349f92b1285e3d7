//! What a response remembers of the rest of its logical request: the earlier responses
//! ([`HistoryEntry`], behind `Response::history`) and, for an unfollowed redirect, the
//! request it points to ([`NextRequest`], behind `Response::next_request`).
//!
//! Both are plain values (no live body), so [`ResponseMeta`](crate::ResponseMeta)
//! stays `Clone + Send + Sync`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{StatusCode, Version};

use crate::ErrorKind;
use crate::body::Body;
use crate::context::RequestHead;
use crate::headers::Headers;
use crate::request::Request;

/// An earlier response of a logical request (a redirect hop, an auth challenge), read
/// and closed, its connection released.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    /// The status code.
    pub status: StatusCode,
    /// The HTTP version.
    pub version: Version,
    /// The headers.
    pub headers: Headers,
    /// The body as read; `None` when it was larger than the limit of the layer that
    /// kept it (`xhttp::layers::HISTORY_BODY_LIMIT`): then `content()` on this history
    /// response is an error saying so, never a silently empty body.
    pub content: Option<Bytes>,
    /// The request it answered.
    pub request: Option<Arc<RequestHead>>,
    /// From sending to the end of its body.
    pub elapsed: Option<Duration>,
}

/// The body of a [`NextRequest`]. Its `Debug` shows the length of a body in memory,
/// never its bytes.
#[derive(Clone)]
pub enum NextBody {
    /// No body (the redirect turned the method into `GET`, or there was none).
    Empty,
    /// The original body, in memory.
    Bytes(Bytes),
    /// The original body was a one-shot stream (or a reader) that cannot be sent again:
    /// sending the next request fails with `StreamConsumed`.
    NotReplayable,
}

impl fmt::Debug for NextBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NextBody::Empty => f.write_str("Empty"),
            NextBody::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            NextBody::NotReplayable => f.write_str("NotReplayable"),
        }
    }
}

/// The request an unfollowed redirect points to (httpx's `response.next_request`):
/// method, URL and headers as the redirect rules made them, and the body.
#[derive(Debug, Clone)]
pub struct NextRequest {
    /// Method, URL and headers.
    pub head: Arc<RequestHead>,
    /// The body.
    pub body: NextBody,
}

impl NextRequest {
    /// The request, ready for `client.send(..)`.
    pub fn to_request(&self) -> Request {
        let mut request = Request::new(self.head.method.clone(), self.head.url.clone());
        *request.headers_mut() = self.head.headers.clone();
        request.set_body(match &self.body {
            NextBody::Empty => Body::empty(),
            NextBody::Bytes(bytes) => Body::from_bytes(bytes.clone()),
            NextBody::NotReplayable => Body::failing(
                ErrorKind::StreamConsumed,
                "the redirected request's body was a one-shot stream and was already sent",
            ),
        });
        request
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_body_debug_shows_the_length_not_the_bytes() {
        let body = NextBody::Bytes(Bytes::from_static(b"token=s3cret"));
        let debug = format!("{body:?}");
        assert_eq!(debug, "Bytes(12 bytes)");
        assert!(!debug.contains("s3cret"));
    }
}
