//! Helpers shared by the integration tests.

#![allow(dead_code, unreachable_pub)]

use bytes::Bytes;
use xhttp::Body;

/// A one-shot body of several chunks, produced on another thread so that reading it
/// really waits for each.
pub fn streamed(chunks: Vec<Vec<u8>>) -> Body {
    let (sender, body) = xhttp::body_channel::channel(None);
    std::thread::spawn(move || {
        for chunk in chunks {
            if sender.send(Ok(Bytes::from(chunk))).is_err() {
                return;
            }
        }
    });
    Body::from_stream(body)
}
