//! The misbehaving modes over plain HTTP/1.1.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use bytes::Bytes;
use xhttp_testkit::{Behavior, ConnectionEvent, Server};

use crate::client::{self, connect, read_head, read_response, send_get, timed_out};
use crate::{QUIET, WAIT};

fn ten_bytes() -> http::Response<Bytes> {
    http::Response::new(Bytes::from_static(b"0123456789"))
}

fn server(behavior: Behavior) -> Server {
    Server::builder()
        .behavior(behavior)
        .handler(|_| ten_bytes())
        .start()
}

fn read_event(method: &str, target: &str) -> impl FnMut(&[ConnectionEvent]) -> bool {
    let (method, target) = (method.to_owned(), target.to_owned());
    move |events| {
        events.iter().any(|event| {
            matches!(event, ConnectionEvent::RequestRead { method: m, target: t, .. }
                if m.as_str() == method && *t == target)
        })
    }
}

fn served(server: &Server) -> usize {
    server
        .events()
        .iter()
        .filter(|event| matches!(event, ConnectionEvent::RequestServed { .. }))
        .count()
}

#[test]
fn normal_behavior_answers_whole_bodies() {
    let server = server(Behavior::Normal);
    let mut stream = connect(server.addr());
    send_get(&mut stream, "/");
    let (head, body) = read_response(&mut stream);
    assert_eq!((head.status, body.as_slice()), (200, &b"0123456789"[..]));
}

#[test]
fn never_answer_reads_the_request_and_stays_silent() {
    let server = server(Behavior::NeverAnswer);
    let mut stream = connect(server.addr());
    stream
        .write_all(b"POST /wait HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc")
        .unwrap();
    assert!(server.wait_for(WAIT, read_event("POST", "/wait")));
    stream.set_read_timeout(Some(QUIET)).unwrap();
    let mut buffer = [0; 16];
    let read = stream.read(&mut buffer);
    assert!(timed_out(&read), "{read:?}");
    drop(stream);
    assert!(server.wait_for_closed(1, WAIT), "{:?}", server.events());
    assert!(matches!(
        server.events().last(),
        Some(ConnectionEvent::Closed { requests: 1, .. })
    ));
    assert_eq!(served(&server), 0);
}

#[test]
fn stall_upload_stops_reading_so_a_large_upload_stalls() {
    let server = server(Behavior::StallUpload);
    let mut stream = connect(server.addr());
    let total = 256 * 1024 * 1024;
    let head = format!("PUT /up HTTP/1.1\r\nHost: t\r\nContent-Length: {total}\r\n\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    assert!(server.wait_for(WAIT, read_event("PUT", "/up")));
    stream.set_write_timeout(Some(QUIET)).unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let mut written = 0;
    let stalled = loop {
        if written >= total {
            break false;
        }
        match stream.write(&chunk) {
            Ok(count) => written += count,
            Err(error) => break timed_out(&Err(error)),
        }
    };
    assert!(stalled, "wrote all {written} bytes without a stall");
    assert!(
        written < 64 * 1024 * 1024,
        "stalled only after {written} bytes"
    );
}

#[test]
fn stall_body_sends_the_head_and_some_bytes_then_nothing() {
    let server = server(Behavior::StallBody { after: 4 });
    let mut stream = connect(server.addr());
    send_get(&mut stream, "/");
    let head = read_head(&mut stream);
    assert_eq!((head.status, head.content_length()), (200, 10));
    let mut body = head.rest.clone();
    let mut rest = vec![0; 4 - body.len()];
    stream.read_exact(&mut rest).unwrap();
    body.extend_from_slice(&rest);
    assert_eq!(body, b"0123");
    stream.set_read_timeout(Some(QUIET)).unwrap();
    let read = stream.read(&mut [0; 16]);
    assert!(timed_out(&read), "{read:?}");
}

#[test]
fn drip_sends_one_byte_per_interval() {
    let every = Duration::from_millis(30);
    let server = Server::builder()
        .behavior(Behavior::Drip { every })
        .handler(|_| http::Response::new(Bytes::from_static(b"drip!")))
        .start();
    let mut stream = connect(server.addr());
    let started = Instant::now();
    send_get(&mut stream, "/");
    let head = read_head(&mut stream);
    assert_eq!(head.content_length(), 5);
    let mut body = head.rest.clone();
    let mut reads = 0;
    while body.len() < 5 {
        let mut buffer = [0; 16];
        let read = stream.read(&mut buffer).unwrap();
        assert!(read > 0, "closed early");
        body.extend_from_slice(&buffer[..read]);
        reads += 1;
    }
    assert_eq!(body, b"drip!");
    assert!(started.elapsed() >= every * 5, "{:?}", started.elapsed());
    assert!(reads >= 2, "the body came in {reads} reads");
}

#[test]
fn truncate_closes_after_fewer_bytes_than_announced() {
    let server = server(Behavior::Truncate { after: 3 });
    let mut stream = connect(server.addr());
    send_get(&mut stream, "/");
    let head = read_head(&mut stream);
    assert_eq!(head.content_length(), 10);
    let mut body = head.rest.clone();
    stream.read_to_end(&mut body).expect("a clean close");
    assert_eq!(body, b"012");
    assert!(server.wait_for_closed(1, WAIT));
}

#[test]
fn close_after_answers_then_closes_on_the_next_request() {
    let server = server(Behavior::CloseAfter { answered: 1 });
    let mut stream = connect(server.addr());
    send_get(&mut stream, "/first");
    let (head, body) = read_response(&mut stream);
    assert_eq!((head.status, body.len()), (200, 10));
    send_get(&mut stream, "/second");
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).expect("a clean close");
    assert!(rest.is_empty(), "{rest:?}");
    assert!(server.wait_for_closed(1, WAIT));
    let events = server.events();
    assert!(read_event("GET", "/second")(&events), "{events:?}");
    assert!(matches!(
        events.last(),
        Some(ConnectionEvent::Closed { requests: 2, .. })
    ));
    assert_eq!(served(&server), 1);
}

#[test]
fn close_after_zero_closes_right_after_the_first_request() {
    let server = server(Behavior::CloseAfter { answered: 0 });
    let mut stream = connect(server.addr());
    send_get(&mut stream, "/");
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).expect("a clean close");
    assert!(rest.is_empty(), "{rest:?}");
    assert_eq!(served(&server), 0);
}

#[test]
fn a_connection_held_at_stop_is_recorded_closed() {
    let server = server(Behavior::StallUpload);
    let mut stream = connect(server.addr());
    send_get(&mut stream, "/");
    assert!(server.wait_for(WAIT, read_event("GET", "/")));
    assert!(
        !server
            .events()
            .iter()
            .any(|event| matches!(event, ConnectionEvent::Closed { .. }))
    );
    let events = server.finish();
    assert!(
        matches!(
            events.last(),
            Some(ConnectionEvent::Closed { requests: 1, .. })
        ),
        "{events:?}"
    );
    // The client sees the connection end.
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).expect("a clean close");
    assert!(rest.is_empty(), "{rest:?}");
}

#[test]
#[allow(clippy::print_stderr)] // the skip is said on the test's output
fn the_ipv6_loopback_works_too() {
    if !xhttp_testkit::ipv6_loopback_available() {
        eprintln!("skipped: this machine has no IPv6 loopback (::1)");
        return;
    }
    let server = Server::builder().ipv6().handler(|_| ten_bytes()).start();
    assert!(server.addr().is_ipv6());
    assert!(server.url("/x").starts_with("http://[::1]:"));
    let mut stream = connect(server.addr());
    send_get(&mut stream, "/");
    assert_eq!(read_response(&mut stream).1, b"0123456789");
}

#[test]
fn a_parsed_head_keeps_the_bytes_after_it() {
    let head = client::parse_head(b"HTTP/1.1 204 No Content\r\nA: b\r\n\r\nxy").unwrap();
    assert_eq!(
        (head.status, head.header("a"), head.rest.as_slice()),
        (204, Some("b"), &b"xy"[..])
    );
}
