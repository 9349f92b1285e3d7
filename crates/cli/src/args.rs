//! The command line, as clap parses it: httpx's options, a few of xh's, and the
//! positional `[METHOD] URL [ITEM]...`.

use std::path::PathBuf;

use clap::{ArgAction, Parser, ValueEnum};

/// The request items, shown after the options in `--help`.
const AFTER_HELP: &str = "\
Request items (after the URL, as in HTTPie and xh):
  Name:value     a request header (Name; sends it empty)
  name==value    a query parameter
  name=value     a body field: a JSON string, or a form field with --form, -d or -f
  name:=json     a body field holding raw JSON (1, true, [1,2], {\"a\":1})
  name=@file     a body field read from a file (name:=@file: JSON read from a file)
  name@file      a file to upload as multipart/form-data (name@file;type=text/csv)
A backslash escapes a separator: 'a\\:b=c' is the field 'a:b'.

URLs: ':8080/path' means http://localhost:8080/path; a URL without a scheme gets http://.

Exit status: 0 for a 2xx response, 3, 4 or 5 for a 3xx, 4xx or 5xx one (0 with
--ignore-status), 2 for a timeout, 1 for any other error.

Note: -h is help here; headers are -H (httpx's CLI uses -h for headers).";

/// `xhttp`: a command-line HTTP client on the xhttp library, in the manner of httpx's CLI.
#[derive(Debug, Parser)]
#[command(
    name = "xhttp",
    version,
    about = "A command-line HTTP client, in the manner of httpx's CLI, xh and HTTPie.",
    after_help = AFTER_HELP
)]
pub(crate) struct Args {
    /// `[METHOD] URL [ITEM]...`: the method is optional (GET, or POST when a body is
    /// given).
    #[arg(value_name = "[METHOD] URL [ITEM]", required = true, num_args = 1..)]
    pub(crate) positional: Vec<String>,

    /// The request method (default GET, or POST when a body is given).
    #[arg(short = 'm', long = "method", value_name = "METHOD")]
    pub(crate) method: Option<String>,

    /// A query parameter (repeatable).
    #[arg(short = 'p', long = "params", num_args = 2, value_names = ["NAME", "VALUE"], action = ArgAction::Append)]
    pub(crate) params: Vec<String>,

    /// A request header (repeatable).
    #[arg(short = 'H', long = "headers", visible_alias = "header", num_args = 2, value_names = ["NAME", "VALUE"], action = ArgAction::Append)]
    pub(crate) headers: Vec<String>,

    /// The raw request body.
    #[arg(short = 'c', long = "content", value_name = "TEXT")]
    pub(crate) content: Option<String>,

    /// A form field (repeatable): the body is urlencoded, or multipart with files.
    #[arg(short = 'd', long = "data", num_args = 2, value_names = ["NAME", "VALUE"], action = ArgAction::Append)]
    pub(crate) data: Vec<String>,

    /// A file to upload as multipart/form-data (repeatable).
    #[arg(short = 'f', long = "files", num_args = 2, value_names = ["NAME", "FILENAME"], action = ArgAction::Append)]
    pub(crate) files: Vec<String>,

    /// A JSON request body (checked before it is sent).
    #[arg(short = 'j', long = "json", value_name = "TEXT")]
    pub(crate) json: Option<String>,

    /// Sends `name=value` items as a form rather than as a JSON object.
    #[arg(long = "form")]
    pub(crate) form: bool,

    /// A cookie for this request (repeatable).
    #[arg(long = "cookies", visible_alias = "cookie", num_args = 2, value_names = ["NAME", "VALUE"], action = ArgAction::Append)]
    pub(crate) cookies: Vec<String>,

    /// Credentials, as httpx's CLI: `-` as the password asks for it on the terminal.
    // `Set`: given twice, clap refuses it (with the default `Append` the four values
    // would match no pattern and no credentials would be sent).
    #[arg(long = "auth", num_args = 2, value_names = ["USER", "PASS"], conflicts_with = "user", action = ArgAction::Set)]
    pub(crate) auth: Vec<String>,

    /// Credentials as `USER[:PASS]` (asks for the password when there is no colon), or
    /// the token with `--auth-type bearer` (`-` asks for it).
    #[arg(short = 'u', long = "user", value_name = "USER[:PASS]|TOKEN")]
    pub(crate) user: Option<String>,

    /// The authentication scheme of `--auth` or `-u` (basic when not given); it needs
    /// one of them.
    #[arg(short = 'A', long = "auth-type", value_enum)]
    pub(crate) auth_type: Option<AuthType>,

    /// A proxy URL: http://, https://, socks5:// or socks5h://, credentials as
    /// `user:password@` (they go to the proxy only, never to the server).
    #[arg(long = "proxy", value_name = "URL")]
    pub(crate) proxy: Option<String>,

    /// The timeout of each phase (connect, read, write, pool) in seconds; 0 means none.
    #[arg(long = "timeout", value_name = "SECONDS", default_value = "5", value_parser = parse_timeout)]
    pub(crate) timeout: f64,

    /// Follows redirects.
    #[arg(long = "follow-redirects", visible_alias = "follow")]
    pub(crate) follow_redirects: bool,

    /// The most redirects followed; it needs --follow-redirects.
    #[arg(long = "max-redirects", value_name = "N")]
    pub(crate) max_redirects: Option<usize>,

    /// Accepts any server certificate (for tests only).
    #[arg(long = "no-verify")]
    pub(crate) no_verify: bool,

    /// Trusts the CA certificates in this PEM (or DER) file, besides the system's.
    #[arg(long = "cacert", value_name = "FILE")]
    pub(crate) cacert: Option<PathBuf>,

    /// Speaks HTTP/1.1 only.
    #[arg(long = "http1", conflicts_with = "http2")]
    pub(crate) http1: bool,

    /// Speaks HTTP/2 only: by ALPN on https, by prior knowledge on http.
    #[arg(long = "http2")]
    pub(crate) http2: bool,

    /// Sends every request through this Unix domain socket.
    #[arg(long = "unix-socket", value_name = "PATH")]
    pub(crate) unix_socket: Option<PathBuf>,

    /// Saves the response body to FILE, with a progress bar on stderr.
    #[arg(long = "download", value_name = "FILE")]
    pub(crate) download: Option<PathBuf>,

    /// Resumes an interrupted --download where the file ends (a Range request).
    #[arg(long = "continue", requires = "download")]
    pub(crate) resume: bool,

    /// Also shows the connection, TLS, the request sent and the time taken.
    #[arg(short = 'v', long = "verbose")]
    pub(crate) verbose: bool,

    /// When to colour the output: when stdout is a terminal and NO_COLOR is unset
    /// (auto), always or never.
    #[arg(long = "color", visible_alias = "colour", value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,

    /// Exits with 0 for any response, whatever its status.
    #[arg(long = "ignore-status")]
    pub(crate) ignore_status: bool,
}

/// The authentication scheme of `--auth` and `-u`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AuthType {
    /// HTTP Basic.
    Basic,
    /// HTTP Digest (RFC 7616).
    Digest,
    /// A bearer token.
    Bearer,
}

/// When the output is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// When stdout is a terminal and `NO_COLOR` is unset or empty.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Pairs from a flattened two-value option (`-p NAME VALUE -p ...`).
pub(crate) fn pairs(values: &[String]) -> Vec<(String, String)> {
    values
        .chunks_exact(2)
        .map(|pair| (pair[0].clone(), pair[1].clone()))
        .collect()
}

/// `--timeout`: non-negative, finite seconds.
fn parse_timeout(value: &str) -> Result<f64, String> {
    let seconds: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("'{value}' is not a number of seconds"))?;
    if !seconds.is_finite() || !(0.0..=1e9).contains(&seconds) {
        return Err(format!(
            "'{value}' is not a timeout: give 0 (none) or a positive number of seconds"
        ));
    }
    Ok(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_checked() {
        assert_eq!(parse_timeout("2.5"), Ok(2.5));
        assert_eq!(parse_timeout("0"), Ok(0.0));
        assert!(parse_timeout("-1").is_err());
        assert!(parse_timeout("NaN").is_err());
        assert!(parse_timeout("inf").is_err());
        assert!(parse_timeout("soon").is_err());
    }

    #[test]
    fn two_value_options_pair_up() {
        let args = Args::try_parse_from([
            "xhttp", "-p", "a", "1", "-p", "b", "2", "-H", "X-A", "v", "URL",
        ])
        .unwrap();
        assert_eq!(
            pairs(&args.params),
            [("a".into(), "1".into()), ("b".into(), "2".into())]
        );
        assert_eq!(pairs(&args.headers), [("X-A".into(), "v".into())]);
        assert_eq!(args.positional, ["URL"]);
    }

    #[test]
    fn auth_given_twice_is_refused() {
        let error = Args::try_parse_from(["xhttp", "--auth", "a", "p", "--auth", "b", "q", "URL"])
            .unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::ArgumentConflict);
        assert!(error.to_string().contains("--auth"), "{error}");
        let args = Args::try_parse_from(["xhttp", "--auth", "a", "p", "URL"]).unwrap();
        assert_eq!(args.auth, ["a", "p"]);
    }

    #[test]
    fn the_clap_definition_is_consistent() {
        use clap::CommandFactory;
        Args::command().debug_assert();
    }
}
