//! Trace events, timings and progress callbacks against testkit servers, h1 and h2 over
//! TLS, both flavours.

use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use xhttp::trace::{TraceEvent, TraceKind};
use xhttp::{AsyncClient, Client, Version};
use xhttp_testkit::Server;
use xhttp_testkit::tls::{TlsMode, ca_pem};

use super::{body_of, echo_server};

/// Collects events.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<TraceEvent>>>);

impl Recorder {
    fn callback(&self) -> impl Fn(&TraceEvent) + Send + Sync + 'static {
        let events = Arc::clone(&self.0);
        move |event| events.lock().unwrap().push(event.clone())
    }

    fn take(&self) -> Vec<TraceEvent> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn names(events: &[TraceEvent]) -> Vec<&'static str> {
    events.iter().map(|event| event.kind.name()).collect()
}

fn assert_in_time_order(events: &[TraceEvent]) {
    for pair in events.windows(2) {
        assert!(pair[0].at <= pair[1].at, "{events:#?}");
    }
}

fn localhost(server: &Server, path: &str) -> String {
    let scheme = if server.is_tls() { "https" } else { "http" };
    format!("{scheme}://localhost:{}{path}", server.addr().port())
}

const NEW_H1: [&str; 9] = [
    "connect_start",
    "dns_start",
    "dns_end",
    "connect_end",
    "connection",
    "request_head_sent",
    "request_body_sent",
    "response_head_received",
    "response_body_done",
];

const REUSED: [&str; 5] = [
    "connection",
    "request_head_sent",
    "request_body_sent",
    "response_head_received",
    "response_body_done",
];

#[tokio::test]
async fn an_h1_request_traces_each_phase_in_order_and_the_next_reuses_the_connection() {
    let server = echo_server();
    let recorder = Recorder::default();
    let client = AsyncClient::builder()
        .resolve("localhost", server.addr())
        .trace(recorder.callback())
        .build()
        .unwrap();
    let url = localhost(&server, "/a");
    client.post(&url).body("hello").send().await.unwrap();
    let events = recorder.take();
    assert_eq!(names(&events), NEW_H1);
    assert_in_time_order(&events);
    assert_eq!(
        events[1].kind,
        TraceKind::DnsStart {
            host: "localhost".into()
        }
    );
    assert_eq!(
        events[3].kind,
        TraceKind::ConnectEnd {
            remote_addr: Some(server.addr())
        }
    );
    assert_eq!(
        events[4].kind,
        TraceKind::Connection {
            reused: false,
            version: Version::HTTP_11
        }
    );
    assert_eq!(
        events[8].kind,
        TraceKind::ResponseBodyDone {
            bytes: "POST /a 5".len() as u64
        }
    );

    client.get(&url).send().await.unwrap();
    let events = recorder.take();
    assert_eq!(names(&events), REUSED);
    assert_eq!(
        events[0].kind,
        TraceKind::Connection {
            reused: true,
            version: Version::HTTP_11
        }
    );
    assert_eq!(server.connections_opened(), 1);
}

#[tokio::test]
async fn a_tls_request_traces_the_handshake_and_alpn_h2() {
    let server = Server::builder()
        .auto()
        .tls(TlsMode::Valid)
        .handler(|_| http::Response::new(Bytes::from_static(b"secure")))
        .start();
    let recorder = Recorder::default();
    let client = AsyncClient::builder()
        .add_root_certificate(ca_pem())
        .resolve("localhost", server.addr())
        .build()
        .unwrap();
    let url = localhost(&server, "/");
    let response = client
        .get(&url)
        .trace(recorder.callback())
        .send()
        .await
        .unwrap();
    assert_eq!(response.http_version(), "HTTP/2");
    let events = recorder.take();
    assert_eq!(
        names(&events),
        [
            "connect_start",
            "dns_start",
            "dns_end",
            "connect_end",
            "tls_start",
            "tls_end",
            "connection",
            "request_head_sent",
            "request_body_sent",
            "response_head_received",
            "response_body_done",
        ]
    );
    assert_in_time_order(&events);
    let TraceKind::TlsEnd { version, alpn } = &events[5].kind else {
        panic!("{events:#?}");
    };
    assert!(version.starts_with("TLS"), "{version}");
    assert_eq!(alpn.as_deref(), Some(&b"h2"[..]));
    assert_eq!(
        events[6].kind,
        TraceKind::Connection {
            reused: false,
            version: Version::HTTP_2
        }
    );
    let timings = response.timings();
    assert!(timings.dns.is_some() && timings.connect.is_some() && timings.tls.is_some());

    // The second request shares the HTTP/2 connection: no connect, no handshake.
    client
        .get(&url)
        .trace(recorder.callback())
        .send()
        .await
        .unwrap();
    let events = recorder.take();
    assert_eq!(names(&events), REUSED);
    assert_eq!(
        events[0].kind,
        TraceKind::Connection {
            reused: true,
            version: Version::HTTP_2
        }
    );
}

#[test]
fn the_blocking_client_traces_the_same_phases() {
    let server = echo_server();
    let recorder = Recorder::default();
    let client = Client::builder()
        .resolve("localhost", server.addr())
        .build()
        .unwrap();
    let url = localhost(&server, "/");
    client.get(&url).trace(recorder.callback()).send().unwrap();
    let events = recorder.take();
    assert_eq!(names(&events), NEW_H1);
    assert_in_time_order(&events);
    client.get(&url).trace(recorder.callback()).send().unwrap();
    assert_eq!(names(&recorder.take()), REUSED);
}

#[tokio::test]
async fn the_clients_trace_runs_before_the_requests_own() {
    let server = echo_server();
    let order = Arc::new(Mutex::new(Vec::new()));
    let (first, second) = (Arc::clone(&order), Arc::clone(&order));
    let client = AsyncClient::builder()
        .trace(move |event| {
            if event.kind.name() == "response_head_received" {
                first.lock().unwrap().push("client");
            }
        })
        .build()
        .unwrap();
    client
        .get(server.url("/"))
        .trace(move |event| {
            if event.kind.name() == "response_head_received" {
                second.lock().unwrap().push("request");
            }
        })
        .send()
        .await
        .unwrap();
    assert_eq!(*order.lock().unwrap(), ["client", "request"]);
}

#[tokio::test]
async fn timings_cover_each_phase_and_add_up_to_at_most_the_total() {
    let server = echo_server();
    let client = AsyncClient::builder()
        .resolve("localhost", server.addr())
        .build()
        .unwrap();
    let url = localhost(&server, "/");
    let response = client.get(&url).send().await.unwrap();
    let timings = response.timings();
    let phases = [
        timings.dns,
        timings.connect,
        timings.waiting,
        timings.download,
    ]
    .map(|phase| phase.unwrap_or_else(|| panic!("{timings:?}")));
    assert_eq!(timings.tls, None, "plain http has no TLS");
    let total = timings.total.unwrap();
    assert!(
        phases.iter().sum::<std::time::Duration>() <= total,
        "{timings:?}"
    );
    assert_eq!(Some(total), response.elapsed());

    // Reused: no connection phases; download and total wait for the body.
    let mut streamed = client.get(&url).stream().await.unwrap();
    let timings = streamed.timings();
    assert_eq!(
        (timings.dns, timings.connect, timings.tls),
        (None, None, None)
    );
    assert!(timings.waiting.is_some());
    assert_eq!((timings.download, timings.total), (None, None));
    streamed.read().await.unwrap();
    assert!(streamed.timings().download.is_some() && streamed.timings().total.is_some());
}

/// 100 MiB, made once.
fn big_body() -> Bytes {
    static BODY: OnceLock<Bytes> = OnceLock::new();
    BODY.get_or_init(|| body_of(100 << 20)).clone()
}

#[tokio::test]
async fn download_progress_reaches_the_total_of_a_100_mib_body() {
    let server = Server::http1(|_| http::Response::new(big_body()));
    let reports = Arc::new(Mutex::new((0u64, None, 0usize)));
    let seen = Arc::clone(&reports);
    let client = AsyncClient::new();
    let mut response = client
        .get(server.url("/big"))
        .on_download_progress(move |done, total| {
            let mut seen = seen.lock().unwrap();
            assert!(done >= seen.0, "progress went backwards");
            *seen = (done, total, seen.2 + 1);
        })
        .stream()
        .await
        .unwrap();
    let mut received = 0u64;
    let mut chunks = response.bytes_stream(None);
    while let Some(chunk) = std::future::poll_fn(|cx| {
        futures_core::Stream::poll_next(std::pin::Pin::new(&mut chunks), cx)
    })
    .await
    {
        received += chunk.unwrap().len() as u64;
    }
    let (done, total, calls) = *reports.lock().unwrap();
    assert_eq!(received, 100 << 20);
    assert_eq!((done, total), (100 << 20, Some(100 << 20)));
    assert!(calls > 1, "one report per chunk, not one at the end");
}

#[test]
fn upload_progress_reaches_the_total_both_flavours() {
    let server = echo_server();
    let body = body_of(1 << 20);
    let reports = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&reports);
    let response = Client::new()
        .post(server.url("/up"))
        .body(body.clone())
        .on_upload_progress(move |done, total| seen.lock().unwrap().push((done, total)))
        .send()
        .unwrap();
    assert_eq!(response.text().unwrap(), format!("POST /up {}", 1 << 20));
    let reports = std::mem::take(&mut *reports.lock().unwrap());
    assert!(reports.len() > 1, "{reports:?}");
    assert!(reports.windows(2).all(|pair| pair[0].0 < pair[1].0));
    assert_eq!(reports.last(), Some(&(1 << 20, Some(1 << 20))));

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let last = Arc::new(Mutex::new(None));
    let seen = Arc::clone(&last);
    runtime.block_on(async {
        AsyncClient::new()
            .put(server.url("/up"))
            .body(body)
            .on_upload_progress(move |done, total| *seen.lock().unwrap() = Some((done, total)))
            .send()
            .await
            .unwrap();
    });
    assert_eq!(*last.lock().unwrap(), Some((1 << 20, Some(1 << 20))));
}
