//! The tracing output of the async client: httpx's line per hop, a span per logical
//! request, and no secrets (userinfo, Authorization, Cookie, Set-Cookie).

#![cfg(feature = "tracing")]

use std::io::Write;
use std::sync::{Arc, Mutex};

use xhttp::{MockTransport, Request, StatusCode};

/// Everything the subscriber wrote.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn each_hop_is_logged_like_httpx_without_secrets() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let transport = MockTransport::new(|request: Request| {
        if request.url().path() == "/start" {
            xhttp::Response::new(StatusCode::FOUND)
                .with_header(
                    xhttp::http::header::LOCATION,
                    xhttp::HeaderValue::from_static("/end?page=2"),
                )
                .with_header(
                    xhttp::http::header::SET_COOKIE,
                    xhttp::HeaderValue::from_static("id=setcookie-secret"),
                )
        } else {
            xhttp::Response::new(StatusCode::OK).with_content("done")
        }
    });
    let client = xhttp::AsyncClient::builder()
        .transport(transport)
        .follow_redirects(true)
        .build()
        .unwrap();
    client
        .get("http://user:s3cret@example.org/start?q=1")
        .header("cookie", "session=cookie-secret")
        .header("x-api-key", "header-secret")
        .send()
        .await
        .unwrap();
    client
        .get("http://example.org/other")
        .bearer_auth("token-secret")
        .send()
        .await
        .unwrap();

    let output = capture.text();
    assert!(
        output.contains(r#"HTTP Request: GET http://example.org/start?q=1 "HTTP/1.1 302 Found""#),
        "{output}"
    );
    assert!(
        output.contains(r#"HTTP Request: GET http://example.org/end?page=2 "HTTP/1.1 200 OK""#),
        "{output}"
    );
    assert!(
        output.contains(r#"HTTP Request: GET http://example.org/other "HTTP/1.1 200 OK""#),
        "{output}"
    );
    assert_eq!(output.matches(" INFO ").count(), 3, "{output}");
    // The span of each logical request.
    assert!(
        output.contains("request{method=GET url=http://example.org/start?q=1}"),
        "{output}"
    );
    // base64("user:s3cret") is what Basic auth would send.
    for secret in [
        "s3cret",
        "dXNlcjpzM2NyZXQ",
        "cookie-secret",
        "setcookie-secret",
        "header-secret",
        "token-secret",
    ] {
        assert!(!output.contains(secret), "{secret} leaked: {output}");
    }
}
