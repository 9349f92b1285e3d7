//! Trace and progress callbacks on [`ClientBuilder`] and [`RequestBuilder`] (see
//! [`crate::trace`]).

use super::ClientFlavor;
use super::builder::ClientBuilder;
use super::request_builder::RequestBuilder;
use crate::trace::{OnProgress, Trace, TraceEvent};

impl<C: ClientFlavor> ClientBuilder<C> {
    /// A trace callback for every request of the client: DNS, connect, TLS, connection
    /// reuse, request and response phases, each with its [`Instant`](std::time::Instant)
    /// (see [`TraceKind`](crate::trace::TraceKind)). Called inline, before a request's
    /// own [`RequestBuilder::trace`]; it must not block. Without one, tracing costs
    /// nothing.
    ///
    /// ```
    /// # use xhttp_core::client::{ClientBuilder, ClientFlavor};
    /// # fn f<C: ClientFlavor>(builder: ClientBuilder<C>) -> ClientBuilder<C> {
    /// builder.trace(|event| eprintln!("{:?} {}", event.at, event.kind.name()))
    /// # }
    /// ```
    pub fn trace(self, callback: impl Fn(&TraceEvent) + Send + Sync + 'static) -> Self {
        let trace = Trace::new(callback);
        self.with(|config| {
            config.trace = Trace::combine(config.trace.take(), Some(trace));
            Ok(())
        })
    }
}

impl<C: ClientFlavor> RequestBuilder<C> {
    /// A trace callback for this request (every hop: redirects and auth retries
    /// included), called after the client's (see [`ClientBuilder::trace`]).
    pub fn trace(self, callback: impl Fn(&TraceEvent) + Send + Sync + 'static) -> Self {
        let trace = Trace::new(callback);
        self.with(|parts| {
            parts.trace = Trace::combine(parts.trace.take(), Some(trace));
            Ok(())
        })
    }

    /// Called as the request body is sent, with the bytes sent so far and the total
    /// when known (`Content-Length`), for a progress bar.
    ///
    /// ```
    /// # use xhttp_core::client::{RequestBuilder, ClientFlavor};
    /// # fn f<C: ClientFlavor>(builder: RequestBuilder<C>) -> RequestBuilder<C> {
    /// builder.on_upload_progress(|sent, total| eprintln!("{sent} of {total:?}"))
    /// # }
    /// ```
    pub fn on_upload_progress(
        self,
        callback: impl Fn(u64, Option<u64>) + Send + Sync + 'static,
    ) -> Self {
        let progress = OnProgress::new(callback);
        self.with(|parts| {
            parts.upload_progress = Some(progress);
            Ok(())
        })
    }

    /// Called as the response body arrives, with the bytes received so far (as sent by
    /// the server, before any decompression) and the total when known
    /// (`Content-Length`), for a progress bar.
    pub fn on_download_progress(
        self,
        callback: impl Fn(u64, Option<u64>) + Send + Sync + 'static,
    ) -> Self {
        let progress = OnProgress::new(callback);
        self.with(|parts| {
            parts.download_progress = Some(progress);
            Ok(())
        })
    }
}
