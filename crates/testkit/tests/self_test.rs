//! The test server tested with a raw TCP client: no xhttp code is involved.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use xhttp_testkit::{ConnectionEvent, Server};

const WAIT: Duration = Duration::from_secs(10);

/// One keep-alive connection speaking just enough HTTP/1.1 for these tests.
struct RawConnection {
    reader: BufReader<TcpStream>,
}

impl RawConnection {
    fn open(addr: SocketAddr) -> RawConnection {
        let stream = TcpStream::connect(addr).expect("connect to the test server");
        stream
            .set_read_timeout(Some(WAIT))
            .expect("set a read timeout");
        RawConnection {
            reader: BufReader::new(stream),
        }
    }

    /// Sends `GET path` and returns the status code and body.
    fn get(&mut self, path: &str) -> (u16, String) {
        let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n");
        self.reader
            .get_mut()
            .write_all(request.as_bytes())
            .expect("write the request");
        let mut status_line = String::new();
        self.reader
            .read_line(&mut status_line)
            .expect("read the status line");
        let status = status_line
            .split(' ')
            .nth(1)
            .expect("a status code")
            .parse()
            .expect("a number");
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.reader
                .read_line(&mut line)
                .expect("read a header line");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().expect("a content length");
                }
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).expect("read the body");
        (status, String::from_utf8(body).expect("a UTF-8 body"))
    }
}

fn echo_path() -> Server {
    Server::http1(|request| http::Response::new(request.uri().path().to_owned().into()))
}

#[test]
fn answers_with_the_handler() {
    let server = echo_path();
    let (status, body) = RawConnection::open(server.addr()).get("/hello");
    assert_eq!((status, body.as_str()), (200, "/hello"));
    server.finish();
}

#[test]
fn counts_requests_per_connection_and_sees_closes() {
    let server = echo_path();
    let mut first = RawConnection::open(server.addr());
    for path in ["/a", "/b", "/c"] {
        assert_eq!(first.get(path).1, path);
    }
    let mut second = RawConnection::open(server.addr());
    assert_eq!(second.get("/d").1, "/d");
    drop(first);
    drop(second);

    assert!(
        server.wait_for_closed(2, WAIT),
        "events: {:?}",
        server.events()
    );
    assert_eq!(server.connections_opened(), 2);
    assert_eq!(server.requests_per_connection(), vec![3, 1]);
    let mut closed: Vec<usize> = server
        .events()
        .into_iter()
        .filter_map(|event| match event {
            ConnectionEvent::Closed { requests, .. } => Some(requests),
            _ => None,
        })
        .collect();
    closed.sort_unstable();
    assert_eq!(closed, vec![1, 3]);
    let targets: Vec<String> = server
        .events()
        .into_iter()
        .filter_map(|event| match event {
            ConnectionEvent::RequestServed { target, .. } => Some(target),
            _ => None,
        })
        .collect();
    assert_eq!(targets, ["/a", "/b", "/c", "/d"]);
}

#[test]
fn reads_the_request_body_before_calling_the_handler() {
    let server = Server::http1(|request| {
        http::Response::new(format!("{} bytes", request.body().len()).into())
    });
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    stream
        .write_all(
            b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
        )
        .expect("write");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read until the server closes");
    assert!(response.ends_with("\r\n\r\n5 bytes"), "{response}");
}

#[test]
#[should_panic(expected = "the handler blew up")]
fn a_handler_panic_fails_the_test() {
    let server = Server::http1(|_| panic!("the handler blew up"));
    let (status, _) = RawConnection::open(server.addr()).get("/");
    // The client sees a 500; the panic itself surfaces when the server is dropped.
    assert_eq!(status, 500);
    drop(server);
}

#[test]
fn a_handler_panic_is_raised_by_finish() {
    let server = Server::http1(|_| panic!("raised at finish"));
    RawConnection::open(server.addr()).get("/");
    let raised = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.finish()));
    let payload = raised.expect_err("finish must re-raise the handler's panic");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"raised at finish"));
}
