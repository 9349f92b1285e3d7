//! The client contract, written once and run against both flavours on MockTransport:
//! merge rules, send vs stream, every body API, the stream errors, one-shot uploads,
//! raise_for_status and cookies.

use std::io::Read as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use xhttp::{Body, ErrorKind, MockTransport, Request, StatusCode, Timeout};

mod support;
use support::{TempFile, async_body, blocking_body};

/// A transport answering with `status` and a streamed body of `chunks`, recording each
/// request it saw.
fn recording(chunks: &'static [&'static str]) -> (MockTransport, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let transport = MockTransport::new(move |request: Request| {
        log.lock().unwrap().push(Seen::from(&request));
        let status = match request.url().path().as_ref() {
            "/missing" => StatusCode::NOT_FOUND,
            _ => StatusCode::OK,
        };
        xhttp::Response::new(status).with_body(streamed(chunks))
    });
    (transport, seen)
}

/// A server that wants Digest credentials `user` / `pass` (realm `r`, nonce `n1`,
/// `qop=auth`, MD5): it answers 401 with the challenge unless the `Authorization`
/// header carries the right response, recomputed here.
fn digest_server() -> (MockTransport, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let transport = MockTransport::new(move |request: Request| {
        log.lock().unwrap().push(Seen::from(&request));
        let right = request.headers().get("authorization").is_some_and(|value| {
            digest_is_right(&value, request.method().as_str(), &request.url().raw_path())
        });
        if right {
            return xhttp::Response::new(StatusCode::OK).with_content("welcome");
        }
        xhttp::Response::new(StatusCode::UNAUTHORIZED)
            .with_header(
                xhttp::http::header::WWW_AUTHENTICATE,
                xhttp::HeaderValue::from_static(
                    r#"Digest realm="r", nonce="n1", qop="auth", opaque="o""#,
                ),
            )
            .with_content("who are you?")
    });
    (transport, seen)
}

fn digest_is_right(header: &str, method: &str, uri: &str) -> bool {
    use md5::{Digest as _, Md5};
    let md5 = |text: String| format!("{:x}", Md5::digest(text.as_bytes()));
    let Some(fields) = header.strip_prefix("Digest ") else {
        return false;
    };
    let fields: std::collections::HashMap<&str, &str> = fields
        .split(", ")
        .filter_map(|field| field.split_once('='))
        .map(|(name, value)| (name, value.trim_matches('"')))
        .collect();
    let field = |name: &str| fields.get(name).copied().unwrap_or_default();
    let ha1 = md5("user:r:pass".to_owned());
    let ha2 = md5(format!("{method}:{uri}"));
    let expected = md5(format!(
        "{ha1}:n1:{}:{}:auth:{ha2}",
        field("nc"),
        field("cnonce")
    ));
    field("username") == "user"
        && field("nonce") == "n1"
        && field("uri") == uri
        && field("opaque") == "o"
        && field("response") == expected
}

/// A custom scheme that reads the token out of the 401 response body and retries with
/// it (exercises `requires_response_body` in the client's driver).
#[derive(Debug)]
struct TokenFromBody;

struct TokenFlow;

impl xhttp::auth::Auth for TokenFromBody {
    fn requires_response_body(&self) -> bool {
        true
    }

    fn flow(&self) -> Box<dyn xhttp::auth::AuthFlow> {
        Box::new(TokenFlow)
    }
}

impl xhttp::auth::AuthFlow for TokenFlow {
    fn authenticate(&mut self, _request: &mut Request) -> Result<(), xhttp::Error> {
        Ok(())
    }

    fn on_response(
        &mut self,
        request: &Request,
        response: &xhttp::auth::AuthResponse<'_>,
    ) -> Result<Option<Request>, xhttp::Error> {
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(None);
        }
        let body = response.body().expect("the driver read the body");
        let token = std::str::from_utf8(body)
            .unwrap()
            .trim_start_matches("token=");
        let mut next = request.try_clone().unwrap();
        next.headers_mut()
            .insert("authorization", format!("Bearer {token}"))?;
        Ok(Some(next))
    }
}

/// [`support::streamed`] of static text chunks.
fn streamed(chunks: &'static [&'static str]) -> Body {
    support::streamed(chunks.iter().copied())
}

/// What the transport saw of a request.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    timeout: Option<Timeout>,
}

impl From<&Request> for Seen {
    fn from(request: &Request) -> Seen {
        Seen {
            method: request.method().to_string(),
            url: request.url().to_string(),
            headers: request
                .headers()
                .iter()
                .map(|(name, value)| (name.to_string(), value.into_owned()))
                .collect(),
            body: request.content().map(<[u8]>::to_vec).unwrap_or_default(),
            timeout: request.context().timeout,
        }
    }
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

/// A transport that sets cookies: `/login` sets `session` (host-only, path `/`),
/// `/logout` deletes it; every request is recorded.
fn cookie_server() -> (MockTransport, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let transport = MockTransport::new(move |request: Request| {
        log.lock().unwrap().push(Seen::from(&request));
        let response = xhttp::Response::new(StatusCode::OK).with_content("ok");
        let set_cookie = match request.url().path().as_ref() {
            "/login" => "session=abc; Path=/",
            "/logout" => "session=; Path=/; Max-Age=0",
            _ => return response,
        };
        response.with_header(
            xhttp::http::header::SET_COOKIE,
            xhttp::HeaderValue::from_static(set_cookie),
        )
    });
    (transport, seen)
}

/// A query or form as a struct.
#[derive(serde::Serialize)]
struct Search {
    q: &'static str,
    page: u32,
    exact: bool,
    lang: Option<&'static str>,
}

macro_rules! contract {
    (
        $flavour:ident,
        client: $client:ty,
        body: $body:ident,
        test: #[$($test:tt)*],
        $($async:ident)?,
        await: [$($await:tt)*]
    ) => {
        mod $flavour {
            use super::*;
            use $body as body;

            fn client(transport: MockTransport) -> xhttp::client::ClientBuilder<$client> {
                <$client>::builder().transport(transport)
            }

            #[$($test)*]
            $($async)? fn base_url_joins_relative_paths() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport).base_url("https://example.com/some/path").build().unwrap();
                client.get("/testing/123").send() $($await)* .unwrap();
                client.get("../up").send() $($await)* .unwrap();
                client.get("http://other.org/abs").send() $($await)* .unwrap();
                let urls: Vec<String> = seen.lock().unwrap().iter().map(|s| s.url.clone()).collect();
                assert_eq!(urls, [
                    "https://example.com/some/path/testing/123",
                    "https://example.com/some/up",
                    "http://other.org/abs",
                ]);
            }

            #[$($test)*]
            $($async)? fn a_request_header_replaces_every_client_value() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport)
                    .header("x-a", "client-1")
                    .header("x-a", "client-2")
                    .header("x-keep", "kept")
                    .build()
                    .unwrap();
                client.get("http://h/").header("X-A", "request").send() $($await)* .unwrap();
                let seen = seen.lock().unwrap()[0].clone();
                assert_eq!(seen.header("x-a"), ["request"]);
                assert_eq!(seen.header("x-keep"), ["kept"]);
                assert_eq!(seen.header("host"), ["h"]);
                assert_eq!(seen.header("accept"), ["*/*"]);
            }

            #[$($test)*]
            $($async)? fn params_merge_into_the_url_query() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport).param("a", "client").param("k", "client").build().unwrap();
                client.get("http://h/p?c=3&k=url").query(&[("b", "x y"), ("k", "request")]).send() $($await)* .unwrap();
                let url = seen.lock().unwrap()[0].url.clone();
                assert_eq!(url, "http://h/p?c=3&k=request&a=client&b=x+y");
            }

            #[$($test)*]
            $($async)? fn a_request_timeout_replaces_the_clients() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport).timeout(Duration::from_secs(7)).build().unwrap();
                client.get("http://h/").send() $($await)* .unwrap();
                client.get("http://h/").timeout(Timeout::none().with_read(Duration::from_secs(1))).send() $($await)* .unwrap();
                let seen = seen.lock().unwrap();
                assert_eq!(seen[0].timeout, Some(Timeout::new(Duration::from_secs(7))));
                assert_eq!(seen[1].timeout, Some(Timeout::none().with_read(Duration::from_secs(1))));
            }

            #[$($test)*]
            $($async)? fn send_reads_the_body_and_stream_does_not() {
                let (transport, _) = recording(&["hel", "lo"]);
                let client = client(transport).build().unwrap();
                let sent = client.get("http://h/").send() $($await)* .unwrap();
                assert_eq!(sent.content().unwrap(), "hello");
                assert!(sent.is_closed());
                assert!(sent.elapsed().is_some());

                let mut streamed = client.get("http://h/").stream() $($await)* .unwrap();
                assert_eq!(streamed.content().unwrap_err().kind(), ErrorKind::ResponseNotRead);
                assert!(streamed.elapsed().is_none());
                assert_eq!(body::read(&mut streamed) $($await)* .unwrap(), "hello");
                assert_eq!(body::read(&mut streamed) $($await)* .unwrap(), "hello");
                assert_eq!(streamed.content().unwrap(), "hello");
                assert_eq!(streamed.num_bytes_downloaded(), 5);
            }

            #[$($test)*]
            $($async)? fn chunk_sizes_are_exact_with_a_short_last_chunk() {
                let (transport, _) = recording(&["ab", "cdefg", "h"]);
                let client = client(transport).build().unwrap();
                let mut response = client.get("http://h/").stream() $($await)* .unwrap();
                let chunks = body::chunks(&mut response, Some(3)) $($await)* .unwrap();
                assert_eq!(chunks, ["abc", "def", "gh"]);

                let mut response = client.get("http://h/").stream() $($await)* .unwrap();
                let chunks = body::raw_chunks(&mut response, None) $($await)* .unwrap();
                assert_eq!(chunks, ["ab", "cdefg", "h"]);

                // A body already read is served again from memory, re-chunked.
                let mut response = client.get("http://h/").send() $($await)* .unwrap();
                assert_eq!(body::chunks(&mut response, Some(4)) $($await)* .unwrap(), ["abcd", "efgh"]);
            }

            #[$($test)*]
            $($async)? fn stream_errors_follow_httpx() {
                let (transport, _) = recording(&["x"]);
                let client = client(transport).build().unwrap();

                let mut response = client.get("http://h/").stream() $($await)* .unwrap();
                body::chunks(&mut response, None) $($await)* .unwrap();
                let again = body::chunks(&mut response, None) $($await)* .unwrap_err();
                assert_eq!(again.kind(), ErrorKind::StreamConsumed);
                assert_eq!(body::read(&mut response) $($await)* .unwrap_err().kind(), ErrorKind::StreamConsumed);

                let mut response = client.get("http://h/").stream() $($await)* .unwrap();
                body::close(&mut response) $($await)*;
                body::close(&mut response) $($await)*;
                assert_eq!(body::read(&mut response) $($await)* .unwrap_err().kind(), ErrorKind::StreamClosed);
                assert!(response.elapsed().is_some());

                let mut response = client.get("http://h/").send() $($await)* .unwrap();
                let raw = body::raw_chunks(&mut response, None) $($await)* .unwrap_err();
                assert_eq!(raw.kind(), ErrorKind::StreamConsumed);
            }

            #[$($test)*]
            $($async)? fn a_one_shot_reader_upload_arrives_whole() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport).build().unwrap();
                let data: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
                let builder = client
                    .post("http://h/upload")
                    .body_reader(std::io::Cursor::new(data.clone()), Some(data.len() as u64));
                assert!(builder.try_clone().is_none(), "a reader body is one-shot");
                builder.send() $($await)* .unwrap();
                let seen = seen.lock().unwrap()[0].clone();
                assert_eq!(seen.method, "POST");
                assert_eq!(seen.header("content-length"), [data.len().to_string().as_str()]);
                assert_eq!(seen.body, data);
            }

            #[$($test)*]
            $($async)? fn a_streamed_upload_is_sent_once() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport).build().unwrap();
                client.put("http://h/").body(streamed(&["up", "load"])).send() $($await)* .unwrap();
                let replayable = client.put("http://h/").body("bytes");
                let copy = replayable.try_clone().expect("bytes are replayable");
                copy.send() $($await)* .unwrap();
                replayable.send() $($await)* .unwrap();
                let bodies: Vec<Vec<u8>> = seen.lock().unwrap().iter().map(|s| s.body.clone()).collect();
                assert_eq!(bodies, [b"upload".to_vec(), b"bytes".to_vec(), b"bytes".to_vec()]);
            }

            #[$($test)*]
            $($async)? fn a_serde_query_and_a_form_body() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport).build().unwrap();
                let search = Search { q: "a b", page: 2, exact: true, lang: None };
                client.get("http://h/s").query(&search).send() $($await)* .unwrap();
                client.post("http://h/f").form(&[("tag", "x"), ("tag", "y/z"), ("s", "a b")]).send() $($await)* .unwrap();
                client.post("http://h/f").form(&search).header("content-type", "text/x-mine").send() $($await)* .unwrap();
                let seen = seen.lock().unwrap();
                assert_eq!(seen[0].url, "http://h/s?q=a+b&page=2&exact=true");
                assert_eq!(seen[1].body, b"tag=x&tag=y%2Fz&s=a+b");
                assert_eq!(seen[1].header("content-type"), ["application/x-www-form-urlencoded"]);
                assert_eq!(seen[1].header("content-length"), ["21"]);
                assert_eq!(seen[2].body, b"q=a+b&page=2&exact=true");
                assert_eq!(seen[2].header("content-type"), ["text/x-mine"]);
            }

            #[$($test)*]
            $($async)? fn a_json_body_and_non_finite_floats() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport).build().unwrap();
                let value = serde_json::json!({"name": "é", "n": [1, 2.5, null]});
                client.post("http://h/j").json(&value).send() $($await)* .unwrap();
                let error = client.post("http://h/j").json(&[1.0, f64::NAN]).send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::InvalidBody);
                assert!(error.to_string().contains("not JSON compliant"), "{error}");
                let seen = seen.lock().unwrap();
                assert_eq!(seen.len(), 1, "the NaN request is not sent");
                assert_eq!(seen[0].body, r#"{"n":[1,2.5,null],"name":"é"}"#.as_bytes());
                assert_eq!(seen[0].header("content-type"), ["application/json"]);
                assert_eq!(seen[0].header("content-length"), [seen[0].body.len().to_string().as_str()]);
            }

            #[$($test)*]
            $($async)? fn a_multipart_upload_with_a_real_file_replays_byte_for_byte() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport).build().unwrap();
                let file = TempFile::new("report.csv", b"a,b\n1,2\n");
                let form = xhttp::Multipart::new()
                    .boundary("0123abcd")
                    .file("report", &file.0)
                    .part("note", xhttp::Part::bytes("hi").file_name("n.txt").header("X-Id", "7"))
                    .text("user", "ann");
                let builder = client.post("http://h/up").form(&[("from", "form")]).multipart(form);
                let copy = builder.try_clone().expect("a form of files and bytes replays");
                builder.send() $($await)* .unwrap();
                copy.send() $($await)* .unwrap();

                let mut expected = Vec::new();
                expected.extend_from_slice(b"--0123abcd\r\nContent-Disposition: form-data; name=\"from\"\r\n\r\nform\r\n");
                expected.extend_from_slice(b"--0123abcd\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nann\r\n");
                expected.extend_from_slice(b"--0123abcd\r\nContent-Disposition: form-data; name=\"report\"; filename=\"");
                expected.extend_from_slice(file.name().as_bytes());
                expected.extend_from_slice(b"\"\r\nContent-Type: text/csv\r\n\r\na,b\n1,2\n\r\n");
                expected.extend_from_slice(b"--0123abcd\r\nContent-Disposition: form-data; name=\"note\"; filename=\"n.txt\"\r\n");
                expected.extend_from_slice(b"X-Id: 7\r\nContent-Type: text/plain\r\n\r\nhi\r\n");
                expected.extend_from_slice(b"--0123abcd--\r\n");
                let seen = seen.lock().unwrap();
                assert_eq!(seen.len(), 2);
                for request in seen.iter() {
                    assert_eq!(String::from_utf8_lossy(&request.body), String::from_utf8_lossy(&expected));
                    assert_eq!(request.header("content-type"), ["multipart/form-data; boundary=0123abcd"]);
                    assert_eq!(request.header("content-length"), [expected.len().to_string().as_str()]);
                    assert!(request.header("transfer-encoding").is_empty());
                }
            }

            #[$($test)*]
            $($async)? fn a_multipart_takes_the_boundary_of_the_callers_header() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport).build().unwrap();
                let form = xhttp::Multipart::new().text("a", "1");
                client.post("http://h/").header("Content-Type", "multipart/form-data; Boundary=\"theirs\"").multipart(form)
                    .send() $($await)* .unwrap();
                let form = xhttp::Multipart::new().boundary("ours").text("a", "1");
                client.post("http://h/").header("Content-Type", "multipart/form-data").multipart(form)
                    .send() $($await)* .unwrap();
                let seen = seen.lock().unwrap();
                assert_eq!(seen[0].header("content-type"), ["multipart/form-data; Boundary=\"theirs\""]);
                assert!(seen[0].body.starts_with(b"--theirs\r\n") && seen[0].body.ends_with(b"--theirs--\r\n"));
                assert_eq!(seen[1].header("content-type"), ["multipart/form-data; boundary=ours"]);
                assert!(seen[1].body.starts_with(b"--ours\r\n"));
            }

            #[$($test)*]
            $($async)? fn a_multipart_with_a_reader_of_unknown_length_is_chunked() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport).build().unwrap();
                let form = xhttp::Multipart::new()
                    .boundary("b")
                    .part("r", xhttp::Part::reader(std::io::Cursor::new(vec![b'x'; 100_000]), None));
                let builder = client.post("http://h/").multipart(form);
                assert!(builder.try_clone().is_none(), "a reader part is one-shot");
                builder.send() $($await)* .unwrap();
                let seen = seen.lock().unwrap();
                assert!(seen[0].header("content-length").is_empty());
                assert_eq!(seen[0].header("transfer-encoding"), ["chunked"], "as httpx");
                assert_eq!(seen[0].body.len(), 100_000 + 58);
            }

            #[$($test)*]
            $($async)? fn a_file_body_is_sent_with_its_length_and_replays() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport).build().unwrap();
                let data: Vec<u8> = (0..150_000u32).map(|i| (i % 249) as u8).collect();
                let file = TempFile::new("body.bin", &data);
                let builder = client.put("http://h/f").body_file(&file.0);
                let copy = builder.try_clone().expect("a file body replays");
                builder.send() $($await)* .unwrap();
                copy.send() $($await)* .unwrap();
                let error = client.put("http://h/f").body_file("/no/such/xhttp/file").send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::InvalidBody);
                let seen = seen.lock().unwrap();
                assert_eq!(seen.len(), 2);
                for request in seen.iter() {
                    assert_eq!(request.header("content-length"), ["150000"]);
                    assert!(request.header("content-type").is_empty());
                    assert!(request.body == data);
                }
            }

            #[$($test)*]
            $($async)? fn streamed_bodies_with_and_without_a_length() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport).build().unwrap();
                let known = Body::from_stream_with_length(http_body_util::Full::new(Bytes::from("12345")), 5);
                client.post("http://h/").body(known).send() $($await)* .unwrap();
                client.post("http://h/").content(streamed(&["ab", "cd"])).send() $($await)* .unwrap();
                let seen = seen.lock().unwrap();
                assert_eq!(seen[0].header("content-length"), ["5"]);
                assert_eq!(seen[0].body, b"12345");
                assert!(seen[1].header("content-length").is_empty());
                assert_eq!(seen[1].header("transfer-encoding"), ["chunked"]);
                assert_eq!(seen[1].body, b"abcd");
            }

            #[$($test)*]
            $($async)? fn two_bodies_are_an_error() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport).build().unwrap();
                let error = client.post("http://h/").json(&1).body("x").send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::InvalidBody);
                assert!(error.to_string().contains("json()"), "{error}");
                let error = client.post("http://h/").form(&[("a", "1")]).json(&1).send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::InvalidBody);
                assert!(seen.lock().unwrap().is_empty());
            }

            #[$($test)*]
            $($async)? fn raise_for_status_words_it_as_httpx() {
                let (transport, _) = recording(&["nope"]);
                let client = client(transport).build().unwrap();
                let ok = client.get("http://h/").send() $($await)* .unwrap();
                assert!(ok.raise_for_status().is_ok());
                let missing = client.get("http://user:secret@h/missing").send() $($await)* .unwrap();
                assert!(missing.is_client_error() && missing.is_error());
                let error = missing.raise_for_status().unwrap_err();
                assert_eq!(error.kind(), ErrorKind::Status);
                assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
                let text = error.to_string();
                assert!(text.contains("Client error '404 Not Found' for url 'http://h/missing'"), "{text}");
                assert!(!text.contains("secret"), "{text}");
            }

            #[$($test)*]
            $($async)? fn url_userinfo_becomes_basic_auth_and_leaves_the_url() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport).build().unwrap();
                client.get("http://user:pass@h/").send() $($await)* .unwrap();
                client.get("http://h/").bearer_auth("t0k").send() $($await)* .unwrap();
                let seen = seen.lock().unwrap();
                assert_eq!(seen[0].url, "http://h/");
                assert_eq!(seen[0].header("authorization"), ["Basic dXNlcjpwYXNz"]);
                assert_eq!(seen[1].header("authorization"), ["Bearer t0k"]);
            }

            #[$($test)*]
            $($async)? fn digest_auth_answers_the_challenge_then_reuses_it() {
                let (transport, seen) = digest_server();
                let client = client(transport)
                    .auth(xhttp::DigestAuth::new("user", "pass"))
                    .build()
                    .unwrap();
                let first = client.get("http://h/dir/index.html?x=1").send() $($await)* .unwrap();
                assert_eq!(first.status(), StatusCode::OK);
                assert_eq!(first.content().unwrap(), "welcome");
                let again = client.get("http://h/again").send() $($await)* .unwrap();
                assert_eq!(again.status(), StatusCode::OK);
                let wrong = client
                    .get("http://h/")
                    .auth(xhttp::DigestAuth::new("user", "nope"))
                    .send() $($await)* .unwrap();
                assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
                let seen = seen.lock().unwrap();
                let authorization: Vec<Vec<&str>> =
                    seen.iter().map(|s| s.header("authorization")).collect();
                assert_eq!(seen.len(), 5, "{authorization:?}");
                assert!(authorization[0].is_empty());
                assert!(authorization[1][0].contains("uri=\"/dir/index.html?x=1\""));
                assert!(authorization[1][0].contains("nc=00000001"));
                assert!(authorization[2][0].contains("nc=00000002"));
                assert!(authorization[3].is_empty());
                assert!(authorization[4][0].contains("nc=00000001"));
            }

            #[$($test)*]
            $($async)? fn auth_precedence_client_request_and_url_userinfo() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport).basic_auth("c", "p").build().unwrap();
                client.get("http://u:p@h/").send() $($await)* .unwrap();
                client.get("http://u:p@h/").no_auth().send() $($await)* .unwrap();
                client.get("http://h/").no_auth().send() $($await)* .unwrap();
                client.get("http://h/").auth(xhttp::FnAuth::new(|r: &mut Request| {
                    r.headers_mut().insert("x-signed", "yes")
                })).send() $($await)* .unwrap();
                let seen = seen.lock().unwrap();
                assert_eq!(seen[0].header("authorization"), ["Basic Yzpw"]);
                assert_eq!(seen[1].header("authorization"), ["Basic dTpw"]);
                assert!(seen[2].header("authorization").is_empty());
                assert!(seen[3].header("authorization").is_empty());
                assert_eq!(seen[3].header("x-signed"), ["yes"]);
                assert!(seen.iter().all(|s| s.url == "http://h/"));
            }

            #[$($test)*]
            $($async)? fn a_flow_can_read_the_response_body_and_retry() {
                let seen = Arc::new(Mutex::new(Vec::new()));
                let log = Arc::clone(&seen);
                let transport = MockTransport::new(move |request: Request| {
                    log.lock().unwrap().push(Seen::from(&request));
                    match request.headers().get("authorization").as_deref() {
                        Some("Bearer s3cret") => xhttp::Response::new(StatusCode::OK).with_content("in"),
                        _ => xhttp::Response::new(StatusCode::UNAUTHORIZED).with_body(streamed(&["token=", "s3cret"])),
                    }
                });
                let client = client(transport).auth(TokenFromBody).build().unwrap();
                let mut response = client.get("http://h/").stream() $($await)* .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                assert_eq!(body::read(&mut response) $($await)* .unwrap(), "in");
                assert_eq!(seen.lock().unwrap().len(), 2);
            }

            #[$($test)*]
            $($async)? fn a_closed_client_refuses_to_send() {
                let (transport, _) = recording(&["ok"]);
                let client = client(transport).build().unwrap();
                let clone = client.clone();
                client.close() $($await)*;
                let error = clone.get("http://h/").send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::ClientClosed);
                assert!(error.to_string().contains("GET http://h/"), "{error}");
            }

            #[$($test)*]
            $($async)? fn a_cookie_set_by_a_response_goes_with_the_next_request() {
                let (transport, seen) = cookie_server();
                let client = client(transport).build().unwrap();
                client.get("http://example.org/login").send() $($await)* .unwrap();
                client.get("http://example.org/home").send() $($await)* .unwrap();
                client.get("http://www.example.org/home").send() $($await)* .unwrap();
                client.get("http://example.org/logout").send() $($await)* .unwrap();
                client.get("http://example.org/home").send() $($await)* .unwrap();
                let seen = seen.lock().unwrap();
                let cookies: Vec<Vec<&str>> = seen.iter().map(|s| s.header("cookie")).collect();
                // host-only: not sent to www.example.org; Max-Age=0 deleted it
                let expected: [&[&str]; 5] = [&[], &["session=abc"], &[], &["session=abc"], &[]];
                assert_eq!(cookies, expected);
            }

            #[$($test)*]
            $($async)? fn a_request_cookie_is_sent_once_and_wins_on_its_name() {
                let (transport, seen) = cookie_server();
                let client = client(transport).cookie("client", "1").build().unwrap();
                client.get("http://example.org/login").cookie("once", "x").send() $($await)* .unwrap();
                client.get("http://example.org/a").cookie("session", "mine").send() $($await)* .unwrap();
                client.get("http://other.net/b").send() $($await)* .unwrap();
                let seen = seen.lock().unwrap();
                assert_eq!(seen[0].header("cookie"), ["client=1; once=x"]);
                assert_eq!(seen[1].header("cookie"), ["client=1; session=mine"]);
                // not persisted; the client's cookie() goes to any host
                assert_eq!(seen[2].header("cookie"), ["client=1"]);
            }

            #[$($test)*]
            $($async)? fn an_explicit_cookie_header_disables_the_jar() {
                let (transport, seen) = cookie_server();
                let client = client(transport).cookie("client", "1").build().unwrap();
                client.get("http://example.org/login").send() $($await)* .unwrap();
                client.get("http://example.org/").header("cookie", "mine=2").cookie("req", "3").send() $($await)* .unwrap();
                assert_eq!(seen.lock().unwrap()[1].header("cookie"), ["mine=2"]);
            }

            #[$($test)*]
            $($async)? fn two_clients_can_share_a_jar() {
                let (transport, seen) = cookie_server();
                let jar = Arc::new(xhttp::cookies::Jar::new());
                let first = client(transport.clone()).cookie_store(Arc::clone(&jar)).build().unwrap();
                let second = client(transport).cookie_store(Arc::clone(&jar)).build().unwrap();
                first.get("http://example.org/login").send() $($await)* .unwrap();
                second.get("http://example.org/next").send() $($await)* .unwrap();
                assert_eq!(seen.lock().unwrap()[1].header("cookie"), ["session=abc"]);
                assert_eq!(jar.lock().get("session", Some("example.org"), Some("/")).unwrap().as_deref(), Some("abc"));
            }

            #[$($test)*]
            $($async)? fn a_client_without_cookies_sends_and_keeps_none() {
                let (transport, seen) = cookie_server();
                let client = client(transport).no_cookies().build().unwrap();
                client.get("http://example.org/login").send() $($await)* .unwrap();
                client.get("http://example.org/next").send() $($await)* .unwrap();
                client.get("http://example.org/own").cookie("a", "1").send() $($await)* .unwrap();
                let seen = seen.lock().unwrap();
                assert!(seen[1].header("cookie").is_empty());
                assert_eq!(seen[2].header("cookie"), ["a=1"]);
                let (transport, _) = cookie_server();
                let error = client_error(client_builder_no_jar(transport).cookie("a", "1").build());
                assert_eq!(error.kind(), ErrorKind::InvalidHeader);
            }

            #[$($test)*]
            $($async)? fn a_store_of_your_own_is_used() {
                #[derive(Debug, Default)]
                struct Recorder(Mutex<Vec<String>>);
                impl xhttp::cookies::CookieStore for Recorder {
                    fn set_cookies(&self, url: &xhttp::Url, headers: &xhttp::http::HeaderMap) {
                        for value in headers.get_all("set-cookie") {
                            self.0.lock().unwrap().push(format!("{url} {}", value.to_str().unwrap()));
                        }
                    }
                    fn cookies(&self, _: &xhttp::Url) -> Option<xhttp::HeaderValue> {
                        Some(xhttp::HeaderValue::from_static("fixed=1"))
                    }
                }
                let (transport, seen) = cookie_server();
                let store = Arc::new(Recorder::default());
                let custom = client(transport).cookie_store(Arc::clone(&store)).build().unwrap();
                custom.get("http://example.org/login").send() $($await)* .unwrap();
                assert_eq!(seen.lock().unwrap()[0].header("cookie"), ["fixed=1"]);
                assert_eq!(*store.0.lock().unwrap(), ["http://example.org/login session=abc; Path=/"]);
                // cookie() needs a Jar
                let (transport, _) = cookie_server();
                let built = client(transport).cookie_store(store).cookie("a", "1").build();
                assert_eq!(client_error(built).kind(), ErrorKind::InvalidHeader);
            }

            fn client_builder_no_jar(transport: MockTransport) -> xhttp::client::ClientBuilder<$client> {
                client(transport).no_cookies()
            }

            fn client_error(built: Result<$client, xhttp::Error>) -> xhttp::Error {
                match built {
                    Ok(_) => panic!("the client was built"),
                    Err(error) => error,
                }
            }

            #[$($test)*]
            $($async)? fn a_relative_url_without_base_url_is_a_clear_error() {
                let (transport, seen) = recording(&["ok"]);
                let client = client(transport).build().unwrap();
                let error = client.get("/path").send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::UnsupportedProtocol);
                let bad = client.get("http://h/").header("x-bad", "a\r\nb").send() $($await)* .unwrap_err();
                assert_eq!(bad.kind(), ErrorKind::InvalidHeader);
                assert!(seen.lock().unwrap().is_empty());
            }
        }
    };
}

contract!(blocking, client: xhttp::Client, body: blocking_body, test: #[test], , await: []);
contract!(async_flavour, client: xhttp::AsyncClient, body: async_body, test: #[tokio::test], async, await: [.await]);

#[test]
fn blocking_io_read_streams_the_body() {
    let (transport, _) = recording(&["ab", "cde"]);
    let client = xhttp::Client::builder()
        .transport(transport)
        .build()
        .unwrap();
    let mut response = client.get("http://h/").stream().unwrap();
    let mut text = String::new();
    response.read_to_string(&mut text).unwrap();
    assert_eq!(text, "abcde");
    assert_eq!(
        response
            .iter_bytes(None)
            .next()
            .unwrap()
            .unwrap_err()
            .kind(),
        ErrorKind::StreamConsumed
    );
}
