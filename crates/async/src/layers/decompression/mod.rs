//! [`DecompressionLayer`]: undoes a response's `Content-Encoding`, and advertises
//! what it can undo in `Accept-Encoding`.
//!
//! * **Codings:** `gzip` (and `x-gzip`), `deflate` (zlib-wrapped or raw, told apart by
//!   the first bytes), `br`, `zstd`: each behind the cargo feature of its name
//!   (`brotli` for `br`), all on by default. Tokens are matched in any case; comma lists
//!   and repeated headers are undone in reverse order of listing; `identity` is
//!   ignored.
//! * **Unknown codings** (or ones turned off): the body passes through as received,
//!   undecoded, with its headers (as httpx). A list naming one unknown coding passes
//!   through whole, since what follows it cannot be undone.
//! * **Errors:** corrupt data and data that ends early (a truncated gzip stream, an
//!   unfinished zstd frame...) are `Decoding` errors; every member of a multi-member
//!   gzip body and every zstd frame is decoded (httpx's quirks fixed). An empty body
//!   stays empty. Errors of the raw body itself (a read timeout...) pass through.
//!   Bytes after the last complete gzip member (say, `\0\0` padding) are an error too,
//!   where httpx ignores them: no bytes are silently dropped.
//! * **zstd windows:** a frame whose window is over 8 MiB (window log 23, what RFC 9659
//!   expects of encoders) is a `Decoding` error, refused before anything is allocated
//!   for it (libzstd's default allows 128 MiB per response).
//! * **Zero cost without a coding:** the body is wrapped only when `Content-Encoding`
//!   names something to undo; a `HEAD` response, 204 and 304 are never wrapped.
//! * **Headers as received:** `Content-Encoding` and `Content-Length` are kept (as
//!   httpx), describing the bytes on the wire.
//! * **Both views:** the wrapped body is a [`Body::encoded`]: polling it gives decoded
//!   bytes, while xhttp's `Response` serves `raw_stream` / `iter_raw` from the bytes
//!   as received and counts those for `num_bytes_downloaded`.
//! * **Bomb guard:** [`max_decoded_size`](DecompressionLayer::max_decoded_size) stops
//!   a body whose decoded size passes a limit with a `BodyTooLarge` error; decoding
//!   runs chunk by chunk (8 KiB), so memory stays flat.
//!
//! ```no_run
//! use tower_layer::Layer;
//! use xhttp_async::layers::DecompressionLayer;
//! # fn wrap<S>(service: S) {
//! let service = DecompressionLayer::new().max_decoded_size(64 << 20).layer(service);
//! # let _ = service; }
//! ```

mod body;
mod codings;
#[cfg(feature = "deflate")]
mod deflate;
mod future;
mod limited;
mod reader;

use std::any::Any;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::HeaderValue;
use http::header::ACCEPT_ENCODING;
use tower_layer::Layer;
use tower_service::Service;
use xhttp_core::{Body, BoxError, Error};

use crate::layers::error::into_error;
use body::DecodedBody;
use codings::{Codecs, Plan};
pub use future::DecompressionFuture;

/// The `Accept-Encoding` of this build: the codecs compiled in, e.g.
/// `"gzip, deflate, br, zstd"` (`None` when none is).
pub const ACCEPT_ENCODING_VALUE: Option<&str> = if Codecs::COMPILED.is_empty() {
    None
} else {
    Some(Codecs::COMPILED.accept_encoding())
};

/// Settings shared by the layer and its services.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    codecs: Codecs,
    accept_encoding: bool,
    max_decoded: Option<u64>,
}

/// Decodes response bodies; see the [module docs](self).
#[derive(Debug, Clone, Copy)]
pub struct DecompressionLayer {
    options: Options,
}

impl Default for DecompressionLayer {
    fn default() -> Self {
        DecompressionLayer {
            options: Options {
                codecs: Codecs::COMPILED,
                accept_encoding: true,
                max_decoded: None,
            },
        }
    }
}

impl DecompressionLayer {
    /// Every codec compiled in, `Accept-Encoding` added to requests without one, no
    /// size limit.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether `gzip` / `x-gzip` is decoded and advertised (when compiled in).
    pub fn gzip(self, on: bool) -> Self {
        self.codec(Codecs::GZIP, on)
    }

    /// Whether `deflate` is decoded and advertised (when compiled in).
    pub fn deflate(self, on: bool) -> Self {
        self.codec(Codecs::DEFLATE, on)
    }

    /// Whether `br` is decoded and advertised (when compiled in).
    pub fn br(self, on: bool) -> Self {
        self.codec(Codecs::BROTLI, on)
    }

    /// Whether `zstd` is decoded and advertised (when compiled in).
    pub fn zstd(self, on: bool) -> Self {
        self.codec(Codecs::ZSTD, on)
    }

    fn codec(mut self, bit: u8, on: bool) -> Self {
        self.options.codecs = self.options.codecs.with(bit, on);
        self
    }

    /// Whether a request without `Accept-Encoding` gets one naming exactly the codecs
    /// of this layer (default: yes; xhttp's clients put it in their default headers
    /// instead, so users can see and change it).
    pub fn accept_encoding(mut self, add: bool) -> Self {
        self.options.accept_encoding = add;
        self
    }

    /// Fails a body whose decoded size passes `bytes` with `BodyTooLarge` (a
    /// decompression-bomb guard).
    pub fn max_decoded_size(mut self, bytes: u64) -> Self {
        self.options.max_decoded = Some(bytes);
        self
    }

    /// The `Accept-Encoding` value naming exactly this layer's codecs (empty when it
    /// has none).
    pub fn accept_encoding_value(&self) -> &'static str {
        self.options.codecs.accept_encoding()
    }
}

impl<S> Layer<S> for DecompressionLayer {
    type Service = Decompression<S>;

    fn layer(&self, inner: S) -> Decompression<S> {
        Decompression {
            inner,
            options: self.options,
        }
    }
}

/// The service of [`DecompressionLayer`]: answers `http::Response<xhttp::Body>`
/// whatever the inner response body (xhttp's `Body` is passed through as it is,
/// another body type is boxed into one).
#[derive(Debug, Clone)]
pub struct Decompression<S> {
    inner: S,
    options: Options,
}

impl<S, ReqB, ResB> Service<http::Request<ReqB>> for Decompression<S>
where
    S: Service<http::Request<ReqB>, Response = http::Response<ResB>>,
    S::Error: Into<BoxError>,
    ResB: http_body::Body<Data = Bytes> + Send + 'static,
    ResB::Error: Into<BoxError>,
{
    type Response = http::Response<Body>;
    type Error = Error;
    type Future = DecompressionFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(into_error)
    }

    fn call(&mut self, mut request: http::Request<ReqB>) -> Self::Future {
        let options = self.options;
        if options.accept_encoding
            && !options.codecs.is_empty()
            && !request.headers().contains_key(ACCEPT_ENCODING)
        {
            request.headers_mut().insert(
                ACCEPT_ENCODING,
                HeaderValue::from_static(options.codecs.accept_encoding()),
            );
        }
        let head = request.method() == http::Method::HEAD;
        DecompressionFuture::new(self.inner.call(request), options, head)
    }
}

/// The response with its body wrapped when it has codings to undo.
pub(crate) fn decode_response<B>(
    response: http::Response<B>,
    options: Options,
    head: bool,
) -> http::Response<Body>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let (parts, body) = response.into_parts();
    let body = into_body(body);
    let bodiless = head
        || parts.status.is_informational()
        || parts.status == http::StatusCode::NO_CONTENT
        || parts.status == http::StatusCode::NOT_MODIFIED;
    if bodiless || options.codecs.is_empty() {
        return http::Response::from_parts(parts, body);
    }
    let body = match codings::plan(&parts.headers, options.codecs) {
        Plan::Nothing | Plan::PassThrough => body,
        Plan::Decode(codings) => {
            let limit = options.max_decoded;
            Body::encoded(body, move |raw| {
                Body::from_stream(DecodedBody::new(raw, codings, limit))
            })
        }
    };
    http::Response::from_parts(parts, body)
}

/// Any response body as xhttp's `Body`: xhttp's own moves as it is (no allocation).
fn into_body<B>(body: B) -> Body
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let mut slot = Some(body);
    if let Some(ours) = (&mut slot as &mut dyn Any).downcast_mut::<Option<Body>>() {
        return ours.take().unwrap_or_default();
    }
    match slot {
        Some(body) => Body::from_stream(body),
        None => Body::empty(),
    }
}

#[cfg(all(test, feature = "gzip"))]
mod tests {
    use std::convert::Infallible;
    use std::future::{Ready, ready};

    use async_compression::tokio::bufread::GzipEncoder;
    use http_body_util::{BodyExt, Full};
    use tokio::io::AsyncReadExt;

    use super::*;

    /// A foreign service: answers gzip in a `Full` body, echoing `Accept-Encoding`.
    #[derive(Clone)]
    struct Gzipped(Bytes);

    impl Service<http::Request<Full<Bytes>>> for Gzipped {
        type Response = http::Response<Full<Bytes>>;
        type Error = Infallible;
        type Future = Ready<Result<Self::Response, Infallible>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: http::Request<Full<Bytes>>) -> Self::Future {
            let mut response = http::Response::new(Full::new(self.0.clone()));
            response
                .headers_mut()
                .insert("content-encoding", HeaderValue::from_static("gzip"));
            if let Some(accepted) = request.headers().get(ACCEPT_ENCODING) {
                response
                    .headers_mut()
                    .insert("x-accepted", accepted.clone());
            }
            ready(Ok(response))
        }
    }

    #[tokio::test]
    async fn wraps_a_foreign_service_and_advertises_its_codecs() {
        let mut wire = Vec::new();
        GzipEncoder::new(&b"hello, layer"[..])
            .read_to_end(&mut wire)
            .await
            .unwrap();
        let mut service = DecompressionLayer::new()
            .br(false)
            .layer(Gzipped(Bytes::from(wire)));
        let request = http::Request::new(Full::new(Bytes::new()));
        let response = service.call(request).await.unwrap();
        let expected = Codecs::COMPILED
            .with(Codecs::BROTLI, false)
            .accept_encoding();
        assert_eq!(response.headers()["x-accepted"], expected);
        assert!(!expected.contains("br"));
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, "hello, layer");
        // The user's own Accept-Encoding is left alone.
        let mut request = http::Request::new(Full::new(Bytes::new()));
        request
            .headers_mut()
            .insert(ACCEPT_ENCODING, HeaderValue::from_static("identity"));
        let response = service.call(request).await.unwrap();
        assert_eq!(response.headers()["x-accepted"], "identity");
    }
}
