//! The layers through both clients on MockTransport: redirects (httpx's rules, history,
//! next_request), auth flows with history, cookies on every hop, event hooks and user
//! layers.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use xhttp::{Body, ErrorKind, MockTransport, Request, StatusCode};

/// What the transport saw of a request.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// A transport answering with `answer`, recording each request.
fn server(
    answer: impl Fn(&Request) -> xhttp::Response + Send + Sync + 'static,
) -> (MockTransport, Log) {
    let seen: Log = Arc::default();
    let log = Arc::clone(&seen);
    let transport = MockTransport::new(move |request: Request| {
        log.lock().unwrap().push(Seen {
            method: request.method().to_string(),
            url: request.url().to_string(),
            headers: request
                .headers()
                .iter()
                .map(|(name, value)| (name.to_string(), value.into_owned()))
                .collect(),
            body: request.content().map(<[u8]>::to_vec).unwrap_or_default(),
        });
        answer(&request)
    });
    (transport, seen)
}

fn redirect(status: u16, location: &str) -> xhttp::Response {
    xhttp::Response::new(StatusCode::from_u16(status).unwrap())
        .with_header(
            xhttp::http::header::LOCATION,
            xhttp::HeaderValue::from_str(location).unwrap(),
        )
        .with_content(format!("moved to {location}"))
}

fn ok(text: &str) -> xhttp::Response {
    xhttp::Response::new(StatusCode::OK).with_content(text.to_owned())
}

/// `/hop/N` redirects to `/hop/N-1`; `/hop/0` answers 200. `/status/S` redirects with
/// `S` to `/done`; `/done` and anything else answer 200.
fn redirector() -> (MockTransport, Log) {
    server(|request| {
        let path = request.url().path().into_owned();
        if let Some(n) = path.strip_prefix("/hop/") {
            let n: u32 = n.parse().unwrap();
            return match n {
                0 => ok("arrived"),
                _ => redirect(302, &format!("/hop/{}", n - 1)),
            };
        }
        if let Some(status) = path.strip_prefix("/status/") {
            return redirect(status.parse().unwrap(), "/done");
        }
        match path.as_str() {
            "/a/relative" => redirect(302, "sub/page"),
            "/fragment" => redirect(302, "/done"),
            "/invalid" => redirect(302, "http://[::1/"),
            "/away" => redirect(302, "http://other.org/landing"),
            "/secure" => redirect(302, "https://example.org/landing"),
            "/insecure" => redirect(302, "http://example.org/landing"),
            "/set-cookie" => redirect(302, "/done").with_header(
                xhttp::http::header::SET_COOKIE,
                xhttp::HeaderValue::from_static("hop=1; Path=/"),
            ),
            _ => ok("done"),
        }
    })
}

fn one_shot(text: &'static str) -> Body {
    Body::from_stream(http_body_util::Full::new(Bytes::from_static(
        text.as_bytes(),
    )))
}

/// A Digest server (realm `r`, nonce `n1`, qop auth, MD5; user `user`, password `pass`)
/// that checks the `Authorization` response and the nonce count.
fn digest_server() -> (MockTransport, Log) {
    server(|request| {
        let header = request
            .headers()
            .get("authorization")
            .map(|v| v.into_owned());
        let right = header.is_some_and(|value| {
            digest_is_right(&value, request.method().as_str(), &request.url().raw_path())
        });
        if right {
            return ok("welcome");
        }
        xhttp::Response::new(StatusCode::UNAUTHORIZED)
            .with_header(
                xhttp::http::header::WWW_AUTHENTICATE,
                xhttp::HeaderValue::from_static(r#"Digest realm="r", nonce="n1", qop="auth""#),
            )
            .with_content("who are you?")
    })
}

fn digest_field<'a>(header: &'a str, name: &str) -> &'a str {
    header
        .trim_start_matches("Digest ")
        .split(", ")
        .filter_map(|field| field.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"'))
        .unwrap_or_default()
}

fn digest_is_right(header: &str, method: &str, uri: &str) -> bool {
    use md5::{Digest as _, Md5};
    let md5 = |text: String| format!("{:x}", Md5::digest(text.as_bytes()));
    let field = |name| digest_field(header, name);
    let ha1 = md5("user:r:pass".to_owned());
    let ha2 = md5(format!("{method}:{uri}"));
    let expected = md5(format!(
        "{ha1}:n1:{}:{}:auth:{ha2}",
        field("nc"),
        field("cnonce")
    ));
    field("username") == "user" && field("uri") == uri && field("response") == expected
}

macro_rules! layers {
    (
        $flavour:ident,
        client: $client:ty,
        response: $response:ty,
        test: #[$($test:tt)*],
        $($async:ident)?,
        await: [$($await:tt)*]
    ) => {
        mod $flavour {
            use super::*;

            fn client(transport: MockTransport) -> xhttp::client::ClientBuilder<$client> {
                <$client>::builder().transport(transport).follow_redirects(true)
            }

            fn urls(seen: &Log) -> Vec<String> {
                seen.lock().unwrap().iter().map(|s| s.url.clone()).collect()
            }

            #[$($test)*]
            $($async)? fn twenty_redirects_are_followed_and_the_21st_fails() {
                let (transport, seen) = redirector();
                let twenty = client(transport).build().unwrap();
                let response = twenty.get("http://example.org/hop/20").send() $($await)* .unwrap();
                assert_eq!(response.content().unwrap(), "arrived");
                assert_eq!(response.history().len(), 20);
                assert_eq!(seen.lock().unwrap().len(), 21);
                let error = twenty.get("http://example.org/hop/21").send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::TooManyRedirects);
                assert_eq!(seen.lock().unwrap().len(), 21 + 21);
                let (transport, seen) = redirector();
                let two = client(transport).max_redirects(2).build().unwrap();
                let error = two.get("http://example.org/hop/5").send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::TooManyRedirects);
                assert_eq!(seen.lock().unwrap().len(), 3);
            }

            #[$($test)*]
            $($async)? fn a_302_turns_a_post_into_a_get_without_body_or_its_headers() {
                let (transport, seen) = redirector();
                let client = client(transport).build().unwrap();
                let response = client.post("http://example.org/status/302").json(&[1, 2]).send() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                let seen = seen.lock().unwrap();
                assert_eq!(seen[0].method, "POST");
                assert_eq!(seen[0].header("content-length"), ["5"]);
                assert_eq!((seen[1].method.as_str(), seen[1].url.as_str()), ("GET", "http://example.org/done"));
                assert!(seen[1].body.is_empty());
                assert!(seen[1].header("content-length").is_empty());
                assert!(seen[1].header("content-type").is_empty());
            }

            #[$($test)*]
            $($async)? fn methods_change_as_httpx_says() {
                let cases = [
                    (xhttp::Method::PUT, 302, "GET"),
                    (xhttp::Method::HEAD, 302, "HEAD"),
                    (xhttp::Method::POST, 303, "GET"),
                    (xhttp::Method::DELETE, 303, "GET"),
                    (xhttp::Method::POST, 301, "GET"),
                    (xhttp::Method::PUT, 301, "PUT"),
                    (xhttp::Method::POST, 307, "POST"),
                    (xhttp::Method::PATCH, 308, "PATCH"),
                ];
                for (method, status, expected) in cases {
                    let (transport, seen) = redirector();
                    let each = client(transport).build().unwrap();
                    let url = format!("http://example.org/status/{status}");
                    each.request(method.clone(), url).body("data").send() $($await)* .unwrap();
                    let seen = seen.lock().unwrap();
                    assert_eq!(seen[1].method, expected, "{method} {status}");
                    let body: &[u8] = if expected == "GET" { b"" } else { b"data" };
                    assert_eq!(seen[1].body, body, "{method} {status}");
                }
            }

            #[$($test)*]
            $($async)? fn a_307_keeps_method_and_body_and_a_one_shot_body_fails_on_308() {
                let (transport, seen) = redirector();
                let client = client(transport).build().unwrap();
                client.post("http://example.org/status/307").body("payload").send() $($await)* .unwrap();
                {
                    let seen = seen.lock().unwrap();
                    assert_eq!((seen[1].method.as_str(), seen[1].body.as_slice()), ("POST", &b"payload"[..]));
                    assert_eq!(seen[1].header("content-length"), ["7"]);
                }
                let error = client.post("http://example.org/status/308").body(one_shot("once")).send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::StreamConsumed);
                // A one-shot body dropped by a 303 is fine.
                client.post("http://example.org/status/303").body(one_shot("once")).send() $($await)* .unwrap();
            }

            #[$($test)*]
            $($async)? fn relative_locations_join_and_fragments_carry_over() {
                let (transport, seen) = redirector();
                let client = client(transport).build().unwrap();
                let response = client.get("http://example.org/a/relative").send() $($await)* .unwrap();
                assert_eq!(response.url().unwrap().as_str(), "http://example.org/a/sub/page");
                let response = client.get("http://example.org/fragment#part").send() $($await)* .unwrap();
                assert_eq!(response.url().unwrap().as_str(), "http://example.org/done#part");
                assert_eq!(urls(&seen)[3], "http://example.org/done#part");
            }

            #[$($test)*]
            $($async)? fn an_invalid_location_is_a_remote_protocol_error() {
                let (transport, _) = redirector();
                let client = client(transport).build().unwrap();
                let error = client.get("http://example.org/invalid").send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::RemoteProtocol);
                assert!(error.to_string().contains("invalid URL in location header"), "{error}");
                // Not following: the response comes back, with no next_request.
                let response = client.get("http://example.org/invalid").follow_redirects(false).send() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::FOUND);
                assert!(response.next_request().is_none());
            }

            #[$($test)*]
            $($async)? fn cross_origin_hops_lose_credentials_and_upgrades_keep_authorization() {
                let (transport, seen) = redirector();
                let client = client(transport).build().unwrap();
                let send = |path: &str| client
                    .get(format!("http://example.org{path}"))
                    .header("authorization", "Bearer t")
                    .header("cookie", "mine=1")
                    .header("proxy-authorization", "Basic x");
                send("/away").send() $($await)* .unwrap();
                send("/secure").send() $($await)* .unwrap();
                send("/status/302").send() $($await)* .unwrap();
                let seen = seen.lock().unwrap();
                assert_eq!(seen[1].url, "http://other.org/landing");
                assert!(seen[1].header("authorization").is_empty());
                assert!(seen[1].header("cookie").is_empty());
                assert!(seen[1].header("proxy-authorization").is_empty());
                assert_eq!(seen[1].header("host"), ["other.org"]);
                // http -> https, same host, default ports: Authorization kept.
                assert_eq!(seen[3].url, "https://example.org/landing");
                assert_eq!(seen[3].header("authorization"), ["Bearer t"]);
                assert!(seen[3].header("cookie").is_empty());
                // same origin: all kept
                assert_eq!(seen[5].header("authorization"), ["Bearer t"]);
                assert_eq!(seen[5].header("cookie"), ["mine=1"]);
            }

            #[$($test)*]
            $($async)? fn https_to_http_is_followed_without_credentials() {
                let (transport, seen) = redirector();
                let client = client(transport).build().unwrap();
                let response = client.get("https://example.org/insecure").basic_auth("u", "p").send() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                let seen = seen.lock().unwrap();
                assert!(!seen[0].header("authorization").is_empty());
                assert_eq!(seen[1].url, "http://example.org/landing");
                assert!(seen[1].header("authorization").is_empty());
            }

            #[$($test)*]
            $($async)? fn a_cookie_set_by_a_redirect_goes_with_the_next_hop() {
                let (transport, seen) = redirector();
                let client = client(transport).build().unwrap();
                client.get("http://example.org/set-cookie").cookie("once", "x").send() $($await)* .unwrap();
                client.get("http://example.org/again").send() $($await)* .unwrap();
                let seen = seen.lock().unwrap();
                assert_eq!(seen[0].header("cookie"), ["once=x"]);
                // the jar's cookie from the 302; the per-request cookie is not re-sent
                assert_eq!(seen[1].header("cookie"), ["hop=1"]);
                assert_eq!(seen[2].header("cookie"), ["hop=1"]);
            }

            #[$($test)*]
            $($async)? fn set_cookie_is_kept_when_a_layer_below_drops_the_metadata() {
                let (transport, seen) = redirector();
                let client = client(transport).layer_per_hop(strip_meta()).build().unwrap();
                client.get("http://example.org/set-cookie").send() $($await)* .unwrap();
                let seen = seen.lock().unwrap();
                assert_eq!(seen[1].header("cookie"), ["hop=1"]);
            }

            #[$($test)*]
            $($async)? fn history_lists_each_hop_read() {
                let (transport, _) = redirector();
                let client = client(transport).build().unwrap();
                let response = client.get("http://example.org/hop/2").send() $($await)* .unwrap();
                let history: Vec<$response> = response.history();
                let urls: Vec<String> = history.iter().map(|r| r.url().unwrap().to_string()).collect();
                assert_eq!(urls, ["http://example.org/hop/2", "http://example.org/hop/1"]);
                assert!(history.iter().all(|r| r.status() == StatusCode::FOUND));
                assert_eq!(history[1].content().unwrap(), "moved to /hop/0");
                assert_eq!(history[1].headers().get("location").unwrap(), "/hop/0");
                assert_eq!(history[0].history().len(), 0);
                assert_eq!(history[1].history().len(), 1);
                assert_eq!(response.url().unwrap().as_str(), "http://example.org/hop/0");
                assert!(response.history().iter().all(|r| r.elapsed().is_some()));
            }

            #[$($test)*]
            $($async)? fn a_large_redirect_body_is_not_read_past_the_history_limit() {
                let produced = Arc::new(AtomicUsize::new(0));
                let count = Arc::clone(&produced);
                let (transport, _) = server(move |request| {
                    if request.url().path() != "/big" {
                        return ok("done");
                    }
                    let (sender, body) = xhttp::body_channel::channel(None);
                    let count = Arc::clone(&count);
                    std::thread::spawn(move || {
                        // 1 GiB in 64 KiB chunks, unless the reader stops (`send` fails).
                        for _ in 0..16_384 {
                            count.fetch_add(1, Ordering::SeqCst);
                            if sender.send(Ok(Bytes::from(vec![b'x'; 64 * 1024]))).is_err() {
                                return;
                            }
                        }
                    });
                    redirect(302, "/done").with_body(Body::from_stream(body))
                });
                let client = client(transport).build().unwrap();
                let response = client.get("http://example.org/big").send() $($await)* .unwrap();
                assert_eq!(response.text().unwrap(), "done");
                assert!(response.history()[0].content().is_err(), "over the limit: not kept");
                let chunks = produced.load(Ordering::SeqCst);
                assert!(chunks < 64, "read past the history limit: {chunks} chunks");
            }

            #[$($test)*]
            $($async)? fn not_following_gives_next_request() {
                let (transport, seen) = redirector();
                let client = <$client>::builder().transport(transport).build().unwrap();
                let response = client.post("http://example.org/status/307").body("again").send() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT);
                assert!(response.history().is_empty());
                let next = response.next_request().unwrap();
                assert_eq!((next.method().as_str(), next.url().as_str()), ("POST", "http://example.org/done"));
                assert_eq!(next.content().unwrap(), b"again");
                client.send(next) $($await)* .unwrap();
                assert_eq!(seen.lock().unwrap()[1].body, b"again");
                let response = client.get("http://example.org/done").send() $($await)* .unwrap();
                assert!(response.next_request().is_none());
                // per request
                let followed = client.get("http://example.org/hop/1").follow_redirects(true).send() $($await)* .unwrap();
                assert_eq!(followed.history().len(), 1);
            }

            #[$($test)*]
            $($async)? fn digest_end_to_end_then_pre_authenticated() {
                let (transport, seen) = digest_server();
                let client = client(transport).auth(xhttp::DigestAuth::new("user", "pass")).build().unwrap();
                let response = client.get("http://example.org/private").send() $($await)* .unwrap();
                assert_eq!(response.content().unwrap(), "welcome");
                let history = response.history();
                assert_eq!(history.len(), 1);
                assert_eq!(history[0].status(), StatusCode::UNAUTHORIZED);
                assert_eq!(history[0].content().unwrap(), "who are you?");
                assert_eq!(seen.lock().unwrap().len(), 2);
                // The challenge is remembered: one request, nonce count 2.
                let again = client.get("http://example.org/other").send() $($await)* .unwrap();
                assert_eq!(again.status(), StatusCode::OK);
                assert!(again.history().is_empty());
                let seen = seen.lock().unwrap();
                assert_eq!(seen.len(), 3);
                let header = seen[2].header("authorization")[0].to_owned();
                assert_eq!(digest_field(&header, "nc"), "00000002");
            }

            #[$($test)*]
            $($async)? fn hooks_fire_for_every_hop_and_may_change_or_fail() {
                let (transport, seen) = redirector();
                let events: Arc<Mutex<Vec<String>>> = Arc::default();
                let (requests, responses) = (Arc::clone(&events), Arc::clone(&events));
                let hooked = client(transport)
                    .on_request(move |request| {
                        requests.lock().unwrap().push(format!("request {}", request.url().path()));
                        request.headers_mut().insert("x-hook", "1")
                    })
                    .on_response(move |response| {
                        responses.lock().unwrap().push(format!("response {}", response.status().as_u16()));
                        Ok(())
                    })
                    .build()
                    .unwrap();
                hooked.get("http://example.org/hop/1").send() $($await)* .unwrap();
                assert_eq!(*events.lock().unwrap(), [
                    "request /hop/1", "response 302", "request /hop/0", "response 200",
                ]);
                assert!(seen.lock().unwrap().iter().all(|s| s.header("x-hook") == ["1"]));

                let (transport, seen) = redirector();
                let failing = client(transport)
                    .on_response(|response| match response.status() {
                        StatusCode::FOUND => Err(xhttp::Error::new(ErrorKind::Status).with_message("no redirects here")),
                        _ => Ok(()),
                    })
                    .build()
                    .unwrap();
                let error = failing.get("http://example.org/hop/1").send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::Status);
                assert_eq!(seen.lock().unwrap().len(), 1);
            }

            #[$($test)*]
            $($async)? fn a_body_hook_sees_the_body_even_when_streaming() {
                let (transport, _) = redirector();
                let bodies: Arc<Mutex<Vec<String>>> = Arc::default();
                let log = Arc::clone(&bodies);
                let client = client(transport)
                    .on_response_with_body(move |response| {
                        log.lock().unwrap().push(String::from_utf8(response.content()?.to_vec()).unwrap());
                        Ok(())
                    })
                    .build()
                    .unwrap();
                let response = client.get("http://example.org/hop/1").stream() $($await)* .unwrap();
                assert_eq!(response.content().unwrap(), "arrived");
                assert_eq!(*bodies.lock().unwrap(), ["moved to /hop/0", "arrived"]);
            }

            #[$($test)*]
            $($async)? fn user_layers_wrap_each_hop_and_each_request() {
                let (transport, _) = redirector();
                let hops = Arc::new(AtomicUsize::new(0));
                let requests = Arc::new(AtomicUsize::new(0));
                let client = client(transport)
                    .layer_per_hop(Counting(Arc::clone(&hops), false))
                    .layer_per_request(Counting(Arc::clone(&requests), false))
                    .build()
                    .unwrap();
                client.get("http://example.org/hop/3").send() $($await)* .unwrap();
                assert_eq!(hops.load(Ordering::SeqCst), 4);
                assert_eq!(requests.load(Ordering::SeqCst), 1);
            }
        }
    };
}

/// A layer counting the calls of its service; with `strip_meta`, its responses lose their
/// `ResponseMeta` (as a layer answering requests itself gives none).
#[derive(Clone)]
struct Counting(Arc<AtomicUsize>, bool);

/// A per-hop layer whose responses have no `ResponseMeta`.
fn strip_meta() -> Counting {
    Counting(Arc::default(), true)
}

impl tower_layer::Layer<xhttp::BoxTransport> for Counting {
    type Service = CountingService;

    fn layer(&self, inner: xhttp::BoxTransport) -> CountingService {
        CountingService(inner, self.clone())
    }
}

#[derive(Clone)]
struct CountingService(xhttp::BoxTransport, Counting);

impl tower_service::Service<xhttp::http::Request<Body>> for CountingService {
    type Response = xhttp::http::Response<Body>;
    type Error = xhttp::Error;
    type Future = xhttp_async::transport::TransportFuture;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), xhttp::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: xhttp::http::Request<Body>) -> Self::Future {
        let Counting(calls, strip_meta) = &self.1;
        calls.fetch_add(1, Ordering::SeqCst);
        let sent = self.0.call(request);
        if !*strip_meta {
            return sent;
        }
        Box::pin(async move {
            let mut response = sent.await?;
            response
                .extensions_mut()
                .remove::<xhttp::context::ResponseMeta>();
            Ok(response)
        })
    }
}

layers!(blocking, client: xhttp::Client, response: xhttp::Response, test: #[test], , await: []);
layers!(async_flavour, client: xhttp::AsyncClient, response: xhttp::AsyncResponse, test: #[tokio::test], async, await: [.await]);

#[tokio::test]
async fn async_hooks_run_on_the_async_client() {
    let (transport, seen) = redirector();
    let client = xhttp::AsyncClient::builder()
        .transport(transport)
        .follow_redirects(true)
        .on_request_async(|mut request| async move {
            request.headers_mut().insert("x-async", "yes")?;
            Ok(request)
        })
        .on_response_async(|mut response| async move {
            response.read().await?;
            Ok(response)
        })
        .build()
        .unwrap();
    let response = client
        .get("http://example.org/hop/1")
        .stream()
        .await
        .unwrap();
    assert_eq!(response.content().unwrap(), "arrived");
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .all(|s| s.header("x-async") == ["yes"])
    );
}
