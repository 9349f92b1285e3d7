//! The one extension each in-flight request and response carries.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::auth::Auth;
pub use crate::history::{HistoryEntry, NextBody, NextRequest};
use crate::timeout::Timeout;
use crate::trace::{OnProgress, Timings, Trace};
use crate::url::Url;

/// Per-request data, carried through the whole stack as **one** `http::Extensions`
/// entry of the in-flight `http::Request<Body>`: the parsed [`Url`] (whose cached
/// `http::Uri` is the request's URI), the timeouts and the per-request policies.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The request URL, parsed once.
    pub url: Url,
    /// The timeouts of this request; `None` means the client's.
    pub timeout: Option<Timeout>,
    /// Whether to follow redirects; `None` means the client's setting.
    pub follow_redirects: Option<bool>,
    /// The authentication chosen for this request (client's, request's or the URL's
    /// userinfo), run by the client's auth layer; `None` means none.
    pub auth: Option<Arc<dyn Auth>>,
    /// Whether the request's `Cookie` header was written by the client (its store's
    /// cookies merged with the request's own, `RequestBuilder::cookie`) rather than set
    /// by the user: a redirect drops such a header and the cookies layer writes the next
    /// hop's from the store alone (so per-request cookies are not re-sent, as httpx).
    pub cookies_from_client: bool,
    /// The trace callback (the client's and the request's), if any.
    pub trace: Option<Trace>,
    /// Called as the request body is sent.
    pub upload_progress: Option<OnProgress>,
    /// Called as the response body arrives.
    pub download_progress: Option<OnProgress>,
    /// The snapshot of this hop's head (set by the client just before the transport),
    /// so a transport can rebuild the request to send it again without copying it first.
    pub head: Option<Arc<RequestHead>>,
}

impl RequestContext {
    /// A context for `url` with every policy left to the client.
    pub fn new(url: Url) -> RequestContext {
        RequestContext {
            url,
            timeout: None,
            follow_redirects: None,
            auth: None,
            cookies_from_client: false,
            trace: None,
            upload_progress: None,
            download_progress: None,
            head: None,
        }
    }
}

/// A shared snapshot of a request's head (method, URL, headers), kept once per logical
/// request for `response.request()`, errors, redirects and retries.
#[derive(Clone)]
pub struct RequestHead {
    /// The method.
    pub method: http::Method,
    /// The URL.
    pub url: Url,
    /// The headers as sent.
    pub headers: crate::headers::Headers,
}

impl fmt::Debug for RequestHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestHead")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .finish()
    }
}

/// Response metadata, carried as **one** boxed `http::Extensions` entry of an
/// in-flight `http::Response<Body>`.
#[derive(Debug, Default, Clone)]
pub struct ResponseMeta {
    /// The request this response answers.
    pub request: Option<Arc<RequestHead>>,
    /// When the request was sent.
    pub started: Option<Instant>,
    /// How long from sending until the response body was finished or closed.
    pub elapsed: Option<Duration>,
    /// The earlier responses of this logical request (redirect hops, auth challenges),
    /// read, in order. Empty (and unallocated) for a single exchange.
    pub history: Vec<HistoryEntry>,
    /// The request a redirect response points to, when redirects were not followed.
    pub next_request: Option<NextRequest>,
    /// The body travelling with this metadata was read into memory by a layer (a hook
    /// that needed it): `Response::from_http` then makes a response that counts as read.
    pub body_read: bool,
    /// With [`body_read`](Self::body_read): the bytes that body took on the wire
    /// (before decompression), which the made response reports as
    /// `num_bytes_downloaded`; `None` counts the content's length.
    pub body_received: Option<u64>,
    /// Where the time went (see [`Timings`]).
    pub timings: Timings,
    /// What the transport knew of the connection (remote address, TLS), when it told.
    pub connection: Option<Arc<crate::ConnectionInfo>>,
}
