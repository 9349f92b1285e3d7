//! The `xhttp` binary against in-process testkit servers on loopback.

mod common;
mod download;
mod exit_codes;
mod output;
mod requests;
mod tls;
