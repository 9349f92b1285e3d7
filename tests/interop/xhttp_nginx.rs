//! xhttp against nginx: HTTP/1.1, HTTP/2 over TLS with the generated CA, h2c, and
//! GOAWAY handling, for both flavours.

use xhttp::{AsyncClient, Client};
use xhttp_testkit::peers;

fn ca() -> Vec<u8> {
    std::fs::read(peers::ca_certificate()).expect("scripts/peers start writes the CA")
}

#[tokio::test]
async fn h1_and_h2_over_tls_and_h2c() {
    let client = AsyncClient::builder()
        .add_root_certificate(ca())
        .build()
        .unwrap();
    let h1 = client
        .get(format!("http://{}/small", peers::nginx_http()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (h1.http_version(), h1.content().unwrap().len()),
        ("HTTP/1.1", 100)
    );
    let tls_url = format!("https://localhost:{}/small", peers::nginx_tls().port());
    let h2 = client.get(tls_url).send().await.unwrap();
    assert_eq!(
        (h2.http_version(), h2.content().unwrap().len()),
        ("HTTP/2", 100)
    );
    let h2c = AsyncClient::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let response = h2c
        .get(format!("http://{}/small", peers::nginx_h2c()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.http_version(), "HTTP/2");
}

#[test]
fn the_blocking_client_speaks_h2_over_tls() {
    let client = Client::builder()
        .add_root_certificate(ca())
        .build()
        .unwrap();
    let url = format!("https://localhost:{}/small", peers::nginx_tls().port());
    for _ in 0..3 {
        let response = client.get(&url).send().unwrap();
        assert_eq!(
            (response.http_version(), response.content().unwrap().len()),
            ("HTTP/2", 100)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn goaway_every_10_requests_loses_no_request() {
    let client = AsyncClient::builder()
        .add_root_certificate(ca())
        .build()
        .unwrap();
    let url = format!("https://localhost:{}/small", peers::nginx_goaway().port());
    crate::load::get_concurrently(&client, &url, 16, 20).await;
}
