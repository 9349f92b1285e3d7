//! The modes that read and never answer: [`Behavior::NeverAnswer`] and
//! [`Behavior::StallUpload`](super::Behavior::StallUpload).

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncRead, AsyncReadExt};

use super::head::{self, MAX_HEAD};
use crate::events::{ConnectionEvent, ConnectionId, EventLog};

/// Reads until the end of the first request head; records it and returns the bytes
/// read so far, or `None` when the client closed (or failed) first or the head is
/// too long.
async fn read_head<I: AsyncRead + Unpin>(
    io: &mut I,
    id: ConnectionId,
    events: &EventLog,
) -> Option<Vec<u8>> {
    let mut buffer = Vec::new();
    let mut chunk = [0; 4096];
    while buffer.len() < MAX_HEAD {
        let read = io.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(len) = head::head_len(&buffer) {
            if let Some((method, target)) = head::request_line(&buffer[..len]) {
                events.push(ConnectionEvent::RequestRead { id, method, target });
            }
            return Some(buffer);
        }
    }
    None
}

/// [`Behavior::NeverAnswer`](super::Behavior::NeverAnswer): reads the request and
/// discards everything after it until the client closes, counting the request in
/// `read`.
pub(crate) async fn never_answer<I: AsyncRead + Unpin>(
    mut io: I,
    id: ConnectionId,
    events: &EventLog,
    read: &AtomicUsize,
) {
    if read_head(&mut io, id, events).await.is_some() {
        read.fetch_add(1, Ordering::SeqCst);
    }
    let mut chunk = [0; 16 * 1024];
    // Ends when the client closes the connection (or the server stops).
    while let Ok(count) = io.read(&mut chunk).await {
        if count == 0 {
            break;
        }
    }
}

/// [`Behavior::StallUpload`](super::Behavior::StallUpload): reads the request head
/// and then nothing, holding the connection until the server stops; counts the
/// request in `read`.
pub(crate) async fn stall_upload<I: AsyncRead + Unpin>(
    mut io: I,
    id: ConnectionId,
    events: &EventLog,
    read: &AtomicUsize,
) {
    if read_head(&mut io, id, events).await.is_some() {
        read.fetch_add(1, Ordering::SeqCst);
        std::future::pending::<()>().await;
    }
}
