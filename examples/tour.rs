//! The tour: `cargo run --example tour`.
//!
//! It starts an embedded test server and walks through what xhttp can do so far.
//! The client itself is not built yet (see README's status): for now the tour shows the
//! test server the client will be proven against.

#![allow(clippy::print_stdout)] // printing is what the tour is for

use std::io::{Read, Write};
use std::net::TcpStream;

use xhttp_testkit::Server;

fn main() -> std::io::Result<()> {
    let server = Server::http1(|request| {
        http::Response::new(format!("hello from {}\n", request.uri().path()).into())
    });
    println!("embedded server listening on {}", server.url("/"));

    let mut stream = TcpStream::connect(server.addr())?;
    stream.write_all(b"GET /tour HTTP/1.1\r\nHost: tour\r\nConnection: close\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    println!("--- raw response ---\n{response}");
    println!("connections served: {}", server.connections_opened());
    server.finish();
    Ok(())
}
