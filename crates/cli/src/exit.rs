//! Exit codes (xh's) and the one-line error the command ends with.

use std::fmt;
use std::process::ExitCode;

use xhttp::StatusCode;

/// Any error other than a timeout (bad arguments, connection refused...).
pub(crate) const ERROR: u8 = 1;
/// A timeout of any phase.
pub(crate) const TIMEOUT: u8 = 2;

/// The exit code for a final response: 0 for 2xx, 3, 4, 5 for 3xx, 4xx, 5xx, 1 for
/// anything else (a final 1xx); 0 for any status with `--ignore-status`.
pub(crate) fn for_status(status: StatusCode, ignore_status: bool) -> u8 {
    if ignore_status {
        return 0;
    }
    match status.as_u16() {
        200..=299 => 0,
        300..=399 => 3,
        400..=499 => 4,
        500..=599 => 5,
        _ => ERROR,
    }
}

/// What ends the command early: a message for stderr and the exit code.
#[derive(Debug)]
pub(crate) struct CliError {
    message: String,
    code: u8,
}

impl CliError {
    /// An error in how the command was used (exit code 1).
    pub(crate) fn usage(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            code: ERROR,
        }
    }

    /// A local I/O failure on `what` (a file to read or write).
    pub(crate) fn io(what: &str, error: &std::io::Error) -> CliError {
        CliError::usage(format!("{what}: {error}"))
    }

    /// Adds `text` to the end of the message.
    pub(crate) fn append(&mut self, text: &str) {
        self.message.push_str(text);
    }

    /// The exit code.
    pub(crate) fn code(&self) -> u8 {
        self.code
    }

    /// Ends the process's work: prints `xhttp: error: MESSAGE` and gives the code.
    pub(crate) fn report(&self) -> ExitCode {
        #[allow(clippy::print_stderr)] // The CLI reports its errors on stderr.
        {
            eprintln!("xhttp: error: {self}");
        }
        ExitCode::from(self.code())
    }
}

impl fmt::Display for CliError {
    /// One line: line breaks in the message are replaced by spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines = self
            .message
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty());
        if let Some(first) = lines.next() {
            f.write_str(first)?;
        }
        for line in lines {
            write!(f, " {line}")?;
        }
        Ok(())
    }
}

impl From<xhttp::Error> for CliError {
    /// The library's message (which never holds secrets: no userinfo, no credential
    /// headers); a timeout exits with 2.
    fn from(error: xhttp::Error) -> CliError {
        let code = if error.is_timeout() { TIMEOUT } else { ERROR };
        CliError {
            message: error.to_string(),
            code,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_xh_codes() {
        let code = |status: u16| for_status(StatusCode::from_u16(status).unwrap(), false);
        assert_eq!(code(200), 0);
        assert_eq!(code(204), 0);
        assert_eq!(code(301), 3);
        assert_eq!(code(404), 4);
        assert_eq!(code(503), 5);
        assert_eq!(code(101), 1);
        assert_eq!(for_status(StatusCode::NOT_FOUND, true), 0);
    }

    #[test]
    fn errors_are_one_line_and_timeouts_exit_2() {
        let error = CliError::usage("first\n  second\n\nthird");
        assert_eq!(error.to_string(), "first second third");
        let timeout = CliError::from(xhttp::Error::new(xhttp::ErrorKind::ReadTimeout));
        assert_eq!(timeout.code(), TIMEOUT);
        let refused = CliError::from(xhttp::Error::new(xhttp::ErrorKind::Connect));
        assert_eq!(refused.code(), ERROR);
    }
}
