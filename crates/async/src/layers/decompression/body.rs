//! [`DecodedBody`]: the decoded bytes of a raw body, codings undone in reverse order.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use http_body::Frame;
use tokio::io::{AsyncBufRead, AsyncRead, BufReader, ReadBuf};
use xhttp_core::body::body_too_large;
use xhttp_core::{Body, Error, ErrorKind};

use super::codings::Coding;
use super::limited::Limited;
use super::reader::BodyReader;

/// A decoder's input: the raw body, or the decoder of the coding applied before.
pub(crate) type Input = Box<dyn AsyncBufRead + Send + Unpin>;
/// A decoder.
pub(crate) type Output = Box<dyn AsyncRead + Send + Unpin>;

/// The most decoded bytes produced per frame.
const CHUNK: usize = 8 * 1024;

/// The decoded body: waits for the first raw bytes (an empty body stays empty, with
/// no decoder), then runs the chain of decoders, counting what it produces against
/// the optional limit.
pub(crate) struct DecodedBody {
    state: State,
    /// The codings in the order they were applied (as listed).
    codings: Vec<Coding>,
    decoded: u64,
    limit: Option<u64>,
    buffer: Vec<u8>,
}

enum State {
    Start(Body),
    Decoding(Output),
    Done,
}

impl DecodedBody {
    pub(crate) fn new(raw: Body, codings: Vec<Coding>, limit: Option<u64>) -> DecodedBody {
        DecodedBody {
            state: State::Start(raw),
            codings,
            decoded: 0,
            limit,
            buffer: Vec::new(),
        }
    }

    /// The `Content-Encoding` list, for messages.
    fn listed(&self) -> String {
        let names: Vec<&str> = self.codings.iter().map(|coding| coding.name()).collect();
        names.join(", ")
    }

    /// A decoder's error as an xhttp error: a body error passes through unchanged,
    /// anything else is a `Decoding` error.
    fn error(&self, error: io::Error) -> Error {
        if error.get_ref().is_some_and(|inner| inner.is::<Error>()) {
            if let Some(inner) = error.into_inner() {
                if let Ok(ours) = inner.downcast::<Error>() {
                    return *ours;
                }
            }
            return Error::new(ErrorKind::Read);
        }
        let message = if error.kind() == io::ErrorKind::UnexpectedEof {
            format!(
                "the response body ended before its {} data did (truncated)",
                self.listed()
            )
        } else if window_too_large(&self.codings, &error) {
            format!(
                "the response body's zstd data needs a window larger than the 8 MiB \
                 decoders must support (RFC 9659); it is refused rather than given that \
                 much memory (Content-Encoding: {})",
                self.listed()
            )
        } else {
            format!(
                "the response body is not valid {} data: {error}",
                self.listed()
            )
        };
        Error::new(ErrorKind::Decoding)
            .with_message(message)
            .with_source(error)
    }
}

/// The decoders, the last applied coding undone first; each intermediate one's output
/// counted against `limit` (the body counts the last one's).
fn chain(reader: BodyReader, codings: &[Coding], limit: Option<u64>) -> Output {
    let mut input: Input = Box::new(reader);
    let mut remaining = codings.iter().rev().peekable();
    loop {
        let Some(coding) = remaining.next() else {
            // No codings: the raw bytes (never made so; kept total).
            return Box::new(input);
        };
        let output = stage(*coding, input);
        if remaining.peek().is_none() {
            return output;
        }
        input = match limit {
            Some(limit) => Box::new(BufReader::with_capacity(CHUNK, Limited::new(output, limit))),
            None => Box::new(BufReader::with_capacity(CHUNK, output)),
        };
    }
}

/// The largest zstd window decoded, as a power of two: 2^23 = 8 MiB, what RFC 9659 §3
/// has encoders use and lets decoders hold to. libzstd's own default (2^27, 128 MiB)
/// would let a frame of a few bytes make each response allocate 128 MiB.
#[cfg(feature = "zstd")]
const ZSTD_WINDOW_LOG_MAX: u32 = 23;

/// Whether `error` is libzstd refusing a frame whose window is over
/// [`ZSTD_WINDOW_LOG_MAX`] (its `frameParameter_windowTooLarge`; async-compression
/// passes on only its message).
#[cfg(feature = "zstd")]
fn window_too_large(codings: &[Coding], error: &io::Error) -> bool {
    codings.contains(&Coding::Zstd)
        && error
            .to_string()
            .contains("Frame requires too much memory for decoding")
}

#[cfg(not(feature = "zstd"))]
fn window_too_large(_: &[Coding], _: &io::Error) -> bool {
    false
}

/// The most codings decoded in one response (as curl, since CVE-2022-32206): each one
/// multiplies what a small response can cost.
const MAX_CODINGS: usize = 5;

#[allow(clippy::match_single_binding)] // arms vary by features
#[cfg_attr(
    not(any(
        feature = "gzip",
        feature = "deflate",
        feature = "brotli",
        feature = "zstd"
    )),
    allow(unused_variables)
)]
fn stage(coding: Coding, input: Input) -> Output {
    match coding {
        #[cfg(feature = "gzip")]
        Coding::Gzip => {
            let mut decoder = async_compression::tokio::bufread::GzipDecoder::new(input);
            // Every member of a multi-member file (httpx decodes only the first).
            decoder.multiple_members(true);
            Box::new(decoder)
        }
        #[cfg(feature = "deflate")]
        Coding::Deflate => Box::new(super::deflate::Deflate::new(input)),
        #[cfg(feature = "brotli")]
        Coding::Brotli => Box::new(async_compression::tokio::bufread::BrotliDecoder::new(input)),
        #[cfg(feature = "zstd")]
        Coding::Zstd => {
            // A frame declaring a larger window is refused before libzstd allocates it.
            let params = [async_compression::zstd::DParameter::window_log_max(
                ZSTD_WINDOW_LOG_MAX,
            )];
            let mut decoder =
                async_compression::tokio::bufread::ZstdDecoder::with_params(input, &params);
            // Every frame.
            decoder.multiple_members(true);
            Box::new(decoder)
        }
    }
}

impl http_body::Body for DecodedBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Start(raw) => match ready!(Pin::new(raw).poll_frame(cx)) {
                    Some(Ok(frame)) => {
                        let Ok(first) = frame.into_data() else {
                            continue;
                        };
                        if first.is_empty() {
                            continue;
                        }
                        let State::Start(raw) = std::mem::replace(&mut this.state, State::Done)
                        else {
                            continue;
                        };
                        if this.codings.len() > MAX_CODINGS {
                            return Poll::Ready(Some(Err(Error::new(ErrorKind::Decoding)
                                .with_message(format!(
                                    "the response lists {} content codings ({}); at most \
                                     {MAX_CODINGS} are decoded",
                                    this.codings.len(),
                                    this.listed()
                                )))));
                        }
                        let reader = BodyReader::new(raw, first);
                        this.state = State::Decoding(chain(reader, &this.codings, this.limit));
                    }
                    Some(Err(error)) => {
                        this.state = State::Done;
                        return Poll::Ready(Some(Err(error)));
                    }
                    // An empty body: nothing to decode (a 200 with no content).
                    None => this.state = State::Done,
                },
                State::Decoding(decoder) => {
                    this.buffer.resize(CHUNK, 0);
                    let mut buf = ReadBuf::new(&mut this.buffer);
                    let result = ready!(Pin::new(decoder).poll_read(cx, &mut buf));
                    let length = buf.filled().len();
                    if let Err(error) = result {
                        this.state = State::Done;
                        return Poll::Ready(Some(Err(this.error(error))));
                    }
                    if length == 0 {
                        this.state = State::Done;
                        continue;
                    }
                    this.decoded += length as u64;
                    if let Some(limit) = this.limit.filter(|limit| this.decoded > *limit) {
                        this.state = State::Done;
                        return Poll::Ready(Some(Err(body_too_large(
                            "decoded response body",
                            limit,
                            "max_decompressed_body",
                        ))));
                    }
                    let chunk = Bytes::copy_from_slice(&this.buffer[..length]);
                    return Poll::Ready(Some(Ok(Frame::data(chunk))));
                }
                State::Done => return Poll::Ready(None),
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self.state, State::Done)
    }
}
