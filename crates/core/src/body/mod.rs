//! [`Body`]: what a request or response carries.

mod encoded;
mod form;
mod json;
mod limit;
mod reader;
pub(crate) mod segment;

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use sync_wrapper::SyncWrapper;

use crate::{BoxError, Error, ErrorKind};

pub use encoded::DecodeFn;
use encoded::Encoded;
pub(crate) use form::{decode_pairs, query_pairs};
pub use form::{encode_form, form_pairs};
pub use json::encode_json;
pub use limit::{body_too_large, format_size};
pub use reader::{READ_CHUNK, ReaderBody};
use segment::Segment;

type DynBody = Pin<Box<dyn http_body::Body<Data = Bytes, Error = BoxError> + Send>>;

/// The body of a request or a response.
///
/// * empty, or bytes in memory: **replayable** ([`try_clone`](Body::try_clone) gives a
///   copy, so redirects, auth flows and retries can send it again);
/// * a stream (any [`http_body::Body`]): **one-shot**; sending it twice is a
///   `StreamConsumed` error, never a silently empty body;
/// * a [`std::io::Read`] (one-shot too), which the client reads off the runtime: on the
///   caller's thread for the blocking client, with `spawn_blocking` for the async one;
/// * a file ([`from_file`](Body::from_file)), opened and read by the client the same
///   way when the body is sent, so a regular file is **replayable** (a pipe or a device
///   is one-shot); multipart bodies are sequences of such pieces (bytes, files,
///   readers).
///
/// The length is exact when known (sent as `Content-Length`); otherwise the body is
/// sent chunked.
///
/// ```
/// use xhttp_core::Body;
///
/// let body = Body::from("hello");
/// assert_eq!(body.content_length(), Some(5));
/// assert!(body.try_clone().is_some());
/// ```
pub struct Body {
    kind: Kind,
}

enum Kind {
    Empty,
    Full(Option<Bytes>, Bytes),
    /// A stream, its length when known and the data bytes it gave so far (held to the
    /// length: counted only when there is one).
    Stream(SyncWrapper<DynBody>, Option<u64>, u64),
    Reader(Option<ReaderBody>),
    Encoded(Box<Encoded>),
}

impl Body {
    /// A body with no bytes.
    pub const fn empty() -> Body {
        Body { kind: Kind::Empty }
    }

    /// A replayable body holding `bytes`.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Body {
        let bytes = bytes.into();
        if bytes.is_empty() {
            return Body::empty();
        }
        Body {
            kind: Kind::Full(Some(bytes.clone()), bytes),
        }
    }

    /// A one-shot body streamed from any [`http_body::Body`] (a hyper `Incoming`, a
    /// channel, another crate's body...).
    ///
    /// An error of type [`Error`] passes through unchanged; any other is reported as a
    /// [`ErrorKind::Read`] error with it as the source.
    pub fn from_stream<B>(body: B) -> Body
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        use http_body_util::BodyExt;
        Body {
            kind: Kind::Stream(
                SyncWrapper::new(Box::pin(body.map_err(Into::into))),
                None,
                0,
            ),
        }
    }

    /// A one-shot body streamed from `body`, which holds exactly `length` bytes: sent
    /// with `Content-Length` instead of chunked. A stream that then ends early, or whose
    /// frame runs past `length`, fails the request with a [`ErrorKind::LocalProtocol`]
    /// error (the length was already announced). Once `length` bytes came the body is
    /// at its end: the stream is not polled again, so what it would give after is
    /// never read or sent.
    ///
    /// ```
    /// use xhttp_core::Body;
    ///
    /// let stream = http_body_util::Full::new(bytes::Bytes::from("abc"));
    /// assert_eq!(Body::from_stream_with_length(stream, 3).content_length(), Some(3));
    /// ```
    pub fn from_stream_with_length<B>(body: B, length: u64) -> Body
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let mut stream = Body::from_stream(body);
        stream.declare_length(length);
        stream
    }

    /// Gives a stream or reader body of unknown length the `length` a caller's
    /// `Content-Length` header declared, which it is then held to; any other body is
    /// left as it is.
    pub(crate) fn declare_length(&mut self, length: u64) {
        match &mut self.kind {
            Kind::Stream(_, known @ None, _) => *known = Some(length),
            Kind::Reader(Some(reader)) => reader.declare_length(length),
            _ => {}
        }
    }

    /// A body sending the file at `path`, read by the client when the body is sent
    /// (never on an async runtime's worker thread). For a regular file the body is
    /// replayable: each send opens the file again.
    ///
    /// Its size is read now (a `stat`, not a read) and sent as `Content-Length`; a
    /// file whose size is different when it is sent fails the request. A pipe or a
    /// device has no size: it is sent chunked, and once only (one-shot, like a reader:
    /// opened again it would give other bytes).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidBody`] when the path does not exist, cannot be read or is a
    /// directory.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Body, Error> {
        Ok(Body::from_segments(vec![Segment::file(path.as_ref())?]))
    }

    /// A body made of `segments` in order: in memory when they all are, else a reader
    /// body walked by the client.
    pub(crate) fn from_segments(segments: Vec<Segment>) -> Body {
        if segments
            .iter()
            .all(|segment| matches!(segment, Segment::Bytes(_)))
        {
            let mut all = Vec::new();
            for segment in &segments {
                if let Segment::Bytes(bytes) = segment {
                    all.extend_from_slice(bytes);
                }
            }
            return Body::from_bytes(all);
        }
        Body {
            kind: Kind::Reader(Some(ReaderBody::from_segments(segments))),
        }
    }

    /// A one-shot body read from `reader`, `length` bytes long when known (then sent
    /// with `Content-Length`, otherwise chunked).
    ///
    /// The reader is never read on a runtime worker thread: the blocking client reads
    /// it on the caller's thread, the async client on tokio's blocking pool.
    pub fn from_reader(reader: impl Read + Send + 'static, length: Option<u64>) -> Body {
        Body {
            kind: Kind::Reader(Some(ReaderBody::new(Box::new(reader), length))),
        }
    }

    /// A copy of the body for sending again, if it is replayable (empty, in memory,
    /// regular files, or multipart made of those); `None` for streams, readers, pipes
    /// and devices.
    pub fn try_clone(&self) -> Option<Body> {
        match &self.kind {
            Kind::Empty => Some(Body::empty()),
            Kind::Full(_, all) => Some(Body::from_bytes(all.clone())),
            Kind::Reader(Some(reader)) => Some(Body {
                kind: Kind::Reader(Some(reader.try_clone()?)),
            }),
            Kind::Stream(..) | Kind::Reader(None) | Kind::Encoded(_) => None,
        }
    }

    /// Whether [`try_clone`](Body::try_clone) would give a copy.
    pub fn is_replayable(&self) -> bool {
        match &self.kind {
            Kind::Empty | Kind::Full(..) => true,
            Kind::Reader(Some(reader)) => reader.is_replayable(),
            Kind::Stream(..) | Kind::Reader(None) | Kind::Encoded(_) => false,
        }
    }

    /// The whole body when it is in memory (`Some(b"")` when empty).
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.kind {
            Kind::Empty => Some(&[]),
            Kind::Full(_, all) => Some(all),
            Kind::Stream(..) | Kind::Reader(_) | Kind::Encoded(_) => None,
        }
    }

    /// The whole body as shared [`Bytes`] when it is in memory (empty when empty): a
    /// cheap copy, no bytes are copied.
    pub fn bytes(&self) -> Option<Bytes> {
        match &self.kind {
            Kind::Empty => Some(Bytes::new()),
            Kind::Full(_, all) => Some(all.clone()),
            Kind::Stream(..) | Kind::Reader(_) | Kind::Encoded(_) => None,
        }
    }

    /// The exact length in bytes, when known.
    pub fn content_length(&self) -> Option<u64> {
        match &self.kind {
            Kind::Empty => Some(0),
            Kind::Full(_, all) => Some(all.len() as u64),
            Kind::Stream(_, length, _) => *length,
            Kind::Reader(reader) => reader.as_ref().and_then(ReaderBody::length),
            Kind::Encoded(_) => None,
        }
    }

    /// Takes the reader out of a body made by [`from_reader`](Body::from_reader),
    /// [`from_file`](Body::from_file) or a multipart holding files or readers, for the
    /// client to drive on the right thread; `None` for every other body. (Take a
    /// [`try_clone`](Body::try_clone) first to keep a replayable body.)
    ///
    /// For client crates: a reader body that is polled as an `http_body::Body` without
    /// being taken out first fails with an error rather than block the runtime.
    pub fn take_reader(&mut self) -> Option<ReaderBody> {
        match &mut self.kind {
            Kind::Reader(reader) => reader.take(),
            _ => None,
        }
    }

    /// Whether this is a reader body whose reader was not taken out yet.
    pub fn is_reader(&self) -> bool {
        matches!(&self.kind, Kind::Reader(Some(_)))
    }

    /// A response body whose bytes as received (`raw`) still carry content codings,
    /// and `decode`, which turns the raw body into the decoded one. For decompression
    /// layers: the body keeps both views.
    ///
    /// Polled as an `http_body::Body`, it gives the decoded bytes (`decode` runs on the
    /// first poll); [`into_raw`](Body::into_raw) gives the bytes as received and
    /// [`into_decoded`](Body::into_decoded) the decoded body. One-shot, like a stream.
    ///
    /// ```
    /// use xhttp_core::Body;
    ///
    /// let body = Body::encoded(Body::from("ABC"), |raw| raw);
    /// assert!(body.is_encoded());
    /// assert_eq!(body.into_raw().as_bytes(), Some(&b"ABC"[..]));
    /// ```
    pub fn encoded(raw: Body, decode: impl FnOnce(Body) -> Body + Send + 'static) -> Body {
        let decode: DecodeFn = Box::new(decode);
        Body {
            kind: Kind::Encoded(Box::new(Encoded {
                raw,
                decode: SyncWrapper::new(decode),
            })),
        }
    }

    /// Whether this body was made by [`encoded`](Body::encoded) and not polled yet.
    pub fn is_encoded(&self) -> bool {
        matches!(&self.kind, Kind::Encoded(_))
    }

    /// The bytes as received: for an [`encoded`](Body::encoded) body not polled yet,
    /// the raw body (its decoder is dropped); any other body is itself.
    pub fn into_raw(self) -> Body {
        match self.kind {
            Kind::Encoded(encoded) => encoded.raw,
            kind => Body { kind },
        }
    }

    /// The decoded body: for an [`encoded`](Body::encoded) body, its decoder applied to
    /// the raw body; any other body is itself.
    pub fn into_decoded(self) -> Body {
        match self.kind {
            Kind::Encoded(encoded) => encoded.decode(),
            kind => Body { kind },
        }
    }

    /// The raw body and its decoder, for an [`encoded`](Body::encoded) body; `Err` with
    /// the body itself for any other.
    pub fn into_encoded_parts(self) -> Result<(Body, DecodeFn), Body> {
        match self.kind {
            Kind::Encoded(encoded) => Ok((encoded.raw, encoded.decode.into_inner())),
            kind => Err(Body { kind }),
        }
    }
}

impl Default for Body {
    fn default() -> Body {
        Body::empty()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Empty => f.write_str("Body(empty)"),
            Kind::Full(_, all) => write!(f, "Body({} bytes)", all.len()),
            Kind::Stream(_, None, _) => f.write_str("Body(stream)"),
            Kind::Stream(_, Some(length), _) => write!(f, "Body(stream of {length} bytes)"),
            Kind::Reader(Some(reader)) => match reader.length() {
                Some(length) => write!(f, "Body(reader of {length} bytes)"),
                None => f.write_str("Body(reader)"),
            },
            Kind::Reader(None) => f.write_str("Body(reader taken)"),
            Kind::Encoded(encoded) => fmt::Debug::fmt(encoded, f),
        }
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let this = self.get_mut();
        // The first poll starts decoding: the body becomes the decoded one.
        while let Kind::Encoded(_) = this.kind {
            if let Kind::Encoded(encoded) = std::mem::replace(&mut this.kind, Kind::Empty) {
                *this = encoded.decode();
            }
        }
        match &mut this.kind {
            Kind::Empty => Poll::Ready(None),
            Kind::Full(rest, _) => Poll::Ready(rest.take().map(|bytes| Ok(Frame::data(bytes)))),
            Kind::Stream(stream, None, _) => stream
                .get_mut()
                .as_mut()
                .poll_frame(cx)
                .map(|frame| frame.map(|frame| frame.map_err(error_from_box))),
            Kind::Stream(stream, Some(length), seen) => {
                let frame = ready!(stream.get_mut().as_mut().poll_frame(cx));
                Poll::Ready(hold_to_length(frame, *length, seen))
            }
            Kind::Reader(_) => Poll::Ready(Some(Err(Error::new(ErrorKind::LocalProtocol)
                .with_message("a reader body must be driven by a client, not polled directly")))),
            // Replaced above: never reached.
            Kind::Encoded(_) => Poll::Ready(Some(Err(
                Error::new(ErrorKind::Decoding).with_message("an encoded body was not decoded")
            ))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Empty => true,
            Kind::Full(rest, _) => rest.is_none(),
            // A stream of declared length ends at that length: hyper then stops
            // pulling it on HTTP/1.1, and sends END_STREAM on HTTP/2 without waiting
            // for the source to close.
            Kind::Stream(_, Some(length), seen) => seen >= length,
            Kind::Stream(..) | Kind::Reader(_) | Kind::Encoded(_) => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Empty => SizeHint::with_exact(0),
            Kind::Full(rest, _) => {
                SizeHint::with_exact(rest.as_ref().map_or(0, |bytes| bytes.len() as u64))
            }
            // `SyncWrapper` gives no shared access: a stream's own hint is unknown here.
            Kind::Stream(_, Some(length), seen) => {
                SizeHint::with_exact(length.saturating_sub(*seen))
            }
            Kind::Stream(_, None, _) => SizeHint::default(),
            Kind::Reader(reader) => match reader.as_ref().and_then(ReaderBody::length) {
                Some(length) => SizeHint::with_exact(length),
                None => SizeHint::default(),
            },
            // The decoded length is not known before decoding.
            Kind::Encoded(_) => SizeHint::default(),
        }
    }
}

/// A stream's next frame, checked against its announced `length` (`seen`: the data
/// bytes so far): data past the length, or an end before it, is an error instead.
fn hold_to_length(
    frame: Option<Result<Frame<Bytes>, BoxError>>,
    length: u64,
    seen: &mut u64,
) -> Option<Result<Frame<Bytes>, Error>> {
    match frame {
        Some(Ok(frame)) => {
            if let Some(data) = frame.data_ref() {
                *seen = seen.saturating_add(data.len() as u64);
                if *seen > length {
                    return Some(Err(Error::new(ErrorKind::LocalProtocol).with_message(
                        format!(
                            "the body holds more bytes than its declared length of {length} \
                             bytes"
                        ),
                    )));
                }
            }
            Some(Ok(frame))
        }
        Some(Err(error)) => Some(Err(error_from_box(error))),
        None if *seen < length => Some(Err(Error::new(ErrorKind::LocalProtocol).with_message(
            format!(
                "the body ended after {seen} bytes, short of its declared length of {length} \
                 bytes"
            ),
        ))),
        None => None,
    }
}

impl Body {
    /// A body whose first poll fails with a `kind` error saying `message`, then ends:
    /// what stands for a body that is gone (taken, closed, already sent).
    pub(crate) fn failing(kind: ErrorKind, message: &'static str) -> Body {
        Body::from_stream(Failing(Some((kind, message))))
    }
}

/// See [`Body::failing`].
struct Failing(Option<(ErrorKind, &'static str)>);

impl http_body::Body for Failing {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        Poll::Ready(
            self.get_mut()
                .0
                .take()
                .map(|(kind, message)| Err(Error::new(kind).with_message(message))),
        )
    }
}

/// An error from a streamed body as an xhttp [`Error`]: ours pass through unchanged.
pub(crate) fn error_from_box(error: BoxError) -> Error {
    match error.downcast::<Error>() {
        Ok(error) => *error,
        Err(other) => Error::new(ErrorKind::Read).with_source(other),
    }
}

macro_rules! body_from {
    ($($from:ty),*) => {$(
        impl From<$from> for Body {
            fn from(value: $from) -> Body {
                Body::from_bytes(value)
            }
        }
    )*};
}

body_from!(Bytes, Vec<u8>, String, &'static str, &'static [u8]);

/// A file under the temp directory with `contents`, for tests (the caller deletes it).
#[cfg(test)]
pub(crate) fn temp_file(tag: &str, contents: &[u8]) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let path = std::env::temp_dir().join(format!(
        "xhttp-core-{tag}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, contents).expect("a temp file");
    path
}

#[cfg(test)]
mod tests {

    /// A body of the given data frames (taken from the back), always ready.
    struct Frames(Vec<Bytes>);

    impl http_body::Body for Frames {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
            Poll::Ready(self.get_mut().0.pop().map(|data| Ok(Frame::data(data))))
        }
    }

    /// The next data frame of `body`, polled once with a no-op waker (ready streams only).
    fn futures_executor_poll(body: &mut Body) -> Option<Bytes> {
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        match http_body::Body::poll_frame(Pin::new(body), &mut cx) {
            Poll::Ready(Some(Ok(frame))) => frame.into_data().ok(),
            _ => None,
        }
    }
    use super::*;
    use http_body::Body as _;
    use http_body_util::BodyExt;

    fn collect(body: Body) -> Result<Bytes, Error> {
        // Bodies in memory are ready at once: a no-op waker is enough.
        let mut future = std::pin::pin!(body.collect());
        let mut cx = Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(result) => result.map(|collected| collected.to_bytes()),
            Poll::Pending => panic!("an in-memory body must be ready"),
        }
    }

    use std::future::Future;

    #[test]
    fn bytes_are_replayable_and_sent_whole() {
        let body = Body::from("hello");
        let copy = body.try_clone().expect("replayable");
        assert_eq!(collect(body).unwrap(), "hello");
        assert_eq!(collect(copy).unwrap(), "hello");
    }

    #[test]
    fn a_polled_body_still_replays_in_full() {
        let mut body = Body::from("abc");
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let _ = Pin::new(&mut body).poll_frame(&mut cx);
        assert!(body.is_end_stream());
        assert_eq!(collect(body.try_clone().unwrap()).unwrap(), "abc");
    }

    #[test]
    fn empty_bytes_are_the_empty_body() {
        let body = Body::from(Vec::new());
        assert!(body.is_end_stream());
        assert_eq!(body.content_length(), Some(0));
    }

    #[test]
    fn streams_are_one_shot() {
        let body = Body::from_stream(http_body_util::Full::new(Bytes::from("s")));
        assert!(body.try_clone().is_none());
        assert!(!body.is_replayable());
        assert_eq!(collect(body).unwrap(), "s");
    }

    #[test]
    fn stream_errors_become_read_errors_and_ours_pass_through() {
        let io = std::io::Error::other("boom");
        assert_eq!(error_from_box(Box::new(io)).kind(), ErrorKind::Read);
        let ours = Error::new(ErrorKind::Decoding);
        assert_eq!(error_from_box(Box::new(ours)).kind(), ErrorKind::Decoding);
    }

    #[test]
    fn a_reader_body_is_not_polled_directly() {
        let mut body = Body::from_reader(std::io::empty(), Some(0));
        assert_eq!(body.content_length(), Some(0));
        assert!(body.is_reader());
        let mut cx = Context::from_waker(std::task::Waker::noop());
        match Pin::new(&mut body).poll_frame(&mut cx) {
            Poll::Ready(Some(Err(error))) => assert_eq!(error.kind(), ErrorKind::LocalProtocol),
            _ => panic!("expected an error"),
        }
        assert!(body.take_reader().is_some());
        assert!(!body.is_reader());
    }

    #[test]
    fn a_stream_with_a_length_announces_it() {
        let stream = http_body_util::Full::new(Bytes::from("four"));
        let body = Body::from_stream_with_length(stream, 4);
        assert_eq!(body.content_length(), Some(4));
        assert_eq!(body.size_hint().exact(), Some(4));
        assert!(!body.is_replayable());
        assert_eq!(collect(body).unwrap(), "four");
        let unknown = Body::from_stream(http_body_util::Full::new(Bytes::from("x")));
        assert_eq!(unknown.content_length(), None);
    }

    /// A declared length that falls between two frames: the body ends there (hyper
    /// stops pulling; HTTP/2 sends END_STREAM) and the next frame is never read.
    #[test]
    fn a_stream_ends_at_its_declared_length_between_frames() {
        let frames = Frames(vec![Bytes::from("def"), Bytes::from("abc")]);
        let mut body = Body::from_stream_with_length(frames, 3);
        assert!(!http_body::Body::is_end_stream(&body));
        let first = futures_executor_poll(&mut body);
        assert_eq!(first.as_deref(), Some(&b"abc"[..]));
        assert!(http_body::Body::is_end_stream(&body), "at its length");
        assert_eq!(http_body::Body::size_hint(&body).exact(), Some(0));
    }

    #[test]
    fn a_stream_is_held_to_its_declared_length() {
        let long = Body::from_stream_with_length(http_body_util::Full::new(Bytes::from("abcd")), 3);
        let error = collect(long).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::LocalProtocol);
        assert!(
            error
                .to_string()
                .contains("more bytes than its declared length of 3")
        );
        let short = Body::from_stream_with_length(http_body_util::Full::new(Bytes::from("ab")), 3);
        let error = collect(short).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::LocalProtocol);
        assert!(error.to_string().contains("ended after 2 bytes"), "{error}");
        let exact = Body::from_stream_with_length(http_body_util::Full::new(Bytes::from("abc")), 3);
        assert_eq!(collect(exact).unwrap(), "abc");
        // A length declared later (a caller's Content-Length) is held to the same way.
        let mut declared = Body::from_stream(http_body_util::Full::new(Bytes::from("abcd")));
        declared.declare_length(2);
        assert_eq!(declared.content_length(), Some(2));
        assert_eq!(
            collect(declared).unwrap_err().kind(),
            ErrorKind::LocalProtocol
        );
        // A known length is never replaced.
        let mut bytes = Body::from("abc");
        bytes.declare_length(5);
        assert_eq!(bytes.content_length(), Some(3));
    }

    /// Not a regular file: a pipe or a device cannot be read the same way twice.
    #[cfg(unix)]
    #[test]
    fn a_device_or_a_fifo_body_is_one_shot() {
        let body = Body::from_file("/dev/null").unwrap();
        assert_eq!(body.content_length(), None);
        assert!(!body.is_replayable() && body.try_clone().is_none());

        let dir = temp_file("fifo-dir", b"");
        std::fs::remove_file(&dir).unwrap();
        std::fs::create_dir(&dir).unwrap();
        let fifo = dir.join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        let body = Body::from_file(&fifo).unwrap();
        let replayable = body.is_replayable() || body.try_clone().is_some();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(!replayable, "a FIFO body is one-shot");

        let segment = Segment::File {
            path: "/any".into(),
            size: None,
        };
        assert!(!segment.is_replayable() && segment.try_clone().is_none());
    }

    #[test]
    fn a_file_body_is_replayable_and_knows_its_length() {
        let path = temp_file("body", b"file contents");
        let mut body = Body::from_file(&path).unwrap();
        assert_eq!(body.content_length(), Some(13));
        assert!(body.is_replayable() && body.is_reader());
        let mut copy = body.try_clone().expect("a file replays");
        for body in [&mut body, &mut copy] {
            let mut reader = body.take_reader().expect("a reader");
            assert_eq!(reader.read_chunk().unwrap().unwrap(), "file contents");
            assert!(reader.read_chunk().unwrap().is_none());
        }
        assert!(!body.is_replayable() && body.try_clone().is_none());
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_reader_body_is_not_replayable() {
        let body = Body::from_reader(std::io::empty(), None);
        assert!(!body.is_replayable() && body.try_clone().is_none());
    }

    #[test]
    fn segments_all_in_memory_make_a_bytes_body() {
        let body = Body::from_segments(vec![
            Segment::Bytes(Bytes::from("ab")),
            Segment::Bytes(Bytes::from("c")),
        ]);
        assert!(!body.is_reader());
        assert_eq!(body.as_bytes(), Some(&b"abc"[..]));
    }
}
