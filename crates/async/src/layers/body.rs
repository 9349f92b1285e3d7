//! [`ReplayBody`]: what the layers need of a request body to send it again.

use bytes::Bytes;
use xhttp_core::Body;

/// A request body the layers can replay (a 307/308 redirect, an auth retry) or drop (a
/// redirect that turns the method into `GET`).
///
/// Implemented for [`xhttp::Body`](Body) and for `http_body_util`'s `Full<Bytes>` and
/// `Empty<Bytes>`, the bodies a hyper-util client is usually used with. Implement it for
/// your own body type to use the layers with it.
pub trait ReplayBody: Sized {
    /// A copy for sending again; `None` for a one-shot body (a stream).
    fn try_clone(&self) -> Option<Self>;

    /// An empty body.
    fn empty() -> Self;

    /// The whole body when it is in memory (cheap: `Bytes` are shared); `None` for a
    /// stream or a body read lazily (a file).
    fn bytes(&self) -> Option<Bytes> {
        None
    }

    /// A body holding `bytes` (for an auth that needs the request body in memory);
    /// `None` when the type cannot hold bytes.
    fn from_bytes(bytes: Bytes) -> Option<Self> {
        let _ = bytes;
        None
    }

    /// The body made readable by polling, for a layer that reads it (a file or reader
    /// body is read off the runtime's workers); the default is the body itself.
    fn readable(self) -> Self {
        self
    }
}

impl ReplayBody for Body {
    fn try_clone(&self) -> Option<Body> {
        Body::try_clone(self)
    }

    fn empty() -> Body {
        Body::empty()
    }

    fn bytes(&self) -> Option<Bytes> {
        Body::bytes(self)
    }

    fn from_bytes(bytes: Bytes) -> Option<Body> {
        Some(Body::from_bytes(bytes))
    }

    fn readable(mut self) -> Body {
        crate::body_channel::read_off_runtime(&mut self);
        self
    }
}

impl ReplayBody for http_body_util::Full<Bytes> {
    fn try_clone(&self) -> Option<Self> {
        Some(self.clone())
    }

    fn empty() -> Self {
        http_body_util::Full::new(Bytes::new())
    }

    fn from_bytes(bytes: Bytes) -> Option<Self> {
        Some(http_body_util::Full::new(bytes))
    }
}

impl ReplayBody for http_body_util::Empty<Bytes> {
    fn try_clone(&self) -> Option<Self> {
        Some(http_body_util::Empty::new())
    }

    fn empty() -> Self {
        http_body_util::Empty::new()
    }

    fn bytes(&self) -> Option<Bytes> {
        Some(Bytes::new())
    }
}
