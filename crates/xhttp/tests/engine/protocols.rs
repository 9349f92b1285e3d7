//! HTTP/1.1, HTTP/2 by ALPN and by prior knowledge, keep-alive, the resolver.

use bytes::Bytes;
use xhttp::{AsyncClient, Client};
use xhttp_testkit::tls::{TlsMode, ca_pem};
use xhttp_testkit::{Server, ServerBuilder};

use crate::echo_server;

fn h2_or_h1_server(builder: ServerBuilder) -> Server {
    builder
        .handler(|request| {
            let text = format!("{:?} {}", request.version(), request.uri().path());
            http::Response::new(Bytes::from(text))
        })
        .start()
}

#[tokio::test]
async fn h1_keeps_one_connection_alive_across_requests() {
    let server = echo_server();
    let client = AsyncClient::new();
    for path in ["/a", "/b", "/c"] {
        let response = client.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.http_version(), "HTTP/1.1");
        assert_eq!(response.text().unwrap(), format!("GET {path} 0"));
        assert_eq!(response.remote_addr(), Some(server.addr()));
    }
    let response = client
        .post(server.url("/p"))
        .body("12345")
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().unwrap(), "POST /p 5");
    assert_eq!(server.requests_per_connection(), vec![4]);
}

#[test]
fn the_blocking_client_keeps_connections_alive_too() {
    let server = echo_server();
    let client = Client::new();
    for _ in 0..3 {
        let response = client.get(server.url("/x")).send().unwrap();
        assert_eq!(response.text().unwrap(), "GET /x 0");
    }
    assert_eq!(server.requests_per_connection(), vec![3]);
}

#[tokio::test]
async fn h2_is_chosen_by_alpn_and_shared() {
    let server = h2_or_h1_server(Server::builder().auto().tls(TlsMode::Valid));
    let client = AsyncClient::builder()
        .add_root_certificate(ca_pem())
        .build()
        .unwrap();
    for _ in 0..3 {
        let response = client.get(server.url("/h2")).send().await.unwrap();
        assert_eq!(response.http_version(), "HTTP/2");
        assert_eq!(response.text().unwrap(), "HTTP/2.0 /h2");
        let tls = response.tls_info().expect("TLS info");
        assert_eq!(tls.alpn.as_deref(), Some(&b"h2"[..]));
        assert!(tls.version.starts_with("TLSv1_"), "{}", tls.version);
        assert!(tls.peer_certificate.is_some());
    }
    assert_eq!(server.connections_opened(), 1);
}

#[tokio::test]
async fn h1_over_tls_when_http2_is_off() {
    let server = h2_or_h1_server(Server::builder().auto().tls(TlsMode::Valid));
    let client = AsyncClient::builder()
        .add_root_certificate(ca_pem())
        .http2(false)
        .build()
        .unwrap();
    let response = client.get(server.url("/h1")).send().await.unwrap();
    assert_eq!(response.http_version(), "HTTP/1.1");
    assert_eq!(response.text().unwrap(), "HTTP/1.1 /h1");
}

#[tokio::test]
async fn h2_by_prior_knowledge_on_plain_http() {
    let server = h2_or_h1_server(Server::builder().http2());
    let client = AsyncClient::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let response = client.get(server.url("/h2c")).send().await.unwrap();
    assert_eq!(response.http_version(), "HTTP/2");
    assert_eq!(response.text().unwrap(), "HTTP/2.0 /h2c");
}

#[tokio::test]
async fn a_resolver_override_reaches_the_server() {
    let server = echo_server();
    let client = AsyncClient::builder()
        .resolve("service.test", server.addr())
        .build()
        .unwrap();
    // The URL has no port: the override's port is used.
    let response = client.get("http://service.test/over").send().await.unwrap();
    assert_eq!(response.text().unwrap(), "GET /over 0");
}

#[tokio::test]
async fn an_unknown_host_is_a_connect_error() {
    let client = AsyncClient::builder()
        .resolve("known.test", "127.0.0.1:9".parse().unwrap())
        .build()
        .unwrap();
    // Port 9 (discard) is closed on loopback: connection refused.
    let error = client.get("http://known.test:9/").send().await.unwrap_err();
    assert_eq!(error.kind(), xhttp::ErrorKind::Connect, "{error}");
    assert!(error.to_string().contains("known.test:9"), "{error}");
}

#[tokio::test]
async fn unsupported_schemes_are_refused() {
    let error = AsyncClient::new()
        .get("ftp://127.0.0.1/")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), xhttp::ErrorKind::UnsupportedProtocol);
}
