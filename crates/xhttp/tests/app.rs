//! ServiceTransport: an in-process axum app, both flavours. Streaming is proven by an
//! app that cannot write its second event before the client has read the first.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::response::sse::{Event, Sse};
use axum::routing::{get, post};
use bytes::Bytes;
use tokio::sync::mpsc;
use xhttp::{AsyncClient, Body, Client, ErrorKind, ServiceTransport, StatusCode};

/// The events the app sends, fed by the test.
struct Events(mpsc::UnboundedReceiver<String>);

impl futures_core::Stream for Events {
    type Item = Result<Event, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .poll_recv(cx)
            .map(|next| next.map(|data| Ok(Event::default().data(data))))
    }
}

/// An app with a text route, an echo of the request body, and a server-sent-events
/// route whose events come from the returned sender.
fn app() -> (Router, mpsc::UnboundedSender<String>) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let receiver = Arc::new(Mutex::new(Some(receiver)));
    let router = Router::new()
        .route("/hello", get(|| async { "hello from axum" }))
        .route(
            "/echo",
            post(|body: String| async move { format!("got {body}") }),
        )
        .route(
            "/events",
            get(move || {
                let receiver = receiver.lock().unwrap().take();
                async move {
                    let receiver = receiver.expect("one /events request per app");
                    Sse::new(Events(receiver))
                }
            }),
        );
    (router, sender)
}

#[tokio::test]
async fn an_axum_app_answers_the_async_client() {
    let (router, _events) = app();
    let client = AsyncClient::builder()
        .transport(ServiceTransport::new(router))
        .build()
        .unwrap();
    let response = client.get("http://app/hello").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().unwrap(), "hello from axum");
    let response = client
        .post("http://app/echo")
        .body("ping")
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().unwrap(), "got ping");
    let missing = client.get("http://app/nowhere").send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

/// The next line of an async response, failing the test instead of hanging.
async fn next_line<S>(lines: &mut S) -> Option<String>
where
    S: futures_core::Stream<Item = Result<String, xhttp::Error>> + Unpin,
{
    let next = std::future::poll_fn(|cx| Pin::new(&mut *lines).poll_next(cx));
    tokio::time::timeout(Duration::from_secs(10), next)
        .await
        .expect("the response was not streamed")
        .map(Result::unwrap)
}

#[tokio::test]
async fn server_sent_events_stream_line_by_line_to_the_async_client() {
    let (router, events) = app();
    let client = AsyncClient::builder()
        .transport(ServiceTransport::new(router))
        .build()
        .unwrap();
    events.send("one".into()).unwrap();
    let mut response = client.get("http://app/events").stream().await.unwrap();
    assert_eq!(
        response.headers().get("content-type").as_deref(),
        Some("text/event-stream")
    );
    let mut lines = response.lines_stream();
    assert_eq!(next_line(&mut lines).await.as_deref(), Some("data: one"));
    assert_eq!(next_line(&mut lines).await.as_deref(), Some(""));
    // Only now does the app get its second event: a buffering transport would still
    // be waiting for the app to finish.
    events.send("two".into()).unwrap();
    assert_eq!(next_line(&mut lines).await.as_deref(), Some("data: two"));
    assert_eq!(next_line(&mut lines).await.as_deref(), Some(""));
    drop(events);
    assert_eq!(next_line(&mut lines).await, None);
}

#[test]
fn server_sent_events_stream_line_by_line_to_the_blocking_client() {
    let (router, events) = app();
    let client = Client::builder()
        .transport(ServiceTransport::new(router))
        .build()
        .unwrap();
    events.send("one".into()).unwrap();
    let mut response = client.get("http://app/events").stream().unwrap();
    let mut lines = response.iter_lines();
    assert_eq!(lines.next().unwrap().unwrap(), "data: one");
    assert_eq!(lines.next().unwrap().unwrap(), "");
    events.send("two".into()).unwrap();
    assert_eq!(lines.next().unwrap().unwrap(), "data: two");
    assert_eq!(lines.next().unwrap().unwrap(), "");
    drop(events);
    assert!(lines.next().is_none());
}

/// A service that always fails.
#[derive(Clone)]
struct Failing;

#[derive(Debug)]
struct AppBroke;

impl std::fmt::Display for AppBroke {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the app broke")
    }
}

impl std::error::Error for AppBroke {}

impl tower_service::Service<http::Request<Body>> for Failing {
    type Response = http::Response<Body>;
    type Error = AppBroke;
    type Future = std::future::Ready<Result<http::Response<Body>, AppBroke>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), AppBroke>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: http::Request<Body>) -> Self::Future {
        std::future::ready(Err(AppBroke))
    }
}

#[tokio::test]
async fn an_app_error_is_a_typed_error_by_default() {
    let client = AsyncClient::builder()
        .transport(ServiceTransport::new(Failing))
        .build()
        .unwrap();
    let error = client.get("http://app/").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::App);
    let source = std::error::Error::source(&error).expect("the app's error as the source");
    assert!(source.downcast_ref::<AppBroke>().is_some(), "{source:?}");
    assert!(error.to_string().contains("http://app/"), "{error}");
}

#[test]
fn an_app_error_is_a_500_when_not_raised() {
    let client = Client::builder()
        .transport(ServiceTransport::new(Failing).raise_app_exceptions(false))
        .build()
        .unwrap();
    let response = client.get("http://app/").send().unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(response.headers().is_empty());
    assert_eq!(response.content().unwrap(), "");
}

/// A body that yields one chunk, then fails.
struct BreaksMidway(bool);

impl http_body::Body for BreaksMidway {
    type Data = Bytes;
    type Error = AppBroke;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, AppBroke>>> {
        if self.0 {
            return Poll::Ready(Some(Err(AppBroke)));
        }
        self.0 = true;
        Poll::Ready(Some(Ok(http_body::Frame::data(Bytes::from_static(
            b"partial",
        )))))
    }
}

#[tokio::test]
async fn an_error_in_the_apps_body_is_an_app_error_while_reading() {
    let app = tower_fn(|_| http::Response::new(BreaksMidway(false)));
    let client = AsyncClient::builder()
        .transport(ServiceTransport::new(app).raise_app_exceptions(false))
        .build()
        .unwrap();
    let mut response = client.get("http://app/").stream().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let error = response.read().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::App);
}

#[tokio::test]
async fn a_head_response_has_no_body_and_traces_and_progress_work() {
    let (router, _events) = app();
    let client = AsyncClient::builder()
        .transport(ServiceTransport::new(router))
        .build()
        .unwrap();
    let head = client.head("http://app/hello").send().await.unwrap();
    assert_eq!(head.content().unwrap(), "");

    let names = Arc::new(Mutex::new(Vec::new()));
    let (seen, uploaded, downloaded) = (
        Arc::clone(&names),
        Arc::new(Mutex::new(None)),
        Arc::new(Mutex::new(None)),
    );
    let (up, down) = (Arc::clone(&uploaded), Arc::clone(&downloaded));
    let response = client
        .post("http://app/echo")
        .body("twelve bytes")
        .trace(move |event| seen.lock().unwrap().push(event.kind.name()))
        .on_upload_progress(move |done, total| *up.lock().unwrap() = Some((done, total)))
        .on_download_progress(move |done, total| *down.lock().unwrap() = Some((done, total)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().unwrap(), "got twelve bytes");
    assert_eq!(
        *names.lock().unwrap(),
        [
            "request_head_sent",
            "request_body_sent",
            "response_head_received",
            "response_body_done"
        ]
    );
    assert_eq!(*uploaded.lock().unwrap(), Some((12, Some(12))));
    assert_eq!(*downloaded.lock().unwrap(), Some((16, Some(16))));
    let timings = response.timings();
    assert!(timings.waiting.is_some() && timings.total.is_some());
    assert_eq!(timings.connect, None);
}

/// A service from a closure answering at once.
fn tower_fn<B>(
    answer: impl Fn(http::Request<Body>) -> http::Response<B> + Clone + Send + 'static,
) -> impl tower_service::Service<
    http::Request<Body>,
    Response = http::Response<B>,
    Error = Infallible,
    Future = std::future::Ready<Result<http::Response<B>, Infallible>>,
> + Clone
+ Send
+ 'static {
    #[derive(Clone)]
    struct Fn_<F>(F);
    impl<F, B> tower_service::Service<http::Request<Body>> for Fn_<F>
    where
        F: Fn(http::Request<Body>) -> http::Response<B>,
    {
        type Response = http::Response<B>;
        type Error = Infallible;
        type Future = std::future::Ready<Result<http::Response<B>, Infallible>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: http::Request<Body>) -> Self::Future {
            std::future::ready(Ok((self.0)(request)))
        }
    }
    Fn_(answer)
}
