//! The connection pool: caps, waiters, sharing, overflow, stale retries, eviction.

use bytes::Bytes;
use xhttp::{AsyncClient, ErrorKind, Limits, Timeout};
use xhttp_testkit::tls::{TlsMode, ca_pem};
use xhttp_testkit::{Behavior, Server};

use crate::{body_of, echo_server, short};

#[tokio::test]
async fn pool_timeout_while_the_only_connection_is_held_by_a_stream() {
    let server = Server::http1(|_| http::Response::new(body_of(1024 * 1024)));
    let client = AsyncClient::builder()
        .limits(Limits::default().with_max_connections(1))
        .timeout(Timeout::default().with_pool(short(300)))
        .build()
        .unwrap();
    let held = client.get(server.url("/held")).stream().await.unwrap();
    let error = client.get(server.url("/next")).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::PoolTimeout, "{error}");
    // Reading the held response to its end frees the connection for the next request.
    let mut held = held;
    held.read().await.unwrap();
    let response = client.get(server.url("/next")).send().await.unwrap();
    assert_eq!(response.content().unwrap().len(), 1024 * 1024);
    assert_eq!(server.connections_opened(), 1);
}

#[tokio::test]
async fn a_waiter_is_handed_the_connection_when_it_comes_back() {
    let server = echo_server();
    let client = AsyncClient::builder()
        .limits(Limits::default().with_max_connections(1))
        .build()
        .unwrap();
    let mut held = client.get(server.url("/first")).stream().await.unwrap();
    let waiting = tokio::spawn({
        let client = client.clone();
        let url = server.url("/second");
        async move {
            client
                .get(url)
                .send()
                .await
                .map(|response| response.text().unwrap())
        }
    });
    // Whenever the waiter queues, reading the held body to its end hands it the connection.
    held.read().await.unwrap();
    assert_eq!(waiting.await.unwrap().unwrap(), "GET /second 0");
    assert_eq!(server.connections_opened(), 1);
}

#[tokio::test]
async fn one_connection_serves_100_sequential_requests() {
    let server = echo_server();
    let client = AsyncClient::new();
    for index in 0..100 {
        let response = client
            .get(server.url(&format!("/{index}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.text().unwrap(), format!("GET /{index} 0"));
    }
    assert_eq!(server.requests_per_connection(), vec![100]);
    let stats = client.pool_stats();
    assert_eq!((stats.connections, stats.idle), (1, 1), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_concurrent_cold_requests_share_one_h2_connection() {
    let server = Server::builder()
        .auto()
        .tls(TlsMode::Valid)
        .handler(|_| http::Response::new(Bytes::from_static(b"shared")))
        .start();
    let client = AsyncClient::builder()
        .add_root_certificate(ca_pem())
        .build()
        .unwrap();
    let requests: Vec<_> = (0..64)
        .map(|_| {
            let client = client.clone();
            let url = server.url("/");
            tokio::spawn(async move { client.get(url).send().await.map(|r| r.http_version()) })
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap().unwrap(), "HTTP/2");
    }
    assert_eq!(server.connections_opened(), 1);
    assert_eq!(client.pool_stats().http2_connections, 1);
}

#[tokio::test]
async fn an_overflow_connection_once_the_server_allows_only_10_streams() {
    let server = Server::builder()
        .http2()
        .http2_max_streams(10)
        .handler(|_| http::Response::new(body_of(10)))
        .start();
    let client = AsyncClient::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    // A first exchange brings the server's SETTINGS in.
    client.get(server.url("/warm")).send().await.unwrap();
    // Fifteen responses held open: ten streams on the first connection, then another.
    let mut held = Vec::new();
    for _ in 0..15 {
        held.push(client.get(server.url("/held")).stream().await.unwrap());
    }
    assert_eq!(server.connections_opened(), 2);
    let stats = client.pool_stats();
    assert_eq!(
        (stats.http2_connections, stats.http2_streams),
        (2, 15),
        "{stats:?}"
    );
    drop(held);
    assert_eq!(client.pool_stats().http2_streams, 0);
}

#[tokio::test]
async fn a_stale_connection_is_retried_for_get_but_not_for_a_sent_post() {
    // Each connection answers one request, then reads the next and closes unanswered.
    let server = Server::builder()
        .behavior(Behavior::CloseAfter { answered: 1 })
        .handler(|request| http::Response::new(Bytes::from(request.uri().path().to_owned())))
        .start();
    let client = AsyncClient::new();
    assert_eq!(
        client
            .get(server.url("/1"))
            .send()
            .await
            .unwrap()
            .text()
            .unwrap(),
        "/1"
    );
    // The pooled connection looks alive, takes the request, then closes: retried.
    assert_eq!(
        client
            .get(server.url("/2"))
            .send()
            .await
            .unwrap()
            .text()
            .unwrap(),
        "/2"
    );
    assert_eq!(server.connections_opened(), 2);
    // A POST that was sent is not replayed: the error reaches the caller.
    let error = client
        .post(server.url("/3"))
        .body("data")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RemoteProtocol, "{error}");
    assert_eq!(server.connections_opened(), 2);
}

#[tokio::test]
async fn origin_b_is_served_while_origin_a_holds_every_slot_idle() {
    let a = echo_server();
    let b = echo_server();
    let client = capped_client(2);
    // Two idle connections to A fill the cap.
    let first = client.get(a.url("/1")).stream().await.unwrap();
    let second = client.get(a.url("/2")).stream().await.unwrap();
    for mut response in [first, second] {
        response.read().await.unwrap();
    }
    assert_eq!(client.pool_stats().idle, 2);
    let response = client.get(b.url("/b")).send().await.unwrap();
    assert_eq!(response.text().unwrap(), "GET /b 0");
    let stats = client.pool_stats();
    assert_eq!((stats.connections, stats.idle), (2, 2), "{stats:?}");
}

#[test]
fn a_static_client_survives_the_runtime_that_made_its_connections() {
    static CLIENT: std::sync::OnceLock<AsyncClient> = std::sync::OnceLock::new();
    let server = echo_server();
    let client = CLIENT.get_or_init(AsyncClient::new);
    for round in 0..2 {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let text = runtime.block_on(async {
            client
                .get(server.url(&format!("/{round}")))
                .send()
                .await
                .unwrap()
                .text()
                .unwrap()
        });
        assert_eq!(text, format!("GET /{round} 0"));
        // The runtime, and the connection task it ran, end here.
        drop(runtime);
    }
    assert_eq!(server.connections_opened(), 2);
}

#[tokio::test]
async fn close_closes_idle_connections_and_refuses_new_requests() {
    let server = echo_server();
    let client = AsyncClient::new();
    client.get(server.url("/")).send().await.unwrap();
    client.close().await;
    assert_eq!(client.pool_stats().connections, 0);
    let error = client.get(server.url("/")).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ClientClosed);
}

#[tokio::test]
async fn close_drains_a_short_rest_and_keeps_the_connection() {
    let server = Server::http1(|request| {
        let size = if request.uri().path() == "/big" {
            1024 * 1024
        } else {
            10 * 1024
        };
        http::Response::new(body_of(size))
    });
    let client = AsyncClient::new();
    let mut small = client.get(server.url("/small")).stream().await.unwrap();
    small.close().await;
    client.get(server.url("/small")).send().await.unwrap();
    assert_eq!(server.connections_opened(), 1, "a 10 KiB rest is drained");

    let mut big = client.get(server.url("/big")).stream().await.unwrap();
    big.close().await;
    client.get(server.url("/small")).send().await.unwrap();
    assert_eq!(
        server.connections_opened(),
        2,
        "a 1 MiB rest is dropped with its connection"
    );
}

/// The pool's reaper closes an idle connection once it expires, with no request to
/// notice it (the reaper runs on a runtime worker while this thread waits).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_idle_connection_is_closed_in_the_background() {
    let server = echo_server();
    let client = AsyncClient::builder()
        .limits(Limits::default().with_keepalive_expiry(short(200)))
        .build()
        .unwrap();
    client.get(server.url("/")).send().await.unwrap();
    assert!(
        server.wait_for_closed(1, short(5000)),
        "the idle connection was not closed after its expiry"
    );
    assert_eq!(client.pool_stats().connections, 0);
}

/// The read and write timeouts count from when the request is sent, not from when it was
/// made: a request that waited in the pool longer than both still gets its answer.
#[tokio::test]
async fn a_wait_in_the_pool_does_not_use_up_the_read_or_write_timeout() {
    for (method, body) in [(http::Method::GET, ""), (http::Method::POST, "four")] {
        let server = echo_server();
        let timeout = Timeout::default()
            .with_read(short(300))
            .with_write(short(300));
        let client = AsyncClient::builder()
            .limits(Limits::default().with_max_connections(1))
            .timeout(timeout)
            .build()
            .unwrap();
        let mut held = client.get(server.url("/first")).stream().await.unwrap();
        let waiting = tokio::spawn({
            let mut request = client.request(method.clone(), server.url("/second"));
            if !body.is_empty() {
                request = request.body(body);
            }
            async move {
                request
                    .send()
                    .await
                    .map(|response| response.text().unwrap())
            }
        });
        // A request with the same read timeout to a server that never answers: when it
        // times out, the waiter has been waiting at least that long (no sleep needed).
        let silent = Server::builder()
            .behavior(Behavior::NeverAnswer)
            .handler(|_| http::Response::new(Bytes::new()))
            .start();
        let other = AsyncClient::builder().timeout(timeout).build().unwrap();
        let error = other.get(silent.url("/")).send().await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ReadTimeout, "{error}");
        held.read().await.unwrap();
        let answer = waiting.await.unwrap();
        assert_eq!(answer.unwrap(), format!("{method} /second {}", body.len()));
    }
}

/// A request that gives up just as the pool hands it a connection (its task is cancelled
/// before it runs again) gives the connection back: with one connection allowed, a lost
/// one would make every later request wait out the pool timeout.
#[tokio::test]
async fn a_request_that_gives_up_as_it_is_handed_a_connection_loses_nothing() {
    let server = echo_server();
    let client = capped_client(1);
    let mut held = client.get(server.url("/first")).stream().await.unwrap();
    let waiting = tokio::spawn({
        let request = client.get(server.url("/second"));
        async move { request.send().await }
    });
    for _ in 0..1_000_000 {
        if client.pool_stats().waiting > 0 {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(client.pool_stats().waiting, 1, "the second request waits");
    // Reading the held body to its end hands the connection to the waiter, which is
    // cancelled before it runs again (one thread: it cannot run in between).
    held.read().await.unwrap();
    waiting.abort();
    assert!(waiting.await.unwrap_err().is_cancelled());
    let response = client.get(server.url("/third")).send().await.unwrap();
    assert_eq!(response.text().unwrap(), "GET /third 0");
    assert_eq!(client.pool_stats().connections, 1);
}

/// A client allowed `max` connections, waiting at most 2 s (scaled) for one.
fn capped_client(max: usize) -> AsyncClient {
    AsyncClient::builder()
        .limits(Limits::default().with_max_connections(max))
        .timeout(Timeout::default().with_pool(short(2000)))
        .build()
        .unwrap()
}

/// Resolves to `target` once `release` fires, after saying it was asked.
#[derive(Debug)]
struct Gated {
    target: std::net::SocketAddr,
    asked: tokio::sync::mpsc::UnboundedSender<()>,
    release: std::sync::Arc<tokio::sync::Notify>,
}

impl xhttp_async::connect::dns::Resolve for Gated {
    fn resolve(&self, _: &str) -> xhttp_async::connect::dns::Resolving {
        let _ = self.asked.send(());
        let (target, release) = (self.target, std::sync::Arc::clone(&self.release));
        Box::pin(async move {
            release.notified().await;
            Ok(vec![target])
        })
    }
}

/// An HTTP/2 connection whose connect ends after `close()` serves its request, and is
/// then closed rather than kept in the closed pool for the client's lifetime.
#[tokio::test]
async fn an_http2_connection_made_after_close_is_not_kept() {
    let server = Server::builder()
        .http2()
        .handler(|_| http::Response::new(body_of(10)))
        .start();
    let (asked, mut was_asked) = tokio::sync::mpsc::unbounded_channel();
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    let transport = xhttp::HttpTransport::builder()
        .options({
            let mut options = xhttp::HttpOptions::default();
            options.http2_prior_knowledge = true;
            options
        })
        .resolver(Gated {
            target: server.addr(),
            asked,
            release: std::sync::Arc::clone(&release),
        })
        .build();
    let request = tokio::spawn({
        let transport = transport.clone();
        async move {
            let client = AsyncClient::builder()
                .transport(xhttp::BoxTransport::new(transport))
                .build()
                .unwrap();
            client.get("http://gated.test/").send().await
        }
    });
    was_asked.recv().await.unwrap();
    transport.close();
    release.notify_one();
    let response = request.await.unwrap().unwrap();
    assert_eq!(response.content().unwrap().len(), 10);
    assert_eq!(transport.pool_stats().connections, 0);
    assert!(
        server.wait_for_closed(1, std::time::Duration::from_secs(10)),
        "the connection closes with its only request"
    );
}
