//! `xhttp`: a command-line HTTP client on the xhttp library, in the manner of httpx's
//! CLI with xh and HTTPie's request items.
//!
//! ```text
//! xhttp [OPTIONS] [METHOD] URL [ITEM]...
//! ```
//!
//! It uses the blocking `xhttp::Client`: one request at a time, with the body streamed
//! for `--download`, needs no async code here (the client runs its own runtime).

// A command-line program prints: its output on stdout, its errors on stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod auth;
mod client;
mod download;
mod exit;
mod items;
mod output;
mod payload;
mod run;
mod target;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use crate::exit::CliError;

fn main() -> ExitCode {
    let args = match args::Args::try_parse() {
        Ok(args) => args,
        Err(error) => return usage_error(&error),
    };
    match run::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(error) => error.report(),
    }
}

/// `--help` and `--version` print as clap writes them (exit 0); any other mistake is
/// one line on stderr with exit code 1 (clap's own 2 would read as a timeout).
fn usage_error(error: &clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            print!("{}", error.render());
            ExitCode::SUCCESS
        }
        _ => {
            let rendered = error.render().to_string();
            let first = rendered
                .lines()
                .find(|line| !line.trim().is_empty())
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ");
            CliError::usage(format!("{first} (see xhttp --help)")).report()
        }
    }
}
