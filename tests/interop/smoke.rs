//! The peers are up and speak plain HTTP as `scripts/peers` promises.

use xhttp_testkit::peers;

use crate::raw_hyper::{H1, h2c_get};

#[tokio::test]
async fn nginx_serves_the_small_file_over_keep_alive() {
    let mut connection = H1::open(peers::nginx_http()).await;
    for _ in 0..3 {
        let answer = connection.get("/small").await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body.len(), 100);
        assert!(answer.headers.get(http::header::CONTENT_ENCODING).is_none());
    }
}

#[tokio::test]
async fn nginx_advertises_the_1_gib_file() {
    let mut connection = H1::open(peers::nginx_http()).await;
    let answer = connection.send(http::Method::HEAD, "/big").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers[http::header::CONTENT_LENGTH], "1073741824");
}

#[tokio::test]
async fn nginx_speaks_h2c_by_prior_knowledge() {
    let answer = h2c_get(peers::nginx_h2c(), "/small").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.version, http::Version::HTTP_2);
    assert_eq!(answer.body.len(), 100);
}

#[tokio::test]
async fn httpbin_echoes_over_one_keep_alive_connection() {
    let mut connection = H1::open(peers::httpbin()).await;
    for query in ["a=1", "b=2"] {
        let answer = connection.get(&format!("/get?{query}")).await;
        assert_eq!(answer.status, 200);
        let body = String::from_utf8(answer.body.to_vec()).expect("JSON is UTF-8");
        assert!(body.contains("\"args\""), "{body}");
        let (key, value) = query.split_once('=').expect("a pair");
        assert!(body.contains(&format!("\"{key}\": \"{value}\"")), "{body}");
    }
}

#[test]
fn the_generated_ca_is_on_disk() {
    let pem = std::fs::read_to_string(peers::ca_certificate())
        .expect("scripts/peers start writes the CA certificate");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
}
