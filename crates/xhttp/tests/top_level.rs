//! The top-level functions: `xhttp::get(url)?` and friends share a pool per setting,
//! never cookies.

use bytes::Bytes;
use xhttp::{ErrorKind, Method, Shared, StatusCode};
use xhttp_testkit::Server;
use xhttp_testkit::tls::TlsMode;

/// `/login` sets a cookie and redirects to `/whoami`; `/whoami` answers with the
/// request's `Cookie` header; anything else with the method and path.
fn cookie_server() -> Server {
    Server::http1(|request| {
        let cookie = request
            .headers()
            .get("cookie")
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .unwrap_or_else(|| "no cookie".into());
        match request.uri().path() {
            "/login" => http::Response::builder()
                .status(StatusCode::FOUND)
                .header("set-cookie", "session=s3cret; Path=/")
                .header("location", "/whoami")
                .body(Bytes::new())
                .unwrap(),
            "/whoami" => http::Response::new(Bytes::from(cookie)),
            path => http::Response::new(Bytes::from(format!(
                "{} {path} {}",
                request.method(),
                request.body().len()
            ))),
        }
    })
}

#[test]
fn get_returns_a_read_response() {
    let server = cookie_server();
    assert_eq!(
        xhttp::get(server.url("/a")).unwrap().text().unwrap(),
        "GET /a 0"
    );
    assert_eq!(
        xhttp::post(server.url("/p"), "abc")
            .unwrap()
            .text()
            .unwrap(),
        "POST /p 3"
    );
    assert_eq!(
        xhttp::put(server.url("/p"), "abcd")
            .unwrap()
            .text()
            .unwrap(),
        "PUT /p 4"
    );
    assert_eq!(
        xhttp::patch(server.url("/p"), "ab")
            .unwrap()
            .text()
            .unwrap(),
        "PATCH /p 2"
    );
    assert_eq!(
        xhttp::delete(server.url("/d")).unwrap().text().unwrap(),
        "DELETE /d 0"
    );
    assert_eq!(
        xhttp::options(server.url("/o")).unwrap().text().unwrap(),
        "OPTIONS /o 0"
    );
    let head = xhttp::head(server.url("/h")).unwrap();
    assert_eq!(
        (head.status(), head.content().unwrap().len()),
        (StatusCode::OK, 0)
    );
    let json = xhttp::request(Method::POST, server.url("/j"))
        .json(&[1, 2, 3])
        .send()
        .unwrap();
    assert_eq!(json.text().unwrap(), "POST /j 7");
}

#[test]
fn calls_share_one_pool() {
    let server = cookie_server();
    for index in 0..5 {
        let url = server.url(&format!("/{index}"));
        xhttp::get(url).unwrap();
    }
    assert_eq!(server.connections_opened(), 1);
}

#[test]
fn calls_never_share_cookies_but_a_call_keeps_its_own_across_redirects() {
    let server = cookie_server();
    // The login call follows its redirect with the cookie it was just given...
    let login = xhttp::request(Method::GET, server.url("/login"))
        .follow_redirects(true)
        .send()
        .unwrap();
    assert_eq!(login.text().unwrap(), "session=s3cret");
    // ...which no later call sees, though all of them share the connection.
    assert_eq!(
        xhttp::get(server.url("/whoami")).unwrap().text().unwrap(),
        "no cookie"
    );
    let redirect = xhttp::get(server.url("/login")).unwrap();
    assert_eq!(redirect.status(), StatusCode::FOUND);
    assert_eq!(
        xhttp::get(server.url("/whoami")).unwrap().text().unwrap(),
        "no cookie"
    );
    assert_eq!(server.connections_opened(), 1);
}

#[test]
fn stream_leaves_the_body_unread() {
    let server = cookie_server();
    let mut response = xhttp::stream(Method::GET, server.url("/s")).unwrap();
    assert_eq!(
        response.content().unwrap_err().kind(),
        ErrorKind::ResponseNotRead
    );
    let chunks: Vec<Bytes> = response.iter_bytes(None).map(Result::unwrap).collect();
    assert_eq!(chunks.concat(), b"GET /s 0");
}

#[test]
fn verify_false_is_a_pool_of_its_own() {
    let server = Server::builder()
        .tls(TlsMode::SelfSigned)
        .handler(|_| http::Response::new(Bytes::from_static(b"unverified")))
        .start();
    let error = xhttp::get(server.url("/")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect);
    let response = Shared::new()
        .verify(false)
        .request(Method::GET, server.url("/"))
        .send()
        .unwrap();
    assert_eq!(response.text().unwrap(), "unverified");
}

#[tokio::test]
async fn the_async_functions_share_a_pool_and_no_cookies() {
    let server = cookie_server();
    let login = xhttp::async_api::request(Method::GET, server.url("/login"))
        .follow_redirects(true)
        .send()
        .await
        .unwrap();
    assert_eq!(login.text().unwrap(), "session=s3cret");
    let whoami = xhttp::async_api::get(server.url("/whoami")).await.unwrap();
    assert_eq!(whoami.text().unwrap(), "no cookie");
    let posted = xhttp::async_api::post(server.url("/p"), "xy")
        .await
        .unwrap();
    assert_eq!(posted.text().unwrap(), "POST /p 2");
    assert_eq!(server.connections_opened(), 1);
}

/// Closing the client of one call ends that call's requests only: the pool it shares
/// stays open for the other calls, running or later. (Its own setting, so that no other
/// test shares this pool.)
#[test]
fn closing_one_calls_client_leaves_the_other_calls_and_the_pool_alone() {
    let server = cookie_server();
    let shared = Shared::new().trust_env(false);
    let (one, other) = (shared.client(), shared.client());
    assert_eq!(one.get(server.url("/a")).send().unwrap().status(), 200);
    let mut running = other.get(server.url("/b")).stream().unwrap();
    one.close();
    assert!(one.is_closed());
    let error = one.get(server.url("/c")).send().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ClientClosed);
    assert!(!other.is_closed());
    assert_eq!(running.read().unwrap().as_ref(), b"GET /b 0");
    let response = shared
        .request(Method::GET, server.url("/d"))
        .send()
        .unwrap();
    assert_eq!(response.text().unwrap(), "GET /d 0");
    assert_eq!(
        server.connections_opened(),
        1,
        "the pool kept its connection"
    );
}
