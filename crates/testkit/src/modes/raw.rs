//! Raw connections: the test writes the bytes itself, for malformed responses, huge
//! headers and anything else no well-behaved server would send.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

use bytes::Bytes;

use super::head::{self, MAX_HEAD};
use crate::events::{ConnectionEvent, ConnectionId};
use crate::server::Shared;

/// What a raw server calls for every connection, on a thread of its own, with
/// blocking I/O. The connection is closed when it returns.
///
/// Any `Fn(&mut RawConnection) + Send + Sync + 'static` closure is a raw handler.
pub trait RawHandler: Fn(&mut RawConnection) + Send + Sync + 'static {}

impl<T> RawHandler for T where T: Fn(&mut RawConnection) + Send + Sync + 'static {}

/// A request as a [`RawConnection`] read it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RawRequest {
    /// The method.
    pub method: http::Method,
    /// The target as sent (`/path?query`).
    pub target: String,
    /// The whole head, request line and blank line included.
    pub head: Vec<u8>,
    /// The body, as long as the head's `Content-Length` says (empty without one;
    /// chunked bodies are not decoded).
    pub body: Vec<u8>,
}

/// One accepted plain-TCP connection handed to a [`RawHandler`]: blocking reads
/// and writes of raw bytes, plus a few HTTP/1.1 helpers.
///
/// Reads block until the client sends something, closes, or the server stops.
#[derive(Debug)]
pub struct RawConnection {
    stream: TcpStream,
    /// Bytes read past the last request handed out.
    buffered: Vec<u8>,
    id: ConnectionId,
    peer: SocketAddr,
    shared: Arc<Shared>,
    requests: usize,
}

impl RawConnection {
    /// The connection's number.
    pub fn id(&self) -> ConnectionId {
        self.id
    }

    /// The client's address.
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// The socket itself, say to shut one direction down or to set `TCP_NODELAY`.
    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// Reads the next HTTP/1.1 request: its head and a `Content-Length` body. Returns
    /// `None` when the client closed the connection before sending a byte of it.
    ///
    /// # Errors
    /// When reading fails, the client closes mid-request, or the head is malformed or
    /// longer than 64 KiB.
    pub fn read_request(&mut self) -> io::Result<Option<RawRequest>> {
        let mut chunk = [0; 4096];
        let head_len = loop {
            if let Some(len) = head::head_len(&self.buffered) {
                break len;
            }
            if self.buffered.len() > MAX_HEAD {
                return Err(invalid("the request head is longer than 64 KiB"));
            }
            let read = self.stream.read(&mut chunk)?;
            if read == 0 {
                if self.buffered.is_empty() {
                    return Ok(None);
                }
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            self.buffered.extend_from_slice(&chunk[..read]);
        };
        let head: Vec<u8> = self.buffered.drain(..head_len).collect();
        let (method, target) =
            head::request_line(&head).ok_or_else(|| invalid("a malformed request line"))?;
        let length = head::content_length(&head).unwrap_or(0);
        let mut body = Vec::with_capacity(length.min(MAX_HEAD));
        let from_buffer = length.min(self.buffered.len());
        body.extend(self.buffered.drain(..from_buffer));
        if body.len() < length {
            let start = body.len();
            body.resize(length, 0);
            self.stream.read_exact(&mut body[start..])?;
        }
        self.requests += 1;
        self.shared.events.push(ConnectionEvent::RequestRead {
            id: self.id,
            method: method.clone(),
            target: target.clone(),
        });
        Ok(Some(RawRequest {
            method,
            target,
            head,
            body,
        }))
    }

    /// Writes `response` as HTTP/1.1: the status line, its headers (plus a
    /// `Content-Length` when it has neither that nor `Transfer-Encoding`), and its body.
    ///
    /// # Errors
    /// When writing fails.
    pub fn write_response(&mut self, response: &http::Response<Bytes>) -> io::Result<()> {
        let status = response.status();
        let mut out = format!(
            "HTTP/1.1 {} {}\r\n",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        )
        .into_bytes();
        for (name, value) in response.headers() {
            out.extend_from_slice(name.as_str().as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        let headers = response.headers();
        if !headers.contains_key(http::header::CONTENT_LENGTH)
            && !headers.contains_key(http::header::TRANSFER_ENCODING)
        {
            out.extend_from_slice(
                format!("content-length: {}\r\n", response.body().len()).as_bytes(),
            );
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(response.body());
        self.stream.write_all(&out)
    }
}

impl Read for RawConnection {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.buffered.is_empty() {
            return self.stream.read(buf);
        }
        let count = buf.len().min(self.buffered.len());
        buf[..count].copy_from_slice(&self.buffered[..count]);
        self.buffered.drain(..count);
        Ok(count)
    }
}

impl Write for RawConnection {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// The raw connections' threads, and a second handle on each open socket so that
/// stopping the server can unblock them.
#[derive(Debug, Default)]
pub(crate) struct RawWorkers {
    open: Mutex<HashMap<ConnectionId, TcpStream>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl RawWorkers {
    /// Runs `handler` on `stream` on a new thread.
    pub(crate) fn spawn(
        shared: &Arc<Shared>,
        stream: TcpStream,
        id: ConnectionId,
        peer: SocketAddr,
        handler: Arc<dyn RawHandler>,
    ) -> io::Result<()> {
        stream.set_nonblocking(false)?;
        let second = stream.try_clone()?;
        let workers = &shared.raw_workers;
        workers
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, second);
        let thread_shared = Arc::clone(shared);
        let thread = thread::Builder::new()
            .name(format!("testkit-raw-{}", id.0))
            .spawn(move || {
                let mut connection = RawConnection {
                    stream,
                    buffered: Vec::new(),
                    id,
                    peer,
                    shared: Arc::clone(&thread_shared),
                    requests: 0,
                };
                if let Err(payload) = catch_unwind(AssertUnwindSafe(|| handler(&mut connection))) {
                    thread_shared.record_panic(payload);
                }
                let requests = connection.requests;
                // Drop the second handle first, so dropping the connection closes it.
                thread_shared
                    .raw_workers
                    .open
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(&id);
                drop(connection);
                thread_shared
                    .events
                    .push(ConnectionEvent::Closed { id, requests });
            })?;
        workers
            .threads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(thread);
        Ok(())
    }

    /// Shuts every open raw connection down and waits for the threads; a thread's
    /// panic is recorded.
    pub(crate) fn stop(shared: &Shared) {
        let open: Vec<TcpStream> = shared
            .raw_workers
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain()
            .map(|(_, stream)| stream)
            .collect();
        for stream in &open {
            // Already closed by the client: nothing to unblock.
            let _ = stream.shutdown(Shutdown::Both);
        }
        let threads = std::mem::take(
            &mut *shared
                .raw_workers
                .threads
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for thread in threads {
            if let Err(payload) = thread.join() {
                shared.record_panic(payload);
            }
        }
    }
}
