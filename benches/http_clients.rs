//! HTTP clients against a real server: xhttp (async and blocking) vs reqwest vs the raw
//! hyper-util legacy client, one client and one workload per process, so that
//! `scripts/bench` can interleave them over several rounds and take medians. Normally
//! run through `scripts/bench`, which starts a pinned nginx; see docs/PERFORMANCE.md.
//!
//! ```text
//! http_clients CLIENT WORKLOAD --url URL [--requests N] [--concurrency C]
//!              [--warmup N] [--time-limit SECONDS]
//! http_clients CLIENT headers
//! ```
//!
//! CLIENT is `hyper-util`, `reqwest`, `xhttp-async` or `xhttp-blocking`; WORKLOAD is
//! `sequential` (one request after the other on one keep-alive connection) or `pool`
//! (C requests in flight at once over the client's HTTP/1.1 pool: C tasks on the async
//! runtime, or C threads for the blocking client). Every request is a GET whose whole
//! body is read and checked (status 200, `--body-len` bytes, 100 by default).
//!
//! What is measured, over the timed phase only (after `--warmup` requests):
//! - requests per second (wall clock);
//! - client CPU time per request: user + system time of the whole process from
//!   `getrusage(RUSAGE_SELF)` (through `nix`, which keeps `unsafe` out of this crate),
//!   so it includes every thread the client uses (the blocking client's runtime, DNS
//!   helpers), at microsecond resolution;
//! - heap allocations per request, counted by the `stats_alloc` global allocator over
//!   every thread.
//!
//! The result is one line on stdout: `RESULT client=.. workload=.. requests=..
//! seconds=.. rps=.. cpu_us=.. allocs=..`.
//!
//! Every client sends the same request headers: it is given the URL as a string for each
//! request and sets `accept: */*` and `user-agent: bench` on it; each adds `host` itself.
//! `headers` mode sends one request to a listener of its own and prints the request head
//! it received (sorted, the port in `host` replaced by `PORT`), which `scripts/bench`
//! compares across clients before measuring.
//!
//! Async clients run on a tokio current_thread runtime. Every loop is bounded by its
//! request count and by `--time-limit` (wall clock, warm-up included): past it the process
//! stops with exit code 2 and says so. Exit code 3 means the client has no transport for
//! `http://` in this build (xhttp before its transport lands).

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark reports on stdout

use std::alloc::System;
use std::fmt;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{ACCEPT, USER_AGENT};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use nix::sys::resource::{UsageWho, getrusage};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The request headers every client sets explicitly (besides `host`).
const ACCEPT_VALUE: &str = "*/*";
const USER_AGENT_VALUE: &str = "bench";

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
    /// The client has no transport for the URL (xhttp before its transport lands).
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
                "time limit of {} s reached after {done} of {total} requests: aborted",
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
    Headers,
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
    time_limit: Duration,
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
        Some("headers") => Workload::Headers,
        other => {
            return Err(Failure::Usage(format!(
                "workload {other:?}: expected sequential, pool or headers"
            )));
        }
    };
    let mut args = Args {
        client,
        workload,
        url: String::new(),
        requests: 20_000,
        concurrency: if workload == Workload::Pool { 64 } else { 1 },
        warmup: 500,
        body_len: 100,
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
            "--time-limit" => args.time_limit = Duration::from_secs(number()?),
            _ => return Err(Failure::Usage(format!("unknown option {flag}"))),
        }
    }
    if args.workload != Workload::Headers && args.url.is_empty() {
        return Err(Failure::Usage("--url is required".into()));
    }
    if args.requests == 0 || args.concurrency == 0 || args.time_limit.is_zero() {
        return Err(Failure::Usage(
            "--requests, --concurrency and --time-limit must be positive".into(),
        ));
    }
    if args.workload == Workload::Sequential {
        args.concurrency = 1;
    }
    Ok(args)
}

/// The async clients, dispatched by a `match` (the same cost for each). Unboxed on
/// purpose: a few values per process, and no client pays for an extra indirection.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum AsyncClient {
    HyperUtil(HyperClient<HttpConnector, Empty<Bytes>>),
    Reqwest(reqwest::Client),
    Xhttp(xhttp::AsyncClient),
}

impl AsyncClient {
    fn new(kind: ClientKind) -> Result<AsyncClient, Failure> {
        Ok(match kind {
            ClientKind::HyperUtil => {
                let mut connector = HttpConnector::new();
                // As reqwest (and xhttp) do by default.
                connector.set_nodelay(true);
                AsyncClient::HyperUtil(HyperClient::builder(TokioExecutor::new()).build(connector))
            }
            ClientKind::Reqwest => AsyncClient::Reqwest(
                reqwest::Client::builder()
                    .no_proxy()
                    .build()
                    .map_err(request_failure)?,
            ),
            ClientKind::XhttpAsync => AsyncClient::Xhttp(xhttp::AsyncClient::new()),
            ClientKind::XhttpBlocking => unreachable!("the blocking client is not async"),
        })
    }

    /// One GET of `url`, whole body read; returns the body's length.
    async fn get(&self, url: &str) -> Result<usize, Failure> {
        match self {
            AsyncClient::HyperUtil(client) => {
                let request = http::Request::get(url)
                    .header(ACCEPT, ACCEPT_VALUE)
                    .header(USER_AGENT, USER_AGENT_VALUE)
                    .body(Empty::new())
                    .map_err(request_failure)?;
                let response = client.request(request).await.map_err(request_failure)?;
                check_status(response.status().as_u16())?;
                let body = response
                    .into_body()
                    .collect()
                    .await
                    .map_err(request_failure)?
                    .to_bytes();
                Ok(body.len())
            }
            AsyncClient::Reqwest(client) => {
                let response = client
                    .get(url)
                    .header(ACCEPT, ACCEPT_VALUE)
                    .header(USER_AGENT, USER_AGENT_VALUE)
                    .send()
                    .await
                    .map_err(request_failure)?;
                check_status(response.status().as_u16())?;
                Ok(response.bytes().await.map_err(request_failure)?.len())
            }
            AsyncClient::Xhttp(client) => {
                let response = client
                    .get(url)
                    .header(ACCEPT, ACCEPT_VALUE)
                    .header(USER_AGENT, USER_AGENT_VALUE)
                    .send()
                    .await
                    .map_err(xhttp_failure)?;
                check_status(response.status().as_u16())?;
                Ok(response.content().map_err(xhttp_failure)?.len())
            }
        }
    }
}

fn blocking_get(client: &xhttp::Client, url: &str) -> Result<usize, Failure> {
    let response = client
        .get(url)
        .header(ACCEPT, ACCEPT_VALUE)
        .header(USER_AGENT, USER_AGENT_VALUE)
        .send()
        .map_err(xhttp_failure)?;
    check_status(response.status().as_u16())?;
    Ok(response.content().map_err(xhttp_failure)?.len())
}

fn check_status(status: u16) -> Result<(), Failure> {
    if status == 200 {
        Ok(())
    } else {
        Err(Failure::Request(format!("status {status}, expected 200")))
    }
}

/// Hands out request numbers up to a total and enforces the deadline.
struct Budget {
    next: AtomicU64,
    total: u64,
    deadline: Instant,
    limit: Duration,
    body_len: usize,
}

impl Budget {
    /// The next request's number, `None` once `total` were handed out, an error past the
    /// deadline.
    fn take(&self) -> Result<Option<u64>, Failure> {
        if Instant::now() > self.deadline {
            return Err(Failure::TimeLimit {
                limit: self.limit,
                done: self.next.load(Ordering::Relaxed).min(self.total),
                total: self.total,
            });
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        Ok((n < self.total).then_some(n))
    }

    fn check_len(&self, len: usize) -> Result<(), Failure> {
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

/// Runs `total` requests, `concurrency` at a time, on the current_thread runtime.
async fn run_async(
    client: &AsyncClient,
    url: &Arc<str>,
    total: u64,
    concurrency: usize,
    deadline: Instant,
    args: &Args,
) -> Result<(), Failure> {
    let budget = Arc::new(Budget {
        next: AtomicU64::new(0),
        total,
        deadline,
        limit: args.time_limit,
        body_len: args.body_len,
    });
    // The deadline also bounds a request that never completes.
    let timed_out = || Failure::TimeLimit {
        limit: args.time_limit,
        done: budget.next.load(Ordering::Relaxed).min(total),
        total,
    };
    tokio::time::timeout_at(
        deadline.into(),
        run_budget(client, url, concurrency, Arc::clone(&budget)),
    )
    .await
    .map_err(|_| timed_out())?
}

async fn run_budget(
    client: &AsyncClient,
    url: &Arc<str>,
    concurrency: usize,
    budget: Arc<Budget>,
) -> Result<(), Failure> {
    if concurrency == 1 {
        while budget.take()?.is_some() {
            budget.check_len(client.get(url).await?)?;
        }
        return Ok(());
    }
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, url, budget) = (client.clone(), Arc::clone(url), Arc::clone(&budget));
            tokio::spawn(async move {
                while budget.take()?.is_some() {
                    budget.check_len(client.get(&url).await?)?;
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

/// Runs `total` requests, `concurrency` threads at a time, with the blocking client.
fn run_blocking(
    client: &xhttp::Client,
    url: &str,
    total: u64,
    concurrency: usize,
    deadline: Instant,
    args: &Args,
) -> Result<(), Failure> {
    let budget = Budget {
        next: AtomicU64::new(0),
        total,
        deadline,
        limit: args.time_limit,
        body_len: args.body_len,
    };
    let worker = || {
        while budget.take()?.is_some() {
            budget.check_len(blocking_get(client, url)?)?;
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

/// User + system CPU time of the whole process so far.
fn process_cpu_time() -> Duration {
    let usage = getrusage(UsageWho::RUSAGE_SELF).expect("getrusage(RUSAGE_SELF)");
    let micros = |tv: nix::sys::time::TimeVal| {
        Duration::from_secs(tv.tv_sec().unsigned_abs())
            + Duration::from_micros(tv.tv_usec().unsigned_abs())
    };
    micros(usage.user_time()) + micros(usage.system_time())
}

/// Warm-up, then the timed phase; prints the RESULT line.
fn measure(args: &Args) -> Result<(), Failure> {
    let deadline = Instant::now() + args.time_limit;
    let url: Arc<str> = Arc::from(args.url.as_str());
    // Enough warm-up requests to open every connection of the pool.
    let warmup = args.warmup.max(4 * args.concurrency as u64);
    let (start, cpu_start, region);
    if args.client == ClientKind::XhttpBlocking {
        let client = xhttp::Client::new();
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
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(request_failure)?;
        let client = AsyncClient::new(args.client)?;
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
        match args.workload {
            Workload::Sequential => "sequential",
            _ => "pool",
        },
        args.requests,
        elapsed.as_secs_f64(),
        n / elapsed.as_secs_f64(),
        cpu.as_secs_f64() * 1e6 / n,
        allocations as f64 / n,
    );
    Ok(())
}

/// Sends one request to a listener of our own and prints the request head it read.
fn show_headers(args: &Args) -> Result<(), Failure> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(request_failure)?;
    let port = listener.local_addr().map_err(request_failure)?.port();
    let body_len = args.body_len;
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
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {body_len}\r\nconnection: close\r\n\r\n{}",
            "x".repeat(body_len)
        );
        stream.write_all(response.as_bytes())?;
        Ok(String::from_utf8_lossy(&head).into_owned())
    });
    let url = format!("http://127.0.0.1:{port}/small");
    let deadline = Instant::now() + args.time_limit;
    let sent = if args.client == ClientKind::XhttpBlocking {
        run_blocking(&xhttp::Client::new(), &url, 1, 1, deadline, args)
    } else {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(request_failure)?;
        let client = AsyncClient::new(args.client)?;
        runtime.block_on(run_async(
            &client,
            &Arc::from(url.as_str()),
            1,
            1,
            deadline,
            args,
        ))
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

/// `XHTTP_BLOCKING_BRIDGE=spawn` measures the other way the blocking client can wait.
fn choose_blocking_bridge() {
    if std::env::var("XHTTP_BLOCKING_BRIDGE").as_deref() == Ok("spawn") {
        xhttp::blocking::runtime::set_bridge(xhttp::blocking::runtime::Bridge::Spawn);
    }
}

fn main() -> ExitCode {
    choose_blocking_bridge();
    let result = parse_args().and_then(|args| match args.workload {
        Workload::Headers => show_headers(&args),
        _ => measure(&args),
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
