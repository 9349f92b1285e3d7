//! Reading a hop's response into a [`HistoryEntry`], bounded.

use std::pin::pin;
use std::sync::Arc;
use std::time::Instant;

use bytes::{Buf, Bytes, BytesMut};
use http_body_util::BodyExt;
use xhttp_core::{BoxError, Error, HistoryEntry, RequestHead, ResponseMeta};

use super::error::into_error;

/// The most of a redirect's or an auth challenge's body kept in the history. Reading
/// stops past it and the rest is dropped (an HTTP/1.1 connection closes with it): a
/// body without end (or a decompression bomb without a limit) cannot hold up the next
/// hop. Its `content()` in the history is an error saying so.
pub const HISTORY_BODY_LIMIT: usize = 1 << 20;

/// Puts `history` (earlier hops: redirects, auth challenges) in front of the
/// response's own.
pub(crate) fn prepend_history<B>(response: &mut http::Response<B>, mut history: Vec<HistoryEntry>) {
    if history.is_empty() {
        return;
    }
    let meta = meta_mut(response);
    history.append(&mut meta.history);
    meta.history = history;
}

/// Reads `response` (to its end, releasing its connection, unless it is larger than
/// [`HISTORY_BODY_LIMIT`]) and keeps it as history.
/// `head` names its request when the response does not (no `ResponseMeta`).
pub(crate) async fn into_history<B>(
    response: http::Response<B>,
    head: Option<Arc<RequestHead>>,
) -> Result<HistoryEntry, Error>
where
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    let (mut parts, body) = response.into_parts();
    let meta = parts
        .extensions
        .remove::<ResponseMeta>()
        .unwrap_or_default();
    let content = read_bounded(body, HISTORY_BODY_LIMIT).await?;
    Ok(HistoryEntry {
        status: parts.status,
        version: parts.version,
        headers: parts.headers.into(),
        content,
        request: meta.request.or(head),
        elapsed: meta.started.map(|started| Instant::now() - started),
    })
}

/// The body's bytes, or `None` as soon as it holds more than `limit` (the rest unread).
pub(super) async fn read_bounded<B>(body: B, limit: usize) -> Result<Option<Bytes>, Error>
where
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    let mut body = pin!(body);
    let mut out = BytesMut::new();
    while let Some(frame) = body.as_mut().frame().await {
        let Ok(mut data) = frame.map_err(into_error)?.into_data() else {
            continue;
        };
        if out.len().saturating_add(data.remaining()) > limit {
            return Ok(None);
        }
        while data.has_remaining() {
            let chunk = data.chunk();
            let length = chunk.len();
            out.extend_from_slice(chunk);
            data.advance(length);
        }
    }
    Ok(Some(out.freeze()))
}

/// The response's metadata, inserted when it has none.
pub(crate) fn meta_mut<B>(response: &mut http::Response<B>) -> &mut ResponseMeta {
    response
        .extensions_mut()
        .get_or_insert_default::<ResponseMeta>()
}
