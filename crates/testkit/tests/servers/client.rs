//! Just enough of an HTTP/1.1 client over any byte stream.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::WAIT;

/// A response's status, headers (lower-cased names) and the body bytes that followed.
#[derive(Debug)]
pub(crate) struct Head {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    /// Body bytes that arrived with the head.
    pub(crate) rest: Vec<u8>,
}

impl Head {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub(crate) fn content_length(&self) -> usize {
        self.header("content-length")
            .expect("a content-length")
            .parse()
            .expect("a number")
    }
}

/// Parses a response head out of `bytes`, once it is complete.
pub(crate) fn parse_head(bytes: &[u8]) -> Option<Head> {
    let end = bytes.windows(4).position(|window| window == b"\r\n\r\n")?;
    let text = std::str::from_utf8(&bytes[..end]).expect("a UTF-8 head");
    let mut lines = text.split("\r\n");
    let status = lines
        .next()?
        .split(' ')
        .nth(1)?
        .parse()
        .expect("a status code");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Some(Head {
        status,
        headers,
        rest: bytes[end + 4..].to_vec(),
    })
}

/// A plain connection with a read timeout of `WAIT`.
pub(crate) fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect to the test server");
    stream.set_read_timeout(Some(WAIT)).expect("a read timeout");
    stream
}

/// Sends `GET path` on a keep-alive connection.
pub(crate) fn send_get(stream: &mut TcpStream, path: &str) {
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .expect("write the request");
}

/// Reads until a whole response head has arrived.
pub(crate) fn read_head(stream: &mut TcpStream) -> Head {
    let mut bytes = Vec::new();
    let mut chunk = [0; 4096];
    while bytes.len() < 64 * 1024 {
        if let Some(head) = parse_head(&bytes) {
            return head;
        }
        let read = stream.read(&mut chunk).expect("read the response head");
        assert!(read > 0, "closed before the head: {bytes:?}");
        bytes.extend_from_slice(&chunk[..read]);
    }
    panic!("no response head in 64 KiB");
}

/// Reads a whole `Content-Length` response.
pub(crate) fn read_response(stream: &mut TcpStream) -> (Head, Vec<u8>) {
    let mut head = read_head(stream);
    let length = head.content_length();
    let mut body = std::mem::take(&mut head.rest);
    assert!(
        body.len() <= length,
        "more bytes than one response: {body:?}"
    );
    let start = body.len();
    body.resize(length, 0);
    stream
        .read_exact(&mut body[start..])
        .expect("read the body");
    (head, body)
}

/// Whether a read timed out (rather than returned data, EOF or another error).
pub(crate) fn timed_out(result: &io::Result<usize>) -> bool {
    matches!(result, Err(error) if matches!(error.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut))
}

/// Sends `GET path` with `Connection: close` and returns everything the server sent.
pub(crate) async fn get_to_end<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    path: &str,
) -> io::Result<Vec<u8>> {
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    Ok(response)
}
