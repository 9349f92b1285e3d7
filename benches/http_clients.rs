//! HTTP clients against a real server: xhttp (async and blocking) vs reqwest vs raw hyper
//! (the hyper-util legacy client over plain HTTP, hyper's `client::conn::http2` over
//! tokio-rustls for HTTP/2), one client and one workload per process, so that
//! `scripts/bench` can interleave them over several rounds and take medians. Normally
//! run through `scripts/bench`, which starts a pinned nginx; see docs/PERFORMANCE.md.
//!
//! ```text
//! http_clients CLIENT WORKLOAD --url URL [--requests N] [--concurrency C] [--warmup N]
//!              [--body-len N] [--bytes N] [--ca PEM-FILE] [--time-limit SECONDS]
//! http_clients CLIENT headers
//! http_clients CLIENT construct [--requests N]
//! ```
//!
//! CLIENT is `hyper-util`, `reqwest`, `xhttp-async` or `xhttp-blocking`. WORKLOAD is
//! - `sequential`: one GET after the other on one keep-alive connection;
//! - `pool`: C GETs in flight at once (C tasks on the async runtime, or C threads for the
//!   blocking client) over the client's pool; with an `https://` URL and `--ca`, they are
//!   C streams on the client's one HTTP/2 connection (hyper: one `http2::SendRequest`
//!   shared by the C tasks);
//! - `download`: one GET of `--bytes` bytes, streamed chunk by chunk and counted;
//! - `upload`: one POST of `--bytes` bytes streamed in 64 KiB chunks (the same
//!   `http_body::Body` for every client), answered 200 after the server read it whole;
//! - `construct`: `--requests` client constructions, each timed on its own.
//!
//! Every GET's whole body is read and checked (status 200, `--body-len` bytes, 100 by
//! default), and so is the HTTP version of every response: HTTP/2 for `https://` URLs,
//! HTTP/1.1 otherwise.
//!
//! What is measured, over the timed phase only (after `--warmup` requests, or after one
//! GET of the origin's `/small` for the transfers):
//! - requests per second, or MB/s (10^6 bytes), from the wall clock;
//! - client CPU time per request, or per GB (10^9 bytes): user + system time of the whole
//!   process from `getrusage(RUSAGE_SELF)` (through `nix`, which keeps `unsafe` out of
//!   this crate), so it includes every thread the client uses, at µs resolution;
//! - heap allocations, counted by the `stats_alloc` global allocator over every thread;
//! - for the transfers, the process's peak resident set (`VmHWM` of /proc/self/status).
//!
//! The result is one line on stdout: `RESULT key=value ...`.
//!
//! Every client sends the same request headers: it is given the URL as a string for each
//! request and sets `accept: */*` and `user-agent: bench` on it; each adds `host` itself.
//! `headers` mode sends one request to a listener of its own and prints the request head
//! it received (sorted, the port in `host` replaced by `PORT`), which `scripts/bench`
//! compares across clients before measuring.
//!
//! Async clients run on a tokio current_thread runtime. Every loop is bounded by its
//! count and by `--time-limit` (wall clock, warm-up included): past it the process
//! stops with exit code 2 and says so. Exit code 3 means the client has no transport for
//! the URL in this build.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark reports on stdout

use std::alloc::System;
use std::convert::Infallible;
use std::fmt;
use std::future::poll_fn;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::pin::{Pin, pin};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_core::Stream;
use http::header::{ACCEPT, ACCEPT_ENCODING, USER_AGENT};
use http::{Method, Version};
use http_body::{Frame, SizeHint};
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper::client::conn::http2::SendRequest;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use nix::sys::resource::{UsageWho, getrusage};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The request headers every client sets explicitly (besides `host`).
const ACCEPT_VALUE: &str = "*/*";
const USER_AGENT_VALUE: &str = "bench";
/// Every client sends the Accept-Encoding xhttp sends by default (nginx compresses
/// nothing here), so that the request heads are the same.
const ACCEPT_ENCODING_VALUE: &str = "gzip, deflate, br, zstd";

/// The upload body's chunk: 64 KiB, static, so producing a chunk costs no allocation or
/// copy for any client.
const UPLOAD_CHUNK: usize = 64 * 1024;
static UPLOAD_BYTES: [u8; UPLOAD_CHUNK] = [b'u'; UPLOAD_CHUNK];

/// Why a run stopped early.
#[derive(Debug)]
enum Failure {
    /// Bad command line.
    Usage(String),
    /// The wall-clock cap was reached.
    TimeLimit {
        limit: Duration,
        done: u64,
        total: u64,
    },
    /// The client has no transport for the URL.
    NoTransport(String),
    /// A request failed or its response was not the expected one.
    Request(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(message) => write!(f, "usage: {message}"),
            Failure::TimeLimit { limit, done, total } => write!(
                f,
                "time limit of {} s reached after {done} of {total}: aborted",
                limit.as_secs_f64()
            ),
            Failure::NoTransport(message) => write!(f, "no transport in this build: {message}"),
            Failure::Request(message) => write!(f, "request failed: {message}"),
        }
    }
}

fn request_failure(error: impl fmt::Display) -> Failure {
    Failure::Request(error.to_string())
}

/// A hyper error with its source chain (hyper's own message is terse).
fn chain_failure(error: impl std::error::Error) -> Failure {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Failure::Request(message)
}

fn xhttp_failure(error: xhttp::Error) -> Failure {
    if error.kind() == xhttp::ErrorKind::UnsupportedProtocol {
        Failure::NoTransport(error.to_string())
    } else {
        request_failure(error)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ClientKind {
    HyperUtil,
    Reqwest,
    XhttpAsync,
    XhttpBlocking,
}

impl ClientKind {
    fn parse(name: &str) -> Result<ClientKind, Failure> {
        Ok(match name {
            "hyper-util" => ClientKind::HyperUtil,
            "reqwest" => ClientKind::Reqwest,
            "xhttp-async" => ClientKind::XhttpAsync,
            "xhttp-blocking" => ClientKind::XhttpBlocking,
            _ => return Err(Failure::Usage(format!("unknown client {name:?}"))),
        })
    }

    fn name(self) -> &'static str {
        match self {
            ClientKind::HyperUtil => "hyper-util",
            ClientKind::Reqwest => "reqwest",
            ClientKind::XhttpAsync => "xhttp-async",
            ClientKind::XhttpBlocking => "xhttp-blocking",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Workload {
    Sequential,
    Pool,
    Download,
    Upload,
    Construct,
    Headers,
    UploadHeaders,
}

impl Workload {
    fn name(self) -> &'static str {
        match self {
            Workload::Sequential => "sequential",
            Workload::Pool => "pool",
            Workload::Download => "download",
            Workload::Upload => "upload",
            Workload::Construct => "construct",
            Workload::Headers => "headers",
            Workload::UploadHeaders => "upload-headers",
        }
    }
}

#[derive(Debug)]
struct Args {
    client: ClientKind,
    workload: Workload,
    url: String,
    requests: u64,
    concurrency: usize,
    warmup: u64,
    body_len: usize,
    bytes: u64,
    /// The CA (PEM) to trust for `https://` URLs.
    ca: Option<Vec<u8>>,
    time_limit: Duration,
}

impl Args {
    /// The HTTP version every response must have.
    fn expected_version(&self) -> Version {
        if self.url.starts_with("https://") {
            Version::HTTP_2
        } else {
            Version::HTTP_11
        }
    }
}

fn parse_args() -> Result<Args, Failure> {
    // `cargo bench` appends `--bench`; it means nothing here.
    let mut rest = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let client = ClientKind::parse(&rest.next().ok_or(Failure::Usage(
        "http_clients CLIENT WORKLOAD [--url URL] [...]".into(),
    ))?)?;
    let workload = match rest.next().as_deref() {
        Some("sequential") => Workload::Sequential,
        Some("pool") => Workload::Pool,
        Some("download") => Workload::Download,
        Some("upload") => Workload::Upload,
        Some("construct") => Workload::Construct,
        Some("headers") => Workload::Headers,
        Some("upload-headers") => Workload::UploadHeaders,
        other => {
            return Err(Failure::Usage(format!(
                "workload {other:?}: expected sequential, pool, download, upload, construct, \
                 headers or upload-headers"
            )));
        }
    };
    let mut args = Args {
        client,
        workload,
        url: String::new(),
        requests: if workload == Workload::Construct {
            200
        } else {
            20_000
        },
        concurrency: if workload == Workload::Pool { 64 } else { 1 },
        warmup: 500,
        body_len: 100,
        bytes: 1 << 30,
        ca: None,
        time_limit: Duration::from_secs(60),
    };
    while let Some(flag) = rest.next() {
        let value = rest
            .next()
            .ok_or_else(|| Failure::Usage(format!("{flag} needs a value")))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| Failure::Usage(format!("{flag} {value:?}: not a number")))
        };
        match flag.as_str() {
            "--url" => args.url = value.clone(),
            "--requests" => args.requests = number()?,
            "--concurrency" => args.concurrency = number()? as usize,
            "--warmup" => args.warmup = number()?,
            "--body-len" => args.body_len = number()? as usize,
            "--bytes" => args.bytes = number()?,
            "--ca" => {
                args.ca = Some(
                    std::fs::read(&value)
                        .map_err(|error| Failure::Usage(format!("--ca {value}: {error}")))?,
                );
            }
            "--time-limit" => args.time_limit = Duration::from_secs(number()?),
            _ => return Err(Failure::Usage(format!("unknown option {flag}"))),
        }
    }
    let needs_url = !matches!(
        args.workload,
        Workload::Headers | Workload::UploadHeaders | Workload::Construct
    );
    if needs_url && args.url.is_empty() {
        return Err(Failure::Usage("--url is required".into()));
    }
    if args.url.starts_with("https://") && args.ca.is_none() {
        return Err(Failure::Usage("an https:// URL needs --ca".into()));
    }
    if args.requests == 0 || args.concurrency == 0 || args.time_limit.is_zero() {
        return Err(Failure::Usage(
            "--requests, --concurrency and --time-limit must be positive".into(),
        ));
    }
    if args.workload != Workload::Pool {
        args.concurrency = 1;
    }
    Ok(args)
}

/// The upload body of every client: `remaining` bytes in static 64 KiB chunks, with an
/// exact size (so every client sends `Content-Length`). `taken` counts the bytes the
/// client pulled, checked against the total once the answer is in.
#[derive(Debug)]
struct ChunkBody {
    remaining: u64,
    taken: Arc<AtomicU64>,
}

impl ChunkBody {
    fn new(len: u64, taken: &Arc<AtomicU64>) -> ChunkBody {
        ChunkBody {
            remaining: len,
            taken: Arc::clone(taken),
        }
    }

    fn empty() -> ChunkBody {
        ChunkBody::new(0, &Arc::new(AtomicU64::new(0)))
    }
}

impl http_body::Body for ChunkBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let len = self.remaining.min(UPLOAD_CHUNK as u64);
        self.remaining -= len;
        self.taken.fetch_add(len, Ordering::Relaxed);
        let chunk = Bytes::from_static(&UPLOAD_BYTES[..len as usize]);
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}

/// rustls with the aws-lc-rs provider (reqwest's and xhttp's default), trusting `ca_pem`
/// only, offering `h2` by ALPN: the raw baseline's TLS, with the same crypto as the others.
fn rustls_config(ca_pem: &[u8]) -> Result<Arc<rustls::ClientConfig>, Failure> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for certificate in CertificateDer::pem_slice_iter(ca_pem) {
        roots
            .add(certificate.map_err(request_failure)?)
            .map_err(request_failure)?;
    }
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(request_failure)?
    .with_root_certificates(roots)
    .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

/// Raw hyper: the legacy client over plain HTTP/1.1, or one HTTP/2 connection over
/// tokio-rustls (hyper's `client::conn::http2`; hyper-util has no TLS) whose
/// `SendRequest` every task clones. Unboxed, as [`AsyncClient`].
#[allow(clippy::large_enum_variant)]
enum HyperSender<B> {
    Legacy(HyperClient<HttpConnector, B>),
    H2(SendRequest<B>),
}

impl<B> Clone for HyperSender<B> {
    fn clone(&self) -> Self {
        match self {
            HyperSender::Legacy(client) => HyperSender::Legacy(client.clone()),
            HyperSender::H2(sender) => HyperSender::H2(sender.clone()),
        }
    }
}

impl<B> HyperSender<B>
where
    B: http_body::Body<Data = Bytes> + Send + Unpin + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    async fn new(args: &Args) -> Result<HyperSender<B>, Failure> {
        let Some(ca) = args
            .ca
            .as_deref()
            .filter(|_| args.url.starts_with("https://"))
        else {
            let mut connector = HttpConnector::new();
            // As reqwest (and xhttp) do by default.
            connector.set_nodelay(true);
            return Ok(HyperSender::Legacy(
                HyperClient::builder(TokioExecutor::new()).build(connector),
            ));
        };
        let uri: http::Uri = args.url.parse().map_err(request_failure)?;
        let host = uri.host().unwrap_or("localhost").to_owned();
        let port = uri.port_u16().unwrap_or(443);
        let tcp = tokio::net::TcpStream::connect((host.as_str(), port))
            .await
            .map_err(request_failure)?;
        tcp.set_nodelay(true).map_err(request_failure)?;
        let name = rustls_pki_types::ServerName::try_from(host).map_err(request_failure)?;
        let tls = tokio_rustls::TlsConnector::from(rustls_config(ca)?)
            .connect(name, tcp)
            .await
            .map_err(request_failure)?;
        if tls.get_ref().1.alpn_protocol() != Some(b"h2") {
            return Err(Failure::Request(
                "the server did not choose h2 by ALPN".into(),
            ));
        }
        let (sender, connection) =
            hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls))
                .await
                .map_err(chain_failure)?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                eprintln!("http_clients: the HTTP/2 connection failed: {error}");
            }
        });
        Ok(HyperSender::H2(sender))
    }

    async fn send(
        &mut self,
        method: Method,
        url: &str,
        body: B,
    ) -> Result<http::Response<Incoming>, Failure> {
        let request = http::Request::builder()
            .method(method)
            .uri(url)
            .header(ACCEPT, ACCEPT_VALUE)
            .header(USER_AGENT, USER_AGENT_VALUE)
            .header(ACCEPT_ENCODING, ACCEPT_ENCODING_VALUE)
            .body(body)
            .map_err(request_failure)?;
        match self {
            HyperSender::Legacy(client) => client.request(request).await.map_err(chain_failure),
            HyperSender::H2(sender) => {
                sender.ready().await.map_err(chain_failure)?;
                sender.send_request(request).await.map_err(chain_failure)
            }
        }
    }
}

/// The async clients, dispatched by a `match` (the same cost for each). Unboxed on
/// purpose: a few values per process, and no client pays for an extra indirection.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum AsyncClient {
    HyperUtil(HyperSender<Empty<Bytes>>),
    /// Raw hyper with the upload body type (its GETs send an empty one).
    HyperUpload(HyperSender<ChunkBody>),
    Reqwest(reqwest::Client),
    Xhttp(xhttp::AsyncClient),
}

impl AsyncClient {
    async fn new(args: &Args) -> Result<AsyncClient, Failure> {
        Ok(match args.client {
            ClientKind::HyperUtil
                if matches!(args.workload, Workload::Upload | Workload::UploadHeaders) =>
            {
                AsyncClient::HyperUpload(HyperSender::new(args).await?)
            }
            ClientKind::HyperUtil => AsyncClient::HyperUtil(HyperSender::new(args).await?),
            ClientKind::Reqwest => {
                let mut builder = reqwest::Client::builder().no_proxy();
                if let Some(ca) = &args.ca {
                    builder = builder.add_root_certificate(
                        reqwest::Certificate::from_pem(ca).map_err(request_failure)?,
                    );
                }
                AsyncClient::Reqwest(builder.build().map_err(request_failure)?)
            }
            ClientKind::XhttpAsync => AsyncClient::Xhttp(match &args.ca {
                Some(ca) => xhttp::AsyncClient::builder()
                    .add_root_certificate(ca.clone())
                    .build()
                    .map_err(xhttp_failure)?,
                None => xhttp::AsyncClient::new(),
            }),
            ClientKind::XhttpBlocking => unreachable!("the blocking client is not async"),
        })
    }

    /// One GET of `url`, whole body read; returns the body's length and the version.
    async fn get(&mut self, url: &str) -> Result<(usize, Version), Failure> {
        match self {
            AsyncClient::HyperUtil(client) => {
                let response = client.send(Method::GET, url, Empty::new()).await?;
                hyper_collect(response).await
            }
            AsyncClient::HyperUpload(client) => {
                let response = client.send(Method::GET, url, ChunkBody::empty()).await?;
                hyper_collect(response).await
            }
            AsyncClient::Reqwest(client) => {
                let response = client
                    .get(url)
                    .header(ACCEPT, ACCEPT_VALUE)
                    .header(USER_AGENT, USER_AGENT_VALUE)
                    .header(ACCEPT_ENCODING, ACCEPT_ENCODING_VALUE)
                    .send()
                    .await
                    .map_err(request_failure)?;
                check_status(response.status().as_u16())?;
                let version = response.version();
                Ok((
                    response.bytes().await.map_err(request_failure)?.len(),
                    version,
                ))
            }
            AsyncClient::Xhttp(client) => {
                let response = client
                    .get(url)
                    .header(ACCEPT, ACCEPT_VALUE)
                    .header(USER_AGENT, USER_AGENT_VALUE)
                    .header(ACCEPT_ENCODING, ACCEPT_ENCODING_VALUE)
                    .send()
                    .await
                    .map_err(xhttp_failure)?;
                check_status(response.status().as_u16())?;
                let len = response.content().map_err(xhttp_failure)?.len();
                Ok((len, response.version()))
            }
        }
    }

    /// One GET of `url` whose body is streamed and counted, never held whole.
    async fn download(&mut self, url: &str) -> Result<(u64, Version), Failure> {
        let mut total = 0u64;
        match self {
            AsyncClient::HyperUtil(client) => {
                let response = client.send(Method::GET, url, Empty::new()).await?;
                check_status(response.status().as_u16())?;
                let version = response.version();
                let mut body = response.into_body();
                while let Some(frame) = body.frame().await {
                    if let Some(data) = frame.map_err(chain_failure)?.data_ref() {
                        total += data.len() as u64;
                    }
                }
                Ok((total, version))
            }
            AsyncClient::HyperUpload(_) => unreachable!("built for uploads only"),
            AsyncClient::Reqwest(client) => {
                let mut response = client
                    .get(url)
                    .header(ACCEPT, ACCEPT_VALUE)
                    .header(USER_AGENT, USER_AGENT_VALUE)
                    .header(ACCEPT_ENCODING, ACCEPT_ENCODING_VALUE)
                    .send()
                    .await
                    .map_err(request_failure)?;
                check_status(response.status().as_u16())?;
                let version = response.version();
                while let Some(chunk) = response.chunk().await.map_err(request_failure)? {
                    total += chunk.len() as u64;
                }
                Ok((total, version))
            }
            AsyncClient::Xhttp(client) => {
                let mut response = client
                    .get(url)
                    .header(ACCEPT, ACCEPT_VALUE)
                    .header(USER_AGENT, USER_AGENT_VALUE)
                    .header(ACCEPT_ENCODING, ACCEPT_ENCODING_VALUE)
                    .stream()
                    .await
                    .map_err(xhttp_failure)?;
                check_status(response.status().as_u16())?;
                let version = response.version();
                let mut chunks = pin!(response.bytes_stream(None));
                while let Some(chunk) = poll_fn(|cx| chunks.as_mut().poll_next(cx)).await {
                    total += chunk.map_err(xhttp_failure)?.len() as u64;
                }
                Ok((total, version))
            }
        }
    }

    /// One POST of `len` bytes in 64 KiB chunks; `taken` counts what the client pulled.
    async fn upload(
        &mut self,
        url: &str,
        len: u64,
        taken: &Arc<AtomicU64>,
    ) -> Result<Version, Failure> {
        let body = ChunkBody::new(len, taken);
        match self {
            AsyncClient::HyperUpload(client) => {
                let response = client.send(Method::POST, url, body).await?;
                Ok(hyper_collect(response).await?.1)
            }
            AsyncClient::HyperUtil(_) => unreachable!("built for GETs only"),
            AsyncClient::Reqwest(client) => {
                let response = client
                    .post(url)
                    .header(ACCEPT, ACCEPT_VALUE)
                    .header(USER_AGENT, USER_AGENT_VALUE)
                    .header(ACCEPT_ENCODING, ACCEPT_ENCODING_VALUE)
                    .body(reqwest::Body::wrap(body))
                    .send()
                    .await
                    .map_err(request_failure)?;
                check_status(response.status().as_u16())?;
                let version = response.version();
                response.bytes().await.map_err(request_failure)?;
                Ok(version)
            }
            AsyncClient::Xhttp(client) => {
                let response = client
                    .post(url)
                    .header(ACCEPT, ACCEPT_VALUE)
                    .header(USER_AGENT, USER_AGENT_VALUE)
                    .header(ACCEPT_ENCODING, ACCEPT_ENCODING_VALUE)
                    .body(xhttp::Body::from_stream_with_length(body, len))
                    .send()
                    .await
                    .map_err(xhttp_failure)?;
                check_status(response.status().as_u16())?;
                response.content().map_err(xhttp_failure)?;
                Ok(response.version())
            }
        }
    }
}

async fn hyper_collect(response: http::Response<Incoming>) -> Result<(usize, Version), Failure> {
    check_status(response.status().as_u16())?;
    let version = response.version();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(chain_failure)?
        .to_bytes();
    Ok((body.len(), version))
}

fn blocking_client(args: &Args) -> Result<xhttp::Client, Failure> {
    Ok(match &args.ca {
        Some(ca) => xhttp::Client::builder()
            .add_root_certificate(ca.clone())
            .build()
            .map_err(xhttp_failure)?,
        None => xhttp::Client::new(),
    })
}

fn blocking_get(client: &xhttp::Client, url: &str) -> Result<(usize, Version), Failure> {
    let response = client
        .get(url)
        .header(ACCEPT, ACCEPT_VALUE)
        .header(USER_AGENT, USER_AGENT_VALUE)
        .header(ACCEPT_ENCODING, ACCEPT_ENCODING_VALUE)
        .send()
        .map_err(xhttp_failure)?;
    check_status(response.status().as_u16())?;
    let len = response.content().map_err(xhttp_failure)?.len();
    Ok((len, response.version()))
}

fn blocking_download(
    client: &xhttp::Client,
    url: &str,
    deadline: Instant,
    args: &Args,
) -> Result<(u64, Version), Failure> {
    let mut response = client
        .get(url)
        .header(ACCEPT, ACCEPT_VALUE)
        .header(USER_AGENT, USER_AGENT_VALUE)
        .header(ACCEPT_ENCODING, ACCEPT_ENCODING_VALUE)
        .stream()
        .map_err(xhttp_failure)?;
    check_status(response.status().as_u16())?;
    let version = response.version();
    let mut total = 0u64;
    for chunk in response.iter_bytes(None) {
        total += chunk.map_err(xhttp_failure)?.len() as u64;
        if Instant::now() > deadline {
            return Err(Failure::TimeLimit {
                limit: args.time_limit,
                done: total,
                total: args.bytes,
            });
        }
    }
    Ok((total, version))
}

fn blocking_upload(
    client: &xhttp::Client,
    url: &str,
    len: u64,
    taken: &Arc<AtomicU64>,
) -> Result<Version, Failure> {
    let body = ChunkBody::new(len, taken);
    let response = client
        .post(url)
        .header(ACCEPT, ACCEPT_VALUE)
        .header(USER_AGENT, USER_AGENT_VALUE)
        .header(ACCEPT_ENCODING, ACCEPT_ENCODING_VALUE)
        .body(xhttp::Body::from_stream_with_length(body, len))
        .send()
        .map_err(xhttp_failure)?;
    check_status(response.status().as_u16())?;
    response.content().map_err(xhttp_failure)?;
    Ok(response.version())
}

fn check_status(status: u16) -> Result<(), Failure> {
    if status == 200 {
        Ok(())
    } else {
        Err(Failure::Request(format!("status {status}, expected 200")))
    }
}

fn check_version(version: Version, expected: Version) -> Result<(), Failure> {
    if version == expected {
        Ok(())
    } else {
        Err(Failure::Request(format!(
            "response in {version:?}, expected {expected:?}"
        )))
    }
}

/// Hands out request numbers up to a total and enforces the deadline.
struct Budget {
    next: AtomicU64,
    total: u64,
    deadline: Instant,
    limit: Duration,
    body_len: usize,
    version: Version,
}

impl Budget {
    fn new(total: u64, deadline: Instant, args: &Args) -> Budget {
        Budget {
            next: AtomicU64::new(0),
            total,
            deadline,
            limit: args.time_limit,
            body_len: args.body_len,
            version: args.expected_version(),
        }
    }

    /// The next request's number, `None` once `total` were handed out, an error past the
    /// deadline.
    fn take(&self) -> Result<Option<u64>, Failure> {
        if Instant::now() > self.deadline {
            return Err(self.timed_out());
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        Ok((n < self.total).then_some(n))
    }

    fn timed_out(&self) -> Failure {
        Failure::TimeLimit {
            limit: self.limit,
            done: self.next.load(Ordering::Relaxed).min(self.total),
            total: self.total,
        }
    }

    fn check(&self, (len, version): (usize, Version)) -> Result<(), Failure> {
        check_version(version, self.version)?;
        if len == self.body_len {
            Ok(())
        } else {
            Err(Failure::Request(format!(
                "body of {len} bytes, expected {}",
                self.body_len
            )))
        }
    }
}

/// Runs `total` GETs, `concurrency` at a time, on the current_thread runtime.
async fn run_async(
    client: &AsyncClient,
    url: &Arc<str>,
    total: u64,
    concurrency: usize,
    deadline: Instant,
    args: &Args,
) -> Result<(), Failure> {
    let budget = Arc::new(Budget::new(total, deadline, args));
    // The deadline also bounds a request that never completes.
    tokio::time::timeout_at(
        deadline.into(),
        run_budget(client, url, concurrency, Arc::clone(&budget)),
    )
    .await
    .map_err(|_| budget.timed_out())?
}

async fn run_budget(
    client: &AsyncClient,
    url: &Arc<str>,
    concurrency: usize,
    budget: Arc<Budget>,
) -> Result<(), Failure> {
    if concurrency == 1 {
        let mut client = client.clone();
        while budget.take()?.is_some() {
            budget.check(client.get(url).await?)?;
        }
        return Ok(());
    }
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (mut client, url, budget) = (client.clone(), Arc::clone(url), Arc::clone(&budget));
            tokio::spawn(async move {
                while budget.take()?.is_some() {
                    budget.check(client.get(&url).await?)?;
                }
                Ok::<(), Failure>(())
            })
        })
        .collect();
    for task in tasks {
        task.await.map_err(request_failure)??;
    }
    Ok(())
}

/// Runs `total` GETs, `concurrency` threads at a time, with the blocking client.
fn run_blocking(
    client: &xhttp::Client,
    url: &str,
    total: u64,
    concurrency: usize,
    deadline: Instant,
    args: &Args,
) -> Result<(), Failure> {
    let budget = Budget::new(total, deadline, args);
    let worker = || {
        while budget.take()?.is_some() {
            budget.check(blocking_get(client, url)?)?;
        }
        Ok::<(), Failure>(())
    };
    if concurrency == 1 {
        return worker();
    }
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..concurrency).map(|_| scope.spawn(worker)).collect();
        threads.into_iter().try_for_each(|thread| {
            thread
                .join()
                .map_err(|_| Failure::Request("a worker thread panicked".into()))?
        })
    })
}

/// CPU time of the whole process so far: user + system, and the user part alone.
#[derive(Clone, Copy)]
struct CpuTime {
    total: Duration,
    user: Duration,
}

impl std::ops::Sub for CpuTime {
    type Output = CpuTime;
    fn sub(self, earlier: CpuTime) -> CpuTime {
        CpuTime {
            total: self.total - earlier.total,
            user: self.user - earlier.user,
        }
    }
}

fn process_cpu_time() -> CpuTime {
    let usage = getrusage(UsageWho::RUSAGE_SELF).expect("getrusage(RUSAGE_SELF)");
    let micros = |tv: nix::sys::time::TimeVal| {
        Duration::from_secs(tv.tv_sec().unsigned_abs())
            + Duration::from_micros(tv.tv_usec().unsigned_abs())
    };
    let user = micros(usage.user_time());
    CpuTime {
        total: user + micros(usage.system_time()),
        user,
    }
}

/// The process's peak resident set so far, in KiB (`VmHWM`).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmHWM:")?
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse()
                    .ok()
            })
        })
        .unwrap_or(0)
}

fn current_thread_runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(request_failure)
}

/// Warm-up, then the timed phase of `sequential` or `pool`; prints the RESULT line.
fn measure_requests(args: &Args) -> Result<(), Failure> {
    let deadline = Instant::now() + args.time_limit;
    let url: Arc<str> = Arc::from(args.url.as_str());
    // Enough warm-up requests to open every connection of the pool. The first one runs
    // alone: it opens the connection that an HTTP/2 client then shares (started cold with
    // 64 requests at once, a client that learns the protocol only from the TLS handshake,
    // as hyper-util's legacy pool under reqwest, opens 64 connections).
    let warmup = args.warmup.max(4 * args.concurrency as u64) - 1;
    let (start, cpu_start, region);
    if args.client == ClientKind::XhttpBlocking {
        let client = blocking_client(args)?;
        run_blocking(&client, &url, 1, 1, deadline, args)?;
        run_blocking(&client, &url, warmup, args.concurrency, deadline, args)?;
        region = Region::new(GLOBAL);
        (start, cpu_start) = (Instant::now(), process_cpu_time());
        run_blocking(
            &client,
            &url,
            args.requests,
            args.concurrency,
            deadline,
            args,
        )?;
    } else {
        let runtime = current_thread_runtime()?;
        let client = runtime.block_on(AsyncClient::new(args))?;
        runtime.block_on(run_async(&client, &url, 1, 1, deadline, args))?;
        runtime.block_on(run_async(
            &client,
            &url,
            warmup,
            args.concurrency,
            deadline,
            args,
        ))?;
        region = Region::new(GLOBAL);
        (start, cpu_start) = (Instant::now(), process_cpu_time());
        runtime.block_on(run_async(
            &client,
            &url,
            args.requests,
            args.concurrency,
            deadline,
            args,
        ))?;
    }
    let (elapsed, cpu) = (start.elapsed(), process_cpu_time() - cpu_start);
    let allocations = region.change().allocations;
    let n = args.requests as f64;
    println!(
        "RESULT client={} workload={} requests={} seconds={:.4} rps={:.0} cpu_us={:.2} allocs={:.2}",
        args.client.name(),
        args.workload.name(),
        args.requests,
        elapsed.as_secs_f64(),
        n / elapsed.as_secs_f64(),
        cpu.total.as_secs_f64() * 1e6 / n,
        allocations as f64 / n,
    );
    Ok(())
}

/// The URL of `/small` on the origin of `url`: the transfers' warm-up request.
fn small_url(url: &str) -> Result<String, Failure> {
    let uri: http::Uri = url.parse().map_err(request_failure)?;
    Ok(format!(
        "{}://{}/small",
        uri.scheme_str().unwrap_or("http"),
        uri.authority()
            .ok_or_else(|| Failure::Usage(format!("{url}: no host")))?
    ))
}

/// One warm-up GET of `/small` (opens the connection, TLS and h2 handshakes included),
/// then the timed transfer; prints the RESULT line.
fn measure_transfer(args: &Args) -> Result<(), Failure> {
    let deadline = Instant::now() + args.time_limit;
    let small: Arc<str> = Arc::from(small_url(&args.url)?);
    let expected = args.expected_version();
    let taken = Arc::new(AtomicU64::new(0));
    let timed_out = |done: u64| Failure::TimeLimit {
        limit: args.time_limit,
        done,
        total: args.bytes,
    };
    let (start, cpu_start, region, version, bytes);
    if args.client == ClientKind::XhttpBlocking {
        let client = blocking_client(args)?;
        run_blocking(&client, &small, 1, 1, deadline, args)?;
        region = Region::new(GLOBAL);
        (start, cpu_start) = (Instant::now(), process_cpu_time());
        (bytes, version) = if args.workload == Workload::Download {
            blocking_download(&client, &args.url, deadline, args)?
        } else {
            let version = blocking_upload(&client, &args.url, args.bytes, &taken)?;
            (taken.load(Ordering::Relaxed), version)
        };
    } else {
        let runtime = current_thread_runtime()?;
        let mut client = runtime.block_on(AsyncClient::new(args))?;
        runtime.block_on(run_async(&client, &small, 1, 1, deadline, args))?;
        region = Region::new(GLOBAL);
        (start, cpu_start) = (Instant::now(), process_cpu_time());
        let transfer = async {
            if args.workload == Workload::Download {
                client.download(&args.url).await
            } else {
                let version = client.upload(&args.url, args.bytes, &taken).await?;
                Ok((taken.load(Ordering::Relaxed), version))
            }
        };
        (bytes, version) = runtime
            .block_on(async { tokio::time::timeout_at(deadline.into(), transfer).await })
            .map_err(|_| timed_out(taken.load(Ordering::Relaxed)))??;
    }
    let (elapsed, cpu) = (start.elapsed(), process_cpu_time() - cpu_start);
    let allocations = region.change().allocations;
    check_version(version, expected)?;
    if bytes != args.bytes {
        return Err(Failure::Request(format!(
            "{} {bytes} bytes, expected {}",
            if args.workload == Workload::Download {
                "received"
            } else {
                "sent"
            },
            args.bytes
        )));
    }
    let gb = bytes as f64 / 1e9;
    println!(
        "RESULT client={} workload={} bytes={bytes} seconds={:.4} mbps={:.1} cpu_s_per_gb={:.3} \
         user_s_per_gb={:.3} rss_kib={} allocs_total={allocations}",
        args.client.name(),
        args.workload.name(),
        elapsed.as_secs_f64(),
        bytes as f64 / 1e6 / elapsed.as_secs_f64(),
        cpu.total.as_secs_f64() / gb,
        cpu.user.as_secs_f64() / gb,
        peak_rss_kib(),
    );
    Ok(())
}

/// `--requests` constructions of a default client, each timed alone (dropping it is not
/// timed); prints the median, the first (cold) one and allocations per construction.
fn measure_construction(args: &Args) -> Result<(), Failure> {
    let deadline = Instant::now() + args.time_limit;
    let runtime = current_thread_runtime()?;
    // Inside the runtime's context, as an application would build its client.
    let _context = runtime.enter();
    let mut times = Vec::with_capacity(args.requests as usize);
    let region = Region::new(GLOBAL);
    for done in 0..args.requests {
        if Instant::now() > deadline {
            return Err(Failure::TimeLimit {
                limit: args.time_limit,
                done,
                total: args.requests,
            });
        }
        let start = Instant::now();
        let elapsed;
        match args.client {
            ClientKind::HyperUtil => {
                let mut connector = HttpConnector::new();
                connector.set_nodelay(true);
                let client: HyperClient<_, Empty<Bytes>> =
                    HyperClient::builder(TokioExecutor::new()).build(connector);
                elapsed = start.elapsed();
                drop(client);
            }
            ClientKind::Reqwest => {
                let client = reqwest::Client::new();
                elapsed = start.elapsed();
                drop(client);
            }
            ClientKind::XhttpAsync => {
                let client = xhttp::AsyncClient::new();
                elapsed = start.elapsed();
                drop(client);
            }
            ClientKind::XhttpBlocking => {
                let client = xhttp::Client::new();
                elapsed = start.elapsed();
                drop(client);
            }
        }
        times.push(elapsed);
    }
    let allocations = region.change().allocations;
    let first = times[0];
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "RESULT client={} workload=construct constructions={} median_us={:.2} first_us={:.1} \
         allocs={:.1}",
        args.client.name(),
        args.requests,
        median.as_secs_f64() * 1e6,
        first.as_secs_f64() * 1e6,
        allocations as f64 / args.requests as f64,
    );
    Ok(())
}

/// Sends one request to a listener of our own and prints the request head it read: a GET
/// (`headers`), or a POST with a small upload body (`upload-headers`), whose body the
/// listener reads as its `content-length` says.
fn show_headers(args: &Args) -> Result<(), Failure> {
    const UPLOAD_PROBE_LEN: u64 = 100_000;
    let upload = args.workload == Workload::UploadHeaders;
    let listener = TcpListener::bind("127.0.0.1:0").map_err(request_failure)?;
    let port = listener.local_addr().map_err(request_failure)?.port();
    let body_len = if upload { 0 } else { args.body_len };
    let server = std::thread::spawn(move || -> std::io::Result<String> {
        let (mut stream, _) = listener.accept()?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut head = Vec::new();
        let mut buf = [0; 4096];
        // Bounded: at most 64 KiB of head, and the read timeout above.
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65_536 {
            let n = stream.read(&mut buf)?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        if upload {
            // The body: as long as `content-length` says (bounded: 1 MiB at most).
            let end = head
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map_or(0, |i| i + 4);
            let text = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
            let length = text
                .lines()
                .find_map(|line| line.strip_prefix("content-length:")?.trim().parse().ok())
                .unwrap_or(0usize)
                .min(1 << 20);
            let mut read = head.len() - end;
            while read < length {
                let n = stream.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                read += n;
            }
            head.truncate(end);
        }
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {body_len}\r\nconnection: close\r\n\r\n{}",
            "x".repeat(body_len)
        );
        stream.write_all(response.as_bytes())?;
        Ok(String::from_utf8_lossy(&head).into_owned())
    });
    let path = if upload { "upload" } else { "small" };
    let url = format!("http://127.0.0.1:{port}/{path}");
    let deadline = Instant::now() + args.time_limit;
    let taken = Arc::new(AtomicU64::new(0));
    let sent = if upload && args.client == ClientKind::XhttpBlocking {
        blocking_upload(&xhttp::Client::new(), &url, UPLOAD_PROBE_LEN, &taken).map(drop)
    } else if upload {
        current_thread_runtime().and_then(|runtime| {
            runtime.block_on(async {
                let mut client = AsyncClient::new(args).await?;
                let upload = client.upload(&url, UPLOAD_PROBE_LEN, &taken);
                tokio::time::timeout_at(deadline.into(), upload)
                    .await
                    .map_err(|_| Failure::Request("the upload probe timed out".into()))?
                    .map(drop)
            })
        })
    } else if args.client == ClientKind::XhttpBlocking {
        run_blocking(&xhttp::Client::new(), &url, 1, 1, deadline, args)
    } else {
        current_thread_runtime().and_then(|runtime| {
            let client = runtime.block_on(AsyncClient::new(args))?;
            runtime.block_on(run_async(
                &client,
                &Arc::from(url.as_str()),
                1,
                1,
                deadline,
                args,
            ))
        })
    };
    if let Err(error) = sent {
        // Unblock the listener's accept so the thread ends.
        drop(std::net::TcpStream::connect(("127.0.0.1", port)));
        return Err(error);
    }
    let head = server
        .join()
        .map_err(|_| Failure::Request("the header listener panicked".into()))?
        .map_err(request_failure)?;
    let mut lines = head.split("\r\n").filter(|line| !line.is_empty());
    let request_line = lines.next().unwrap_or_default();
    let mut fields: Vec<String> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.trim().replace(&format!(":{port}"), ":PORT");
            format!("{}: {value}", name.to_ascii_lowercase())
        })
        .collect();
    fields.sort();
    println!("{request_line}");
    for field in fields {
        println!("{field}");
    }
    Ok(())
}

/// `XHTTP_BLOCKING_BRIDGE=spawn` measures the other way the blocking client can wait;
/// `XHTTP_BLOCKING_WORKERS=N` another worker count for its private runtime.
fn configure_blocking_client() {
    if std::env::var("XHTTP_BLOCKING_BRIDGE").as_deref() == Ok("spawn") {
        xhttp::blocking::runtime::set_bridge(xhttp::blocking::runtime::Bridge::Spawn);
    }
    if let Some(workers) = std::env::var("XHTTP_BLOCKING_WORKERS")
        .ok()
        .and_then(|value| value.parse().ok())
    {
        xhttp::blocking::runtime::set_worker_threads(workers);
    }
}

fn main() -> ExitCode {
    configure_blocking_client();
    let result = parse_args().and_then(|args| match args.workload {
        Workload::Headers | Workload::UploadHeaders => show_headers(&args),
        Workload::Construct => measure_construction(&args),
        Workload::Download | Workload::Upload => measure_transfer(&args),
        Workload::Sequential | Workload::Pool => measure_requests(&args),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("http_clients: {failure}");
            ExitCode::from(match failure {
                Failure::TimeLimit { .. } => 2,
                Failure::NoTransport(_) => 3,
                Failure::Usage(_) | Failure::Request(_) => 1,
            })
        }
    }
}
