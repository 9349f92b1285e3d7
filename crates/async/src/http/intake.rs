//! The gate that keeps a request from being handed to a connection task while that
//! task ends, and the sending half of an HTTP/2 connection behind it.
//!
//! hyper queues a request in a tokio channel that its connection task reads. When the
//! task ends, dropping that channel's receiver answers every queued request ("connection
//! closed", the request given back), but a request being queued at that very moment can
//! miss the drain: it then stays in the channel, unanswered, until the last sending half
//! is dropped. The waiting request holds one, so it waits until its read timeout (seen
//! with nginx ending HTTP/2 connections by GOAWAY under load; the same race exists when
//! a server closes an idle HTTP/1.1 connection as it is reused). The connection is
//! therefore dropped under the gate's write lock ([`Gated`]), and requests are handed
//! over under its read lock ([`Intake::hand_over`]): each one either is in the queue
//! before the drain starts, or finds the gate shut and is given back unsent at once.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, PoisonError, RwLock};
use std::task::{Context, Poll};

use hyper::body::Incoming;
use hyper::client::conn::{TrySendError, http2};

use super::watch::WatchedBody;

type Request = http::Request<WatchedBody>;

/// Whether a connection task still takes requests: shared by the task and the senders.
#[derive(Debug, Default)]
pub(crate) struct Intake {
    /// The task ended: nothing is handed to it any more.
    shut: RwLock<bool>,
}

impl Intake {
    /// Shuts the gate and runs `end` (dropping hyper's connection, which answers the
    /// requests it still queues) while no request is being handed over.
    fn shut(&self, end: impl FnOnce()) {
        let mut shut = self.shut.write().unwrap_or_else(PoisonError::into_inner);
        *shut = true;
        end();
    }

    /// Runs `give`, which queues `request` in hyper's channel, unless the connection
    /// task ended: then the request comes back, not handed over.
    pub(crate) fn hand_over<R, T>(&self, request: R, give: impl FnOnce(R) -> T) -> Result<T, R> {
        let shut = self.shut.read().unwrap_or_else(PoisonError::into_inner);
        if *shut {
            return Err(request);
        }
        // hyper queues the request before `give` returns: under the read lock.
        Ok(give(request))
    }
}

/// A connection future that ends behind its gate: hyper's connection is dropped under
/// the write lock when it completes, or when the task is dropped unfinished (its
/// runtime shut down).
#[derive(Debug)]
pub(crate) struct Gated<C> {
    /// `None` once ended.
    connection: Option<C>,
    intake: Arc<Intake>,
}

impl<C> Gated<C> {
    pub(crate) fn new(connection: C, intake: Arc<Intake>) -> Gated<C> {
        Gated {
            connection: Some(connection),
            intake,
        }
    }

    /// hyper's connection, until it ended.
    pub(crate) fn get(&self) -> Option<&C> {
        self.connection.as_ref()
    }

    /// Drops hyper's connection under the write lock. That runs the destructors of what
    /// it still holds (request bodies among them) under the lock: none of them hands a
    /// request over, and `hand_over` holds the read lock only across a channel push that
    /// never polls anything, so the lock is never taken twice on one thread.
    fn end(&mut self) {
        let connection = &mut self.connection;
        self.intake.shut(|| drop(connection.take()));
    }
}

impl<C: Future + Unpin> Future for Gated<C> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let Some(connection) = self.connection.as_mut() else {
            return Poll::Ready(());
        };
        // Errors reach the requests through hyper.
        if Pin::new(connection).poll(cx).is_pending() {
            return Poll::Pending;
        }
        self.end();
        Poll::Ready(())
    }
}

impl<C> Drop for Gated<C> {
    fn drop(&mut self) {
        if self.connection.is_some() {
            self.end();
        }
    }
}

/// An HTTP/2 connection's sending half, shared by its streams.
#[derive(Debug)]
pub(crate) struct H2Sender {
    send: http2::SendRequest<WatchedBody>,
    intake: Arc<Intake>,
}

impl H2Sender {
    pub(crate) fn new(send: http2::SendRequest<WatchedBody>, intake: Arc<Intake>) -> H2Sender {
        H2Sender { send, intake }
    }

    /// The connection task ended (or is ending).
    pub(crate) fn is_closed(&self) -> bool {
        self.send.is_closed()
    }

    /// Hands `request` to the connection: its response to come, or the request back
    /// when the connection task has ended (it was not sent).
    pub(crate) fn try_send(
        &self,
        request: Request,
    ) -> Result<
        impl Future<Output = Result<http::Response<Incoming>, TrySendError<Request>>> + use<>,
        Box<Request>,
    > {
        self.intake
            .hand_over(request, |request| {
                self.send.clone().try_send_request(request)
            })
            .map_err(Box::new)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::time::Duration;

    use xhttp_core::{Body, ConnectionInfo, HttpOptions};

    use crate::connect::Connected;
    use crate::connect::io::Io;
    use crate::http::conn::{Handshaken, handshake};
    use crate::http::watch::{Progress, WatchedBody};

    fn request() -> super::Request {
        let body = WatchedBody::new(Body::default(), Progress::new(None));
        let mut request = http::Request::new(body);
        *request.uri_mut() = http::Uri::from_static("http://localhost/");
        request
    }

    /// A connection over a socket pair whose far end is closed: its task ends on its own
    /// time.
    async fn ending_connection(h2: bool) -> Handshaken {
        let (near, far) = tokio::net::UnixStream::pair().expect("a socket pair");
        let connected = Connected {
            io: Io::Unix(near),
            info: Arc::new(ConnectionInfo::default()),
            h2,
            forward: false,
            phases: Default::default(),
        };
        let Ok(handshaken) = handshake(connected, &HttpOptions::default()).await else {
            panic!("a connection");
        };
        drop(far);
        handshaken
    }

    /// Requests handed over while the connection task ends (it drops hyper's request
    /// queue) are all answered: none is left in the queue, unanswered, while a sending
    /// half lives. Each round races the end against a loop handing requests over; without
    /// the gate, a few thousand HTTP/2 rounds leave a request unanswered (measured: 5
    /// runs of 5). The timeout only catches that failure: an unanswered request waits
    /// forever.
    fn every_request_is_answered(h2: bool, rounds: usize) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        for round in 0..rounds {
            let handshaken = runtime.block_on(ending_connection(h2));
            let mut handed = Vec::new();
            // Until the gate shuts: the task ended.
            match handshaken {
                Handshaken::H2(sender, ..) => {
                    while let Ok(sent) = sender.try_send(request()) {
                        handed.push(Box::pin(sent) as Pin<Box<dyn Future<Output = _> + Send>>);
                        assert!(handed.len() < 1_000_000, "the connection task ends");
                    }
                }
                Handshaken::H1(mut sender, _) => {
                    // hyper takes one request at a time: each after the last was answered.
                    while runtime.block_on(sender.ready()).is_ok() {
                        let Ok(sent) = sender.try_send(request()) else {
                            break;
                        };
                        handed.push(Box::pin(sent));
                        assert!(handed.len() < 1_000_000, "the connection task ends");
                    }
                }
            }
            let answered = runtime.block_on(async {
                let all = async {
                    for sent in handed {
                        let _ = sent.await;
                    }
                };
                tokio::time::timeout(Duration::from_secs(5), all)
                    .await
                    .is_ok()
            });
            assert!(answered, "round {round}: a request was never answered");
        }
    }

    #[test]
    fn http2_requests_handed_over_as_the_connection_ends_are_all_answered() {
        every_request_is_answered(true, 4000);
    }

    /// Over HTTP/1.1 the race was not reproduced: 40,000 rounds without the gate passed
    /// (hyper also refuses a request while the connection is not ready). The gate is
    /// there because the queue is the same; this checks it loses nothing.
    #[test]
    fn http1_requests_handed_over_as_the_connection_ends_are_all_answered() {
        every_request_is_answered(false, 2000);
    }

    /// An HTTP/2 connection whose task ended (and told its close) before the pool took
    /// it: the pool runs the close callback at once, outside its lock (it used to run it
    /// under the lock it takes: a deadlock), and the connection's slot comes back.
    #[test]
    fn a_connection_that_ended_before_the_pool_took_it_gives_its_slot_back() {
        use crate::http::key::Key;
        use crate::http::pool::{Acquired, Pool};

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let Handshaken::H2(sender, info, max, on_close) = runtime.block_on(ending_connection(true))
        else {
            panic!("an HTTP/2 connection");
        };
        runtime.block_on(async {
            for _ in 0..1_000_000 {
                if on_close.has_fired() {
                    return;
                }
                tokio::task::yield_now().await;
            }
            panic!("the connection task ends");
        });
        let (done, connections) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let pool = Arc::new(Pool::new(
                &xhttp_core::Limits::default().with_max_connections(1),
            ));
            let key = Key::from_uri(&http::Uri::from_static("http://localhost/")).expect("a key");
            runtime.block_on(async {
                let Ok(Acquired::Connect(permit)) =
                    pool.acquire(&key, false, true, None, &mut None).await
                else {
                    panic!("a slot");
                };
                drop(pool.connected(permit, Handshaken::H2(sender, info, max, on_close)));
            });
            let _ = done.send(pool.stats().connections);
        });
        let connections = connections
            .recv_timeout(Duration::from_secs(10))
            .expect("the pool takes the connection without a deadlock");
        assert_eq!(connections, 0, "the ended connection's slot came back");
    }
}
