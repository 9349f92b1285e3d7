//! The sending half of an HTTP/2 connection, and the gate that keeps a request from
//! being handed to a connection task while that task ends.
//!
//! hyper queues a request in a tokio channel that its connection task reads. When the
//! task ends, dropping that channel's receiver answers every queued request ("connection
//! closed", the request given back), but a request being queued at that very moment can
//! miss the drain: it then stays in the channel, unanswered, until the last sending half
//! is dropped. The waiting request holds one, so it waits until its read timeout (seen
//! with nginx ending connections by GOAWAY under load). The task therefore ends under
//! the gate's write lock, and requests are handed over under its read lock: each one
//! either is in the queue before the drain starts, or finds the gate shut and is given
//! back unsent at once.

use std::future::Future;
use std::sync::{Arc, PoisonError, RwLock};

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
    pub(crate) fn shut(&self, end: impl FnOnce()) {
        let mut shut = self.shut.write().unwrap_or_else(PoisonError::into_inner);
        *shut = true;
        end();
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
        let shut = self
            .intake
            .shut
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        if *shut {
            return Err(Box::new(request));
        }
        // hyper queues the request before this returns: under the read lock.
        Ok(self.send.clone().try_send_request(request))
    }
}

#[cfg(all(test, unix))]
mod tests {
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

    /// An HTTP/2 connection over a socket pair whose far end is closed: its task ends
    /// on its own time.
    async fn ending_connection() -> super::H2Sender {
        let (near, far) = tokio::net::UnixStream::pair().expect("a socket pair");
        let connected = Connected {
            io: Io::Unix(near),
            info: Arc::new(ConnectionInfo::default()),
            h2: true,
            forward: false,
            phases: Default::default(),
        };
        let Ok(Handshaken::H2(sender, ..)) = handshake(connected, &HttpOptions::default()).await
        else {
            panic!("an HTTP/2 connection");
        };
        drop(far);
        sender
    }

    /// Requests handed over while the connection task ends (it drops hyper's request
    /// queue) are all answered: none is left in the queue, unanswered, while a sending
    /// half lives. Each round races the end against a loop handing requests over; without
    /// the gate, a few thousand rounds leave a request unanswered (measured: 5 runs of 5).
    /// The timeout only catches that failure: an unanswered request waits forever.
    #[test]
    fn requests_handed_over_as_the_connection_ends_are_all_answered() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        for round in 0..4000 {
            let sender = runtime.block_on(ending_connection());
            let mut handed = Vec::new();
            // Until the gate shuts: the task ended.
            while let Ok(sent) = sender.try_send(request()) {
                handed.push(sent);
                assert!(handed.len() < 1_000_000, "the connection task ends");
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
}
