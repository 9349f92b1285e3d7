//! Helpers: the command, test servers, and reading what the command printed.

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use xhttp_testkit::Server;

/// The `xhttp` binary with a clean environment for output (no `NO_COLOR`) and a
/// deadline, so a hang fails the test instead of stalling the suite.
pub(crate) fn xhttp() -> assert_cmd::Command {
    let mut command = assert_cmd::cargo::cargo_bin_cmd!("xhttp");
    command
        .env_remove("NO_COLOR")
        .timeout(Duration::from_secs(30));
    command
}

/// A response with `status`, headers and body.
pub(crate) fn respond(
    status: u16,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> http::Response<Bytes> {
    let mut response = http::Response::builder().status(status);
    for (name, value) in headers {
        response = response.header(*name, *value);
    }
    response.body(body.into()).expect("a valid test response")
}

/// A server that describes each request as text: `METHOD URI`, one `name: value`
/// line per header (in the order received), a blank line, then the body.
pub(crate) fn echo_server() -> Server {
    Server::http1(|request| respond(200, &[("content-type", "text/plain")], describe(&request)))
}

/// The text [`echo_server`] answers with.
pub(crate) fn describe(request: &http::Request<Bytes>) -> String {
    let mut text = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        text.push_str(&format!(
            "{name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    text.push('\n');
    text.push_str(&String::from_utf8_lossy(request.body()));
    text
}

/// stdout of a finished command, as text.
pub(crate) fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// stderr of a finished command, as text.
pub(crate) fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh, empty directory for one test's files.
pub(crate) fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xhttp-cli-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}
