//! The `xhttp` binary against httpbin and nginx of `scripts/peers` (built with
//! `--features interop`; `scripts/test` runs it with the peers up).

#[allow(dead_code, unreachable_pub)]
#[path = "../cli/common.rs"]
mod common;

use common::{stderr, stdout, xhttp};
use xhttp_testkit::peers;

/// `http://127.0.0.1:PORT{path}` on httpbin.
fn httpbin(path: &str) -> String {
    format!("http://{}{path}", peers::httpbin())
}

/// Runs `xhttp ARGS`, expects exit code `code`, and gives the body it printed (what
/// follows the last blank line: with redirects followed, each hop's head comes first).
fn run(args: &[&str], code: i32) -> String {
    let output = xhttp().args(args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(code),
        "{args:?}: {}",
        stderr(&output)
    );
    let out = stdout(&output);
    match out.rsplit_once("\n\n") {
        Some((_, body)) => body.to_owned(),
        None => panic!("{args:?}: no blank line after the head in {out:?}"),
    }
}

/// The body as JSON.
fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|error| panic!("{error}: {body}"))
}

#[test]
fn query_and_header_items_reach_httpbin() {
    let body = run(
        &[&httpbin("/get"), "a==1", "b==two words", "X-Probe:yes"],
        0,
    );
    let seen = json(&body);
    assert_eq!(seen["args"]["a"], "1", "{body}");
    assert_eq!(seen["args"]["b"], "two words", "{body}");
    assert_eq!(seen["headers"]["X-Probe"], "yes", "{body}");
    assert!(
        seen["headers"]["User-Agent"]
            .as_str()
            .unwrap()
            .starts_with("xhttp/"),
        "{body}"
    );
}

#[test]
fn json_and_form_bodies_are_parsed_by_httpbin() {
    let seen = json(&run(&["-j", r#"{"n": 1, "s": "x"}"#, &httpbin("/post")], 0));
    assert_eq!(seen["json"], serde_json::json!({"n": 1, "s": "x"}));
    let seen = json(&run(&["--form", &httpbin("/post"), "name=ann", "x=1"], 0));
    assert_eq!(seen["form"], serde_json::json!({"name": "ann", "x": "1"}));
}

#[test]
fn basic_and_digest_auth_are_accepted_and_a_wrong_password_exits_4() {
    let seen = json(&run(
        &["--auth", "ann", "pw", &httpbin("/basic-auth/ann/pw")],
        0,
    ));
    assert_eq!(seen["authenticated"], true);
    run(
        &["--auth", "ann", "nope", &httpbin("/basic-auth/ann/pw")],
        4,
    );
    let seen = json(&run(
        &[
            "-A",
            "digest",
            "--auth",
            "ann",
            "pw",
            &httpbin("/digest-auth/auth/ann/pw"),
        ],
        0,
    ));
    assert_eq!(seen["authenticated"], true);
}

#[test]
fn redirects_are_followed_on_request_and_exit_3_otherwise() {
    let seen = json(&run(&["--follow", &httpbin("/redirect/3")], 0));
    assert_eq!(seen["url"], httpbin("/get"));
    run(&[&httpbin("/redirect/1")], 3);
}

#[test]
fn compressed_bodies_are_decoded_and_server_errors_exit_5() {
    for (path, flag) in [
        ("/gzip", "gzipped"),
        ("/deflate", "deflated"),
        ("/brotli", "brotli"),
    ] {
        let seen = json(&run(&[&httpbin(path)], 0));
        assert_eq!(seen[flag], true, "{path}");
    }
    run(&[&httpbin("/status/503")], 5);
}

#[test]
fn a_download_from_nginx_is_written_whole() {
    let dir = common::temp_dir("peers-download");
    let path = dir.join("small");
    let url = format!("http://{}/small", peers::nginx_http());
    let output = xhttp()
        .args(["--download", path.to_str().unwrap(), &url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read(&path).unwrap().len(), 100);
}
