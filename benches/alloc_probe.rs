//! Allocations per request of the client's building blocks (`cargo bench --bench alloc_probe`),
//! for finding where a request allocates. Bounded: 1 100 iterations per line.

#![allow(clippy::print_stdout)] // a benchmark reports on stdout
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;
fn count(name: &str, mut f: impl FnMut()) {
    for _ in 0..100 {
        f();
    }
    let region = Region::new(GLOBAL);
    for _ in 0..1000 {
        f();
    }
    println!("{name}: {:.1}", region.change().allocations as f64 / 1000.0);
}
fn main() {
    let client = xhttp::AsyncClient::new();
    let url: xhttp::Url = "http://127.0.0.1:18180/small".parse().unwrap();
    count("parse url", || {
        let _ = std::hint::black_box("http://127.0.0.1:18180/small".parse::<xhttp::Url>());
    });
    count("builder+build (str)", || {
        let _ = std::hint::black_box(client.get("http://127.0.0.1:18180/small").build());
    });
    count("builder+build (Url)", || {
        let _ = std::hint::black_box(client.get(&url).build());
    });
    let based = xhttp::AsyncClient::builder()
        .base_url("http://127.0.0.1:18180/api/")
        .param("key", "k1")
        .build()
        .unwrap();
    count("builder+build, base_url and params", || {
        let _ = std::hint::black_box(based.get("items/7").query(&[("page", "2")]).build());
    });
    count("builder+build+into_http", || {
        let _ = std::hint::black_box(client.get(&url).build().unwrap().into_http());
    });
    let server = xhttp_testkit::Server::http1(|_| {
        http::Response::new(bytes::Bytes::from_static(&[b'x'; 100]))
    });
    let target = server.url("/small");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    count("full GET on a local server (async)", || {
        let response = runtime
            .block_on(client.get(target.as_str()).send())
            .unwrap();
        std::hint::black_box(response.content().unwrap().len());
    });
    count("headers clone", || {
        let _ = std::hint::black_box(xhttp::client::ClientFlavor::config(&client).headers.clone());
    });
}
