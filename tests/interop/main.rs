//! Interop tests against the real servers of `scripts/peers` (nginx, httpbin, tinyproxy,
//! microsocks).
//!
//! Built only with `--features interop`; `scripts/test` starts the peers and runs
//! them. A peer that is not up fails the test: nothing is skipped.

mod httpx_diff;
mod load;
mod proxies;
mod raw_hyper;
mod servers;
mod smoke;
mod xhttp_nginx;
