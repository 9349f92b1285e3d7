//! A bare hyper client for the smoke tests, so they need nothing of xhttp.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpStream;

/// How long any single exchange with a peer may take.
pub(crate) const DEADLINE: Duration = Duration::from_secs(10);

/// A fully read response.
pub(crate) struct Answer {
    pub(crate) status: http::StatusCode,
    pub(crate) version: http::Version,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Bytes,
}

async fn connect(addr: SocketAddr) -> TcpStream {
    match tokio::time::timeout(DEADLINE, TcpStream::connect(addr)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(error)) => panic!("peer {addr} is not up ({error}): run `scripts/peers start`"),
        Err(_) => panic!("peer {addr} did not accept within {DEADLINE:?}"),
    }
}

fn request(addr: SocketAddr, method: http::Method, path: &str) -> http::Request<Empty<Bytes>> {
    http::Request::builder()
        .method(method)
        .uri(path)
        .header(http::header::HOST, addr.to_string())
        .body(Empty::new())
        .expect("a valid request")
}

async fn answer(response: http::Response<hyper::body::Incoming>) -> Answer {
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("read the body").to_bytes();
    Answer {
        status: parts.status,
        version: parts.version,
        headers: parts.headers,
        body,
    }
}

/// One HTTP/1.1 keep-alive connection.
pub(crate) struct H1 {
    addr: SocketAddr,
    sender: http1::SendRequest<Empty<Bytes>>,
}

impl H1 {
    pub(crate) async fn open(addr: SocketAddr) -> H1 {
        let io = TokioIo::new(connect(addr).await);
        let (sender, connection) = http1::handshake(io).await.expect("h1 handshake");
        tokio::spawn(connection);
        H1 { addr, sender }
    }

    pub(crate) async fn get(&mut self, path: &str) -> Answer {
        self.send(http::Method::GET, path).await
    }

    pub(crate) async fn send(&mut self, method: http::Method, path: &str) -> Answer {
        let exchange = async {
            self.sender.ready().await.expect("connection ready");
            let request = request(self.addr, method, path);
            let response = self.sender.send_request(request).await.expect("send");
            answer(response).await
        };
        tokio::time::timeout(DEADLINE, exchange)
            .await
            .expect("the peer answered in time")
    }
}

/// HTTP/2 by prior knowledge over plain TCP (h2c).
pub(crate) async fn h2c_get(addr: SocketAddr, path: &str) -> Answer {
    let exchange = async {
        let io = TokioIo::new(connect(addr).await);
        let (mut sender, connection) = http2::handshake(TokioExecutor::new(), io)
            .await
            .expect("h2 handshake");
        tokio::spawn(connection);
        let uri = format!("http://{addr}{path}");
        let request = http::Request::get(uri)
            .body(Empty::<Bytes>::new())
            .expect("a valid request");
        answer(sender.send_request(request).await.expect("send")).await
    };
    tokio::time::timeout(DEADLINE, exchange)
        .await
        .expect("the peer answered in time")
}
