//! https: verification, `--cacert`, `--no-verify`, ALPN and what `-v` shows of TLS.

use xhttp_testkit::Server;
use xhttp_testkit::tls::{self, TlsMode};

use crate::common::{respond, stderr, stdout, temp_dir, xhttp};

fn tls_server() -> Server {
    Server::builder()
        .auto()
        .tls(TlsMode::Valid)
        .handler(|request| respond(200, &[], format!("{:?}", request.version())))
        .start()
}

fn ca_file(test: &str) -> String {
    let path = temp_dir(test).join("ca.pem");
    std::fs::write(&path, tls::ca_pem()).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn an_unknown_ca_fails_and_cacert_or_no_verify_pass() {
    let server = tls_server();
    let output = xhttp().arg(server.url("/")).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.starts_with("xhttp: error: ") && err.lines().count() == 1,
        "{err}"
    );
    assert!(err.to_lowercase().contains("certificate"), "{err}");

    let ca = ca_file("cacert");
    let output = xhttp()
        .args(["--cacert", &ca, &server.url("/")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let output = xhttp()
        .args(["--no-verify", &server.url("/")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn a_missing_cacert_file_is_named() {
    let output = xhttp()
        .args(["--cacert", "/nonexistent/ca.pem", "https://127.0.0.1:9/"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("--cacert /nonexistent/ca.pem"));
}

#[test]
fn http2_is_offered_by_alpn_and_http1_turns_it_off() {
    let server = tls_server();
    let ca = ca_file("alpn");
    let output = xhttp()
        .args(["-v", "--cacert", &ca, &server.url("/")])
        .output()
        .unwrap();
    let out = stdout(&output);
    assert!(out.contains("\nHTTP/2 200 OK\n"), "{out}");
    assert!(out.contains("* ALPN protocol: h2\n"), "{out}");
    assert!(out.contains("* TLS established: TLSv1.3"), "{out}");
    assert!(out.contains("* Server certificate: subject "), "{out}");
    assert!(out.contains("*   SHA-256 "), "{out}");
    assert!(
        out.ends_with("* Elapsed time: ") || out.contains("* Elapsed time: "),
        "{out}"
    );

    let output = xhttp()
        .args(["-v", "--http1", "--cacert", &ca, &server.url("/")])
        .output()
        .unwrap();
    let out = stdout(&output);
    assert!(out.contains("\nHTTP/1.1 200 OK\n"), "{out}");
    assert!(out.contains("* ALPN protocol: http/1.1\n"), "{out}");
}
