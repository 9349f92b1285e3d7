//! Timeouts on the built-in transport, past the simple cases of `engine/timeouts.rs`:
//! durations too large for a deadline, the total deadline under a body that never pauses,
//! a request body waiting on its own source, and a read timeout shorter than the write
//! one. The client never sleeps; the timeouts are short real times, the upper bounds on
//! elapsed times generous.

mod support;

use std::future::poll_fn;
use std::io::Write as _;
use std::pin::Pin;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use xhttp::{AsyncClient, Body, ErrorKind, Limits, Timeout};
use xhttp_testkit::{Behavior, Server};

fn short(duration_ms: u64) -> Duration {
    Duration::from_millis(duration_ms)
}

/// An h1 server answering every request with its method and body length.
fn echo_server() -> Server {
    Server::http1(|request| {
        let text = format!("{} {}", request.method(), request.body().len());
        http::Response::new(Bytes::from(text))
    })
}

/// `Duration::MAX` everywhere: no limit in practice, never an overflow.
fn unlimited() -> Timeout {
    Timeout::new(Duration::MAX).with_total(Duration::MAX)
}

#[tokio::test]
async fn duration_max_timeouts_on_normal_requests() {
    let server = echo_server();
    let client = AsyncClient::builder().timeout(unlimited()).build().unwrap();
    let response = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(response.text().unwrap(), "GET 0");
    let response = client
        .post(server.url("/"))
        .body(Bytes::from_static(b"four"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().unwrap(), "POST 4");
    let response = client
        .post(server.url("/"))
        .body(support::streamed(["one", "two"]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().unwrap(), "POST 6");
}

#[tokio::test]
async fn duration_max_timeouts_on_a_streamed_response_body() {
    // Paced: every byte is a wait, each with its own read deadline.
    let server = Server::builder()
        .behavior(Behavior::Drip { every: short(5) })
        .handler(|_| http::Response::new(Bytes::from_static(b"dripped")))
        .start();
    let client = AsyncClient::builder().timeout(unlimited()).build().unwrap();
    let mut response = client.get(server.url("/")).stream().await.unwrap();
    assert_eq!(response.read().await.unwrap(), "dripped");
}

#[tokio::test]
async fn duration_max_pool_timeout_while_waiting_for_a_connection() {
    let server = echo_server();
    let client = AsyncClient::builder()
        .limits(Limits::default().with_max_connections(1))
        .timeout(unlimited())
        .build()
        .unwrap();
    let mut held = client.get(server.url("/held")).stream().await.unwrap();
    let waiting = tokio::spawn({
        let client = client.clone();
        let url = server.url("/next");
        async move { client.get(url).send().await.map(|r| r.text().unwrap()) }
    });
    // On this single-threaded runtime the waiter runs until it queues for the pool.
    tokio::task::yield_now().await;
    held.read().await.unwrap();
    assert_eq!(waiting.await.unwrap().unwrap(), "GET 0");
}

/// A raw server answering with a chunked body that never ends, written as fast as the
/// client takes it (the kernel's buffers hold data the client has not asked for yet).
fn endless_server() -> Server {
    Server::builder()
        .raw(|connection| {
            if !matches!(connection.read_request(), Ok(Some(_))) {
                return;
            }
            let head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
            if connection.write_all(head).is_err() {
                return;
            }
            let mut chunk = b"4000\r\n".to_vec();
            chunk.extend_from_slice(&[b'x'; 0x4000]);
            chunk.extend_from_slice(b"\r\n");
            // Until the client (or the server's stop) closes the connection.
            while connection.write_all(&chunk).is_ok() {}
        })
        .start()
}

/// Some work on each chunk, for a consumer slower than the network.
fn work(chunk: &[u8]) -> u64 {
    let mut sum = 0u64;
    for _ in 0..16 {
        for &byte in chunk {
            sum = sum.wrapping_mul(31).wrapping_add(u64::from(byte));
        }
    }
    sum
}

/// A consumer slower than the network always finds the next frame ready: the total
/// deadline is checked on frames that arrive, not only on waits.
#[tokio::test]
async fn total_timeout_while_an_endless_body_keeps_arriving() {
    let server = endless_server();
    let client = AsyncClient::builder()
        .timeout(Timeout::default().with_total(short(300)))
        .build()
        .unwrap();
    let started = Instant::now();
    let mut response = client.get(server.url("/")).stream().await.unwrap();
    let mut stream = response.bytes_stream(None);
    let error = loop {
        let next = poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut stream), cx)).await;
        match next {
            Some(Ok(chunk)) => {
                std::hint::black_box(work(&chunk));
            }
            Some(Err(error)) => break error,
            None => panic!("an endless body ended"),
        }
        // The connection's task reads on meanwhile: the next frame is ready when asked.
        tokio::task::yield_now().await;
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no total timeout after 20 s of an endless body"
        );
    };
    assert_eq!(error.kind(), ErrorKind::TotalTimeout, "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

/// The write timeout covers the connection taking data, not the body's own source
/// producing it (httpx's covers socket writes only): a body that holds its next chunk
/// for longer than the write timeout, over a connection that is fine, completes.
#[tokio::test]
async fn a_request_body_waiting_on_its_source_is_no_write_timeout() {
    let server = echo_server();
    // The test's clock: a response paced by the server over at least 6 × 100 ms, three
    // times the write timeout.
    let pacer = Server::builder()
        .behavior(Behavior::Drip { every: short(100) })
        .handler(|_| http::Response::new(Bytes::from_static(b"paced!")))
        .start();
    let client = AsyncClient::builder()
        .timeout(Timeout::default().with_write(short(200)))
        .build()
        .unwrap();
    let (sender, body) = xhttp::body_channel::channel(None);
    let (release, released) = mpsc::channel::<()>();
    let producer = std::thread::spawn(move || {
        sender.send(Ok(Bytes::from_static(b"first "))).unwrap();
        // Held until the test says so.
        let _ = released.recv();
        let _ = sender.send(Ok(Bytes::from_static(b"last")));
    });
    let upload = tokio::spawn({
        let client = client.clone();
        let url = server.url("/up");
        async move {
            client
                .post(url)
                .body(Body::from_stream(body))
                .send()
                .await
                .map(|response| response.text().unwrap())
        }
    });
    let paced = client.get(pacer.url("/")).send().await.unwrap();
    assert_eq!(paced.text().unwrap(), "paced!");
    release.send(()).unwrap();
    assert_eq!(upload.await.unwrap().unwrap(), "POST 10");
    producer.join().unwrap();
}

/// Once the upload ended, the read timeout runs from then on its own, however much
/// longer the write timeout is.
#[tokio::test]
async fn read_timeout_after_an_upload_under_a_longer_write_timeout() {
    let server = Server::builder()
        .behavior(Behavior::NeverAnswer)
        .handler(|_| http::Response::new(Bytes::new()))
        .start();
    let client = AsyncClient::builder()
        .timeout(
            Timeout::default()
                .with_write(Duration::from_secs(30))
                .with_read(short(200)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    let sent = client
        .post(server.url("/up"))
        .body(Bytes::from_static(b"payload"))
        .send();
    let error = tokio::time::timeout(Duration::from_secs(10), sent)
        .await
        .expect("the read timeout fired within 10 s, not at the 30 s write timeout")
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ReadTimeout, "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}
