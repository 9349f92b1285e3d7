//! xhttp against the real servers beyond the httpx diff: hypercorn's HTTP/2, httpbin's
//! slow endpoints against timeouts, nginx's 1 GiB file, keep-alive and concurrency.

use std::time::Duration;

use xhttp::{AsyncClient, Client, ErrorKind, Timeout};
use xhttp_testkit::peers;

fn ca() -> Vec<u8> {
    std::fs::read(peers::ca_certificate()).expect("scripts/peers start writes the CA")
}

#[tokio::test]
async fn hypercorn_speaks_h2c_and_h2_over_tls() {
    let h2c = AsyncClient::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let response = h2c
        .get(format!("http://{}/get?x=1", peers::hypercorn_h2c()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.http_version(), "HTTP/2");
    assert_eq!(
        response.json::<serde_json::Value>().unwrap()["args"]["x"],
        "1"
    );

    let tls = AsyncClient::builder()
        .add_root_certificate(ca())
        .build()
        .unwrap();
    let url = format!("https://localhost:{}/get", peers::hypercorn_tls().port());
    let response = tls.get(url).send().await.unwrap();
    assert_eq!(response.http_version(), "HTTP/2");
}

#[test]
fn a_drip_slower_than_the_read_timeout_fails_as_a_read_timeout() {
    // One byte every 1 s (10 bytes over 10 s) against a 300 ms read timeout.
    let client = Client::builder()
        .timeout(Timeout::default().with_read(Duration::from_millis(300)))
        .build()
        .unwrap();
    let url = format!(
        "http://{}/drip?numbytes=10&duration=10&delay=0",
        peers::httpbin()
    );
    let error = client.get(url).send().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ReadTimeout, "{error}");
}

#[tokio::test]
async fn a_delay_beyond_the_total_deadline_fails_as_a_total_timeout() {
    let client = AsyncClient::builder()
        .timeout(
            Timeout::default()
                .with_read(Duration::from_secs(10))
                .with_total(Duration::from_millis(500)),
        )
        .build()
        .unwrap();
    let error = client
        .get(format!("http://{}/delay/3", peers::httpbin()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TotalTimeout, "{error}");
}

/// The peak resident set of this process so far, in KiB (Linux).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_1_gib_download_streams_with_flat_memory() {
    let client = Client::new();
    let before = peak_rss_kib();
    let mut response = client
        .get(format!("http://{}/big", peers::nginx_http()))
        .stream()
        .unwrap();
    let (mut total, mut checksum) = (0u64, 0u64);
    for chunk in response.iter_bytes(None) {
        let chunk = chunk.unwrap();
        total += chunk.len() as u64;
        checksum = chunk
            .iter()
            .fold(checksum, |sum, byte| sum.wrapping_add(u64::from(*byte)));
    }
    assert_eq!(total, 1 << 30);
    assert_eq!(checksum, 0, "the sparse file reads as zeros");
    let grown = peak_rss_kib().saturating_sub(before);
    assert!(grown < 64 * 1024, "peak memory grew by {grown} KiB");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alive_reuses_one_nginx_connection() {
    let client = AsyncClient::new();
    let url = format!("http://{}/small", peers::nginx_http());
    let local_port = |response: &xhttp::AsyncResponse| {
        response
            .connection_info()
            .and_then(|info| info.local_addr)
            .map(|address| address.port())
    };
    let first = local_port(&client.get(&url).send().await.unwrap());
    assert!(first.is_some(), "the connection's local address is known");
    // Seen from this client's own connections (nginx's accept counter is shared with
    // the other tests running at the same time).
    for _ in 0..20 {
        let response = client.get(&url).send().await.unwrap();
        assert_eq!(
            local_port(&response),
            first,
            "the same connection every time"
        );
    }
    assert_eq!(client.pool_stats().connections, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_way_concurrency_over_h1_and_h2() {
    let h1 = AsyncClient::new();
    let h2 = AsyncClient::builder()
        .add_root_certificate(ca())
        .build()
        .unwrap();
    for (client, url) in [
        (h1, format!("http://{}/small", peers::nginx_http())),
        (
            h2,
            format!("https://localhost:{}/small", peers::nginx_tls().port()),
        ),
    ] {
        crate::load::get_concurrently(&client, &url, 64, 10).await;
        let stats = client.pool_stats();
        assert!(stats.connections <= 64, "{stats:?}");
        if url.starts_with("https") {
            assert_eq!(stats.http2_connections, 1, "{stats:?}");
        }
    }
}
