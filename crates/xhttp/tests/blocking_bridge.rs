//! The blocking bridge (DESIGN §4): a blocking client works inside any tokio runtime,
//! and a blocking call from xhttp's own runtime is an error, not a deadlock.

mod support;

use std::io::Read as _;
use std::sync::{Arc, Mutex};

use xhttp::{Client, ErrorKind, MockTransport, StatusCode};

fn echo_client() -> Client {
    Client::builder()
        .transport(MockTransport::new(|request| {
            xhttp::Response::new(StatusCode::OK).with_body(support::streamed(vec![
                request.url().path().as_bytes().to_vec(),
            ]))
        }))
        .build()
        .unwrap()
}

fn use_and_drop_a_blocking_client() {
    let client = echo_client();
    let response = client.get("http://h/inside").send().unwrap();
    assert_eq!(response.text().unwrap(), "/inside");
    let mut streamed = client.get("http://h/stream").stream().unwrap();
    let mut text = String::new();
    streamed.read_to_string(&mut text).unwrap();
    assert_eq!(text, "/stream");
    drop(streamed);
    drop(client);
}

#[tokio::test(flavor = "current_thread")]
async fn a_blocking_client_inside_a_current_thread_runtime() {
    use_and_drop_a_blocking_client();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocking_client_inside_a_multi_thread_runtime() {
    use_and_drop_a_blocking_client();
}

#[test]
fn a_blocking_client_built_outside_and_used_on_many_threads() {
    let client = echo_client();
    let threads: Vec<_> = (0..4)
        .map(|index| {
            let client = client.clone();
            std::thread::spawn(move || {
                let path = format!("/t{index}");
                let response = client.get(format!("http://h{path}")).send().unwrap();
                assert_eq!(response.text().unwrap(), path);
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}

/// How the nested call went.
type Outcome = Arc<Mutex<Option<Result<(), ErrorKind>>>>;

/// A client whose mock makes a nested blocking call and records how it went.
fn nesting_client() -> (Client, Outcome) {
    let inner = echo_client();
    let seen = Arc::new(Mutex::new(None));
    let record = Arc::clone(&seen);
    let outer = Client::builder()
        .transport(MockTransport::new(move |_| {
            let result = inner.get("http://h/nested").send();
            *record.lock().unwrap() = Some(result.map(|_| ()).map_err(|error| error.kind()));
            xhttp::Response::new(StatusCode::OK)
        }))
        .build()
        .unwrap();
    (outer, seen)
}

#[test]
fn a_blocking_call_from_xhttps_runtime_is_a_clear_error() {
    // A reader body makes the exchange run as a task on xhttp's runtime (the caller's
    // thread reads the body meanwhile): blocking there would deadlock, so it fails.
    let (outer, seen) = nesting_client();
    outer
        .post("http://h/outer")
        .body_reader(std::io::Cursor::new(b"body".to_vec()), Some(4))
        .send()
        .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        Some(Err(ErrorKind::BlockingInsideRuntime))
    );
}

#[test]
fn a_blocking_call_from_a_closure_on_the_callers_thread_works() {
    // Without a reader body the exchange is polled on the caller's own thread, where a
    // nested blocking call simply runs.
    let (outer, seen) = nesting_client();
    outer.get("http://h/outer").send().unwrap();
    assert_eq!(*seen.lock().unwrap(), Some(Ok(())));
}

#[test]
fn a_blocking_response_may_be_read_on_another_runtimes_thread() {
    // Only xhttp's own runtime threads refuse to block; any other thread may wait.
    let client = echo_client();
    let mut response = client.get("http://h/x").stream().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    // Reading on an ordinary runtime's thread is allowed (it is not xhttp's runtime).
    let text = runtime.block_on(async move { response.read().map(|bytes| bytes.len()) });
    assert_eq!(text.unwrap(), 2);
}

/// A panic in the exchange (here the mock transport) reaches the caller as a panic,
/// whether the exchange ran on the caller's thread or as a task (a reader body).
#[test]
fn a_panic_in_the_exchange_reaches_the_blocking_caller() {
    let client = Client::builder()
        .transport(MockTransport::new(|_| -> xhttp::Response {
            panic!("the mock gave up")
        }))
        .build()
        .unwrap();
    for reader_body in [false, true] {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let request = client.post("http://h/");
            let request = if reader_body {
                request.body(xhttp::Body::from_reader(
                    std::io::Cursor::new(b"data".to_vec()),
                    Some(4),
                ))
            } else {
                request.body("data")
            };
            request.send()
        }));
        let payload = outcome.expect_err("the panic was turned into a result");
        let message = payload.downcast_ref::<&str>().copied().unwrap_or_default();
        assert_eq!(message, "the mock gave up", "reader body: {reader_body}");
    }
}
