//! A response body with content codings still to undo: the bytes as received, and how
//! to decode them.
//!
//! A decompression layer does not decode a body itself: it wraps it with
//! [`Body::encoded`](super::Body::encoded), which keeps both views. Polling the body
//! (as any `http_body::Body`) gives the decoded bytes; a `Response` asked for raw
//! bytes (`raw_stream`, `iter_raw`) takes [`Body::into_raw`](super::Body::into_raw)
//! instead, and one asked for decoded bytes counts the received bytes on the way in
//! (`num_bytes_downloaded`).

use std::fmt;

use sync_wrapper::SyncWrapper;

use super::Body;

/// How a body's bytes as received become the decoded ones (given the raw body, the
/// decoded body).
pub type DecodeFn = Box<dyn FnOnce(Body) -> Body + Send>;

/// The raw body and its decoder, not started yet.
pub(crate) struct Encoded {
    pub(crate) raw: Body,
    pub(crate) decode: SyncWrapper<DecodeFn>,
}

impl Encoded {
    /// Starts decoding.
    pub(crate) fn decode(self) -> Body {
        (self.decode.into_inner())(self.raw)
    }
}

impl fmt::Debug for Encoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Body(encoded: {:?})", self.raw)
    }
}
