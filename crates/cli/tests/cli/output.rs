//! What the command prints: JSON pretty-printed, text, binary, colours only when asked
//! or on a terminal, and `-v`.

use xhttp_testkit::Server;

use crate::common::{echo_server, respond, stderr, stdout, xhttp};

fn body_server() -> Server {
    Server::http1(|request| match request.uri().path() {
        "/json" => respond(
            200,
            &[("content-type", "application/json")],
            r#"{"name":"ann","n":[1,2.50,{}],"ok":true,"none":null}"#,
        ),
        "/text" => respond(
            200,
            &[("content-type", "text/plain; charset=utf-8")],
            "héllo",
        ),
        "/latin1" => respond(
            200,
            &[("content-type", "text/plain; charset=iso-8859-1")],
            &b"caf\xe9"[..],
        ),
        "/binary" => respond(
            200,
            &[("content-type", "image/png")],
            &b"\x89PNG\r\n\x1a\n\0\0"[..],
        ),
        "/unknown-application" => respond(
            200,
            &[("content-type", "application/x-unknown")],
            b"not \xff text".as_slice(),
        ),
        "/unknown-text-application" => respond(
            200,
            &[("content-type", "application/x-amz-json-1.1")],
            "looks like text",
        ),
        "/yaml" => respond(200, &[("content-type", "application/yaml")], "a: 1\n"),
        "/escapes" => respond(
            200,
            &[("content-type", "text/plain")],
            "red\x1b[31m bell\x07 del\x7f",
        ),
        "/empty" => respond(204, &[], ""),
        _ => respond(404, &[], ""),
    })
}

const PRETTY: &str = "{\n    \"name\": \"ann\",\n    \"n\": [\n        1,\n        2.50,\n        {}\n    ],\n    \"ok\": true,\n    \"none\": null\n}\n";

#[test]
fn piped_json_is_pretty_printed_with_four_spaces_and_no_colour() {
    let server = body_server();
    let output = xhttp().arg(server.url("/json")).output().unwrap();
    let out = stdout(&output);
    assert!(out.ends_with(&format!("\n\n{PRETTY}")), "{out}");
    assert!(!out.contains('\x1b'), "{out:?}");
}

#[test]
fn colour_always_paints_the_head_and_json() {
    let server = body_server();
    let output = xhttp()
        .args(["--color", "always", &server.url("/json")])
        .output()
        .unwrap();
    let out = stdout(&output);
    assert!(
        out.starts_with("\x1b[34mHTTP/1.1\x1b[0m \x1b[32;1m200 OK\x1b[0m\n"),
        "{out:?}"
    );
    assert!(
        out.contains("\x1b[36mcontent-type\x1b[0m: application/json\n"),
        "{out:?}"
    );
    assert!(
        out.contains("\x1b[34;1m\"name\"\x1b[0m: \x1b[32m\"ann\"\x1b[0m"),
        "{out:?}"
    );
    assert!(out.contains("\x1b[35mtrue\x1b[0m"), "{out:?}");
}

#[test]
fn no_color_and_never_stay_plain() {
    let server = body_server();
    let output = xhttp()
        .env("NO_COLOR", "1")
        .arg(server.url("/json"))
        .output()
        .unwrap();
    assert!(!stdout(&output).contains('\x1b'));
    let output = xhttp()
        .args(["--color", "never", &server.url("/json")])
        .output()
        .unwrap();
    assert!(!stdout(&output).contains('\x1b'));
}

#[test]
fn text_is_decoded_by_its_charset() {
    let server = body_server();
    let output = xhttp().arg(server.url("/text")).output().unwrap();
    assert!(stdout(&output).ends_with("\n\nhéllo\n"));
    let output = xhttp().arg(server.url("/latin1")).output().unwrap();
    assert!(
        stdout(&output).ends_with("\n\ncafé\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn binary_bodies_are_summarised() {
    let server = body_server();
    let output = xhttp().arg(server.url("/binary")).output().unwrap();
    assert!(
        stdout(&output).ends_with("\n\n<10 bytes of binary data>\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn an_empty_body_ends_after_the_headers() {
    let server = body_server();
    let output = xhttp().arg(server.url("/empty")).output().unwrap();
    let out = stdout(&output);
    assert!(out.starts_with("HTTP/1.1 204 No Content\n"), "{out}");
    assert!(out.ends_with("\n\n") && !out.ends_with("\n\n\n"), "{out:?}");
}

#[test]
fn verbose_shows_connection_request_and_timing() {
    let server = echo_server();
    let output = xhttp()
        .args([
            "-v",
            "-H",
            "X-Trace",
            "on",
            "--auth",
            "ann",
            "secret",
            &server.url("/v?q=1"),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    let port = server.addr().port();
    assert!(
        out.starts_with(&format!(
            "* Connected to 127.0.0.1 port {port} (from 127.0.0.1:"
        )),
        "{out}"
    );
    let request = out.find("> GET /v?q=1 HTTP/1.1\n").expect(&out);
    let response = out.find("HTTP/1.1 200 OK\n").expect(&out);
    assert!(request < response, "{out}");
    assert!(
        out.contains(&format!("> host: 127.0.0.1:{port}\n")),
        "{out}"
    );
    assert!(out.contains("> x-trace: on\n"), "{out}");
    assert!(
        !out.contains("> authorization: Basic"),
        "credentials are hidden: {out}"
    );
    assert!(
        out.lines().last().unwrap().starts_with("* Elapsed time: "),
        "{out}"
    );
}

#[test]
fn unknown_application_types_are_binary_and_known_text_ones_are_text() {
    let server = body_server();
    let output = xhttp()
        .arg(server.url("/unknown-application"))
        .output()
        .unwrap();
    assert!(
        stdout(&output).ends_with("\n\n<10 bytes of binary data>\n"),
        "{}",
        stdout(&output)
    );
    // An unknown type with UTF-8 text (piped: as it is).
    let output = xhttp()
        .arg(server.url("/unknown-text-application"))
        .output()
        .unwrap();
    assert!(
        stdout(&output).ends_with("\n\nlooks like text\n"),
        "{}",
        stdout(&output)
    );
    let output = xhttp().arg(server.url("/yaml")).output().unwrap();
    assert!(
        stdout(&output).ends_with("\n\na: 1\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn piped_text_keeps_its_control_bytes() {
    // Escaping is for a terminal only (unit tests in src/output cover it); a pipe or a
    // file gets the bytes the server sent.
    let server = body_server();
    let output = xhttp()
        .args(["--color", "always", &server.url("/escapes")])
        .output()
        .unwrap();
    assert!(
        output
            .stdout
            .ends_with(b"\n\nred\x1b[31m bell\x07 del\x7f\n"),
        "{:?}",
        stdout(&output)
    );
}
