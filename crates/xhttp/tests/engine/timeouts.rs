//! Each timeout fires with its own error kind, against a server that stalls in the
//! matching phase. The client never sleeps; the timeouts are short real times.

use bytes::Bytes;
use xhttp::{AsyncClient, Client, ErrorKind, Timeout};
use xhttp_testkit::{Behavior, FullBacklog, Server};

use crate::{body_of, short};

fn stalling(behavior: Behavior, body_len: usize) -> Server {
    Server::builder()
        .behavior(behavior)
        .handler(move |_| http::Response::new(body_of(body_len)))
        .start()
}

#[tokio::test]
async fn connect_timeout_when_the_server_never_accepts() {
    let backlog = FullBacklog::new();
    let client = AsyncClient::builder()
        .timeout(Timeout::default().with_connect(short(300)))
        .build()
        .unwrap();
    let error = client.get(backlog.url("/")).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ConnectTimeout, "{error}");
    assert!(error.is_timeout() && error.is_connect());
}

#[tokio::test]
async fn read_timeout_when_the_server_never_answers() {
    let server = stalling(Behavior::NeverAnswer, 10);
    let client = AsyncClient::builder()
        .timeout(Timeout::default().with_read(short(300)))
        .build()
        .unwrap();
    let error = client.get(server.url("/")).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ReadTimeout, "{error}");
    assert!(
        error.to_string().contains("GET http://127.0.0.1"),
        "{error}"
    );
}

#[tokio::test]
async fn read_timeout_over_h2_when_the_server_never_answers() {
    let server = Server::builder()
        .http2()
        .behavior(Behavior::NeverAnswer)
        .handler(|_| http::Response::new(Bytes::new()))
        .start();
    let client = AsyncClient::builder()
        .http2_prior_knowledge()
        .timeout(Timeout::default().with_read(short(300)))
        .build()
        .unwrap();
    let error = client.get(server.url("/")).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ReadTimeout, "{error}");
}

#[tokio::test]
async fn read_timeout_when_the_body_stalls() {
    let server = stalling(Behavior::StallBody { after: 10 }, 1000);
    let client = AsyncClient::builder()
        .timeout(Timeout::default().with_read(short(300)))
        .build()
        .unwrap();
    let mut response = client.get(server.url("/")).stream().await.unwrap();
    let error = response.read().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ReadTimeout, "{error}");
}

#[test]
fn read_timeout_when_the_body_stalls_blocking() {
    let server = stalling(Behavior::StallBody { after: 10 }, 1000);
    let client = Client::builder()
        .timeout(Timeout::default().with_read(short(300)))
        .build()
        .unwrap();
    let error = client.get(server.url("/")).send().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ReadTimeout, "{error}");
}

#[tokio::test]
async fn total_timeout_catches_a_slow_drip_the_read_timeout_misses() {
    let server = stalling(Behavior::Drip { every: short(20) }, 1000);
    let client = AsyncClient::builder()
        .timeout(
            Timeout::default()
                .with_read(short(2000))
                .with_total(short(400)),
        )
        .build()
        .unwrap();
    let error = client.get(server.url("/")).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TotalTimeout, "{error}");
}

/// Each wait is measured from its own start: a body trickling in for twice the read
/// timeout, with every gap far shorter than it, completes (the body's one timer, armed
/// for the first wait, fires early and is moved on rather than reported).
#[tokio::test]
async fn a_steady_trickle_longer_than_the_read_timeout_completes() {
    let server = stalling(Behavior::Drip { every: short(20) }, 30);
    let client = AsyncClient::builder()
        .timeout(Timeout::default().with_read(short(300)))
        .build()
        .unwrap();
    let response = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(response.content().unwrap().len(), 30);
}

#[tokio::test]
async fn write_timeout_when_the_server_stops_reading_the_upload() {
    let server = stalling(Behavior::StallUpload, 0);
    let client = AsyncClient::builder()
        .timeout(Timeout::default().with_write(short(400)))
        .build()
        .unwrap();
    let upload = body_of(64 * 1024 * 1024);
    let error = client
        .post(server.url("/up"))
        .body(upload)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::WriteTimeout, "{error}");
}

/// The built-in transport is a tower `Service`: its future may be made outside a runtime
/// and polled inside one, total deadline included.
#[test]
fn a_transport_future_made_outside_a_runtime_runs_inside_one() {
    use tower_service::Service as _;

    let server = stalling(Behavior::Normal, 10);
    let mut transport = xhttp::HttpTransport::new();
    let url: xhttp::Url = server.url("/").parse().unwrap();
    let mut request = http::Request::new(xhttp::Body::empty());
    *request.uri_mut() = url.uri().cloned().unwrap();
    let mut context = xhttp::context::RequestContext::new(url);
    context.timeout = Some(Timeout::default().with_total(short(5000)));
    request.extensions_mut().insert(context);
    let sent = transport.call(request);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let response = runtime.block_on(sent).unwrap();
    assert_eq!(response.status(), 200);
}
