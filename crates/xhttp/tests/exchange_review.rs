//! The exchange on the built-in transport, past the cases of `engine/`: an HTTP/1.1
//! connection whose request body was not sent whole, HTTP/2 failures the server did or
//! did not cause (and which of them may be sent again), `Host` as the HTTP/2 authority,
//! and tunnels and upgrades refused. The HTTP/2 servers that misbehave are raw ones
//! writing frames by hand. No test sleeps; the bounds on waits are generous.

use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;
use xhttp::{AsyncClient, Body, ErrorKind, Limits, Timeout};
use xhttp_testkit::{RawConnection, Server};

/// How long a request that should be prompt may take before the test fails.
const PROMPT: Duration = Duration::from_secs(10);

/// HTTP/2 frames written and read by hand (RFC 9113 §4, §6).
mod wire {
    use std::io::{self, Read, Write};
    use std::net::Shutdown;

    use xhttp_testkit::RawConnection;

    pub(super) const DATA: u8 = 0x0;
    pub(super) const HEADERS: u8 = 0x1;
    pub(super) const RST_STREAM: u8 = 0x3;
    pub(super) const SETTINGS: u8 = 0x4;
    pub(super) const PING: u8 = 0x6;
    pub(super) const GOAWAY: u8 = 0x7;
    pub(super) const END_STREAM: u8 = 0x1;
    pub(super) const ACK: u8 = 0x1;
    pub(super) const END_HEADERS: u8 = 0x4;
    pub(super) const REFUSED_STREAM: u32 = 0x7;
    /// `:status: 200`: the HPACK static table's entry 8.
    pub(super) const STATUS_200: &[u8] = &[0x88];

    pub(super) fn write(
        io: &mut impl Write,
        kind: u8,
        flags: u8,
        stream: u32,
        payload: &[u8],
    ) -> io::Result<()> {
        let length = u32::try_from(payload.len()).expect("a small frame");
        let mut frame = length.to_be_bytes()[1..].to_vec();
        frame.extend_from_slice(&[kind, flags]);
        frame.extend_from_slice(&stream.to_be_bytes());
        frame.extend_from_slice(payload);
        io.write_all(&frame)
    }

    pub(super) struct Frame {
        pub(super) kind: u8,
        pub(super) flags: u8,
        pub(super) stream: u32,
        pub(super) payload: Vec<u8>,
    }

    pub(super) fn read(io: &mut impl Read) -> io::Result<Frame> {
        let mut head = [0; 9];
        io.read_exact(&mut head)?;
        let length = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
        let mut payload = vec![0; length];
        io.read_exact(&mut payload)?;
        Ok(Frame {
            kind: head[3],
            flags: head[4],
            stream: u32::from_be_bytes([head[5], head[6], head[7], head[8]]) & 0x7fff_ffff,
            payload,
        })
    }

    /// Reads the client's connection preface and sends the server's (empty) SETTINGS.
    pub(super) fn accept(io: &mut (impl Read + Write)) -> io::Result<()> {
        let mut preface = [0; 24];
        io.read_exact(&mut preface)?;
        if &preface != b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "no HTTP/2 preface",
            ));
        }
        write(io, SETTINGS, 0, 0, &[])
    }

    /// The stream of the client's next request (its HEADERS frame), SETTINGS and PINGs
    /// answered on the way, anything else (request bodies) dropped.
    pub(super) fn next_request(io: &mut (impl Read + Write)) -> io::Result<u32> {
        loop {
            let frame = read(io)?;
            match frame.kind {
                SETTINGS if frame.flags & ACK == 0 => write(io, SETTINGS, ACK, 0, &[])?,
                PING if frame.flags & ACK == 0 => write(io, PING, ACK, 0, &frame.payload)?,
                HEADERS => return Ok(frame.stream),
                _ => {}
            }
        }
    }

    /// A 200 with `body` on `stream`.
    pub(super) fn respond(io: &mut impl Write, stream: u32, body: &[u8]) -> io::Result<()> {
        write(io, HEADERS, END_HEADERS, stream, STATUS_200)?;
        write(io, DATA, END_STREAM, stream, body)
    }

    /// `GOAWAY` with `last_stream` and `NO_ERROR`.
    pub(super) fn go_away(io: &mut impl Write, last_stream: u32) -> io::Result<()> {
        let mut payload = last_stream.to_be_bytes().to_vec();
        payload.extend_from_slice(&0u32.to_be_bytes());
        write(io, GOAWAY, 0, 0, &payload)
    }

    /// Answers every request with a 200 and `ok`, until the client closes.
    pub(super) fn serve_ok(connection: &mut RawConnection) {
        if accept(connection).is_err() {
            return;
        }
        while let Ok(stream) = next_request(connection) {
            if respond(connection, stream, b"ok").is_err() {
                return;
            }
        }
    }

    /// Reads and drops what the client sends until it closes the connection.
    pub(super) fn drain(io: &mut impl Read) {
        let mut sink = [0; 4096];
        while matches!(io.read(&mut sink), Ok(read) if read > 0) {}
    }

    /// Closes the server's side (a FIN, never a reset: what the client sends is still
    /// read), until the client closes too.
    pub(super) fn hang_up(connection: &mut RawConnection) {
        let _ = connection.stream().shutdown(Shutdown::Write);
        drain(connection);
    }
}

/// A raw server calling `first` for its first connection and answering every request
/// of the later ones with a 200 and `ok` over HTTP/2.
fn h2_server(first: impl Fn(&mut RawConnection) + Send + Sync + 'static) -> Server {
    let seen = AtomicUsize::new(0);
    Server::builder()
        .raw(move |connection| {
            if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                first(connection);
            } else {
                wire::serve_ok(connection);
            }
        })
        .start()
}

fn h2_client() -> AsyncClient {
    AsyncClient::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap()
}

/// A server script: the connection closes once the first request came, unanswered.
fn hang_up_after_the_request(connection: &mut RawConnection) {
    if wire::accept(connection).is_ok() && wire::next_request(connection).is_ok() {
        wire::hang_up(connection);
    }
}

/// A request (a POST with a body, or a GET) to an HTTP/2 server whose first connection
/// follows `script`: it must fail with a `RemoteProtocol` error saying `says`, and
/// without being sent again (one connection).
async fn fails_once(
    script: impl Fn(&mut RawConnection) + Send + Sync + 'static,
    post: bool,
    says: &str,
) {
    let server = h2_server(script);
    let client = h2_client();
    let request = if post {
        client.post(server.url("/")).body("data")
    } else {
        client.get(server.url("/"))
    };
    let error = request.send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RemoteProtocol, "{error}");
    assert!(error.to_string().contains(says), "{error}");
    assert_eq!(server.connections_opened(), 1, "not sent again");
}

// ---- 1. An HTTP/1.1 connection is pooled only once its request body was sent ----

/// The server answers 413 at once to a streamed upload that never ends: hyper still
/// writes that body, so the connection can take no other request. It must not go back
/// to the pool, where the next request would wait for it forever.
#[tokio::test]
async fn an_upload_answered_before_it_was_sent_does_not_pool_its_connection() {
    let seen = AtomicUsize::new(0);
    let server = Server::builder()
        .raw(move |connection| {
            if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                // The head only (the body is chunked): answered before the body.
                if let Ok(Some(_)) = connection.read_request() {
                    let head = b"HTTP/1.1 413 Content Too Large\r\ncontent-length: 0\r\n\r\n";
                    if connection.write_all(head).is_ok() {
                        wire::drain(connection);
                    }
                }
                return;
            }
            while let Ok(Some(_)) = connection.read_request() {
                let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
                if connection.write_all(answer).is_err() {
                    return;
                }
            }
        })
        .start();
    let client = AsyncClient::new();
    let (sender, body) = xhttp::body_channel::channel(None);
    sender
        .send(Ok(Bytes::from_static(b"the start of an upload")))
        .unwrap();
    let response = client
        .post(server.url("/upload"))
        .body(Body::from_stream(body))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let next = tokio::time::timeout(PROMPT, client.get(server.url("/next")).send())
        .await
        .expect("the next request does not wait behind the unfinished upload")
        .unwrap();
    assert_eq!(next.text().unwrap(), "ok");
    assert_eq!(server.connections_opened(), 2);
    drop(sender);
}

/// A streamed body of known length ends when it gave that many bytes (hyper asks for
/// no more): its connection goes back to the pool though the stream never said "end".
#[tokio::test]
async fn an_upload_of_known_length_still_pools_its_connection() {
    let server = Server::http1(|request| {
        let text = format!("{} {}", request.method(), request.body().len());
        http::Response::new(Bytes::from(text))
    });
    let client = AsyncClient::new();
    let (sender, body) = xhttp::body_channel::channel(None);
    sender.send(Ok(Bytes::from_static(b"four"))).unwrap();
    let response = client
        .post(server.url("/"))
        .body(Body::from_stream_with_length(body, 4))
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().unwrap(), "POST 4");
    let next = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(next.text().unwrap(), "GET 0");
    assert_eq!(server.requests_per_connection(), vec![2]);
    drop(sender);
}

/// The same over HTTP/2: the body ends at its length (END_STREAM is sent) though its
/// source never closes, so the server answers and no timeout runs out.
#[tokio::test]
async fn an_http2_upload_of_known_length_ends_at_its_length() {
    let server = Server::builder()
        .http2()
        .handler(|request: http::Request<Bytes>| {
            let text = format!("{} {}", request.method(), request.body().len());
            http::Response::new(Bytes::from(text))
        })
        .start();
    let client = AsyncClient::builder()
        .http2_prior_knowledge()
        .timeout(Timeout::new(Duration::from_secs(5)))
        .build()
        .unwrap();
    let (sender, body) = xhttp::body_channel::channel(None);
    sender.send(Ok(Bytes::from_static(b"four"))).unwrap();
    let response = client
        .post(server.url("/"))
        .body(Body::from_stream_with_length(body, 4))
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().unwrap(), "POST 4");
    drop(sender);
}

// ---- 2. Only what the server refused is sent again ----

/// h2 itself answers a malformed frame from the server with a GOAWAY: the streams it
/// fails may have been processed, so a POST is not sent again.
#[tokio::test]
async fn a_post_failed_by_an_http2_protocol_error_is_not_sent_again() {
    fails_once(
        |connection| {
            if wire::accept(connection).is_ok() && wire::next_request(connection).is_ok() {
                // DATA on stream 0: a connection error (PROTOCOL_ERROR) for the client.
                let _ = wire::write(connection, wire::DATA, 0, 0, b"x");
                wire::drain(connection);
            }
        },
        true,
        "broke the HTTP/2 protocol",
    )
    .await;
}

/// A GOAWAY from the server below the stream's id: not processed, sent again (on a
/// new connection), whatever the method.
#[tokio::test]
async fn a_post_above_the_servers_goaway_is_sent_again() {
    let server = h2_server(|connection| {
        if wire::accept(connection).is_ok() && wire::next_request(connection).is_ok() {
            let _ = wire::go_away(connection, 0);
            wire::hang_up(connection);
        }
    });
    let response = h2_client()
        .post(server.url("/again"))
        .body("data")
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().unwrap(), "ok");
    assert_eq!(server.connections_opened(), 2);
}

/// A GOAWAY that covers the stream (the server took it), then the connection closes:
/// the POST may have been processed and is not sent again; the close before the head
/// is "server disconnected", as on HTTP/1.1.
#[tokio::test]
async fn a_post_the_server_took_before_its_goaway_is_not_sent_again() {
    fails_once(
        |connection| {
            if wire::accept(connection).is_ok() {
                if let Ok(stream) = wire::next_request(connection) {
                    let _ = wire::go_away(connection, stream);
                    wire::hang_up(connection);
                }
            }
        },
        true,
        "without sending a response",
    )
    .await;
}

/// DESIGN §5: a failure before the head is retried (idempotent method, replayable body)
/// only on a reused connection; an HTTP/2 connection this request opened is not one.
#[tokio::test]
async fn a_get_failed_on_the_http2_connection_it_opened_is_not_sent_again() {
    fails_once(hang_up_after_the_request, false, "server disconnected").await;
}

// ---- 3. HTTP/2 failures named as on HTTP/1.1 ----

#[tokio::test]
async fn an_http2_server_closing_mid_body_is_a_remote_protocol_error() {
    let server = h2_server(|connection| {
        if wire::accept(connection).is_ok() {
            if let Ok(stream) = wire::next_request(connection) {
                let head = wire::write(
                    connection,
                    wire::HEADERS,
                    wire::END_HEADERS,
                    stream,
                    wire::STATUS_200,
                );
                if head.is_ok() && wire::write(connection, wire::DATA, 0, stream, b"part").is_ok() {
                    wire::hang_up(connection);
                }
            }
        }
    });
    let mut response = h2_client().get(server.url("/")).stream().await.unwrap();
    let error = response.read().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RemoteProtocol, "{error}");
    assert!(
        error
            .to_string()
            .contains("before the response body was complete"),
        "{error}"
    );
}

#[tokio::test]
async fn an_http2_server_closing_before_the_head_is_a_remote_protocol_error() {
    fails_once(hang_up_after_the_request, true, "server disconnected").await;
}

/// A response head h2 cannot accept (`:status: abc`): h2 resets the stream itself, for
/// the server's fault.
#[tokio::test]
async fn a_malformed_http2_response_head_is_a_remote_protocol_error() {
    fails_once(
        |connection| {
            if wire::accept(connection).is_ok() {
                if let Ok(stream) = wire::next_request(connection) {
                    // `:status` (static entry 8) with the literal value `abc`.
                    let head = [0x08, 0x03, b'a', b'b', b'c'];
                    let flags = wire::END_HEADERS | wire::END_STREAM;
                    if wire::write(connection, wire::HEADERS, flags, stream, &head).is_ok() {
                        wire::drain(connection);
                    }
                }
            }
        },
        true,
        "broke the HTTP/2 protocol",
    )
    .await;
}

// ---- 4. `Host` is the HTTP/2 authority ----

#[tokio::test]
async fn a_host_header_is_the_http2_authority() {
    let server = Server::builder()
        .http2()
        .handler(|request| {
            let authority = request.uri().authority().map(ToString::to_string);
            http::Response::new(Bytes::from(authority.unwrap_or_default()))
        })
        .start();
    let client = h2_client();
    let response = client
        .get(server.url("/"))
        .header("Host", "api.internal")
        .send()
        .await
        .unwrap();
    assert_eq!(response.http_version(), "HTTP/2");
    assert_eq!(response.text().unwrap(), "api.internal");
    // Without one, the URL's.
    let response = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(response.text().unwrap(), server.addr().to_string());
    for invalid in ["bad host", "user@api.internal"] {
        let error = client
            .get(server.url("/"))
            .header("Host", invalid)
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidHeader, "{invalid}: {error}");
    }
}

// ---- 5. A refused stream leaves its connection in use ----

/// The server refuses its second stream (REFUSED_STREAM) while the first one is still
/// open: the stream is sent again on the same connection, and the pool, capped at one
/// connection, never opens a second one meanwhile.
#[tokio::test]
async fn a_refused_stream_is_sent_again_on_the_same_connection() {
    let server = h2_server(|connection| {
        let served = (|| -> std::io::Result<()> {
            wire::accept(connection)?;
            // The first request: its head, its body left open.
            let held = wire::next_request(connection)?;
            wire::write(
                connection,
                wire::HEADERS,
                wire::END_HEADERS,
                held,
                wire::STATUS_200,
            )?;
            wire::write(connection, wire::DATA, 0, held, b"held ")?;
            let refused = wire::next_request(connection)?;
            wire::write(
                connection,
                wire::RST_STREAM,
                0,
                refused,
                &wire::REFUSED_STREAM.to_be_bytes(),
            )?;
            // Sent again: answered, and the first one ends.
            let again = wire::next_request(connection)?;
            wire::respond(connection, again, b"ok")?;
            wire::write(connection, wire::DATA, wire::END_STREAM, held, b"done")?;
            Ok(())
        })();
        if served.is_ok() {
            wire::serve_ok(connection);
        }
    });
    let client = AsyncClient::builder()
        .http2_prior_knowledge()
        .limits(Limits::default().with_max_connections(1))
        .build()
        .unwrap();
    let mut held = client.get(server.url("/held")).stream().await.unwrap();
    let response = tokio::time::timeout(PROMPT, client.get(server.url("/refused")).send())
        .await
        .expect("the refused request is sent again at once")
        .unwrap();
    assert_eq!(response.text().unwrap(), "ok");
    assert_eq!(server.connections_opened(), 1);
    assert_eq!(held.read().await.unwrap(), "held done");
    let stats = client.pool_stats();
    assert_eq!(stats.http2_connections, 1, "{stats:?}");
}

// ---- 6. Tunnels and upgrades are refused ----

#[tokio::test]
async fn connect_and_upgrade_requests_are_refused() {
    let server = Server::http1(|_| http::Response::new(Bytes::from_static(b"sent")));
    let client = AsyncClient::new();
    let error = client
        .request(http::Method::CONNECT, server.url("/"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnsupportedProtocol, "{error}");
    assert!(error.to_string().contains("not supported"), "{error}");
    let error = client
        .get(server.url("/"))
        .header("Upgrade", "websocket")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnsupportedProtocol, "{error}");
    let error = client
        .get(server.url("/"))
        .header("Connection", "keep-alive, Upgrade")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnsupportedProtocol, "{error}");
    assert_eq!(server.connections_opened(), 0, "nothing was sent");
    // Other `Connection` tokens are fine.
    let response = client
        .get(server.url("/"))
        .header("Connection", "keep-alive")
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().unwrap(), "sent");
}
