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

/// clap's message on one line: its first line, and when that ends with `:` (as
/// "required arguments were not provided:"), the indented items that follow it.
fn one_line(rendered: &str) -> String {
    let mut lines = rendered.lines().filter(|line| !line.trim().is_empty());
    let first = lines
        .next()
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ")
        .to_owned();
    if !first.ends_with(':') {
        return first;
    }
    let items: Vec<&str> = lines
        .take_while(|line| line.starts_with(char::is_whitespace))
        .map(str::trim)
        .collect();
    format!("{first} {}", items.join(", "))
}

/// `--help` and `--version` print as clap writes them (exit 0; a closed stdout ends
/// quietly, a failing one is an error rather than a panic); any other mistake is one
/// line on stderr with exit code 1 (clap's own 2 would read as a timeout).
fn usage_error(error: &clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            match run::print(&error.render().to_string()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => error.report(),
            }
        }
        _ => {
            let rendered = error.render().to_string();
            CliError::usage(format!("{} (see xhttp --help)", one_line(&rendered))).report()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn a_message_ending_in_a_colon_keeps_its_items() {
        let rendered = "error: the following required arguments were not provided:\n                          --download <FILE>\n\nUsage: xhttp --continue --download <FILE>\n";
        assert_eq!(
            one_line(rendered),
            "the following required arguments were not provided: --download <FILE>"
        );
        assert_eq!(
            one_line("error: unexpected argument '-x'\n\nUsage: …"),
            "unexpected argument '-x'"
        );
    }
}
