//! The layers over the real HTTP transport: redirects with a cookie set on the way, a
//! 307 replaying the body, Digest auth, on one keep-alive connection, both clients.

use bytes::Bytes;
use xhttp::{AsyncClient, Client, DigestAuth, StatusCode};
use xhttp_testkit::Server;

/// `/login` sets a cookie and redirects (302) to `/home`; `/home` echoes the cookie;
/// `/upload` redirects (307) to `/echo`, which echoes the method and body; `/digest`
/// wants Digest credentials (any `Authorization: Digest` is accepted after a 401).
fn server() -> Server {
    Server::http1(|request| {
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        let builder = http::Response::builder();
        let response = match request.uri().path() {
            "/login" => builder
                .status(302)
                .header("location", "/home")
                .header("set-cookie", "session=s1; Path=/")
                .body(Bytes::from_static(b"go home")),
            "/home" => builder.body(Bytes::from(format!("cookie: {}", header("cookie")))),
            "/upload" => builder
                .status(307)
                .header("location", "/echo")
                .body(Bytes::new()),
            "/echo" => builder.body(Bytes::from(format!(
                "{} {}",
                request.method(),
                String::from_utf8_lossy(request.body())
            ))),
            "/digest" if header("authorization").starts_with("Digest ") => {
                builder.body(Bytes::from_static(b"welcome"))
            }
            "/digest" => builder
                .status(401)
                .header(
                    "www-authenticate",
                    r#"Digest realm="r", nonce="n", qop="auth""#,
                )
                .body(Bytes::new()),
            _ => builder.status(404).body(Bytes::new()),
        };
        response.unwrap_or_default()
    })
}

#[test]
fn blocking_redirects_cookies_and_digest_over_http() {
    let server = server();
    let client = Client::builder().follow_redirects(true).build().unwrap();
    let response = client.get(server.url("/login")).send().unwrap();
    assert_eq!(response.content().unwrap(), "cookie: session=s1");
    assert_eq!(response.history().len(), 1);
    assert_eq!(response.history()[0].content().unwrap(), "go home");
    let echoed = client
        .post(server.url("/upload"))
        .body("data")
        .send()
        .unwrap();
    assert_eq!(echoed.content().unwrap(), "POST data");
    let authed = client
        .get(server.url("/digest"))
        .auth(DigestAuth::new("u", "p"))
        .send()
        .unwrap();
    assert_eq!(authed.status(), StatusCode::OK);
    assert_eq!(authed.history()[0].status(), StatusCode::UNAUTHORIZED);
    // every hop's connection was released and reused
    assert_eq!(server.connections_opened(), 1);
}

#[tokio::test]
async fn async_redirects_cookies_and_digest_over_http() {
    let server = server();
    let client = AsyncClient::builder()
        .follow_redirects(true)
        .build()
        .unwrap();
    let response = client.get(server.url("/login")).send().await.unwrap();
    assert_eq!(response.content().unwrap(), "cookie: session=s1");
    let echoed = client
        .put(server.url("/upload"))
        .body("data")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.content().unwrap(), "PUT data");
    let authed = client
        .get(server.url("/digest"))
        .auth(DigestAuth::new("u", "p"))
        .send()
        .await
        .unwrap();
    assert_eq!(authed.content().unwrap(), "welcome");
    assert_eq!(server.connections_opened(), 1);
}
