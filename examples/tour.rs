//! The tour: `cargo run --example tour`.
//!
//! It starts embedded test servers (plain HTTP/1.1, and HTTPS with HTTP/2 from a CA of its
//! own) on loopback and walks through what xhttp does: the top-level functions, both
//! clients, merging of client defaults, JSON, forms, multipart, cookies, streaming,
//! HTTP/2, trace events and timings, an in-process axum app, timeouts and errors.

#![allow(clippy::print_stdout)] // printing is what the tour is for

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use xhttp::{AsyncClient, Client, Method, Multipart, ServiceTransport, StatusCode, Timeout};
use xhttp_testkit::tls::{TlsMode, ca_pem};
use xhttp_testkit::{Behavior, Server};

/// Answers with a plain-text account of the request it got.
fn echo(request: http::Request<Bytes>) -> http::Response<Bytes> {
    // The last path segment decides (the tour's client has a base_url in front).
    let path = request
        .uri()
        .path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    match path.as_str() {
        "login" => http::Response::builder()
            .header("set-cookie", "session=abc123; Path=/")
            .body(Bytes::from_static(b"logged in"))
            .unwrap_or_default(),
        "teapot" => http::Response::builder()
            .status(StatusCode::IM_A_TEAPOT)
            .body(Bytes::from_static(b"short and stout"))
            .unwrap_or_default(),
        "lines" => http::Response::new(Bytes::from_static(
            b"first line\nsecond line\r\nthird line\n",
        )),
        _ => {
            let mut text = format!(
                "{} {} ({:?})\n",
                request.method(),
                request.uri(),
                request.version()
            );
            for name in [
                "user-agent",
                "x-client",
                "x-request",
                "cookie",
                "content-type",
            ] {
                if let Some(value) = request.headers().get(name) {
                    text += &format!("  {name}: {}\n", String::from_utf8_lossy(value.as_bytes()));
                }
            }
            if !request.body().is_empty() {
                text += &format!("  body: {}\n", String::from_utf8_lossy(request.body()));
            }
            http::Response::new(Bytes::from(text))
        }
    }
}

fn section(title: &str) {
    println!("\n== {title}");
}

fn main() -> Result<(), xhttp::Error> {
    let plain = Server::http1(echo);
    let tls = Server::builder()
        .auto()
        .tls(TlsMode::Valid)
        .handler(echo)
        .start();
    println!("embedded servers: {} and {}", plain.url("/"), tls.url("/"));

    section("the top-level functions: one shared pool, a fresh cookie jar per call");
    print!("{}", xhttp::get(plain.url("/quick"))?.text()?);
    let response = xhttp::request(Method::GET, plain.url("/search"))
        .query(&[("tag", "a"), ("tag", "b"), ("q", "list values")])
        .send()?;
    print!("{}", response.text()?);
    for method in [Method::PUT, Method::DELETE, Method::OPTIONS] {
        let response = xhttp::request(method, plain.url("/thing")).send()?;
        print!("{}", response.text()?);
    }
    let head = xhttp::head(plain.url("/thing"))?;
    println!(
        "HEAD: {} with content-length {:?}",
        head.status(),
        head.headers().get("content-length")
    );

    section("a blocking client with defaults merged into every request");
    let client = Client::builder()
        .base_url(plain.url("/api/v1/"))
        .header("x-client", "tour")
        .timeout(Duration::from_secs(5))
        .build()?;
    let response = client
        .get("items")
        .query(&[("page", "2"), ("q", "hello world")])
        .header("x-request", "one")
        .send()?;
    println!("{} {}", response.status(), response.http_version());
    print!("{}", response.text()?);

    section("JSON, form and multipart bodies");
    #[derive(serde::Serialize)]
    struct Item {
        name: &'static str,
        price: f64,
    }
    let response = client
        .post("items")
        .json(&Item {
            name: "teapot",
            price: 12.5,
        })
        .send()?;
    print!("{}", response.text()?);
    let response = client
        .post("search")
        .form(&[("q", "rust"), ("tag", "http")])
        .send()?;
    print!("{}", response.text()?);
    let form = Multipart::new()
        .text("title", "notes")
        .part("file", xhttp::Part::bytes("hello").file_name("hello.txt"));
    let response = client.post("upload").multipart(form).send()?;
    println!("multipart upload: {}", response.status());

    section("cookies kept by the client");
    client.get("login").send()?;
    print!("{}", client.get("whoami").send()?.text()?);

    section("streaming a body line by line");
    let mut response = client.get("lines").stream()?;
    for line in response.iter_lines() {
        println!("line: {:?}", line?);
    }

    section("HTTP/2 over TLS, with the async client, 8 requests on one connection");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| {
            xhttp::Error::new(xhttp::ErrorKind::Connect)
                .with_message(format!("no runtime: {error}"))
        })?;
    let versions = runtime.block_on(async {
        let client = AsyncClient::builder()
            .add_root_certificate(ca_pem())
            .build()?;
        let requests = (0..8).map(|index| {
            let client = client.clone();
            let url = tls.url(&format!("/h2/{index}"));
            async move { client.get(url).send().await }
        });
        let mut versions = Vec::new();
        for request in requests {
            let response = request.await?;
            let alpn = response
                .tls_info()
                .and_then(|tls| tls.alpn.clone())
                .unwrap_or_default();
            versions.push(format!(
                "{} (ALPN {})",
                response.http_version(),
                String::from_utf8_lossy(&alpn)
            ));
        }
        Ok::<_, xhttp::Error>(versions)
    })?;
    println!("{versions:?}");
    println!(
        "connections the TLS server accepted: {}",
        tls.connections_opened()
    );

    section("where the time went: trace events and timings of a new TLS connection");
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let traced = Client::builder()
        .add_root_certificate(ca_pem())
        .resolve("localhost", tls.addr())
        .build()?;
    let response = traced
        .get(format!("https://localhost:{}/traced", tls.addr().port()))
        .trace(move |event| {
            if let Ok(mut events) = seen.lock() {
                events.push((event.at, event.kind.name()));
            }
        })
        .send()?;
    if let Ok(events) = events.lock() {
        if let Some((first, _)) = events.first() {
            for (at, name) in events.iter() {
                println!("{:>10.3?}  {name}", at.duration_since(*first));
            }
        }
    }
    println!("{:?}", response.timings());

    section("an in-process axum app, its server-sent events streamed");
    axum_app()?;

    section("errors are typed");
    let error = client.get("teapot").send()?.raise_for_status().err();
    if let Some(error) = error {
        println!(
            "{:?}: {}",
            error.kind(),
            error.to_string().lines().next().unwrap_or_default()
        );
    }
    let stalled = Server::builder()
        .behavior(Behavior::NeverAnswer)
        .handler(echo)
        .start();
    let impatient = Client::builder()
        .timeout(Timeout::default().with_read(Duration::from_millis(200)))
        .build()?;
    if let Err(error) = impatient.get(stalled.url("/")).send() {
        println!("{:?}: {error}", error.kind());
    }
    Ok(())
}

/// An axum app called in process (no socket) through `ServiceTransport`, by the blocking
/// client: a plain route, then server-sent events read line by line as the app sends
/// them.
fn axum_app() -> Result<(), xhttp::Error> {
    use axum::response::sse::Sse;
    use axum::routing::get;

    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel::<&'static str>();
    let receiver = Arc::new(Mutex::new(Some(receiver)));
    let app = axum::Router::new()
        .route("/", get(|| async { "hello from an in-process axum app" }))
        .route(
            "/events",
            get(move || {
                let receiver = receiver.lock().ok().and_then(|mut slot| slot.take());
                async move { Sse::new(Events(receiver)) }
            }),
        );
    let client = Client::builder()
        .transport(ServiceTransport::new(app))
        .build()?;
    println!("{}", client.get("http://app/").send()?.text()?);
    let _ = sender.send("first");
    let mut response = client.get("http://app/events").stream()?;
    let mut lines = response.iter_lines();
    println!("line: {:?}", lines.next().transpose()?);
    // The app has not sent its second event yet: the first line arrived on its own.
    let _ = sender.send("second");
    drop(sender);
    for line in lines {
        println!("line: {:?}", line?);
    }
    Ok(())
}

/// The app's events, from a channel.
struct Events(Option<tokio::sync::mpsc::UnboundedReceiver<&'static str>>);

impl futures_core::Stream for Events {
    type Item = Result<axum::response::sse::Event, std::convert::Infallible>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        match &mut self.0 {
            Some(receiver) => receiver
                .poll_recv(cx)
                .map(|next| next.map(|data| Ok(axum::response::sse::Event::default().data(data)))),
            None => std::task::Poll::Ready(None),
        }
    }
}
