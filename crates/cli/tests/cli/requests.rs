//! What each option and request item puts on the wire.

use std::sync::{Arc, Mutex};

use xhttp_testkit::Server;

use crate::common::{echo_server, respond, stderr, stdout, temp_dir, xhttp};

/// Runs `xhttp ARGS` against the echo server (the URL is `{url}` in `args`) and gives
/// what it printed; the command must succeed.
fn echo(args: &[&str]) -> String {
    let server = echo_server();
    let url = server.url("/echo");
    let args: Vec<String> = args.iter().map(|arg| arg.replace("{url}", &url)).collect();
    let output = xhttp().args(&args).output().unwrap();
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    stdout(&output)
}

#[test]
fn a_plain_get_shows_the_status_line_headers_and_body() {
    let out = echo(&["{url}"]);
    assert!(out.starts_with("HTTP/1.1 200 OK\n"), "{out}");
    assert!(out.contains("\ncontent-type: text/plain\n"), "{out}");
    assert!(out.contains("\n\nGET /echo\n"), "{out}");
    assert!(out.contains("user-agent: xhttp/"), "{out}");
}

#[test]
fn the_method_comes_from_m_or_before_the_url() {
    assert!(echo(&["-m", "delete", "{url}"]).contains("\nDELETE /echo\n"));
    assert!(echo(&["PUT", "{url}"]).contains("\nPUT /echo\n"));
    assert!(echo(&["patch", "{url}"]).contains("\nPATCH /echo\n"));
}

#[test]
fn params_and_query_items_build_the_query() {
    let out = echo(&[
        "-p",
        "a",
        "1",
        "--params",
        "b",
        "two words",
        "{url}",
        "c==3",
    ]);
    assert!(out.contains("\nGET /echo?a=1&b=two+words&c=3\n"), "{out}");
}

#[test]
fn headers_come_from_h_and_header_items() {
    let out = echo(&["-H", "X-One", "1", "{url}", "X-Two:two", "X-Empty;"]);
    assert!(out.contains("\nx-one: 1\n"), "{out}");
    assert!(out.contains("\nx-two: two\n"), "{out}");
    assert!(out.contains("\nx-empty: \n"), "{out}");
}

#[test]
fn content_is_sent_as_is_with_post_by_default() {
    let out = echo(&["-c", "raw text", "{url}"]);
    assert!(out.contains("\nPOST /echo\n"), "{out}");
    assert!(out.ends_with("\n\nraw text\n"), "{out}");
    assert!(!out.contains("content-type: application"), "{out}");
}

#[test]
fn json_is_checked_and_sent_as_written() {
    let out = echo(&["-j", r#"{"b": 1, "a": [true]}"#, "{url}"]);
    assert!(out.contains("\ncontent-type: application/json\n"), "{out}");
    assert!(out.ends_with("\n\n{\"b\": 1, \"a\": [true]}\n"), "{out}");

    let output = xhttp()
        .args(["-j", "{nope", "http://127.0.0.1:9/"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).starts_with("xhttp: error: --json: not valid JSON"));
}

#[test]
fn data_makes_a_urlencoded_form() {
    let out = echo(&["-d", "a", "1", "--data", "b", "two words", "{url}"]);
    assert!(out.contains("\nPOST /echo\n"), "{out}");
    assert!(
        out.contains("\ncontent-type: application/x-www-form-urlencoded\n"),
        "{out}"
    );
    assert!(out.ends_with("\n\na=1&b=two+words\n"), "{out}");
}

#[test]
fn files_make_a_multipart_form_with_data_fields_first() {
    let dir = temp_dir("files");
    let path = dir.join("notes.txt");
    std::fs::write(&path, "file body").unwrap();
    let path = path.to_str().unwrap();
    let out = echo(&["-d", "who", "ann", "-f", "upload", path, "{url}"]);
    assert!(
        out.contains("content-type: multipart/form-data; boundary="),
        "{out}"
    );
    let field = out.find("name=\"who\"\r\n\r\nann\r\n").expect(&out);
    let file = out
        .find("name=\"upload\"; filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\nfile body\r\n")
        .expect(&out);
    assert!(field < file, "{out}");
}

#[test]
fn field_items_make_a_json_object_in_order() {
    let out = echo(&["{url}", "name=ann", "age:=31", "tags:=[\"a\"]", "q==1"]);
    assert!(out.contains("\nPOST /echo?q=1\n"), "{out}");
    assert!(out.contains("\ncontent-type: application/json\n"), "{out}");
    assert!(
        out.ends_with("\n\n{\"name\":\"ann\",\"age\":31,\"tags\":[\"a\"]}\n"),
        "{out}"
    );
}

#[test]
fn field_items_with_form_make_a_form_and_file_items_a_multipart() {
    let out = echo(&["--form", "{url}", "name=ann", "x=1"]);
    assert!(out.ends_with("\n\nname=ann&x=1\n"), "{out}");

    let dir = temp_dir("file-items");
    let path = dir.join("data.csv");
    std::fs::write(&path, "1,2").unwrap();
    let item = format!("doc@{};type=text/csv", path.display());
    let out = echo(&["{url}", "name=ann", &item]);
    assert!(out.contains("name=\"name\"\r\n\r\nann\r\n"), "{out}");
    assert!(
        out.contains(
            "name=\"doc\"; filename=\"data.csv\"\r\nContent-Type: text/csv\r\n\r\n1,2\r\n"
        ),
        "{out}"
    );
}

#[test]
fn mixing_bodies_or_bad_items_fails_before_sending() {
    let server = echo_server();
    for args in [
        vec!["-c", "x", "-j", "{}"],
        vec!["--form", "a:=1"],
        vec!["novalue"],
        vec!["n:=[1,"],
    ] {
        let output = xhttp().args(&args).arg(server.url("/")).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let err = stderr(&output);
        assert!(
            err.starts_with("xhttp: error: ") && err.lines().count() == 1,
            "{err}"
        );
    }
    assert_eq!(server.connections_opened(), 0);
}

#[test]
fn cookies_are_sent() {
    let out = echo(&["--cookies", "a", "1", "--cookie", "b", "2", "{url}"]);
    assert!(out.contains("\ncookie: a=1; b=2\n"), "{out}");
}

#[test]
fn basic_and_bearer_auth_set_authorization() {
    let out = echo(&["--auth", "ann", "secret", "{url}"]);
    assert!(
        out.contains("\nauthorization: Basic YW5uOnNlY3JldA==\n"),
        "{out}"
    );
    let out = echo(&["-u", "ann:secret", "{url}"]);
    assert!(
        out.contains("\nauthorization: Basic YW5uOnNlY3JldA==\n"),
        "{out}"
    );
    let out = echo(&["-A", "bearer", "-u", "tok123", "{url}"]);
    assert!(out.contains("\nauthorization: Bearer tok123\n"), "{out}");
}

#[test]
fn digest_auth_answers_the_challenge() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let server = Server::http1(move |request| {
        let auth = request
            .headers()
            .get("authorization")
            .map(|value| value.to_str().unwrap().to_owned());
        log.lock().unwrap().push(auth.clone());
        match auth {
            Some(auth) if auth.starts_with("Digest username=\"ann\"") => {
                respond(200, &[], "welcome")
            }
            _ => respond(
                401,
                &[(
                    "www-authenticate",
                    "Digest realm=\"r\", nonce=\"abc\", qop=\"auth\"",
                )],
                "",
            ),
        }
    });
    let output = xhttp()
        .args(["-A", "digest", "--auth", "ann", "pw", &server.url("/p")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).ends_with("\n\nwelcome\n"));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0], None);
    assert!(seen[1].as_deref().unwrap().contains("response=\""));
}

#[test]
fn a_password_prompt_without_a_terminal_is_a_clear_error() {
    let server = echo_server();
    let output = xhttp()
        .args(["--auth", "ann", "-", &server.url("/")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.starts_with("xhttp: error: cannot ask for the password or token: no terminal"),
        "{err}"
    );
    assert_eq!(server.connections_opened(), 0);
}

#[test]
fn requests_go_through_the_proxy_with_its_credentials() {
    // A test server standing in for a forward proxy: it answers with the request target
    // (absolute form through a proxy) and the Proxy-Authorization it got.
    let proxy = Server::http1(|request| {
        let auth = request
            .headers()
            .get("proxy-authorization")
            .map(|value| value.to_str().unwrap_or_default().to_owned())
            .unwrap_or_default();
        respond(200, &[], format!("{} | {auth}", request.uri()))
    });
    let proxy_url = format!("http://ann:hunter2@{}", proxy.addr());
    let output = xhttp()
        .args(["--proxy", &proxy_url, "http://origin.test/path?q=1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(
        out.contains("http://origin.test/path?q=1 | Basic YW5uOmh1bnRlcjI="),
        "{out}"
    );
}

#[test]
fn an_unreachable_proxy_is_an_error_without_its_credentials() {
    let output = xhttp()
        .args([
            "--proxy",
            "http://user:hunter2@127.0.0.1:9",
            "http://origin.test/",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.starts_with("xhttp: error:"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

fn redirect_server() -> Server {
    Server::http1(|request| match request.uri().path() {
        "/old" => respond(302, &[("location", "/new")], ""),
        _ => respond(200, &[], "arrived"),
    })
}

#[test]
fn a_redirect_is_shown_and_not_followed_by_default() {
    let server = redirect_server();
    let output = xhttp().arg(server.url("/old")).output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(stdout(&output).starts_with("HTTP/1.1 302 Found\n"));
    assert!(stdout(&output).contains("\nlocation: /new\n"));
    assert_eq!(server.connections_opened(), 1);
}

#[test]
fn redirects_are_followed_when_asked() {
    let server = redirect_server();
    let output = xhttp()
        .args(["--follow-redirects", "-v", &server.url("/old")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let out = stdout(&output);
    assert!(
        out.contains("* Redirects followed to http://127.0.0.1:"),
        "{out}"
    );
    assert!(out.contains("> GET /new HTTP/1.1\n"), "{out}");
    assert!(
        out.contains("\n* Timings: ") && out.contains("waiting "),
        "{out}"
    );
    // Every hop is printed: the redirect first, then the final response.
    let redirect = out
        .find("HTTP/1.1 302")
        .unwrap_or_else(|| panic!("no 302 line: {out}"));
    let last = out
        .find("HTTP/1.1 200 OK")
        .unwrap_or_else(|| panic!("no 200 line: {out}"));
    assert!(redirect < last, "{out}");
    assert!(out.contains("HTTP/1.1 200 OK\n"), "{out}");
    assert!(out.contains("\n\narrived\n"), "{out}");

    let output = xhttp()
        .args(["--follow", "--max-redirects", "0", &server.url("/old")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("redirect"), "{}", stderr(&output));
}

#[test]
fn a_port_shorthand_means_localhost() {
    let server = echo_server();
    let port = server.addr().port().to_string();
    let output = xhttp().arg(format!(":{port}/short")).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("\nGET /short\n"));
    let output = xhttp()
        .arg(format!("127.0.0.1:{port}/bare"))
        .output()
        .unwrap();
    assert!(stdout(&output).contains("\nGET /bare\n"));
}

#[test]
fn http2_by_prior_knowledge_with_http2() {
    let server = Server::builder()
        .http2()
        .handler(|request| respond(200, &[], format!("{:?}", request.version())))
        .start();
    let output = xhttp()
        .args(["--http2", &server.url("/")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.starts_with("HTTP/2 200 OK\n"), "{out}");
    assert!(out.ends_with("\n\nHTTP/2.0\n"), "{out}");
}

#[test]
fn unix_socket_sends_the_request_through_the_socket() {
    use std::io::{BufRead, BufReader, Write};
    use std::os::unix::net::UnixListener;

    let path = temp_dir("unix").join("server.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream);
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                break;
            }
        }
        let body = format!("via socket: {}", request_line.trim_end());
        let mut stream = reader.into_inner();
        write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
    });
    let output = xhttp()
        .args([
            "--unix-socket",
            path.to_str().unwrap(),
            "http://unix.example/ping",
        ])
        .output()
        .unwrap();
    // Checked before joining: a client that never connected would leave the server
    // waiting in accept().
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).ends_with("\n\nvia socket: GET /ping HTTP/1.1\n"),
        "{}",
        stdout(&output)
    );
    server.join().unwrap();
}

/// The `content-type` lines the echo server saw (its own response header is before the
/// request it describes).
fn request_content_types(out: &str) -> Vec<&str> {
    let request = &out[out.find("\n\nPOST /echo\n").expect(out)..];
    let head = &request[..request[2..]
        .find("\n\n")
        .map_or(request.len(), |end| end + 2)];
    head.lines()
        .filter(|line| line.starts_with("content-type:"))
        .collect()
}

#[test]
fn json_text_keeps_the_users_content_type() {
    let out = echo(&[
        "-j",
        "{}",
        "-H",
        "Content-Type",
        "application/vnd.api+json",
        "{url}",
    ]);
    assert_eq!(
        request_content_types(&out),
        ["content-type: application/vnd.api+json"],
        "{out}"
    );
    let out = echo(&["--json", "[1]", "{url}", "CONTENT-TYPE:text/x-json"]);
    assert_eq!(
        request_content_types(&out),
        ["content-type: text/x-json"],
        "{out}"
    );
    let out = echo(&["-j", "[1]", "{url}"]);
    assert_eq!(
        request_content_types(&out),
        ["content-type: application/json"],
        "{out}"
    );
}

#[test]
fn arguments_that_would_be_dropped_are_usage_errors() {
    let server = echo_server();
    for (args, message) in [
        (
            vec!["--auth", "a", "p", "--auth", "b", "q", "{url}"],
            "'--auth <USER> <PASS>' cannot be used multiple times",
        ),
        (vec!["-A", "digest", "{url}"], "-A digest needs credentials"),
        (vec!["-A", "bearer", "{url}"], "-A bearer needs credentials"),
        (
            vec!["-m", "PUT", "POST", "{url}"],
            "give the method once: -m PUT and POST before the URL",
        ),
        (
            vec!["--max-redirects", "3", "{url}"],
            "--max-redirects applies to followed redirects: add --follow-redirects",
        ),
        (
            vec![":abc"],
            "the URL is not valid: after a leading ':' give a port",
        ),
    ] {
        let url = server.url("/echo");
        let args: Vec<String> = args.iter().map(|arg| arg.replace("{url}", &url)).collect();
        let output = xhttp().args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let err = stderr(&output);
        assert!(
            err.starts_with("xhttp: error: ") && err.contains(message),
            "{args:?}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
    assert_eq!(server.connections_opened(), 0);
}

#[test]
fn repeated_json_fields_keep_the_last_value_in_the_first_place() {
    // As xh and HTTPie: `a=1 b=2 a=3` is {"a":"3","b":"2"}.
    let out = echo(&["{url}", "a=1", "b=2", "a=3"]);
    assert!(out.ends_with("\n\n{\"a\":\"3\",\"b\":\"2\"}\n"), "{out}");
}
