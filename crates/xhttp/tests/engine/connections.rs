//! What happens to connections: dropped responses and futures, broken responses.

use std::io::{Read as _, Write as _};

use bytes::Bytes;
use xhttp::{AsyncClient, ErrorKind};
use xhttp_testkit::{Behavior, ConnectionEvent, Server};

use crate::{body_of, short};

// Multi-thread: the test blocks its thread waiting for the server's events, while the
// connection task must go on running.
#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_unread_response_closes_its_connection_and_nothing_hangs() {
    let server = Server::http1(|_| http::Response::new(body_of(4 * 1024 * 1024)));
    let client = AsyncClient::new();
    let response = client.get(server.url("/big")).stream().await.unwrap();
    drop(response);
    assert!(
        server.wait_for_closed(1, short(5000)),
        "{:?}",
        server.events()
    );
    // The client goes on with a new connection.
    let response = client.get(server.url("/big")).send().await.unwrap();
    assert_eq!(response.content().unwrap().len(), 4 * 1024 * 1024);
    assert_eq!(server.connections_opened(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_send_future_closes_its_connection() {
    let server = Server::builder()
        .behavior(Behavior::NeverAnswer)
        .handler(|_| http::Response::new(Bytes::new()))
        .start();
    let client = AsyncClient::new();
    let cancelled = tokio::time::timeout(short(200), client.get(server.url("/")).send()).await;
    assert!(cancelled.is_err(), "the request cannot finish");
    assert!(
        server.wait_for_closed(1, short(5000)),
        "{:?}",
        server.events()
    );
}

#[tokio::test]
async fn a_dropped_h2_response_leaves_the_connection_usable() {
    let server = Server::builder()
        .http2()
        .handler(|_| http::Response::new(body_of(1024 * 1024)))
        .start();
    let client = AsyncClient::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let response = client.get(server.url("/a")).stream().await.unwrap();
    drop(response);
    let response = client.get(server.url("/b")).send().await.unwrap();
    assert_eq!(response.content().unwrap().len(), 1024 * 1024);
    assert_eq!(server.connections_opened(), 1);
}

#[tokio::test]
async fn a_truncated_body_is_an_error_not_a_short_body() {
    let server = Server::builder()
        .behavior(Behavior::Truncate { after: 10 })
        .handler(|_| http::Response::new(body_of(100)))
        .start();
    let error = AsyncClient::new()
        .get(server.url("/"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RemoteProtocol, "{error}");
}

/// A server that answers every request with `bytes`, then closes.
fn raw_server(bytes: &'static [u8]) -> Server {
    Server::builder()
        .raw(move |connection| {
            if let Ok(Some(_)) = connection.read_request() {
                let _ = connection.write_all(bytes);
            }
        })
        .start()
}

#[tokio::test]
async fn a_malformed_response_is_a_protocol_error() {
    let server = raw_server(b"this is not HTTP\r\n\r\n");
    let error = AsyncClient::new()
        .get(server.url("/"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RemoteProtocol, "{error}");
}

#[tokio::test]
async fn a_closed_connection_before_the_head_is_named_so() {
    let server = raw_server(b"");
    let error = AsyncClient::new()
        .get(server.url("/"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RemoteProtocol, "{error}");
    assert!(
        error.to_string().contains("without sending a response"),
        "{error}"
    );
}

#[tokio::test]
async fn an_oversized_response_head_is_refused() {
    static HEAD: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let head = HEAD.get_or_init(|| {
        let mut head = b"HTTP/1.1 200 OK\r\nX-Big: ".to_vec();
        head.extend(std::iter::repeat_n(b'a', 200 * 1024));
        head.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
        head
    });
    let server = raw_server(head);
    let error = AsyncClient::new()
        .get(server.url("/"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RemoteProtocol, "{error}");
}

#[test]
fn the_raw_helpers_are_used() {
    // Keeps the imports honest when a test above changes.
    let _ = (std::io::empty().read(&mut []), std::io::sink().write(b""));
    let _ = ConnectionEvent::Closed {
        id: xhttp_testkit::ConnectionId(0),
        requests: 0,
    };
}
