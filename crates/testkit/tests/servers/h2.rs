//! HTTP/2 by prior knowledge and the auto-detecting server, over plain TCP.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use xhttp_testkit::{Behavior, ConnectionEvent, Server};

use crate::client::{connect, read_response, send_get};

/// Sends `GET uri` over HTTP/2 on `io`; returns the response head and the body, or
/// the body's error.
pub(crate) async fn h2_get<I>(
    io: I,
    uri: &str,
) -> (http::response::Parts, Result<Bytes, hyper::Error>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(io))
            .await
            .expect("an HTTP/2 handshake");
    tokio::spawn(connection);
    let request = http::Request::get(uri).body(Empty::<Bytes>::new()).unwrap();
    let response = sender.send_request(request).await.expect("a response");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.map(|collected| collected.to_bytes());
    (parts, body)
}

fn echo_version() -> impl Fn(http::Request<Bytes>) -> http::Response<Bytes> + Send + Sync {
    |request| {
        http::Response::new(format!("{:?} {}", request.version(), request.uri().path()).into())
    }
}

#[tokio::test]
async fn http2_speaks_prior_knowledge_on_plain_tcp() {
    let server = Server::builder().http2().handler(echo_version()).start();
    let stream = TcpStream::connect(server.addr()).await.unwrap();
    let (parts, body) = h2_get(stream, &server.url("/two")).await;
    assert_eq!(parts.version, http::Version::HTTP_2);
    assert_eq!(body.unwrap(), "HTTP/2.0 /two");
    let events = server.events();
    assert!(
        events.iter().any(|event| matches!(event,
            ConnectionEvent::RequestServed { target, .. } if target == "/two")),
        "{events:?}"
    );
}

#[tokio::test]
async fn auto_speaks_both_versions_on_plain_tcp() {
    let server = Server::builder().auto().handler(echo_version()).start();
    let stream = TcpStream::connect(server.addr()).await.unwrap();
    let (_, body) = h2_get(stream, &server.url("/h2")).await;
    assert_eq!(body.unwrap(), "HTTP/2.0 /h2");
    let addr = server.addr();
    let body = tokio::task::spawn_blocking(move || {
        let mut stream = connect(addr);
        send_get(&mut stream, "/h1");
        read_response(&mut stream).1
    })
    .await
    .unwrap();
    assert_eq!(body, b"HTTP/1.1 /h1");
}

#[tokio::test]
async fn truncate_resets_an_http2_stream() {
    let server = Server::builder()
        .http2()
        .behavior(Behavior::Truncate { after: 2 })
        .handler(|_| http::Response::new(Bytes::from_static(b"0123456789")))
        .start();
    let stream = TcpStream::connect(server.addr()).await.unwrap();
    let (parts, body) = h2_get(stream, &server.url("/")).await;
    assert_eq!(parts.headers["content-length"], "10");
    assert!(body.is_err(), "{body:?}");
}

#[tokio::test]
async fn drip_paces_an_http2_body() {
    let every = Duration::from_millis(20);
    let server = Server::builder()
        .http2()
        .behavior(Behavior::Drip { every })
        .handler(|_| http::Response::new(Bytes::from_static(b"abcd")))
        .start();
    let stream = TcpStream::connect(server.addr()).await.unwrap();
    let started = std::time::Instant::now();
    let (_, body) = h2_get(stream, &server.url("/")).await;
    assert_eq!(body.unwrap(), "abcd");
    assert!(started.elapsed() >= every * 4, "{:?}", started.elapsed());
}
