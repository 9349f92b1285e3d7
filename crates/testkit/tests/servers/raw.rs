//! Raw connections: the test writes the bytes.

use std::io::{Read, Write};

use bytes::Bytes;
use xhttp_testkit::{ConnectionEvent, Server};

use crate::WAIT;
use crate::client::{connect, send_get};

#[test]
fn raw_bytes_reach_the_client_as_written() {
    let server = Server::builder()
        .raw(|connection| {
            let request = connection.read_request().unwrap().expect("a request");
            assert_eq!(request.target, "/malformed");
            connection
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel")
                .unwrap();
        })
        .start();
    let mut stream = connect(server.addr());
    send_get(&mut stream, "/malformed");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("a close");
    assert_eq!(response, b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel");
    let events = server.finish();
    assert!(
        events.iter().any(|event| matches!(event,
            ConnectionEvent::RequestRead { target, .. } if target == "/malformed")),
        "{events:?}"
    );
    assert!(matches!(
        events.last(),
        Some(ConnectionEvent::Closed { requests: 1, .. })
    ));
}

#[test]
fn read_request_returns_the_body_and_keeps_pipelined_bytes() {
    let server = Server::builder()
        .raw(|connection| {
            while let Some(request) = connection.read_request().unwrap() {
                let answer = format!(
                    "{} {}",
                    request.target,
                    String::from_utf8_lossy(&request.body)
                );
                connection
                    .write_response(&http::Response::new(Bytes::from(answer)))
                    .unwrap();
            }
        })
        .start();
    let mut stream = connect(server.addr());
    stream
        .write_all(
            b"POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloPOST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi",
        )
        .unwrap();
    // No more requests: the handler's loop ends, and so does the connection.
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let mut responses = Vec::new();
    stream.read_to_end(&mut responses).expect("a close");
    assert_eq!(
        String::from_utf8(responses).unwrap(),
        "HTTP/1.1 200 OK\r\ncontent-length: 8\r\n\r\n/a hello\
         HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n/b hi"
    );
    assert!(server.wait_for_closed(1, WAIT), "{:?}", server.events());
    assert!(matches!(
        server.events().last(),
        Some(ConnectionEvent::Closed { requests: 2, .. })
    ));
}

#[test]
fn stopping_the_server_unblocks_a_raw_handler_waiting_to_read() {
    let server = Server::builder()
        .raw(|connection| {
            // Blocks until the server stops: the client never sends anything.
            let next = connection.read_request();
            assert!(matches!(next, Ok(None) | Err(_)), "{next:?}");
        })
        .start();
    let _stream = connect(server.addr());
    assert!(server.wait_for(WAIT, |events| !events.is_empty()));
    let events = server.finish();
    assert!(
        matches!(
            events.last(),
            Some(ConnectionEvent::Closed { requests: 0, .. })
        ),
        "{events:?}"
    );
}

#[test]
fn a_raw_handler_panic_is_raised_by_finish() {
    let server = Server::builder()
        .raw(|_| panic!("the raw handler blew up"))
        .start();
    let mut stream = connect(server.addr());
    let mut rest = Vec::new();
    // The connection closes once the handler has panicked.
    let _ = stream.read_to_end(&mut rest);
    let raised = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.finish()));
    let payload = raised.expect_err("finish must re-raise the raw handler's panic");
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"the raw handler blew up")
    );
}

#[test]
#[should_panic(expected = "raw connections are plain TCP only")]
fn raw_connections_refuse_tls() {
    let _server = Server::builder()
        .tls(xhttp_testkit::tls::TlsMode::Valid)
        .raw(|_| {})
        .start();
}
