//! Routing: mounts by httpx's URL patterns, the environment's proxies and what turns
//! them off.

use bytes::Bytes;
use xhttp::{AsyncClient, AsyncResponse, Env, ErrorKind, MockTransport, StatusCode};
use xhttp_testkit::Server;

use crate::proxy::forward_proxy;

/// A transport answering with its name.
fn named(name: &'static str) -> MockTransport {
    MockTransport::new(move |_| AsyncResponse::new(StatusCode::OK).with_content(name))
}

/// An origin answering "direct".
fn direct_origin() -> Server {
    Server::http1(|_| http::Response::new(Bytes::from_static(b"direct")))
}

async fn served_by(client: &AsyncClient, url: &str) -> String {
    match client.get(url).send().await {
        Ok(response) => response.text().unwrap(),
        Err(error) => format!("error {:?}: {error}", error.kind()),
    }
}

#[tokio::test]
async fn the_most_specific_mount_wins_and_none_means_the_default_transport() {
    let origin = direct_origin();
    let client = AsyncClient::builder()
        .mount("all://", Some(named("all")))
        .mount("https://", Some(named("https")))
        .mount("all://*.example.com", Some(named("subdomains")))
        .mount("http://example.com:1234", Some(named("port")))
        .mount("all://*:4321", Some(named("any host on 4321")))
        .mount("custom://", Some(named("custom")))
        .mount("http://direct.test", None::<MockTransport>)
        .resolve("direct.test", origin.addr())
        .build()
        .unwrap();
    let port = origin.addr().port();
    for (url, expected) in [
        ("http://a.test/", "all".to_owned()),
        ("https://a.test/", "https".into()),
        ("https://www.example.com/", "subdomains".into()),
        ("http://example.com/", "all".into()),
        ("http://example.com:1234/", "port".into()),
        ("https://www.example.com:4321/", "any host on 4321".into()),
        ("custom://thing/x", "custom".into()),
        (&format!("http://direct.test:{port}/"), "direct".into()),
    ] {
        assert_eq!(served_by(&client, url).await, expected, "{url}");
    }
}

#[tokio::test]
async fn unknown_schemes_without_a_mount_are_unsupported() {
    let client = AsyncClient::builder()
        .mount("custom://", Some(named("custom")))
        .build()
        .unwrap();
    let error = client.get("other://x/").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnsupportedProtocol);
}

#[test]
fn invalid_patterns_and_proxies_fail_the_build() {
    let error = AsyncClient::builder()
        .mount("http", Some(named("x")))
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidUrl);
    assert!(error.to_string().contains("'http://'"), "{error}");
    let error = AsyncClient::builder()
        .proxy_for("https://a/path", "http://p.test")
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidUrl);
    let error = AsyncClient::builder()
        .proxy("ftp://user:secret@p.test")
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidUrl);
    assert!(!format!("{error:?}").contains("secret"));
}

#[tokio::test]
async fn environment_proxies_and_no_proxy() {
    let proxy = forward_proxy();
    let origin = direct_origin();
    let env = Env::from_pairs([
        ("http_proxy", format!("user:pw@{}", proxy.addr())),
        ("HTTP_PROXY", "http://ignored.invalid:1".to_owned()),
        ("NO_PROXY", "127.0.0.0/8, .internal.test".to_owned()),
    ]);
    let client = AsyncClient::builder()
        .env(env)
        .resolve("x.internal.test", origin.addr())
        .build()
        .unwrap();
    let through = served_by(&client, "http://example.test/a").await;
    assert!(
        through.starts_with("GET http://example.test/a "),
        "{through}"
    );
    assert!(through.contains("auth=Basic dXNlcjpwdw=="), "{through}");
    let port = origin.addr().port();
    let url = format!("http://127.0.0.9:{port}/");
    // 127.0.0.9 is in the range: direct (and nothing listens there on that port).
    assert!(served_by(&client, &url).await.starts_with("error Connect"));
    assert_eq!(served_by(&client, &origin.url("/")).await, "direct");
    let url = format!("http://x.internal.test:{port}/");
    assert_eq!(served_by(&client, &url).await, "direct");
    assert_eq!(proxy.connections_opened(), 1);
}

#[tokio::test]
async fn a_proxy_a_transport_or_distrust_turns_the_environment_off() {
    let env_proxy = forward_proxy();
    let origin = direct_origin();
    let env = || Env::from_pairs([("ALL_PROXY", format!("http://{}", env_proxy.addr()))]);
    let url = origin.url("/");

    let trusting = AsyncClient::builder().env(env()).build().unwrap();
    assert!(
        served_by(&trusting, &url)
            .await
            .starts_with("GET http://127.0.0.1")
    );

    let distrusting = AsyncClient::builder()
        .env(env())
        .trust_env(false)
        .build()
        .unwrap();
    assert_eq!(served_by(&distrusting, &url).await, "direct");

    let other_proxy = forward_proxy();
    let with_proxy = AsyncClient::builder()
        .env(env())
        .proxy_for("https://", format!("http://{}", other_proxy.addr()))
        .build()
        .unwrap();
    assert_eq!(served_by(&with_proxy, &url).await, "direct");

    let with_transport = AsyncClient::builder()
        .env(env())
        .transport(named("transport"))
        .build()
        .unwrap();
    assert_eq!(served_by(&with_transport, &url).await, "transport");
    assert_eq!(env_proxy.connections_opened(), 1);
}

#[tokio::test]
async fn an_invalid_environment_proxy_fails_the_requests_it_would_route() {
    let origin = direct_origin();
    let env = Env::from_pairs([("HTTPS_PROXY", "ftp://user:secret@p.test")]);
    let client = AsyncClient::builder().env(env).build().unwrap();
    let shown = served_by(&client, "https://a.test/").await;
    assert!(shown.starts_with("error Proxy"), "{shown}");
    assert!(
        shown.contains("HTTPS_PROXY") && !shown.contains("secret"),
        "{shown}"
    );
    assert_eq!(served_by(&client, &origin.url("/")).await, "direct");
}

#[tokio::test]
async fn a_mount_beats_the_environment_on_its_pattern() {
    let env_proxy = forward_proxy();
    let origin = direct_origin();
    let env = Env::from_pairs([("HTTP_PROXY", format!("http://{}", env_proxy.addr()))]);
    let client = AsyncClient::builder()
        .env(env)
        .mount("http://", None::<MockTransport>)
        .build()
        .unwrap();
    assert_eq!(served_by(&client, &origin.url("/")).await, "direct");
    assert_eq!(env_proxy.connections_opened(), 0);
}
