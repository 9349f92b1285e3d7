//! The per-request cost of xhttp's pipeline on MockTransport, blocking vs async: time
//! and heap allocations per request, with the mock transport called directly as the
//! floor. `cargo bench --bench mock_overhead` (bounded: a fixed request count).

#![allow(clippy::print_stdout)] // a benchmark reports on stdout

use std::alloc::System;
use std::hint::black_box;
use std::time::{Duration, Instant};

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use xhttp::{AsyncClient, Body, BoxTransport, Client, MockTransport, StatusCode};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const REQUESTS: u32 = 20_000;
const ROUNDS: usize = 5;

fn transport() -> MockTransport {
    let body = bytes::Bytes::from_static(&[b'x'; 100]);
    MockTransport::new(move |_| {
        xhttp::Response::new(StatusCode::OK).with_body(Body::from_bytes(body.clone()))
    })
}

/// Runs `one` REQUESTS times per round; returns the median time and the allocations
/// per request.
fn measure(mut one: impl FnMut()) -> (Duration, f64) {
    for _ in 0..1_000 {
        one();
    }
    let mut times = Vec::with_capacity(ROUNDS);
    let mut allocations = 0.0;
    for _ in 0..ROUNDS {
        let region = Region::new(GLOBAL);
        let start = Instant::now();
        for _ in 0..REQUESTS {
            one();
        }
        times.push(start.elapsed() / REQUESTS);
        allocations = region.change().allocations as f64 / f64::from(REQUESTS);
    }
    times.sort();
    (times[ROUNDS / 2], allocations)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let raw = BoxTransport::new(transport());
    let async_client = AsyncClient::builder()
        .transport(transport())
        .build()
        .expect("a client");
    let blocking_client = Client::builder()
        .transport(transport())
        .build()
        .expect("a client");

    let floor = measure(|| {
        let request = http::Request::get("http://bench.local/small")
            .body(Body::empty())
            .expect("request");
        let response = runtime.block_on(raw.send(request)).expect("response");
        black_box(response);
    });
    let asynchronous = measure(|| {
        let response = runtime
            .block_on(async_client.get("http://bench.local/small").send())
            .expect("response");
        black_box(response.content().expect("read").len());
    });
    let blocking = measure(|| {
        let response = blocking_client
            .get("http://bench.local/small")
            .send()
            .expect("response");
        black_box(response.content().expect("read").len());
    });

    println!(
        "| path ({REQUESTS} requests x {ROUNDS} rounds, median) | ns/request | allocations/request |"
    );
    println!("|---|---:|---:|");
    for (name, (time, allocations)) in [
        ("MockTransport called directly (floor)", floor),
        ("AsyncClient get().send() on current_thread", asynchronous),
        ("Client (blocking) get().send()", blocking),
    ] {
        println!("| {name} | {} | {allocations:.1} |", time.as_nanos());
    }
}
