//! [`ClientBuilder`]'s retries and response size limits.

use super::ClientFlavor;
use super::builder::ClientBuilder;
use crate::retry::RetryPolicy;

impl<C: ClientFlavor> ClientBuilder<C> {
    /// Retries failed attempts by `policy` (opt-in: by default nothing is retried
    /// beyond the pool's own retry of a dead kept-alive connection). Each redirect hop
    /// is retried on its own; a retried response is closed and not kept in the history.
    /// See [`RetryPolicy`] for what is retried and how long the client waits.
    ///
    /// ```
    /// # use xhttp_core::client::{ClientBuilder, ClientFlavor};
    /// use xhttp_core::retry::RetryPolicy;
    /// # fn f<C: ClientFlavor>(builder: ClientBuilder<C>) -> ClientBuilder<C> {
    /// builder.retry(RetryPolicy::new().max_retries(2))
    /// # }
    /// ```
    pub fn retry(self, policy: RetryPolicy) -> Self {
        self.with(|config| {
            config.retry = Some(policy);
            Ok(())
        })
    }

    /// The most bytes a decoded (decompressed) response body may hold, a guard against
    /// decompression bombs: past it, reading or streaming the body fails with
    /// `BodyTooLarge` (memory stays flat: the decoder stops). Counts decoded bytes of
    /// bodies with a `Content-Encoding` the client decodes; others are not limited by
    /// it. Default: no limit (as httpx).
    pub fn max_decompressed_body(self, bytes: u64) -> Self {
        self.with(|config| {
            config.max_decompressed_body = Some(bytes);
            Ok(())
        })
    }

    /// The most bytes `send()` and a response's `read()` may buffer: past it they fail
    /// with `BodyTooLarge` and the body is closed. Streaming with `stream()` and the
    /// iterators is not limited by it. Default: no limit (as httpx).
    pub fn max_response_body(self, bytes: u64) -> Self {
        self.with(|config| {
            config.max_response_body = Some(bytes);
            Ok(())
        })
    }
}
