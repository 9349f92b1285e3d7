//! An axum app tested in process: `cargo run --example axum_app`.
//!
//! `ServiceTransport` calls the app's `Router` with no socket and streams its responses,
//! so a test can read server-sent events one at a time, as a browser would, while the
//! app is still producing them.

#![allow(clippy::print_stdout)] // printing is what the example is for

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::Router;
use axum::extract::Path;
use axum::response::sse::{Event, Sse};
use axum::routing::{get, post};
use xhttp::{AsyncClient, ServiceTransport};

/// A countdown, one event per poll, so the stream is lazy: nothing is made before the
/// client asks for it.
struct Countdown(u32);

impl futures_core::Stream for Countdown {
    type Item = Result<Event, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.0 == 0 {
            return Poll::Ready(None);
        }
        self.0 -= 1;
        Poll::Ready(Some(Ok(Event::default()
            .event("tick")
            .data(self.0.to_string()))))
    }
}

fn app() -> Router {
    Router::new()
        .route(
            "/greet/{name}",
            get(|Path(name): Path<String>| async move { format!("hello, {name}") }),
        )
        .route(
            "/shout",
            post(|body: String| async move { body.to_uppercase() }),
        )
        .route("/countdown", get(|| async { Sse::new(Countdown(3)) }))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), xhttp::Error> {
    let client = AsyncClient::builder()
        .base_url("http://app.test")
        .transport(ServiceTransport::new(app()))
        .build()?;

    let response = client.get("/greet/ferris").send().await?;
    println!("{} {}", response.status(), response.text()?);

    let response = client.post("/shout").body("quiet please").send().await?;
    println!("{} {}", response.status(), response.text()?);

    let mut response = client.get("/countdown").stream().await?;
    println!(
        "{} {:?}",
        response.status(),
        response.headers().get("content-type")
    );
    let mut lines = response.lines_stream();
    while let Some(line) =
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut lines), cx)).await
    {
        let line = line?;
        if !line.is_empty() {
            println!("  {line}");
        }
    }

    let missing = client.get("/nowhere").send().await?;
    println!("{} (axum's fallback)", missing.status());
    Ok(())
}
