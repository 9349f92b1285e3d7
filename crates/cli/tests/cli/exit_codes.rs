//! Exit codes: 0 for 2xx, 3/4/5 for 3xx/4xx/5xx, 2 for a timeout, 1 for other errors,
//! and `--ignore-status`.

use std::time::Duration;

use xhttp_testkit::{Behavior, Server};

use crate::common::{respond, stderr, stdout, xhttp};

fn status_server() -> Server {
    Server::http1(|request| {
        let status: u16 = request.uri().path()[1..].parse().unwrap();
        respond(status, &[], "")
    })
}

#[test]
fn the_final_status_decides_the_exit_code() {
    let server = status_server();
    for (status, code) in [
        (200, 0),
        (204, 0),
        (304, 3),
        (302, 3),
        (404, 4),
        (418, 4),
        (500, 5),
        (503, 5),
    ] {
        let output = xhttp()
            .arg(server.url(&format!("/{status}")))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(code), "status {status}");
        assert!(output.stderr.is_empty(), "{}", stderr(&output));
    }
}

#[test]
fn ignore_status_exits_0_on_any_response() {
    let server = status_server();
    for status in [302, 404, 500] {
        let output = xhttp()
            .args(["--ignore-status", &server.url(&format!("/{status}"))])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "status {status}");
    }
}

#[test]
fn a_timeout_exits_2_with_one_line() {
    let server = Server::builder().behavior(Behavior::NeverAnswer).start();
    let output = xhttp()
        .args(["--timeout", "0.3", &server.url("/slow")])
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.starts_with("xhttp: error: read timeout"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_refused_connection_exits_1() {
    // Bind a port, then free it: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = xhttp()
        .arg(format!("http://127.0.0.1:{port}/"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.starts_with("xhttp: error: connect error"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn usage_errors_exit_1_with_one_line_and_help_exits_0() {
    for args in [
        vec!["--bogus", "x"],
        vec![],
        vec!["--timeout", "-1", "x"],
        vec!["--continue", "x"],
    ] {
        let output = xhttp().args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let err = stderr(&output);
        assert!(err.starts_with("xhttp: error: "), "{err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
    let output = xhttp().arg("--help").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let help = stdout(&output);
    assert!(
        help.contains("--follow-redirects") && help.contains("name:=json"),
        "{help}"
    );
    let output = xhttp().arg("-h").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn errors_never_show_url_credentials() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = xhttp()
        .arg(format!("http://ann:hunter2@127.0.0.1:{port}/"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(!stderr(&output).contains("hunter2"), "{}", stderr(&output));
}

/// `xhttp ARGS` with stdout on `stdout`, as a plain process (assert_cmd pipes stdout).
fn run_with_stdout(args: &[&str], stdout: std::process::Stdio) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_xhttp"))
        .args(args)
        .env_remove("NO_COLOR")
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn help_on_a_failing_stdout_is_an_error_not_a_panic() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = run_with_stdout(&["--help"], full.into());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.starts_with("xhttp: error: stdout: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn help_on_a_closed_stdout_ends_quietly() {
    // A socket whose other end is closed: every write fails with a broken pipe.
    let (ours, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
    drop(ours);
    let output = run_with_stdout(&["--help"], std::os::fd::OwnedFd::from(theirs).into());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
}
