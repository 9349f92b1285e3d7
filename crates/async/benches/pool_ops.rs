//! Pool operations stay O(1): checkout and return with 10 vs 1 000 idle connections,
//! and hand-over through 10 vs 1 000 queued waiters. `cargo bench -p xhttp-async --bench
//! pool_ops`. Bounded: fixed operation counts.

#![allow(clippy::print_stdout)] // a benchmark reports on stdout

use std::time::{Duration, Instant};

use xhttp_async::http::pool::bench::Bench;

const OPERATIONS: u32 = 50_000;

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    println!("| case | ns per operation |");
    println!("|---|---:|");
    runtime.block_on(async {
        for idle in [10, 1_000] {
            let bench = Bench::new(idle, None).await;
            assert_eq!(bench.idle(), idle);
            let start = Instant::now();
            for _ in 0..OPERATIONS {
                assert!(bench.checkout_and_return().await);
            }
            let each = start.elapsed() / OPERATIONS;
            println!("| checkout + return, {idle} idle connections | {} |", each.as_nanos());
        }
        for waiters in [10, 1_000] {
            let bench = Bench::new(1, Some(1)).await;
            let mut total = Duration::ZERO;
            let rounds = 20;
            for _ in 0..rounds {
                let start = Instant::now();
                assert_eq!(bench.hand_over_to(waiters).await, waiters);
                total += start.elapsed();
            }
            let each = total / (rounds * u32::try_from(waiters).unwrap_or(u32::MAX));
            println!(
                "| hand-over through {waiters} queued waiters (task spawn and wake included) | {} |",
                each.as_nanos()
            );
        }
    });
}
