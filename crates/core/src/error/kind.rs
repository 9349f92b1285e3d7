//! What went wrong, following httpx's exception tree.

use std::fmt;

/// The kind of an [`Error`](crate::Error): one leaf of httpx's exception tree.
///
/// The groups of that tree (`TimeoutException`, `NetworkError`, `ProtocolError`,
/// `TransportError`, `RequestError`, `StreamError`) are predicates here, on both
/// `ErrorKind` and `Error`: [`is_timeout`](ErrorKind::is_timeout),
/// [`is_network`](ErrorKind::is_network) and so on.
///
/// ```
/// use xhttp_core::ErrorKind;
///
/// assert!(ErrorKind::ReadTimeout.is_timeout());
/// assert!(ErrorKind::ReadTimeout.is_transport());
/// assert!(!ErrorKind::InvalidUrl.is_request());
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Connecting (DNS, TCP, TLS and any proxy handshake, as one budget) took too long.
    ConnectTimeout,
    /// Waiting for response bytes took too long.
    ReadTimeout,
    /// Sending request bytes took too long.
    WriteTimeout,
    /// Waiting for a connection from the pool took too long.
    PoolTimeout,
    /// The whole exchange, body included, passed its total deadline.
    TotalTimeout,
    /// A connection could not be established (refused, unreachable, DNS failure...).
    Connect,
    /// Reading from the connection failed.
    Read,
    /// Writing to the connection failed.
    Write,
    /// Closing the connection failed.
    Close,
    /// The client broke the protocol (say, an invalid request for HTTP/2).
    LocalProtocol,
    /// The server broke the protocol (say, it closed before answering).
    RemoteProtocol,
    /// The proxy refused or failed the request.
    Proxy,
    /// The URL's scheme is not one a transport can serve.
    UnsupportedProtocol,
    /// The response body could not be decoded (decompression or charset).
    Decoding,
    /// A redirect chain was longer than `max_redirects`.
    TooManyRedirects,
    /// `raise_for_status` met a status that is not a success.
    Status,
    /// A URL could not be parsed or is not valid.
    InvalidUrl,
    /// A header name or value is not valid (say, it holds CR, LF or NUL).
    InvalidHeader,
    /// Several cookies matched a lookup that expects one.
    CookieConflict,
    /// A one-shot body was read or sent a second time.
    StreamConsumed,
    /// A body was read after it was closed.
    StreamClosed,
    /// A response body was larger than a limit the client was given: the decoded size
    /// (`max_decompressed_body`, a decompression-bomb guard) or what `send()` / `read()`
    /// may buffer (`max_response_body`). The message names the limit.
    BodyTooLarge,
    /// The response body was asked for before it was read.
    ResponseNotRead,
    /// The request body was asked for before it was read.
    RequestNotRead,
    /// A blocking call was made from inside the blocking client's own runtime.
    BlockingInsideRuntime,
    /// A request was sent on a client that was closed.
    ClientClosed,
    /// A request body could not be built: a value JSON cannot represent (NaN,
    /// infinity), a value a form cannot hold, a file that cannot be read or changed
    /// size, a bad multipart boundary...
    InvalidBody,
    /// An in-process app (`ServiceTransport`) failed: its service returned an error, or
    /// its response body did.
    App,
}

impl ErrorKind {
    /// A timeout of any phase (httpx's `TimeoutException`).
    pub fn is_timeout(self) -> bool {
        matches!(
            self,
            Self::ConnectTimeout
                | Self::ReadTimeout
                | Self::WriteTimeout
                | Self::PoolTimeout
                | Self::TotalTimeout
        )
    }

    /// A failure or timeout while connecting.
    pub fn is_connect(self) -> bool {
        matches!(self, Self::Connect | Self::ConnectTimeout)
    }

    /// A failed network operation (httpx's `NetworkError`).
    pub fn is_network(self) -> bool {
        matches!(self, Self::Connect | Self::Read | Self::Write | Self::Close)
    }

    /// A protocol violation by either side (httpx's `ProtocolError`).
    pub fn is_protocol(self) -> bool {
        matches!(self, Self::LocalProtocol | Self::RemoteProtocol)
    }

    /// Anything the transport reports (httpx's `TransportError`).
    pub fn is_transport(self) -> bool {
        self.is_timeout()
            || self.is_network()
            || self.is_protocol()
            || matches!(self, Self::Proxy | Self::UnsupportedProtocol)
    }

    /// Anything that went wrong while sending a request and reading its response
    /// (httpx's `RequestError`).
    pub fn is_request(self) -> bool {
        self.is_transport()
            || matches!(
                self,
                Self::Decoding | Self::TooManyRedirects | Self::BodyTooLarge
            )
    }

    /// Misuse of a body's reading state (httpx's `StreamError`).
    pub fn is_stream(self) -> bool {
        matches!(
            self,
            Self::StreamConsumed
                | Self::StreamClosed
                | Self::ResponseNotRead
                | Self::RequestNotRead
        )
    }

    /// What the kind is, in a few lower-case words.
    pub fn description(self) -> &'static str {
        match self {
            Self::ConnectTimeout => "connect timeout",
            Self::ReadTimeout => "read timeout",
            Self::WriteTimeout => "write timeout",
            Self::PoolTimeout => "pool timeout",
            Self::TotalTimeout => "total timeout",
            Self::Connect => "connect error",
            Self::Read => "read error",
            Self::Write => "write error",
            Self::Close => "close error",
            Self::LocalProtocol => "local protocol error",
            Self::RemoteProtocol => "remote protocol error",
            Self::Proxy => "proxy error",
            Self::UnsupportedProtocol => "unsupported protocol",
            Self::Decoding => "decoding error",
            Self::TooManyRedirects => "too many redirects",
            Self::Status => "status error",
            Self::InvalidUrl => "invalid URL",
            Self::InvalidHeader => "invalid header",
            Self::CookieConflict => "cookie conflict",
            Self::StreamConsumed => "stream consumed",
            Self::StreamClosed => "stream closed",
            Self::BodyTooLarge => "body too large",
            Self::ResponseNotRead => "response not read",
            Self::RequestNotRead => "request not read",
            Self::BlockingInsideRuntime => "blocking call inside the runtime",
            Self::ClientClosed => "client closed",
            Self::InvalidBody => "invalid body",
            Self::App => "app error",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}
