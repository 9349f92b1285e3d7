//! Request body framing and replay, against testkit servers: bodies of unknown length
//! are sent chunked (GET included), a declared length is held to, file bodies replay on
//! the blocking client and keep their length, a panicking reader fails the request,
//! and a non-UTF-8 multipart `Content-Type` keeps its boundary.

use std::io::{self, Read};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use xhttp::{AsyncClient, Body, Client, ErrorKind, HeaderValue, Multipart, Part};
use xhttp_testkit::Server;

mod support;
use support::TempFile;

/// What the server saw: `METHOD te=.. cl=.. body=..` (`-` for a missing header).
fn echo(request: &http::Request<Bytes>) -> String {
    let header = |name: &str| {
        request.headers().get(name).map_or("-".to_owned(), |value| {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        })
    };
    format!(
        "{} te={} cl={} body={}",
        request.method(),
        header("transfer-encoding"),
        header("content-length"),
        String::from_utf8_lossy(request.body())
    )
}

/// Echoes every request; `/start` answers 307 to `/echo` first.
fn echo_server() -> Server {
    Server::http1(|request| {
        if request.uri().path() == "/start" {
            return http::Response::builder()
                .status(307)
                .header("location", "/echo")
                .body(Bytes::new())
                .unwrap();
        }
        http::Response::new(Bytes::from(echo(&request)))
    })
}

/// A one-shot stream of unknown length.
fn unknown_length(data: &'static str) -> Body {
    Body::from_stream(http_body_util::Full::new(Bytes::from(data)))
}

// Finding 1: a body of unknown length is sent chunked, whatever the method.

#[tokio::test]
async fn a_get_with_a_stream_body_of_unknown_length_is_sent_chunked() {
    let server = echo_server();
    let client = AsyncClient::new();
    for method in [http::Method::GET, http::Method::DELETE, http::Method::POST] {
        let response = client
            .request(method.clone(), server.url("/echo"))
            .body(unknown_length("hello"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.text().unwrap(),
            format!("{method} te=chunked cl=- body=hello")
        );
    }
}

#[test]
fn a_blocking_get_with_a_reader_of_unknown_length_is_sent_chunked() {
    let server = echo_server();
    let response = Client::new()
        .get(server.url("/echo"))
        .body_reader(io::Cursor::new(b"from a reader".to_vec()), None)
        .send()
        .unwrap();
    assert_eq!(
        response.text().unwrap(),
        "GET te=chunked cl=- body=from a reader"
    );
}

#[tokio::test]
async fn a_users_framing_headers_are_kept_and_an_empty_get_gets_none() {
    let server = echo_server();
    let client = AsyncClient::new();
    let response = client
        .get(server.url("/echo"))
        .header("content-length", "5")
        .body(unknown_length("hello"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().unwrap(), "GET te=- cl=5 body=hello");
    let response = client.get(server.url("/echo")).send().await.unwrap();
    assert_eq!(response.text().unwrap(), "GET te=- cl=- body=");
}

#[tokio::test]
async fn a_stream_body_on_http2_goes_without_transfer_encoding() {
    let server = Server::builder()
        .http2()
        .handler(|request| http::Response::new(Bytes::from(echo(&request))))
        .start();
    let client = AsyncClient::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let response = client
        .get(server.url("/echo"))
        .body(unknown_length("over h2"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.http_version(), "HTTP/2");
    assert_eq!(response.text().unwrap(), "GET te=- cl=- body=over h2");
}

// Finding 2: a declared length is held to.

#[test]
fn a_content_length_contradicting_the_body_is_an_invalid_header_error() {
    let served = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&served);
    let server = Server::http1(move |request| {
        count.fetch_add(1, Ordering::SeqCst);
        http::Response::new(Bytes::from(echo(&request)))
    });
    let client = Client::new();
    for declared in ["3", "9", "x"] {
        let error = client
            .post(server.url("/echo"))
            .header("content-length", declared)
            .body("abcdef")
            .send()
            .unwrap_err();
        assert_eq!(
            error.kind(),
            ErrorKind::InvalidHeader,
            "{declared}: {error}"
        );
        assert!(error.to_string().contains("6 bytes"), "{error}");
    }
    let error = client
        .get(server.url("/echo"))
        .header("content-length", "4")
        .send()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidHeader, "{error}");
    let response = client
        .post(server.url("/echo"))
        .header("content-length", "6")
        .body("abcdef")
        .send()
        .unwrap();
    assert_eq!(response.text().unwrap(), "POST te=- cl=6 body=abcdef");
    assert_eq!(served.load(Ordering::SeqCst), 1, "no bad request was sent");
}

#[tokio::test]
async fn a_stream_longer_or_shorter_than_its_declared_length_fails() {
    let server = echo_server();
    let client = AsyncClient::new();
    let long = Body::from_stream_with_length(http_body_util::Full::new(Bytes::from("abcdef")), 3);
    let error = client
        .post(server.url("/echo"))
        .body(long)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::LocalProtocol, "{error}");
    assert!(error.to_string().contains("declared length"), "{error}");

    let short = Body::from_stream_with_length(http_body_util::Full::new(Bytes::from("ab")), 3);
    let error = client
        .post(server.url("/echo"))
        .body(short)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::LocalProtocol, "{error}");
    assert!(error.to_string().contains("declared length"), "{error}");

    // A user's Content-Length over a stream of unknown length is held to the same way.
    let error = client
        .post(server.url("/echo"))
        .header("content-length", "3")
        .body(unknown_length("abcdef"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::LocalProtocol, "{error}");
}

// Findings 3 and 4: file bodies replay on the blocking client and keep their length.

#[test]
fn a_blocking_file_body_is_replayed_after_a_307() {
    let server = echo_server();
    let file = TempFile::new("307", b"file body");
    let client = Client::builder().follow_redirects(true).build().unwrap();
    let response = client
        .post(server.url("/start"))
        .body_file(&file.0)
        .send()
        .unwrap();
    assert_eq!(response.history().len(), 1);
    assert_eq!(response.text().unwrap(), "POST te=- cl=9 body=file body");

    let form = Multipart::new()
        .boundary("b")
        .part("f", Part::file(&file.0).unwrap().file_name("f.txt"));
    let response = client
        .post(server.url("/start"))
        .multipart(form)
        .send()
        .unwrap();
    let text = response.text().unwrap();
    assert!(text.contains("\r\n\r\nfile body\r\n--b--\r\n"), "{text}");
}

/// Signs the request body: reads it whole (an auth that needs the request body).
#[derive(Debug)]
struct BodySigning;

impl xhttp::auth::Auth for BodySigning {
    fn requires_request_body(&self) -> bool {
        true
    }

    fn flow(&self) -> Box<dyn xhttp::auth::AuthFlow> {
        Box::new(BodySigning)
    }
}

impl xhttp::auth::AuthFlow for BodySigning {
    fn authenticate(&mut self, request: &mut xhttp::Request) -> Result<(), xhttp::Error> {
        let length = request.content()?.len();
        request
            .headers_mut()
            .insert("x-signed-length", HeaderValue::from(length))?;
        Ok(())
    }
}

/// A file body reaches an auth that reads the request body, in both clients (the body
/// is read off the runtime, then kept in memory).
#[test]
fn an_auth_reading_the_body_gets_a_file_body() {
    let server = Server::http1(|request| {
        let signed = request
            .headers()
            .get("x-signed-length")
            .map_or("-".to_owned(), |value| {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            });
        http::Response::new(Bytes::from(format!("signed={signed} {}", echo(&request))))
    });
    let file = TempFile::new("signed", b"file body");
    let client = Client::builder().auth(BodySigning).build().unwrap();
    let response = client
        .post(server.url("/"))
        .body_file(&file.0)
        .send()
        .unwrap();
    assert_eq!(
        response.text().unwrap(),
        "signed=9 POST te=- cl=9 body=file body"
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = AsyncClient::builder().auth(BodySigning).build().unwrap();
        let response = client
            .post(server.url("/"))
            .body_file(&file.0)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.text().unwrap(),
            "signed=9 POST te=- cl=9 body=file body"
        );
    });
}

type Reports = Arc<Mutex<Option<(u64, Option<u64>)>>>;

fn last_report() -> (Reports, impl Fn(u64, Option<u64>) + Send + Sync + 'static) {
    let last: Reports = Arc::new(Mutex::new(None));
    let seen = Arc::clone(&last);
    (last, move |done, total| {
        *seen.lock().unwrap() = Some((done, total));
    })
}

#[test]
fn upload_progress_knows_the_total_of_file_and_reader_bodies_blocking() {
    let server = echo_server();
    let data = vec![b'z'; 200_000];
    let file = TempFile::new("progress", &data);
    let client = Client::new();

    let (last, callback) = last_report();
    let response = client
        .put(server.url("/echo"))
        .body_file(&file.0)
        .on_upload_progress(callback)
        .send()
        .unwrap();
    assert!(response.text().unwrap().starts_with("PUT te=- cl=200000 "));
    assert_eq!(*last.lock().unwrap(), Some((200_000, Some(200_000))));

    // A one-shot reader, pumped on the caller's thread.
    let (last, callback) = last_report();
    let response = client
        .put(server.url("/echo"))
        .body_reader(io::Cursor::new(data.clone()), Some(200_000))
        .on_upload_progress(callback)
        .send()
        .unwrap();
    assert!(response.text().unwrap().starts_with("PUT te=- cl=200000 "));
    assert_eq!(*last.lock().unwrap(), Some((200_000, Some(200_000))));
}

#[tokio::test]
async fn upload_progress_knows_the_total_of_file_and_reader_bodies_async() {
    let server = echo_server();
    let data = vec![b'z'; 200_000];
    let file = TempFile::new("progress-async", &data);
    let client = AsyncClient::new();

    let (last, callback) = last_report();
    let response = client
        .put(server.url("/echo"))
        .body_file(&file.0)
        .on_upload_progress(callback)
        .send()
        .await
        .unwrap();
    assert!(response.text().unwrap().starts_with("PUT te=- cl=200000 "));
    assert_eq!(*last.lock().unwrap(), Some((200_000, Some(200_000))));

    let (last, callback) = last_report();
    let response = client
        .put(server.url("/echo"))
        .body_reader(io::Cursor::new(data.clone()), Some(200_000))
        .on_upload_progress(callback)
        .send()
        .await
        .unwrap();
    assert!(response.text().unwrap().starts_with("PUT te=- cl=200000 "));
    assert_eq!(*last.lock().unwrap(), Some((200_000, Some(200_000))));
}

// Finding 6: a panicking reader fails the request instead of ending the body.

/// Gives `abc`, then panics.
struct PanicsAfterOneChunk(bool);

impl Read for PanicsAfterOneChunk {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if std::mem::replace(&mut self.0, true) {
            panic!("the test reader panics on purpose");
        }
        buffer[..3].copy_from_slice(b"abc");
        Ok(3)
    }
}

#[tokio::test]
async fn a_panicking_reader_fails_the_request() {
    let server = echo_server();
    let error = AsyncClient::new()
        .post(server.url("/echo"))
        .body_reader(PanicsAfterOneChunk(false), None)
        .send()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("the request body reader panicked"),
        "{error}"
    );
}

// Finding 7: a non-UTF-8 multipart Content-Type keeps its boundary.

#[test]
fn a_non_utf8_multipart_content_type_keeps_its_boundary() {
    let value = HeaderValue::from_bytes(b"multipart/form-data; boundary=abc; x=\"\xe9\"").unwrap();
    let request = Client::new()
        .post("http://h/")
        .header("content-type", value.clone())
        .multipart(Multipart::new().text("a", "1"))
        .build()
        .unwrap();
    assert_eq!(request.headers().as_map().get("content-type"), Some(&value));
    let body = request.body().as_bytes().unwrap();
    assert!(
        body.starts_with(b"--abc\r\n") && body.ends_with(b"--abc--\r\n"),
        "{}",
        String::from_utf8_lossy(body)
    );

    let bad = HeaderValue::from_bytes(b"multipart/form-data; boundary=\xe9").unwrap();
    let error = Client::new()
        .post("http://h/")
        .header("content-type", bad)
        .multipart(Multipart::new().text("a", "1"))
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidBody, "{error}");
}
