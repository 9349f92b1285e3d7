//! xhttp's public redirect layer around a plain hyper-util client:
//! `cargo run --example redirect_layer`.
//!
//! An embedded test server answers `/old` with a 302 to `/new`; the hyper-util client,
//! wrapped in `xhttp::layers::RedirectLayer`, follows it, and the answer (turned into an
//! `xhttp::AsyncResponse` for its accessors) lists the redirect in its history.

#![allow(clippy::print_stdout)] // printing is what the example is for

use std::future::poll_fn;

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower_layer::Layer;
use tower_service::Service;
use xhttp::layers::RedirectLayer;
use xhttp::{AsyncResponse, Body, StatusCode};
use xhttp_testkit::Server;

/// What the example saw: the final status and body, and the URLs of the redirects.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The final status.
    pub(crate) status: StatusCode,
    /// The final body.
    pub(crate) body: String,
    /// The URL of each redirect response, in order.
    pub(crate) history: Vec<String>,
    /// The final URL.
    pub(crate) url: String,
}

/// Starts the server, follows `/old` to `/new` through the layer, and reports.
pub(crate) async fn follow_with_hyper_util() -> Result<Outcome, xhttp::Error> {
    let server = Server::http1(|request| match request.uri().path() {
        "/old" => http::Response::builder()
            .status(302)
            .header("location", "/new")
            .body(Bytes::from_static(b"moved"))
            .unwrap_or_default(),
        path => http::Response::new(Bytes::from(format!("arrived at {path}"))),
    });
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut service = RedirectLayer::new().layer(client);

    let request = http::Request::get(server.url("/old"))
        .body(Full::default())
        .map_err(|e| xhttp::Error::new(xhttp::ErrorKind::InvalidUrl).with_source(e))?;
    poll_fn(|cx| service.poll_ready(cx)).await?;
    let response = service.call(request).await?;

    let mut response = AsyncResponse::from(response.map(Body::from_stream));
    let body = response.read().await?;
    Ok(Outcome {
        status: response.status(),
        body: String::from_utf8_lossy(&body).into_owned(),
        history: response
            .history()
            .iter()
            .filter_map(|hop| hop.url().map(ToString::to_string))
            .collect(),
        url: response.url().map(ToString::to_string).unwrap_or_default(),
    })
}

#[tokio::main]
async fn main() -> Result<(), xhttp::Error> {
    let outcome = follow_with_hyper_util().await?;
    println!("{} {} from {}", outcome.status, outcome.body, outcome.url);
    for hop in &outcome.history {
        println!("  redirected from {hop}");
    }
    Ok(())
}
