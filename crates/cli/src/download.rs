//! `--download FILE`: the body streamed to a file with a progress bar on stderr, and
//! `--continue` to resume with a `Range` request.
//!
//! The file gets the body's bytes as they were sent, without decoding any
//! `Content-Encoding` (as curl and wget do without `--compressed`): `Content-Length`,
//! `Content-Range` and the `Range` of `--continue` all count those bytes, so the
//! completeness check and the resume offset stay right for a compressed body.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use xhttp::{Response, StatusCode};

use crate::exit::{self, CliError};
use crate::output::verbose::human_duration;

/// What the server's answer means for the file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Write the body from the start (truncating the file).
    Fresh {
        /// The length the file should reach, when known.
        total: Option<u64>,
    },
    /// Append the body to the `offset` bytes already there.
    Append {
        /// Bytes already in the file.
        offset: u64,
        /// The whole resource's length, when known.
        total: Option<u64>,
    },
    /// The file already holds the whole resource (416 with a matching length).
    Complete,
    /// Leave the file alone: the response is not a body to save.
    Skip,
}

/// Decides from the status and headers what to do with a file of `offset` bytes
/// (`offset` is 0 without `--continue`).
pub(crate) fn plan(response: &Response, offset: u64) -> Result<Plan, CliError> {
    let header = |name: &str| {
        response
            .headers()
            .as_map()
            .get(name)
            .and_then(|value| value.to_str().ok())
    };
    let length = header("content-length").and_then(|value| value.trim().parse::<u64>().ok());
    match response.status() {
        StatusCode::PARTIAL_CONTENT => {
            let range = header("content-range")
                .and_then(content_range)
                .ok_or_else(|| {
                    CliError::usage(
                        "the server sent part of the file (206) without a valid Content-Range",
                    )
                })?;
            match range {
                // Nothing to keep (no --continue, or an empty file): a part from byte 0
                // replaces the file rather than being appended to it.
                ContentRange::Bytes { start: 0, total } if offset == 0 => Ok(Plan::Fresh { total }),
                ContentRange::Bytes { start, total } if start == offset => {
                    Ok(Plan::Append { offset, total })
                }
                ContentRange::Bytes { start, .. } => Err(CliError::usage(format!(
                    "the server resumed at byte {start}, not at byte {offset} where the file ends"
                ))),
                ContentRange::Unsatisfied { .. } => Err(CliError::usage(
                    "the server sent an unsatisfied Content-Range with a 206",
                )),
            }
        }
        StatusCode::RANGE_NOT_SATISFIABLE if offset > 0 => {
            match header("content-range").and_then(content_range) {
                Some(ContentRange::Unsatisfied { total }) if total == offset => Ok(Plan::Complete),
                _ => Ok(Plan::Skip),
            }
        }
        status if status.is_success() => Ok(Plan::Fresh { total: length }),
        _ => Ok(Plan::Skip),
    }
}

/// A parsed `Content-Range` header.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ContentRange {
    /// `bytes START-END/TOTAL` (`TOTAL` may be `*`).
    Bytes {
        /// The first byte sent.
        start: u64,
        /// The resource's length.
        total: Option<u64>,
    },
    /// `bytes */TOTAL`.
    Unsatisfied {
        /// The resource's length.
        total: u64,
    },
}

/// Parses `bytes START-END/TOTAL` or `bytes */TOTAL`.
pub(crate) fn content_range(value: &str) -> Option<ContentRange> {
    let rest = value.trim().strip_prefix("bytes ")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    if range == "*" {
        return Some(ContentRange::Unsatisfied {
            total: total.parse().ok()?,
        });
    }
    let (start, end) = range.split_once('-')?;
    let start: u64 = start.parse().ok()?;
    let end: u64 = end.parse().ok()?;
    if end < start {
        return None;
    }
    let total = match total {
        "*" => None,
        total => Some(total.parse().ok()?),
    };
    Some(ContentRange::Bytes { start, total })
}

/// Bytes already in `path` to resume from (0 when it does not exist).
pub(crate) fn existing_length(path: &Path) -> Result<u64, CliError> {
    match std::fs::metadata(path) {
        Ok(metadata) => Ok(metadata.len()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(error) => Err(CliError::io(&path.display().to_string(), &error)),
    }
}

/// Saves the body of `response` as `plan` says, and gives the exit code. Messages go
/// to stderr; the progress bar only when stderr is a terminal.
pub(crate) fn save(
    response: &mut Response,
    path: &Path,
    plan: Plan,
    ignore_status: bool,
) -> Result<u8, CliError> {
    let status_code = exit::for_status(response.status(), ignore_status);
    let (mut file, offset, total) = match plan {
        Plan::Skip => {
            response.close();
            note(&format!(
                "{} was not written: the server answered {}",
                path.display(),
                response.status()
            ));
            return Ok(status_code);
        }
        Plan::Complete => {
            response.close();
            note(&format!("{} is already complete", path.display()));
            return Ok(0);
        }
        Plan::Fresh { total } => (create(path, false)?, 0, total),
        Plan::Append { offset, total } => (create(path, true)?, offset, total),
    };
    let bar = progress_bar(offset, total);
    let started = Instant::now();
    let mut written = offset;
    // The raw bytes (see the module's documentation): what the lengths count.
    for chunk in response.iter_raw(None) {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(error) => {
                bar.abandon();
                // Keep what arrived, for --continue.
                let _ = file.flush();
                return Err(interrupted(error, path, written));
            }
        };
        file.write_all(&chunk)
            .map_err(|error| CliError::io(&path.display().to_string(), &error))?;
        written += chunk.len() as u64;
        bar.set_position(written);
    }
    file.flush()
        .map_err(|error| CliError::io(&path.display().to_string(), &error))?;
    bar.finish();
    if let Some(total) = total {
        if written != total {
            return Err(CliError::usage(format!(
                "the download stopped at {written} of {total} bytes; run again with --continue to resume"
            )));
        }
    }
    note(&format!(
        "Downloaded {} to {} in {}",
        indicatif::HumanBytes(written - offset),
        path.display(),
        human_duration(started.elapsed())
    ));
    Ok(status_code)
}

fn create(path: &Path, append: bool) -> Result<BufWriter<File>, CliError> {
    let mut options = OpenOptions::new();
    if append {
        options.append(true).create(true);
    } else {
        options.write(true).create(true).truncate(true);
    }
    let file = options
        .open(path)
        .map_err(|error| CliError::io(&path.display().to_string(), &error))?;
    Ok(BufWriter::with_capacity(64 * 1024, file))
}

/// Size, speed and ETA with a known length; a spinner with bytes and speed without.
fn progress_bar(offset: u64, total: Option<u64>) -> ProgressBar {
    let target = ProgressDrawTarget::stderr();
    let (bar, template) = match total {
        Some(total) => (
            ProgressBar::with_draw_target(Some(total), target),
            "{wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
        ),
        None => (
            ProgressBar::with_draw_target(None, target),
            "{spinner} {bytes} {bytes_per_sec}",
        ),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.with_position(offset)
}

fn interrupted(error: xhttp::Error, path: &Path, written: u64) -> CliError {
    let mut cli = CliError::from(error);
    cli.append(&format!(
        " ({written} bytes are in {}: run again with --continue to resume)",
        path.display()
    ));
    cli
}

#[allow(clippy::print_stderr)] // Download notes go to stderr, beside the progress bar.
fn note(message: &str) {
    eprintln!("{message}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use xhttp::HeaderValue;

    fn response(status: u16, headers: &[(&'static str, &'static str)]) -> Response {
        let mut response = Response::new(StatusCode::from_u16(status).unwrap());
        for (name, value) in headers {
            response = response.with_header(
                xhttp::HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        response
    }

    #[test]
    fn content_ranges_parse() {
        assert_eq!(
            content_range("bytes 10-19/20"),
            Some(ContentRange::Bytes {
                start: 10,
                total: Some(20)
            })
        );
        assert_eq!(
            content_range("bytes 0-0/*"),
            Some(ContentRange::Bytes {
                start: 0,
                total: None
            })
        );
        assert_eq!(
            content_range("bytes */30"),
            Some(ContentRange::Unsatisfied { total: 30 })
        );
        assert_eq!(content_range("bytes 5-4/10"), None);
        assert_eq!(content_range("items 1-2/3"), None);
        assert_eq!(content_range("bytes x-2/3"), None);
    }

    #[test]
    fn statuses_decide_the_plan() {
        let ok = response(200, &[("content-length", "20")]);
        assert_eq!(plan(&ok, 0).unwrap(), Plan::Fresh { total: Some(20) });
        // A server that ignores Range: start again.
        assert_eq!(plan(&ok, 5).unwrap(), Plan::Fresh { total: Some(20) });
        let partial = response(206, &[("content-range", "bytes 5-19/20")]);
        assert_eq!(
            plan(&partial, 5).unwrap(),
            Plan::Append {
                offset: 5,
                total: Some(20)
            }
        );
        assert!(plan(&partial, 6).is_err());
        // A part from byte 0 when nothing is kept (no Range was sent): a fresh file.
        let from_start = response(206, &[("content-range", "bytes 0-9/20")]);
        assert_eq!(
            plan(&from_start, 0).unwrap(),
            Plan::Fresh { total: Some(20) }
        );
        assert!(plan(&response(206, &[]), 5).is_err());
        let done = response(416, &[("content-range", "bytes */20")]);
        assert_eq!(plan(&done, 20).unwrap(), Plan::Complete);
        assert_eq!(plan(&done, 30).unwrap(), Plan::Skip);
        assert_eq!(plan(&response(404, &[]), 0).unwrap(), Plan::Skip);
    }
}
