//! The retry layer through both clients on MockTransport: statuses, the count and the
//! time budget, `Retry-After` (seconds and HTTP-date), idempotency and opt-in, one-shot
//! bodies, connect errors.

#![cfg(feature = "blocking")]

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use xhttp::{Body, Error, ErrorKind, Method, MockTransport, Request, RetryPolicy, StatusCode};

/// What each attempt saw: method and body.
type Attempts = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A transport answering attempt `n` (from 0) with `answer(n)`.
fn attempts(
    answer: impl Fn(usize) -> Result<xhttp::Response, Error> + Send + Sync + 'static,
) -> (MockTransport, Attempts) {
    let seen: Attempts = Arc::default();
    let log = Arc::clone(&seen);
    let count = AtomicUsize::new(0);
    let transport = MockTransport::try_new(move |request: Request| {
        log.lock().unwrap().push((
            request.method().to_string(),
            request.content().map(<[u8]>::to_vec).unwrap_or_default(),
        ));
        answer(count.fetch_add(1, Ordering::SeqCst))
    });
    (transport, seen)
}

fn status(code: u16) -> xhttp::Response {
    xhttp::Response::new(StatusCode::from_u16(code).unwrap()).with_content(format!("status {code}"))
}

fn retry_after(code: u16, value: &str) -> xhttp::Response {
    status(code).with_header(
        xhttp::http::header::RETRY_AFTER,
        xhttp::HeaderValue::from_str(value).unwrap(),
    )
}

/// Retries with waits of a millisecond or two.
fn quick() -> RetryPolicy {
    RetryPolicy::new().backoff(Duration::from_millis(1), Duration::from_millis(2))
}

macro_rules! retries {
    (
        $flavour:ident,
        client: $client:ty,
        test: #[$($test:tt)*],
        $($async:ident)?,
        await: [$($await:tt)*]
    ) => {
        mod $flavour {
            use super::*;

            fn builder(transport: MockTransport) -> xhttp::client::ClientBuilder<$client> {
                <$client>::builder().transport(transport)
            }

            #[$($test)*]
            $($async)? fn retryable_statuses_are_retried_until_success() {
                let (transport, seen) = attempts(|n| Ok(if n < 2 { status(503) } else { status(200) }));
                let client = builder(transport).retry(quick()).build().unwrap();
                let response = client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                assert_eq!(response.content().unwrap(), "status 200");
                assert_eq!(seen.lock().unwrap().len(), 3);
                // Retried responses are not history.
                assert!(response.history().is_empty());
                for code in [429, 502, 504] {
                    let (transport, seen) = attempts(move |n| Ok(if n == 0 { status(code) } else { status(200) }));
                    let client = builder(transport).retry(quick()).build().unwrap();
                    let response = client.get("http://example.org/").send() $($await)* .unwrap();
                    assert_eq!(response.status(), StatusCode::OK, "{code}");
                    assert_eq!(seen.lock().unwrap().len(), 2);
                }
                // Others are not retried, and nothing is without a policy.
                let (transport, seen) = attempts(|_| Ok(status(500)));
                let client = builder(transport).retry(quick()).build().unwrap();
                client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(seen.lock().unwrap().len(), 1);
                let (transport, seen) = attempts(|_| Ok(status(503)));
                let client = builder(transport).build().unwrap();
                client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(seen.lock().unwrap().len(), 1);
            }

            #[$($test)*]
            $($async)? fn the_count_bounds_the_retries_and_the_last_response_is_returned() {
                let (transport, seen) = attempts(|_| Ok(status(503)));
                let client = builder(transport).retry(quick().max_retries(2)).build().unwrap();
                let response = client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
                assert_eq!(response.content().unwrap(), "status 503");
                assert_eq!(seen.lock().unwrap().len(), 3);
                let (transport, seen) = attempts(|_| Ok(status(503)));
                let client = builder(transport).retry(quick().statuses([503, 500]).max_retries(0)).build().unwrap();
                client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(seen.lock().unwrap().len(), 1);
            }

            #[$($test)*]
            $($async)? fn retry_after_replaces_the_backoff() {
                // The backoff alone would pass the budget: only Retry-After allows a retry.
                let slow = RetryPolicy::new()
                    .backoff(Duration::from_secs(3600), Duration::from_secs(3600))
                    .max_elapsed(Duration::from_secs(60));
                let (transport, seen) = attempts(|n| Ok(if n == 0 { retry_after(429, "0") } else { status(200) }));
                let client = builder(transport).retry(slow.clone()).build().unwrap();
                let response = client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                assert_eq!(seen.lock().unwrap().len(), 2);
                // An HTTP-date in the past: retry at once.
                let (transport, seen) = attempts(|n| Ok(if n == 0 { retry_after(503, "Sun, 06 Nov 1994 08:49:37 GMT") } else { status(200) }));
                let client = builder(transport).retry(slow.clone()).build().unwrap();
                let response = client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                assert_eq!(seen.lock().unwrap().len(), 2);
                // Without Retry-After the same policy gives up at once.
                let (transport, seen) = attempts(|n| Ok(if n == 0 { status(503) } else { status(200) }));
                let client = builder(transport).retry(slow).build().unwrap();
                let response = client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
                assert_eq!(seen.lock().unwrap().len(), 1);
            }

            #[$($test)*]
            $($async)? fn retry_after_one_second_is_waited_for_within_the_budget() {
                let (transport, seen) = attempts(|n| Ok(if n == 0 { retry_after(503, "1") } else { status(200) }));
                let client = builder(transport).retry(quick()).build().unwrap();
                let started = Instant::now();
                let response = client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                assert!(started.elapsed() >= Duration::from_secs(1));
                assert_eq!(seen.lock().unwrap().len(), 2);
                // A wait past the time budget is not taken: the 503 comes back.
                let (transport, seen) = attempts(|n| Ok(if n == 0 { retry_after(503, "1") } else { status(200) }));
                let client = builder(transport).retry(quick().max_elapsed(Duration::from_millis(200))).build().unwrap();
                let response = client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
                assert_eq!(seen.lock().unwrap().len(), 1);
            }

            #[$($test)*]
            $($async)? fn post_is_retried_only_by_opt_in() {
                let (transport, seen) = attempts(|_| Ok(status(503)));
                let client = builder(transport).retry(quick()).build().unwrap();
                let response = client.post("http://example.org/").content("data").send() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
                assert_eq!(seen.lock().unwrap().len(), 1);
                let (transport, seen) = attempts(|n| Ok(if n == 0 { status(503) } else { status(201) }));
                let client = builder(transport)
                    .retry(quick().methods([Method::GET, Method::POST]))
                    .build()
                    .unwrap();
                let response = client.post("http://example.org/").content("data").send() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::CREATED);
                let seen = seen.lock().unwrap();
                assert_eq!(seen.len(), 2);
                assert!(seen.iter().all(|(method, body)| method == "POST" && body == b"data"));
            }

            #[$($test)*]
            $($async)? fn a_one_shot_body_is_not_retried_a_replayable_one_is_sent_whole() {
                let (transport, seen) = attempts(|_| Ok(status(503)));
                let client = builder(transport).retry(quick()).build().unwrap();
                let stream = support::streamed(vec![b"one".to_vec(), b"shot".to_vec()]);
                let response = client.put("http://example.org/").body(stream).send() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
                assert_eq!(seen.lock().unwrap().len(), 1);
                let (transport, seen) = attempts(|n| Ok(if n < 2 { status(502) } else { status(200) }));
                let client = builder(transport).retry(quick()).build().unwrap();
                client.put("http://example.org/").body(Body::from("again")).send() $($await)* .unwrap();
                let seen = seen.lock().unwrap();
                assert_eq!(seen.len(), 3);
                assert!(seen.iter().all(|(_, body)| body == b"again"));
            }

            #[$($test)*]
            $($async)? fn connect_errors_are_retried_timeouts_are_not() {
                let (transport, seen) = attempts(|n| {
                    if n == 0 {
                        Err(Error::new(ErrorKind::Connect).with_message("refused"))
                    } else {
                        Ok(status(200))
                    }
                });
                let client = builder(transport).retry(quick()).build().unwrap();
                let response = client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                assert_eq!(seen.lock().unwrap().len(), 2);
                let (transport, seen) = attempts(|_| Err(Error::new(ErrorKind::Connect)));
                let client = builder(transport).retry(quick().max_retries(3)).build().unwrap();
                let error = client.get("http://example.org/").send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::Connect);
                assert_eq!(seen.lock().unwrap().len(), 4);
                let (transport, seen) = attempts(|_| Err(Error::new(ErrorKind::ReadTimeout)));
                let client = builder(transport).retry(quick()).build().unwrap();
                let error = client.get("http://example.org/").send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::ReadTimeout);
                assert_eq!(seen.lock().unwrap().len(), 1);
                let (transport, seen) = attempts(|_| Err(Error::new(ErrorKind::Connect)));
                let client = builder(transport).retry(quick().on_connect_errors(false)).build().unwrap();
                client.get("http://example.org/").send() $($await)* .unwrap_err();
                assert_eq!(seen.lock().unwrap().len(), 1);
            }

            #[$($test)*]
            $($async)? fn each_redirect_hop_is_retried_on_its_own() {
                let (transport, seen) = attempts(|n| Ok(match n {
                    0 => status(503),
                    1 => status(302).with_header(xhttp::http::header::LOCATION, xhttp::HeaderValue::from_static("/next")),
                    2 => status(503),
                    _ => status(200),
                }));
                let client = builder(transport).retry(quick()).follow_redirects(true).build().unwrap();
                let response = client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                assert_eq!(seen.lock().unwrap().len(), 4);
                assert_eq!(response.history().len(), 1);
                assert_eq!(response.history()[0].status(), StatusCode::FOUND);
            }
        }
    };
}

retries!(blocking, client: xhttp::Client, test: #[test], , await: []);
retries!(async_flavour, client: xhttp::AsyncClient, test: #[tokio::test], async, await: [.await]);
