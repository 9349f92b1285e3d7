//! A Digest answer is bound to the method and the request target it was computed for:
//! a redirect hop that changes either (`POST /a` -> `303` -> `GET /b`, same origin)
//! drops it, while Basic credentials stay on same-origin hops. Both clients, over the
//! real HTTP transport.

use bytes::Bytes;
use xhttp::{AsyncClient, BasicAuth, Client, DigestAuth, StatusCode};
use xhttp_testkit::Server;

/// `/a` wants a Digest answer for `uri="/a"`, then redirects (303) to `/b`; `/basic`
/// redirects (303) to `/b`; `/b` echoes its method and `Authorization` (or `none`).
fn server() -> Server {
    Server::http1(|request| {
        let authorization = request
            .headers()
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .unwrap_or("none")
            .to_owned();
        let builder = http::Response::builder();
        let response = match request.uri().path() {
            "/a" if authorization.starts_with("Digest ")
                && authorization.contains("uri=\"/a\"") =>
            {
                builder
                    .status(303)
                    .header("location", "/b")
                    .body(Bytes::new())
            }
            "/a" => builder
                .status(401)
                .header(
                    "www-authenticate",
                    r#"Digest realm="r", nonce="n", qop="auth""#,
                )
                .body(Bytes::new()),
            "/basic" => builder
                .status(303)
                .header("location", "/b")
                .body(Bytes::new()),
            "/b" => builder.body(Bytes::from(format!("{} {authorization}", request.method()))),
            _ => builder.status(404).body(Bytes::new()),
        };
        response.unwrap_or_default()
    })
}

#[tokio::test]
async fn async_a_digest_answer_is_not_carried_to_another_method_or_target() {
    let server = server();
    let client = AsyncClient::builder()
        .follow_redirects(true)
        .build()
        .unwrap();
    let response = client
        .post(server.url("/a"))
        .body("data")
        .auth(DigestAuth::new("u", "p"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.content().unwrap(), "GET none");

    let response = client
        .post(server.url("/basic"))
        .body("data")
        .auth(BasicAuth::new("u", "p"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.content().unwrap(), "GET Basic dTpw");
}

#[test]
fn blocking_a_digest_answer_is_not_carried_to_another_method_or_target() {
    let server = server();
    let client = Client::builder().follow_redirects(true).build().unwrap();
    let response = client
        .post(server.url("/a"))
        .body("data")
        .auth(DigestAuth::new("u", "p"))
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.content().unwrap(), "GET none");
}
