//! Guards on response bodies read inside the pipeline and on what reaches the caller:
//! `max_response_body` for the reads of event hooks and auth flows, bodies taken or
//! closed by an async hook, a BOM against an explicit encoding, `Content-Length` from
//! in-process apps, the zstd window limit and bytes after a gzip member.

#![cfg(all(feature = "blocking", feature = "gzip", feature = "zstd"))]

mod support;

use std::convert::Infallible;
use std::future::poll_fn;
use std::io::Write;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::Full;
use xhttp::auth::{Auth, AuthFlow, AuthResponse};
use xhttp::{AsyncClient, Body, Client, ErrorKind, MockTransport, Request, ServiceTransport};
use xhttp::{HeaderValue, StatusCode};
use xhttp_testkit::Server;

/// The read limit the clients are given.
const LIMIT: u64 = 1024;

/// A server answering every request with 64 KiB, well over [`LIMIT`].
fn large_body_server() -> Server {
    Server::http1(|_| http::Response::new(Bytes::from(vec![b'x'; 64 * 1024])))
}

fn assert_too_large(error: &xhttp::Error) {
    assert_eq!(error.kind(), ErrorKind::BodyTooLarge, "{error}");
    assert!(
        error
            .to_string()
            .contains("larger than the 1 KiB limit set with max_response_body"),
        "{error}"
    );
}

// ---- 1. The reads done by hooks and auth honour max_response_body ----

#[tokio::test]
async fn a_body_read_for_a_response_hook_is_limited_async() {
    let server = large_body_server();
    let client = AsyncClient::builder()
        .max_response_body(LIMIT)
        .on_response_with_body(|_| Ok(()))
        .build()
        .unwrap();
    // `stream()` leaves the body to the caller: only the hook's read can fail.
    let error = client.get(server.url("/")).stream().await.unwrap_err();
    assert_too_large(&error);
    let error = client.get(server.url("/")).send().await.unwrap_err();
    assert_too_large(&error);
}

#[test]
fn a_body_read_for_a_response_hook_is_limited_blocking() {
    let server = large_body_server();
    let client = Client::builder()
        .max_response_body(LIMIT)
        .on_response_with_body(|_| Ok(()))
        .build()
        .unwrap();
    let error = client.get(server.url("/")).stream().unwrap_err();
    assert_too_large(&error);
}

#[tokio::test]
async fn an_async_response_hook_reading_the_body_is_limited() {
    let server = large_body_server();
    let client = AsyncClient::builder()
        .max_response_body(LIMIT)
        .on_response_async(|mut response| async move {
            response.read().await?;
            Ok(response)
        })
        .build()
        .unwrap();
    let error = client.get(server.url("/")).stream().await.unwrap_err();
    assert_too_large(&error);

    // Under the limit, the hook's read is what the caller gets.
    let small = Server::http1(|_| http::Response::new(Bytes::from_static(b"small")));
    let response = client.get(small.url("/")).stream().await.unwrap();
    assert_eq!(response.content().unwrap(), "small");
}

/// An auth whose flow reads response bodies, recording whether it saw one.
#[derive(Debug)]
struct ReadsBodies(Arc<AtomicBool>);

struct ReadsBodiesFlow(Arc<AtomicBool>);

impl Auth for ReadsBodies {
    fn requires_response_body(&self) -> bool {
        true
    }

    fn flow(&self) -> Box<dyn AuthFlow> {
        Box::new(ReadsBodiesFlow(Arc::clone(&self.0)))
    }
}

impl AuthFlow for ReadsBodiesFlow {
    fn authenticate(&mut self, _: &mut Request) -> Result<(), xhttp::Error> {
        Ok(())
    }

    fn on_response(
        &mut self,
        _: &Request,
        _: &AuthResponse<'_>,
    ) -> Result<Option<Request>, xhttp::Error> {
        self.0.store(true, Ordering::SeqCst);
        Ok(None)
    }
}

#[tokio::test]
async fn a_body_read_for_an_auth_flow_is_limited() {
    let server = large_body_server();
    let saw = Arc::new(AtomicBool::new(false));
    let client = AsyncClient::builder()
        .max_response_body(LIMIT)
        .auth(ReadsBodies(Arc::clone(&saw)))
        .build()
        .unwrap();
    let error = client.get(server.url("/")).stream().await.unwrap_err();
    assert_too_large(&error);
    assert!(!saw.load(Ordering::SeqCst), "the flow never saw the body");

    let small = Server::http1(|_| http::Response::new(Bytes::from_static(b"small")));
    let response = client.get(small.url("/")).send().await.unwrap();
    assert_eq!(response.content().unwrap(), "small");
    assert!(saw.load(Ordering::SeqCst));
}

#[test]
fn a_body_read_for_an_auth_flow_is_limited_blocking() {
    let server = large_body_server();
    let client = Client::builder()
        .max_response_body(LIMIT)
        .auth(ReadsBodies(Arc::default()))
        .build()
        .unwrap();
    let error = client.get(server.url("/")).stream().unwrap_err();
    assert_too_large(&error);
}

// ---- 2. A body an async hook took or closed is not passed on as a fresh one ----

/// A transport answering with a body in several chunks (`Content-Encoding: gzip` and
/// the gzip of the text when `gzip`).
fn chunked_transport(gzip: bool) -> MockTransport {
    MockTransport::new(move |_| {
        let response = xhttp::Response::new(StatusCode::OK);
        if !gzip {
            return response.with_body(support::streamed(["hello ", "big ", "world"]));
        }
        let wire = gzip_of(b"hello big world");
        let (first, rest) = wire.split_at(wire.len() / 2);
        response
            .with_header(
                xhttp::http::header::CONTENT_ENCODING,
                HeaderValue::from_static("gzip"),
            )
            .with_body(support::streamed([first.to_vec(), rest.to_vec()]))
    })
}

fn gzip_of(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// Takes the first chunk of a stream.
async fn first(stream: &mut xhttp::types::BytesStream<'_>) -> Option<Result<Bytes, xhttp::Error>> {
    poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut *stream), cx)).await
}

async fn assert_read_fails(client: &AsyncClient, kind: ErrorKind) {
    let mut response = client.get("http://example.org/").stream().await.unwrap();
    let error = response.read().await.unwrap_err();
    assert_eq!(error.kind(), kind, "{error}");
    assert!(error.to_string().contains("event hook"), "{error}");
    let error = client.get("http://example.org/").send().await.unwrap_err();
    assert_eq!(error.kind(), kind, "{error}");
}

#[tokio::test]
async fn a_body_partly_streamed_by_a_hook_fails_with_stream_consumed() {
    let client = AsyncClient::builder()
        .transport(chunked_transport(false))
        .on_response_async(|mut response| async move {
            let chunk = first(&mut response.bytes_stream(None)).await.unwrap()?;
            assert_eq!(chunk, "hello ");
            Ok(response)
        })
        .build()
        .unwrap();
    assert_read_fails(&client, ErrorKind::StreamConsumed).await;
}

#[tokio::test]
async fn a_body_partly_streamed_raw_by_a_hook_fails_with_stream_consumed() {
    let client = AsyncClient::builder()
        .transport(chunked_transport(true))
        .on_response_async(|mut response| async move {
            first(&mut response.raw_stream(None)).await.unwrap()?;
            Ok(response)
        })
        .build()
        .unwrap();
    assert_read_fails(&client, ErrorKind::StreamConsumed).await;
}

#[tokio::test]
async fn a_response_closed_by_a_hook_fails_with_stream_closed() {
    let client = AsyncClient::builder()
        .transport(chunked_transport(false))
        .on_response_async(|mut response| async move {
            response.close().await;
            Ok(response)
        })
        .build()
        .unwrap();
    assert_read_fails(&client, ErrorKind::StreamClosed).await;
}

#[tokio::test]
async fn a_body_read_by_a_hook_still_reaches_the_caller() {
    let client = AsyncClient::builder()
        .transport(chunked_transport(true))
        .on_response_async(|mut response| async move {
            response.read().await?;
            Ok(response)
        })
        .build()
        .unwrap();
    let response = client.get("http://example.org/").send().await.unwrap();
    assert_eq!(response.content().unwrap(), "hello big world");
}

// ---- 3. An explicit encoding is not overridden by a BOM ----

/// UTF-16LE "A" after its BOM, declared windows-1252.
fn bom_transport() -> MockTransport {
    MockTransport::new(|_| {
        xhttp::Response::new(StatusCode::OK)
            .with_header(
                xhttp::http::header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=windows-1252"),
            )
            .with_content(&b"\xff\xfeA\0"[..])
    })
}

#[test]
fn set_encoding_wins_over_a_bom() {
    let client = Client::builder()
        .transport(bom_transport())
        .build()
        .unwrap();
    let mut response = client.get("http://example.org/").send().unwrap();
    // The declared charset: the BOM wins, as in browsers.
    assert_eq!(response.text().unwrap(), "A");
    response.set_encoding(xhttp::encoding_rs::WINDOWS_1252);
    assert_eq!(response.text().unwrap(), "ÿþA\0");

    let mut response = client.get("http://example.org/").stream().unwrap();
    response.set_encoding(xhttp::encoding_rs::WINDOWS_1252);
    let text: String = response.iter_text(None).collect::<Result<_, _>>().unwrap();
    assert_eq!(text, "ÿþA\0");

    // The encoding's own BOM is removed.
    let utf8 = MockTransport::new(|_| {
        xhttp::Response::new(StatusCode::OK).with_content(&b"\xef\xbb\xbfhi"[..])
    });
    let client = Client::builder().transport(utf8).build().unwrap();
    let mut response = client.get("http://example.org/").send().unwrap();
    response.set_encoding(xhttp::encoding_rs::UTF_8);
    assert_eq!(response.text().unwrap(), "hi");
}

// ---- 4. ServiceTransport adds Content-Length for bodies of exact size ----

/// A tower service answering every request with `answer(method)`.
#[derive(Clone)]
struct App<F>(F);

impl<F, B> tower_service::Service<http::Request<Body>> for App<F>
where
    F: Fn(&http::Method) -> http::Response<B>,
{
    type Response = http::Response<B>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<http::Response<B>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        std::future::ready(Ok((self.0)(request.method())))
    }
}

fn app_client<B>(
    answer: impl Fn(&http::Method) -> http::Response<B> + Clone + Send + 'static,
) -> AsyncClient
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    AsyncClient::builder()
        .transport(ServiceTransport::new(App(answer)))
        .build()
        .unwrap()
}

fn content_length(response: &xhttp::AsyncResponse) -> Option<String> {
    response
        .headers()
        .get("content-length")
        .map(|v| v.into_owned())
}

#[tokio::test]
async fn an_app_body_of_exact_size_gets_content_length_and_a_progress_total() {
    let client = app_client(|_| http::Response::new(Full::new(Bytes::from_static(b"hello"))));
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&progress);
    let response = client
        .get("http://app/")
        .on_download_progress(move |done, total| seen.lock().unwrap().push((done, total)))
        .send()
        .await
        .unwrap();
    assert_eq!(content_length(&response).as_deref(), Some("5"));
    assert_eq!(response.content().unwrap(), "hello");
    assert_eq!(*progress.lock().unwrap(), [(5, Some(5))]);

    // Not for HEAD (no body is handed on).
    let response = client.head("http://app/").send().await.unwrap();
    assert_eq!(content_length(&response), None);
}

#[tokio::test]
async fn content_length_is_not_added_where_a_server_would_not() {
    for status in [StatusCode::NO_CONTENT, StatusCode::NOT_MODIFIED] {
        let client = app_client(move |_| {
            let mut response = http::Response::new(Full::new(Bytes::new()));
            *response.status_mut() = status;
            response
        });
        let response = client.get("http://app/").send().await.unwrap();
        assert_eq!(content_length(&response), None, "{status}");
    }
    // The app's own framing is kept.
    let client = app_client(|_| {
        http::Response::builder()
            .header("transfer-encoding", "chunked")
            .body(Full::new(Bytes::from_static(b"hello")))
            .unwrap()
    });
    let response = client.get("http://app/").send().await.unwrap();
    assert_eq!(content_length(&response), None);
    assert_eq!(response.content().unwrap(), "hello");
    let client = app_client(|_| {
        http::Response::builder()
            .header("content-length", "5")
            .body(Full::new(Bytes::from_static(b"hello")))
            .unwrap()
    });
    let response = client.get("http://app/").send().await.unwrap();
    assert_eq!(response.headers().get_all("content-length").count(), 1);
    // A body of unknown size is not given one.
    let client = app_client(|_| http::Response::new(Hinted::new(b"hello", None)));
    let response = client.get("http://app/").send().await.unwrap();
    assert_eq!(content_length(&response), None);
    assert_eq!(response.content().unwrap(), "hello");
}

#[tokio::test]
async fn an_app_body_contradicting_its_size_hint_is_an_app_error() {
    for (hint, what) in [(10, "shorter"), (2, "longer")] {
        let client = app_client(move |_| http::Response::new(Hinted::new(b"hello", Some(hint))));
        let error = client.get("http://app/").send().await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::App, "{error}");
        assert!(error.to_string().contains(what), "{error}");
    }
}

/// A body of one chunk with the size hint given (exact when `Some`).
struct Hinted {
    data: Option<Bytes>,
    hint: Option<u64>,
}

impl Hinted {
    fn new(data: &'static [u8], hint: Option<u64>) -> Hinted {
        Hinted {
            data: Some(Bytes::from_static(data)),
            hint,
        }
    }
}

impl http_body::Body for Hinted {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        Poll::Ready(
            self.get_mut()
                .data
                .take()
                .map(|data| Ok(http_body::Frame::data(data))),
        )
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match self.hint {
            Some(hint) => http_body::SizeHint::with_exact(hint),
            None => http_body::SizeHint::default(),
        }
    }
}

// ---- 5. zstd windows over 8 MiB are refused ----

/// A zstd frame of one raw block, "hello", declaring a window of 2^`window_log` bytes
/// (no content size, so the window descriptor is what counts).
fn zstd_frame(window_log: u8) -> Vec<u8> {
    let mut frame = vec![0x28, 0xb5, 0x2f, 0xfd];
    // Frame header descriptor: no content size, not single-segment, no checksum.
    frame.push(0x00);
    // Window descriptor: exponent (window_log - 10), mantissa 0.
    frame.push((window_log - 10) << 3);
    // Block header: last block, raw, 5 bytes.
    frame.extend_from_slice(&[0x29, 0x00, 0x00]);
    frame.extend_from_slice(b"hello");
    frame
}

fn zstd_client(frame: Vec<u8>) -> AsyncClient {
    let frame = Bytes::from(frame);
    let transport = MockTransport::new(move |_| {
        xhttp::Response::new(StatusCode::OK)
            .with_header(
                xhttp::http::header::CONTENT_ENCODING,
                HeaderValue::from_static("zstd"),
            )
            .with_content(frame.clone())
    });
    AsyncClient::builder().transport(transport).build().unwrap()
}

#[tokio::test]
async fn a_zstd_window_up_to_8_mib_decodes() {
    for window_log in [10, 20, 23] {
        let client = zstd_client(zstd_frame(window_log));
        let response = client.get("http://example.org/").send().await.unwrap();
        assert_eq!(
            response.content().unwrap(),
            "hello",
            "window log {window_log}"
        );
    }
}

#[tokio::test]
async fn a_zstd_window_over_8_mib_is_refused() {
    // 16 MiB and 128 MiB (libzstd's own default limit).
    for window_log in [24, 27] {
        let client = zstd_client(zstd_frame(window_log));
        let error = client.get("http://example.org/").send().await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decoding, "{error}");
        assert!(
            error.to_string().contains("window larger than the 8 MiB"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn a_zstd_frame_from_an_encoder_with_a_large_window_is_refused() {
    let mut encoder = zstd::stream::Encoder::new(Vec::new(), 3).unwrap();
    encoder.window_log(26).unwrap();
    encoder.include_contentsize(false).unwrap();
    encoder.write_all(&vec![b'z'; 64 * 1024]).unwrap();
    let frame = encoder.finish().unwrap();
    let error = zstd_client(frame)
        .get("http://example.org/")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decoding, "{error}");
}

// ---- 6. Bytes after a complete gzip member are an error (httpx ignores them) ----

#[tokio::test]
async fn bytes_after_the_last_gzip_member_are_a_decoding_error() {
    let mut wire = gzip_of(b"hello");
    wire.extend_from_slice(b"\0\0");
    let wire = Bytes::from(wire);
    let transport = MockTransport::new(move |_| {
        xhttp::Response::new(StatusCode::OK)
            .with_header(
                xhttp::http::header::CONTENT_ENCODING,
                HeaderValue::from_static("gzip"),
            )
            .with_content(wire.clone())
    });
    let client = AsyncClient::builder().transport(transport).build().unwrap();
    let error = client.get("http://example.org/").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decoding, "{error}");
    assert!(error.to_string().contains("not valid gzip data"), "{error}");
}
