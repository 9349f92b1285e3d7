//! xhttp through real proxies: tinyproxy (HTTP forward proxy and `CONNECT`) and
//! microsocks (SOCKS5), each without and with credentials, to nginx over HTTP/1.1 and
//! TLS, and to httpbin (which shows what reached the origin), for both flavours.

use std::net::SocketAddr;

use xhttp::{AsyncClient, Client, ErrorKind};
use xhttp_testkit::peers;

fn ca() -> Vec<u8> {
    std::fs::read(peers::ca_certificate()).expect("scripts/peers start writes the CA")
}

/// Every proxy flavour, as a URL: without and with credentials.
fn proxy_urls() -> Vec<String> {
    let (user, password) = peers::proxy_credentials();
    let url = |scheme: &str, address: SocketAddr, auth: bool| match auth {
        true => format!("{scheme}://{user}:{password}@{address}"),
        false => format!("{scheme}://{address}"),
    };
    vec![
        url("http", peers::tinyproxy(), false),
        url("http", peers::tinyproxy_auth(), true),
        url("socks5", peers::microsocks(), false),
        url("socks5", peers::microsocks_auth(), true),
        url("socks5h", peers::microsocks_auth(), true),
    ]
}

fn nginx_http_url() -> String {
    format!("http://{}/small", peers::nginx_http())
}

fn nginx_tls_url() -> String {
    format!("https://localhost:{}/small", peers::nginx_tls().port())
}

#[tokio::test]
async fn http_and_https_targets_through_every_proxy() {
    for proxy in proxy_urls() {
        let client = AsyncClient::builder()
            .add_root_certificate(ca())
            .proxy(proxy.as_str())
            .build()
            .unwrap();
        for url in [nginx_http_url(), nginx_tls_url()] {
            for _ in 0..2 {
                let response = client.get(&url).send().await.unwrap_or_else(|error| {
                    panic!("{url} through {proxy}: {error}");
                });
                assert_eq!(response.status(), 200, "{url} through {proxy}");
                assert_eq!(response.content().unwrap().len(), 100);
            }
        }
        // HTTP/2 by ALPN inside the tunnel, too.
        let response = client.get(nginx_tls_url()).send().await.unwrap();
        assert_eq!(response.http_version(), "HTTP/2", "{proxy}");
    }
}

#[test]
fn the_blocking_client_through_both_proxies_with_credentials() {
    let (user, password) = peers::proxy_credentials();
    for proxy in [
        format!("http://{user}:{password}@{}", peers::tinyproxy_auth()),
        format!("socks5h://{user}:{password}@{}", peers::microsocks_auth()),
    ] {
        let client = Client::builder()
            .add_root_certificate(ca())
            .proxy(proxy.as_str())
            .build()
            .unwrap();
        for url in [nginx_http_url(), nginx_tls_url()] {
            let response = client.get(&url).send().unwrap();
            assert_eq!(
                response.content().unwrap().len(),
                100,
                "{url} through {proxy}"
            );
        }
    }
}

#[tokio::test]
async fn the_origin_never_sees_the_proxy_credentials() {
    let (user, password) = peers::proxy_credentials();
    let client = AsyncClient::builder()
        .proxy(format!(
            "http://{user}:{password}@{}",
            peers::tinyproxy_auth()
        ))
        .build()
        .unwrap();
    let response = client
        .get(format!("http://{}/headers", peers::httpbin()))
        .send()
        .await
        .unwrap();
    let text = response.text().unwrap().to_ascii_lowercase();
    assert!(text.contains("\"host\""), "{text}");
    assert!(!text.contains("proxy-authorization"), "{text}");
    assert!(!text.contains(&password.to_ascii_lowercase()), "{text}");
}

#[tokio::test]
async fn missing_or_wrong_credentials_are_proxy_errors_without_secrets() {
    let client = AsyncClient::builder()
        .add_root_certificate(ca())
        .proxy(format!("http://{}", peers::tinyproxy_auth()))
        .build()
        .unwrap();
    let error = client.get(nginx_tls_url()).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Proxy, "{error}");
    assert!(error.to_string().contains("407"), "{error}");
    // A forwarded request gets the proxy's 407 as its response.
    let response = client.get(nginx_http_url()).send().await.unwrap();
    assert_eq!(response.status(), 407);

    let (user, _) = peers::proxy_credentials();
    let client = AsyncClient::builder()
        .proxy(format!(
            "socks5h://{user}:not-the-password@{}",
            peers::microsocks_auth()
        ))
        .build()
        .unwrap();
    let error = client.get(nginx_http_url()).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Proxy, "{error}");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("not-the-password"), "{shown}");
}
