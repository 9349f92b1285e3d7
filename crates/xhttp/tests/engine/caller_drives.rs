//! A blocking caller drives its HTTP/1.1 connection while it waits, and hands it back
//! to the connection's task when the wait ends (`xhttp_async::http::CallerDrives`).

use std::io::Read as _;

use bytes::Bytes;
use xhttp::{Client, ErrorKind, Limits};

use super::{body_of, echo_server, short};
use xhttp_testkit::{Behavior, Server};

#[test]
fn sequential_blocking_requests_share_one_connection() {
    let server = echo_server();
    let client = Client::new();
    for index in 0..50 {
        let text = client
            .get(server.url(&format!("/{index}")))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(text, format!("GET /{index} 0"));
    }
    assert_eq!(server.connections_opened(), 1);
}

/// Once the wait ends the connection's task drives it again: the pool's reaper closes
/// the expired idle connection, and the connection's future (woken by its sending half
/// going away) closes the socket without any caller around.
#[test]
fn an_idle_connection_is_closed_in_the_background_after_a_blocking_request() {
    let server = echo_server();
    let client = Client::builder()
        .limits(Limits::default().with_keepalive_expiry(short(200)))
        .build()
        .unwrap();
    client.get(server.url("/")).send().unwrap();
    assert!(
        server.wait_for_closed(1, short(5000)),
        "the idle connection was not closed after its expiry"
    );
}

/// A response whose body is read on another thread: the head's wait borrowed the
/// connection on this thread and gave it back; the body's waits borrow it over there.
#[test]
fn a_streamed_body_is_read_on_another_thread_and_the_connection_comes_back() {
    let server = Server::http1(|request| {
        let len = if request.uri().path() == "/big" {
            4 * 1024 * 1024
        } else {
            10
        };
        http::Response::new(body_of(len))
    });
    let client = Client::new();
    let mut response = client.get(server.url("/big")).stream().unwrap();
    let read = std::thread::spawn(move || {
        let mut body = Vec::new();
        response.read_to_end(&mut body).unwrap();
        body.len()
    })
    .join()
    .unwrap();
    assert_eq!(read, 4 * 1024 * 1024);
    let small = client.get(server.url("/small")).send().unwrap();
    assert_eq!(small.content().unwrap().len(), 10);
    assert_eq!(server.connections_opened(), 1);
}

/// `threads` threads sharing `client`, each sending `requests` GETs to the echo
/// `server` one after the other and checking every answer.
fn echo_from_threads(client: &Client, server: &Server, threads: usize, requests: usize) {
    let handles: Vec<_> = (0..threads)
        .map(|thread| {
            let client = client.clone();
            let url = server.url("/");
            std::thread::spawn(move || {
                for index in 0..requests {
                    let text = client
                        .get(format!("{url}{thread}/{index}"))
                        .send()
                        .unwrap()
                        .text()
                        .unwrap();
                    assert_eq!(text, format!("GET /{thread}/{index} 0"));
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
}

#[test]
fn threads_sharing_a_blocking_client_drive_their_own_connections() {
    let server = echo_server();
    echo_from_threads(&Client::new(), &server, 8, 25);
    let opened = server.connections_opened();
    assert!(
        (1..=8).contains(&opened),
        "{opened} connections for 8 threads"
    );
}

/// More threads than connections: a connection is handed from one thread's wait to
/// another's while the first may still hold it borrowed (its buffered body ended inside
/// the wait). Every request must be answered; a lost wake-up would be a read timeout.
#[test]
fn connections_handed_between_waiting_threads_keep_answering() {
    let server = echo_server();
    let client = Client::builder()
        .limits(Limits::default().with_max_connections(Some(3)))
        .build()
        .unwrap();
    echo_from_threads(&client, &server, 12, 40);
    assert!(server.connections_opened() <= 3);
}

/// The server answers one request per connection, then reads the next and closes: the
/// caller, driving the pooled connection itself, sees it close and the GET goes again
/// on a new connection, while a sent POST is not replayed.
#[test]
fn a_connection_closed_under_a_driving_caller_is_retried_for_get_only() {
    let server = Server::builder()
        .behavior(Behavior::CloseAfter { answered: 1 })
        .handler(|request| http::Response::new(Bytes::from(request.uri().path().to_owned())))
        .start();
    let client = Client::new();
    for path in ["/1", "/2"] {
        let text = client.get(server.url(path)).send().unwrap().text().unwrap();
        assert_eq!(text, path);
    }
    assert_eq!(server.connections_opened(), 2);
    let error = client
        .post(server.url("/3"))
        .body("data")
        .send()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RemoteProtocol, "{error}");
}
