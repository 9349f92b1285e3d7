//! A bounded channel from a blocking producer (a thread reading an `io::Read`) to a
//! request body polled on the runtime. The producer waits on a condition variable, never
//! on a tokio primitive, so it works on any thread, inside a runtime or not.

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use xhttp_core::body::ReaderBody;
use xhttp_core::{Body, Error, ErrorKind};

/// How many chunks may wait in the channel (each up to 64 KiB).
const CAPACITY: usize = 4;

struct State {
    queue: VecDeque<Result<Bytes, Error>>,
    finished: bool,
    receiver_gone: bool,
    waker: Option<Waker>,
}

struct Shared {
    state: Mutex<State>,
    space: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The producing end: [`send`](ChannelSender::send) blocks while the channel is full.
///
/// Dropping it ends the body, cleanly, unless it is dropped by a panic (of the reader
/// it [`pump`](ChannelSender::pump)s, or of the thread holding it): the body then ends
/// with an error, so the request fails rather than send a truncated body.
pub struct ChannelSender {
    shared: Arc<Shared>,
    /// Set while [`pump`](ChannelSender::pump) runs: still set at the drop, the reader
    /// panicked.
    pumping: bool,
}

/// The consuming end: an `http_body::Body`.
pub struct ChannelBody {
    shared: Arc<Shared>,
    length: Option<u64>,
}

/// A channel for a body of `length` bytes when known.
pub fn channel(length: Option<u64>) -> (ChannelSender, ChannelBody) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            queue: VecDeque::with_capacity(CAPACITY),
            finished: false,
            receiver_gone: false,
            waker: None,
        }),
        space: Condvar::new(),
    });
    (
        ChannelSender {
            shared: Arc::clone(&shared),
            pumping: false,
        },
        ChannelBody { shared, length },
    )
}

/// Turns a reader body (a file, an `io::Read`) into a stream read off the runtime's
/// workers, on tokio's blocking pool, keeping its length; any other body is left as it
/// is. Must be called inside a tokio runtime.
pub(crate) fn read_off_runtime(body: &mut Body) {
    if let Some(reader) = body.take_reader() {
        let (sender, channel) = channel(reader.length());
        tokio::task::spawn_blocking(move || sender.pump(reader));
        *body = channel.into_body();
    }
}

/// The receiver is gone: nobody reads the body any more (the request failed or the
/// server answered early).
#[derive(Debug)]
pub struct ReceiverGone;

impl ChannelSender {
    /// Queues a chunk (or the error that ends the body), waiting while the channel is
    /// full. Blocks: call it only where blocking is allowed.
    pub fn send(&self, item: Result<Bytes, Error>) -> Result<(), ReceiverGone> {
        let mut state = self.shared.lock();
        while state.queue.len() >= CAPACITY && !state.receiver_gone {
            state = self
                .shared
                .space
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if state.receiver_gone {
            return Err(ReceiverGone);
        }
        state.queue.push_back(item);
        let waker = state.waker.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// Reads `reader` to its end into the channel, on this thread; stops early when the
    /// receiver is gone. Blocks. Should the reader panic, the body ends with an error.
    pub fn pump(mut self, mut reader: ReaderBody) {
        self.pumping = true;
        self.pump_all(&mut reader);
        self.pumping = false;
    }

    fn pump_all(&self, reader: &mut ReaderBody) {
        loop {
            let item = match reader.read_chunk() {
                Ok(Some(chunk)) => Ok(chunk),
                Ok(None) => return,
                Err(error) => Err(reader_error(error)),
            };
            let failed = item.is_err();
            if self.send(item).is_err() || failed {
                return;
            }
        }
    }
}

fn reader_error(error: io::Error) -> Error {
    Error::new(ErrorKind::Write)
        .with_message("reading the request body failed")
        .with_source(error)
}

impl Drop for ChannelSender {
    fn drop(&mut self) {
        // Dropped by an unwinding reader (or thread): the body is not complete.
        let message = if self.pumping {
            Some("the request body reader panicked")
        } else if std::thread::panicking() {
            Some("the request body's producer panicked")
        } else {
            None
        };
        let mut state = self.shared.lock();
        if let Some(message) = message {
            if !state.receiver_gone {
                // Past the capacity: the one last item, never waited for.
                state
                    .queue
                    .push_back(Err(Error::new(ErrorKind::Write).with_message(message)));
            }
        }
        state.finished = true;
        let waker = state.waker.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl ChannelBody {
    /// The channel as a request [`Body`], with its length when known (so it is sent with
    /// `Content-Length`, upload progress has a total, and the body is held to it).
    pub fn into_body(self) -> Body {
        match self.length {
            Some(length) => Body::from_stream_with_length(self, length),
            None => Body::from_stream(self),
        }
    }
}

impl Drop for ChannelBody {
    fn drop(&mut self) {
        self.shared.lock().receiver_gone = true;
        self.shared.space.notify_all();
    }
}

impl http_body::Body for ChannelBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let mut state = self.shared.lock();
        if let Some(item) = state.queue.pop_front() {
            drop(state);
            self.shared.space.notify_one();
            return Poll::Ready(Some(item.map(Frame::data)));
        }
        if state.finished {
            return Poll::Ready(None);
        }
        state.waker = Some(cx.waker().clone());
        Poll::Pending
    }

    fn size_hint(&self) -> SizeHint {
        match self.length {
            Some(length) => SizeHint::with_exact(length),
            None => SizeHint::default(),
        }
    }
}

impl fmt::Debug for ChannelSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChannelSender")
    }
}

impl fmt::Debug for ChannelBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChannelBody")
            .field("length", &self.length)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_reader_pumped_on_another_thread_arrives_whole() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let reader = {
            let mut body = xhttp_core::Body::from_reader(io::Cursor::new(data.clone()), None);
            body.take_reader().expect("a reader")
        };
        let (sender, body) = channel(None);
        let pump = std::thread::spawn(move || sender.pump(reader));
        let collected = body.collect().await.expect("the whole body").to_bytes();
        pump.join().expect("the pump thread");
        assert_eq!(collected.as_ref(), data.as_slice());
    }

    /// Gives one chunk, then panics.
    struct PanicsAfterOneChunk(bool);

    impl io::Read for PanicsAfterOneChunk {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            if std::mem::replace(&mut self.0, true) {
                panic!("the reader panics on purpose");
            }
            buffer[..3].copy_from_slice(b"abc");
            Ok(3)
        }
    }

    #[tokio::test]
    async fn a_panicking_reader_ends_the_body_with_an_error_not_cleanly() {
        let reader = xhttp_core::Body::from_reader(PanicsAfterOneChunk(false), None)
            .take_reader()
            .expect("a reader");
        let (sender, mut body) = channel(None);
        let pump = std::thread::spawn(move || sender.pump(reader));
        assert!(pump.join().is_err(), "the reader panicked");
        let first = body
            .frame()
            .await
            .expect("a frame")
            .expect("the first chunk");
        assert_eq!(first.into_data().ok().as_deref(), Some(&b"abc"[..]));
        let error = body
            .frame()
            .await
            .expect("an error, not the end")
            .expect_err("the reader panicked");
        assert_eq!(error.kind(), ErrorKind::Write);
        assert_eq!(error.message(), Some("the request body reader panicked"));
    }

    #[test]
    fn a_sender_dropped_by_a_panic_ends_the_body_with_an_error() {
        let (sender, body) = channel(None);
        let thread = std::thread::spawn(move || {
            let _sender = sender;
            panic!("the producer panics on purpose");
        });
        assert!(thread.join().is_err());
        let state = body.shared.lock();
        assert!(state.finished);
        assert!(matches!(state.queue.front(), Some(Err(_))));
    }

    #[test]
    fn a_known_length_is_kept_by_the_request_body() {
        let (_sender, body) = channel(Some(7));
        assert_eq!(body.into_body().content_length(), Some(7));
        let (_sender, body) = channel(None);
        assert_eq!(body.into_body().content_length(), None);
    }

    #[test]
    fn a_gone_receiver_stops_the_sender() {
        let (sender, body) = channel(None);
        drop(body);
        assert!(sender.send(Ok(Bytes::from_static(b"x"))).is_err());
    }

    #[tokio::test]
    async fn a_reader_error_ends_the_body_with_an_error() {
        struct Failing;
        impl io::Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk on fire"))
            }
        }
        let reader = xhttp_core::Body::from_reader(Failing, None)
            .take_reader()
            .expect("a reader");
        let (sender, body) = channel(None);
        sender.pump(reader);
        let error = body.collect().await.expect_err("the reader failed");
        assert_eq!(error.kind(), ErrorKind::Write);
    }
}
