//! The reading state of a response body: streaming -> read -> closed.
//!
//! **Raw and decoded views.** A body with content codings arrives as
//! [`Body::encoded`] (the decompression layer's doing): the bytes as received plus
//! their decoder. Nothing is decoded until the body is read: raw iterators take the
//! raw body ([`Body::into_raw`]); reading or decoded iterators run the decoder over the
//! raw body, counting the raw bytes on the way in ([`super::wire::Counted`]), so
//! `num_bytes_downloaded` is always the bytes as received.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use http_body::Body as _;

use super::wire::Counted;
use crate::body::{Body, body_too_large};
use crate::context::ResponseMeta;
use crate::{Error, ErrorKind};

/// Where a response body stands, with the bytes read so far.
#[derive(Debug)]
pub(crate) struct BodyState {
    /// The body still to read; `None` once it ended or was closed.
    body: Option<Body>,
    /// The whole body, once read.
    content: Option<Bytes>,
    /// What `read` gathered so far.
    gathering: Gathering,
    /// An iterator or stream took the body (httpx's `is_stream_consumed`).
    consumed: bool,
    /// The body was closed (or ended).
    closed: bool,
    /// Bytes received from the transport so far (of a body read without decoding).
    downloaded: u64,
    /// Bytes received from the transport so far, counted under the decoder, once an
    /// encoded body started decoding.
    wire: Option<Arc<AtomicU64>>,
    /// The most `read` may gather (the client's `max_response_body`).
    read_limit: Option<u64>,
    /// Bytes discarded by `close` so far.
    drained: usize,
    /// The body was read but deliberately not kept (a history entry over its limit).
    not_kept: bool,
    /// A `read` began decoding the body and has not finished: if it was interrupted
    /// (its future dropped), `gathering` holds bytes no one has seen yet.
    reading: bool,
}

/// What `read` gathered so far: the first chunk as it came, then a buffer once a second
/// one arrives. A body of one large chunk is served as the transport handed it, without
/// a copy; a small one is copied, since the transport's chunk is a slice of its read
/// buffer and would keep all of it alive for as long as the content is held.
#[derive(Debug, Default)]
struct Gathering {
    first: Option<Bytes>,
    rest: BytesMut,
}

impl Gathering {
    fn len(&self) -> usize {
        self.first.as_ref().map_or(0, Bytes::len) + self.rest.len()
    }

    /// Adds `chunk`; `remaining` tells what the body says is left after it (to size the
    /// buffer once: asked only then, at the second chunk), `limit` the most that will be
    /// kept.
    fn push(&mut self, chunk: Bytes, remaining: impl FnOnce() -> Option<u64>, limit: Option<u64>) {
        if self.first.is_none() && self.rest.is_empty() {
            self.first = Some(chunk);
            return;
        }
        if let Some(first) = self.first.take() {
            let expected =
                ((first.len() + chunk.len()) as u64).saturating_add(remaining().unwrap_or(0));
            let capacity = expected.min(limit.unwrap_or(u64::MAX)).min(64 << 20);
            self.rest.reserve(usize::try_from(capacity).unwrap_or(0));
            self.rest.extend_from_slice(&first);
        }
        self.rest.extend_from_slice(&chunk);
    }

    fn into_bytes(self) -> Bytes {
        match self.first {
            Some(first) if first.len() < KEEP_AS_IS => Bytes::copy_from_slice(&first),
            Some(first) => first,
            None => self.rest.freeze(),
        }
    }
}

/// The smallest single chunk served without a copy: hyper's read buffers start at 8 KiB,
/// so a chunk this large keeps at most a few times its size alive.
const KEEP_AS_IS: usize = 4096;

/// How much of an unread body `close()` reads to keep the connection: 64 KiB.
pub(crate) const DRAIN_LIMIT: usize = 64 * 1024;

/// Where a body iterator starts.
#[derive(Debug)]
pub(crate) enum Start {
    /// The body was read: these bytes are all of it.
    Memory(Bytes),
    /// From the wire, after these bytes an interrupted `read` gathered (if any).
    Wire(Option<Bytes>),
}

/// What a body iterator asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Take {
    /// Decoded bytes: a body already read is served from memory.
    Decoded,
    /// Bytes as received: only from a body not yet read.
    Raw,
}

impl BodyState {
    pub(crate) fn new(body: Body) -> BodyState {
        BodyState {
            body: Some(body),
            content: None,
            gathering: Gathering::default(),
            consumed: false,
            closed: false,
            downloaded: 0,
            wire: None,
            read_limit: None,
            drained: 0,
            not_kept: false,
            reading: false,
        }
    }

    /// A body already read in full by a layer, which took `received` bytes on the wire
    /// (its length when `None`).
    pub(crate) fn read_received(content: Bytes, received: Option<u64>) -> BodyState {
        let mut state = BodyState::read(content);
        if let Some(received) = received {
            state.downloaded = received;
        }
        state
    }

    /// A body already read in full.
    pub(crate) fn read(content: Bytes) -> BodyState {
        BodyState {
            body: None,
            downloaded: content.len() as u64,
            content: Some(content),
            gathering: Gathering::default(),
            consumed: true,
            closed: true,
            wire: None,
            read_limit: None,
            drained: 0,
            not_kept: false,
            reading: false,
        }
    }

    /// A body that was read but not kept (a history entry over its limit).
    pub(crate) fn not_kept() -> BodyState {
        BodyState {
            not_kept: true,
            ..BodyState::read(Bytes::new())
        }
        .without_content()
    }

    fn without_content(mut self) -> BodyState {
        self.content = None;
        self
    }

    /// Whether the body was read but deliberately not kept.
    pub(crate) fn is_not_kept(&self) -> bool {
        self.not_kept
    }

    pub(crate) fn content(&self) -> Option<&Bytes> {
        self.content.as_ref()
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed
    }

    pub(crate) fn is_consumed(&self) -> bool {
        self.consumed
    }

    pub(crate) fn downloaded(&self) -> u64 {
        match &self.wire {
            Some(wire) => wire.load(Ordering::Relaxed),
            None => self.downloaded,
        }
    }

    pub(crate) fn read_limit(&self) -> Option<u64> {
        self.read_limit
    }

    pub(crate) fn set_read_limit(&mut self, limit: Option<u64>) {
        self.read_limit = limit;
    }

    /// Chooses the view of an encoded body before its first byte is read: the bytes as
    /// received, or the decoder over them with the received bytes counted. Idempotent.
    fn prepare(&mut self, take: Take) {
        if !self.body.as_ref().is_some_and(Body::is_encoded) {
            return;
        }
        let Some(body) = self.body.take() else {
            return;
        };
        self.body = Some(match take {
            Take::Raw => body.into_raw(),
            Take::Decoded => match body.into_encoded_parts() {
                Ok((raw, decode)) => {
                    let wire = Arc::new(AtomicU64::new(self.downloaded));
                    self.wire = Some(Arc::clone(&wire));
                    decode(Body::from_stream(Counted::new(raw, wire)))
                }
                Err(plain) => plain,
            },
        });
    }

    /// Gives back the body, for turning the response into its in-flight form: a read
    /// body in memory, an untouched one as it is. A body taken by an iterator (in part
    /// or whole, decoded or raw) or closed before it was read becomes a body whose first
    /// poll fails with `StreamConsumed` or `StreamClosed` (httpx's errors for reading
    /// such a response again): what is left of it must not pass for the whole body.
    pub(crate) fn into_body(self) -> Body {
        if let Some(content) = self.content {
            return Body::from_bytes(content);
        }
        if self.not_kept {
            return Body::failing(
                ErrorKind::ResponseNotRead,
                "this earlier response's body was larger than the history keeps and was not kept",
            );
        }
        if self.consumed || self.took_part() {
            return Body::failing(
                ErrorKind::StreamConsumed,
                "the response body was already streamed (by an event hook or a layer) before \
                 the response was handed on; read() it there to keep it",
            );
        }
        if self.closed {
            return Body::failing(
                ErrorKind::StreamClosed,
                "the response body was closed (by an event hook or a layer) before it was read",
            );
        }
        self.body.unwrap_or_else(Body::empty)
    }

    /// Starts an iterator over the body: from memory when the body was read already;
    /// otherwise from the wire, after what an interrupted `read` gathered (a raw
    /// iterator cannot follow such a read, whose bytes are decoded: `StreamConsumed`).
    pub(crate) fn start(&mut self, take: Take) -> Result<Start, Error> {
        if let (Some(content), Take::Decoded) = (&self.content, take) {
            return Ok(Start::Memory(content.clone()));
        }
        self.check_unconsumed()?;
        if self.took_part() && take == Take::Raw {
            return Err(Error::new(ErrorKind::StreamConsumed).with_message(
                "an interrupted read() already decoded part of the response body; \
                 read() again or use a decoded iterator",
            ));
        }
        self.consumed = true;
        self.prepare(take);
        let gathered = std::mem::take(&mut self.gathering);
        self.reading = false;
        Ok(Start::Wire(
            (gathered.len() > 0).then(|| gathered.into_bytes()),
        ))
    }

    /// An interrupted `read` took part of the body: bytes it gathered, or the decoded
    /// view it chose (the raw bytes are no longer there). Interrupted before anything
    /// came of a plain body, it took nothing.
    fn took_part(&self) -> bool {
        self.reading && (self.gathering.len() > 0 || self.wire.is_some())
    }

    fn check_unconsumed(&self) -> Result<(), Error> {
        if self.consumed {
            return Err(Error::new(ErrorKind::StreamConsumed).with_message(
                "the response body was already streamed or read; read() before iterating to keep it",
            ));
        }
        if self.closed {
            return Err(Error::new(ErrorKind::StreamClosed)
                .with_message("the response body was closed before it was read"));
        }
        Ok(())
    }

    /// The next chunk as received; `None` at the end of the body.
    pub(crate) fn poll_chunk(
        &mut self,
        cx: &mut Context<'_>,
        meta: &mut ResponseMeta,
    ) -> Poll<Option<Result<Bytes, Error>>> {
        loop {
            let Some(body) = self.body.as_mut() else {
                return Poll::Ready(None);
            };
            match ready!(Pin::new(body).poll_frame(cx)) {
                Some(Ok(frame)) => {
                    // Trailers carry no body bytes.
                    if let Ok(data) = frame.into_data() {
                        self.downloaded += data.len() as u64;
                        return Poll::Ready(Some(Ok(data)));
                    }
                }
                Some(Err(error)) => {
                    self.finish(meta);
                    return Poll::Ready(Some(Err(error)));
                }
                None => {
                    self.finish(meta);
                    return Poll::Ready(None);
                }
            }
        }
    }

    /// Reads the whole body (or serves it again once read).
    pub(crate) fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        meta: &mut ResponseMeta,
    ) -> Poll<Result<Bytes, Error>> {
        if let Some(content) = &self.content {
            return Poll::Ready(Ok(content.clone()));
        }
        self.check_unconsumed()?;
        self.prepare(Take::Decoded);
        // Until this read ends, a later read resumes it and an iterator serves what it
        // gathered first (the future may be dropped at any `Pending`).
        self.reading = true;
        while let Some(chunk) = ready!(self.poll_chunk(cx, meta)) {
            match chunk {
                Ok(chunk) => {
                    let total = (self.gathering.len() + chunk.len()) as u64;
                    if let Some(limit) = self.read_limit.filter(|limit| total > *limit) {
                        self.gathering = Gathering::default();
                        self.reading = false;
                        self.finish(meta);
                        return Poll::Ready(Err(body_too_large(
                            "response body",
                            limit,
                            "max_response_body",
                        )));
                    }
                    let body = self.body.as_ref();
                    let rest = || body.and_then(|b| http_body::Body::size_hint(b).exact());
                    self.gathering.push(chunk, rest, self.read_limit);
                }
                Err(error) => {
                    self.gathering = Gathering::default();
                    self.reading = false;
                    return Poll::Ready(Err(error));
                }
            }
        }
        let content = std::mem::take(&mut self.gathering).into_bytes();
        self.content = Some(content.clone());
        self.consumed = true;
        self.reading = false;
        Poll::Ready(Ok(content))
    }

    /// Reads and discards what is left of an unread body, up to [`DRAIN_LIMIT`] bytes, so
    /// that a short rest lets the connection be reused; ready once the body ended or the
    /// limit was passed (then [`close`](BodyState::close) drops the rest). Each wait is
    /// bounded by the transport's read timeout.
    pub(crate) fn poll_drain(&mut self, cx: &mut Context<'_>, meta: &mut ResponseMeta) -> Poll<()> {
        if self.closed || self.consumed {
            return Poll::Ready(());
        }
        // What is discarded need not be decoded.
        self.prepare(Take::Raw);
        while self.drained < DRAIN_LIMIT {
            match ready!(self.poll_chunk(cx, meta)) {
                Some(Ok(chunk)) => self.drained += chunk.len(),
                Some(Err(_)) | None => return Poll::Ready(()),
            }
        }
        Poll::Ready(())
    }

    /// Closes the body: an unread rest is dropped (which closes an HTTP/1.1 connection
    /// or resets an HTTP/2 stream). Idempotent.
    pub(crate) fn close(&mut self, meta: &mut ResponseMeta) {
        if !self.closed {
            self.finish(meta);
        }
        // What an interrupted read gathered goes with the body.
        self.gathering = Gathering::default();
        self.reading = false;
    }

    fn finish(&mut self, meta: &mut ResponseMeta) {
        self.body = None;
        self.closed = true;
        let now = Instant::now();
        if meta.elapsed.is_none() {
            meta.elapsed = meta.started.map(|started| now - started);
        }
        meta.timings.mark_body_end(now, meta.started);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};

    use bytes::Bytes;

    use http_body::Body as _;

    use super::{BodyState, Gathering, Start, Take};
    use crate::body::Body;
    use crate::context::ResponseMeta;
    use crate::{Error, ErrorKind};

    /// A body of `"abc"`, then one `Pending` (where a timeout drops the read), then `"def"`.
    struct Stalling(VecDeque<Option<&'static [u8]>>);

    impl http_body::Body for Stalling {
        type Data = Bytes;
        type Error = Error;

        fn poll_frame(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<http_body::Frame<Bytes>, Error>>> {
            match self.get_mut().0.pop_front() {
                Some(Some(data)) => {
                    Poll::Ready(Some(Ok(http_body::Frame::data(Bytes::from_static(data)))))
                }
                Some(None) => {
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
                None => Poll::Ready(None),
            }
        }
    }

    /// A state whose `read` was interrupted after `"abc"`.
    fn interrupted(meta: &mut ResponseMeta) -> BodyState {
        let body = Stalling(VecDeque::from([Some(&b"abc"[..]), None, Some(&b"def"[..])]));
        let mut state = BodyState::new(Body::from_stream(body));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(state.poll_read(&mut cx, meta).is_pending());
        state
    }

    fn drain(state: &mut BodyState, meta: &mut ResponseMeta, mut out: Vec<u8>) -> Vec<u8> {
        let mut cx = Context::from_waker(Waker::noop());
        while let Poll::Ready(Some(chunk)) = state.poll_chunk(&mut cx, meta) {
            out.extend_from_slice(&chunk.unwrap());
        }
        out
    }

    #[test]
    fn a_stream_after_an_interrupted_read_serves_the_gathered_bytes_first() {
        let mut meta = ResponseMeta::default();
        let mut state = interrupted(&mut meta);
        let Ok(Start::Wire(Some(gathered))) = state.start(Take::Decoded) else {
            panic!("the interrupted read's bytes are served first");
        };
        assert_eq!(drain(&mut state, &mut meta, gathered.to_vec()), b"abcdef");
        assert!(state.is_consumed());
    }

    #[test]
    fn a_read_after_an_interrupted_read_gets_the_whole_body() {
        let mut meta = ResponseMeta::default();
        let mut state = interrupted(&mut meta);
        let mut cx = Context::from_waker(Waker::noop());
        let Poll::Ready(Ok(content)) = state.poll_read(&mut cx, &mut meta) else {
            panic!("the read resumes");
        };
        assert_eq!(content, Bytes::from_static(b"abcdef"));
    }

    #[test]
    fn a_raw_stream_or_hand_on_after_an_interrupted_read_is_consumed() {
        let mut meta = ResponseMeta::default();
        let mut state = interrupted(&mut meta);
        let error = state.start(Take::Raw).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::StreamConsumed);

        let mut body = interrupted(&mut meta).into_body();
        let mut cx = Context::from_waker(Waker::noop());
        let Poll::Ready(Some(Err(error))) = Pin::new(&mut body).poll_frame(&mut cx) else {
            panic!("the rest must not pass for the whole body");
        };
        assert_eq!(error.kind(), ErrorKind::StreamConsumed);
    }

    /// A read interrupted before any byte came took nothing: the body may still be
    /// streamed raw or handed on whole.
    #[test]
    fn a_read_interrupted_before_any_byte_took_nothing() {
        let mut meta = ResponseMeta::default();
        let stalled = || {
            let body = Stalling(VecDeque::from([None, Some(&b"abc"[..])]));
            BodyState::new(Body::from_stream(body))
        };
        let mut cx = Context::from_waker(Waker::noop());
        let mut state = stalled();
        assert!(state.poll_read(&mut cx, &mut meta).is_pending());
        assert!(matches!(state.start(Take::Raw), Ok(Start::Wire(None))));

        let mut state = stalled();
        assert!(state.poll_read(&mut cx, &mut meta).is_pending());
        let mut body = state.into_body();
        let Poll::Ready(Some(Ok(frame))) = Pin::new(&mut body).poll_frame(&mut cx) else {
            panic!("the body itself, whole");
        };
        assert_eq!(frame.into_data().ok().as_deref(), Some(&b"abc"[..]));
    }

    #[test]
    fn a_body_of_one_large_chunk_is_served_as_it_came() {
        let chunk = Bytes::from(vec![b'x'; 8192]);
        let mut gathering = Gathering::default();
        gathering.push(chunk.clone(), || Some(0), None);
        assert_eq!(gathering.len(), 8192);
        let content = gathering.into_bytes();
        assert_eq!(content.as_ptr(), chunk.as_ptr(), "no copy");
    }

    #[test]
    fn a_small_chunk_is_copied_and_does_not_keep_its_buffer() {
        let buffer = Bytes::from(vec![b'x'; 8192]);
        let chunk = buffer.slice(0..100);
        let mut gathering = Gathering::default();
        gathering.push(chunk.clone(), || Some(0), None);
        let content = gathering.into_bytes();
        assert_eq!(content, chunk);
        assert_ne!(content.as_ptr(), chunk.as_ptr(), "a copy of its own");
    }

    #[test]
    fn chunks_are_joined_in_order() {
        let mut gathering = Gathering::default();
        gathering.push(Bytes::from_static(b"ab"), || Some(4), None);
        gathering.push(Bytes::from_static(b"cd"), || Some(2), None);
        gathering.push(Bytes::from_static(b"ef"), || Some(0), None);
        assert_eq!(gathering.len(), 6);
        assert_eq!(gathering.into_bytes(), Bytes::from_static(b"abcdef"));
        assert_eq!(Gathering::default().into_bytes(), Bytes::new());
    }
}
