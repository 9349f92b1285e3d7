//! `--download` and `--continue`: checksums, resuming, servers that ignore ranges.

use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use xhttp_testkit::{Behavior, Server};

use crate::common::{respond, stderr, stdout, temp_dir, xhttp};

/// A deterministic 1 MiB + 17 bytes body.
fn content() -> Vec<u8> {
    let mut state: u32 = 0x1234_5678;
    (0..(1 << 20) + 17)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect()
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

/// A server for `content()` that honours `Range: bytes=N-` and records the ranges
/// asked for.
fn ranged_server(ranges: Arc<Mutex<Vec<Option<String>>>>) -> Server {
    let body = content();
    Server::http1(move |request| {
        let range = request
            .headers()
            .get("range")
            .map(|value| value.to_str().unwrap().to_owned());
        ranges.lock().unwrap().push(range.clone());
        let total = body.len();
        let Some(range) = range else {
            return respond(
                200,
                &[("content-type", "application/octet-stream")],
                body.clone(),
            );
        };
        let start: usize = range
            .strip_prefix("bytes=")
            .and_then(|rest| rest.strip_suffix('-'))
            .and_then(|start| start.parse().ok())
            .unwrap();
        if start >= total {
            return respond(416, &[("content-range", &format!("bytes */{total}"))], "");
        }
        let content_range = format!("bytes {start}-{}/{total}", total - 1);
        respond(
            206,
            &[("content-range", &content_range)],
            body[start..].to_vec(),
        )
    })
}

#[test]
fn a_download_matches_the_checksum() {
    let ranges = Arc::new(Mutex::new(Vec::new()));
    let server = ranged_server(Arc::clone(&ranges));
    let path = temp_dir("download").join("file.bin");
    let output = xhttp()
        .args(["--download", path.to_str().unwrap(), &server.url("/file")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(sha256(&std::fs::read(&path).unwrap()), sha256(&content()));
    let out = stdout(&output);
    assert!(out.starts_with("HTTP/1.1 200 OK\n"), "{out}");
    assert!(
        out.contains(&format!("content-length: {}\n", content().len())),
        "{out}"
    );
    assert!(
        stderr(&output).contains("Downloaded 1.00 MiB to "),
        "{}",
        stderr(&output)
    );
    assert_eq!(*ranges.lock().unwrap(), [None]);
}

#[test]
fn an_interrupted_download_resumes_with_continue() {
    let total = content().len();
    let cut = 300_000;
    let truncating = Server::builder()
        .behavior(Behavior::Truncate { after: cut })
        .handler(|_| respond(200, &[], content()))
        .start();
    let path = temp_dir("resume").join("file.bin");
    let file = path.to_str().unwrap();
    let output = xhttp()
        .args(["--download", file, &truncating.url("/file")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("run again with --continue"), "{err}");
    let partial = std::fs::metadata(&path).unwrap().len();
    assert!(partial > 0 && partial <= cut as u64, "{partial}");

    let ranges = Arc::new(Mutex::new(Vec::new()));
    let server = ranged_server(Arc::clone(&ranges));
    let output = xhttp()
        .args(["--download", file, "--continue", &server.url("/file")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("HTTP/1.1 206 Partial Content\n"));
    assert_eq!(*ranges.lock().unwrap(), [Some(format!("bytes={partial}-"))]);
    let saved = std::fs::read(&path).unwrap();
    assert_eq!(saved.len(), total);
    assert_eq!(sha256(&saved), sha256(&content()));

    // Once complete, the server answers 416 and the file is left as it is.
    let output = xhttp()
        .args(["--download", file, "--continue", &server.url("/file")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("is already complete"),
        "{}",
        stderr(&output)
    );
    assert_eq!(sha256(&std::fs::read(&path).unwrap()), sha256(&content()));
}

#[test]
fn a_server_ignoring_the_range_restarts_the_file() {
    let server = Server::http1(|_| respond(200, &[], content()));
    let path = temp_dir("no-range").join("file.bin");
    std::fs::write(&path, &content()[..1000]).unwrap();
    let output = xhttp()
        .args([
            "--download",
            path.to_str().unwrap(),
            "--continue",
            &server.url("/"),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(sha256(&std::fs::read(&path).unwrap()), sha256(&content()));
}

#[test]
fn a_wrong_resume_offset_is_refused() {
    // The server resumes at byte 0 with a 206 although byte 10 was asked for.
    let server =
        Server::http1(|_| respond(206, &[("content-range", "bytes 0-9/10")], "0123456789"));
    let path = temp_dir("bad-range").join("file.bin");
    std::fs::write(&path, "0123456789-extra").unwrap();
    let output = xhttp()
        .args([
            "--download",
            path.to_str().unwrap(),
            "--continue",
            &server.url("/"),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("resumed at byte 0, not at byte 16"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"0123456789-extra");
}

#[test]
fn an_error_status_leaves_no_file() {
    let server = Server::http1(|_| respond(404, &[], "missing"));
    let path = temp_dir("download-404").join("file.bin");
    let output = xhttp()
        .args(["--download", path.to_str().unwrap(), &server.url("/")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    assert!(!path.exists());
    assert!(stderr(&output).contains("was not written: the server answered 404"));
}

#[test]
fn downloads_ask_for_the_identity_encoding() {
    let seen = Arc::new(Mutex::new(None));
    let log = Arc::clone(&seen);
    let server = Server::http1(move |request| {
        *log.lock().unwrap() = request
            .headers()
            .get("accept-encoding")
            .map(|value| value.to_str().unwrap().to_owned());
        respond(200, &[], "x")
    });
    let path = temp_dir("identity").join("file.bin");
    let output = xhttp()
        .args(["--download", path.to_str().unwrap(), &server.url("/")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(seen.lock().unwrap().as_deref(), Some("identity"));
}

/// `xhttp saves what the server sent. ` 40 times (1360 bytes), gzip-compressed.
const GZIP: [u8; 66] = [
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xab, 0xc8, 0x28, 0x29, 0x29, 0x50,
    0x28, 0x4e, 0x2c, 0x4b, 0x2d, 0x56, 0x28, 0xcf, 0x48, 0x2c, 0x51, 0x28, 0xc9, 0x48, 0x55, 0x28,
    0x4e, 0x2d, 0x2a, 0x4b, 0x2d, 0x02, 0x52, 0x79, 0x25, 0x7a, 0x0a, 0x15, 0xa3, 0x2a, 0x46, 0x55,
    0x8c, 0xaa, 0x18, 0x55, 0x31, 0xaa, 0x82, 0x08, 0x15, 0x00, 0xda, 0x9b, 0x90, 0x63, 0x50, 0x05,
    0x00, 0x00,
];

/// A server sending [`GZIP`] with `Content-Encoding: gzip` and its compressed
/// `Content-Length`, whatever `Accept-Encoding` says; it honours `Range: bytes=N-` on
/// those bytes.
fn gzip_server() -> Server {
    Server::http1(|request| {
        let start = request
            .headers()
            .get("range")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("bytes="))
            .and_then(|value| value.strip_suffix('-'))
            .map(|start| start.parse::<usize>().unwrap());
        let total = GZIP.len();
        match start {
            None => respond(
                200,
                &[
                    ("content-encoding", "gzip"),
                    ("content-length", &total.to_string()),
                ],
                GZIP.to_vec(),
            ),
            Some(start) => respond(
                206,
                &[
                    ("content-encoding", "gzip"),
                    ("content-length", &(total - start).to_string()),
                    (
                        "content-range",
                        &format!("bytes {start}-{}/{total}", total - 1),
                    ),
                ],
                GZIP[start..].to_vec(),
            ),
        }
    })
}

#[test]
fn a_compressed_body_is_saved_as_sent() {
    let server = gzip_server();
    let path = temp_dir("download-gzip").join("file.gz");
    let output = xhttp()
        .args(["--download", path.to_str().unwrap(), &server.url("/file")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read(&path).unwrap(), GZIP);
    assert!(
        stderr(&output).contains("Downloaded 66 B to "),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_compressed_download_resumes_at_its_raw_offset() {
    let server = gzip_server();
    let path = temp_dir("resume-gzip").join("file.gz");
    std::fs::write(&path, &GZIP[..20]).unwrap();
    let output = xhttp()
        .args([
            "--download",
            path.to_str().unwrap(),
            "--continue",
            &server.url("/file"),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("HTTP/1.1 206 Partial Content\n"));
    assert_eq!(std::fs::read(&path).unwrap(), GZIP);
}

#[test]
fn a_part_from_byte_0_replaces_the_file_when_nothing_is_resumed() {
    // The server answers 206 from byte 0 although no Range was sent.
    let server =
        Server::http1(|_| respond(206, &[("content-range", "bytes 0-9/10")], "0123456789"));
    let path = temp_dir("206-fresh").join("file.bin");
    std::fs::write(&path, "an older, longer file").unwrap();
    let output = xhttp()
        .args(["--download", path.to_str().unwrap(), &server.url("/")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read(&path).unwrap(), b"0123456789");
}
