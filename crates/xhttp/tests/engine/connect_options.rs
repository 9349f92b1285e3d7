//! Connector and TLS options: Unix sockets, connect retries, SSL_CERT_FILE and
//! SSLKEYLOGFILE through the injectable environment, TLS versions, SNI override, the
//! rustls escape hatch.

use std::io::{BufRead, BufReader, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use xhttp::{AsyncClient, BoxTransport, Env, ErrorKind, HttpTransport};
use xhttp_async::connect::dns::{Resolve, Resolving};
use xhttp_testkit::Server;
use xhttp_testkit::tls::{TlsMode, ca_pem, client_config};

fn tls_server() -> Server {
    Server::builder()
        .auto()
        .tls(TlsMode::Valid)
        .handler(|_| http::Response::new(Bytes::from_static(b"tls ok")))
        .start()
}

/// A file under the temp directory, removed on drop.
struct TempPath(std::path::PathBuf);

impl TempPath {
    fn new(tag: &str) -> TempPath {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "xhttp-engine-{}-{}-{tag}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        TempPath(std::env::temp_dir().join(name))
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A one-request HTTP/1.1 server on a Unix socket: answers `200` and gives the request
/// head it read, or the first byte when it is not HTTP (a TLS handshake starts 0x16).
#[cfg(unix)]
fn unix_server(path: &std::path::Path) -> std::thread::JoinHandle<Result<String, u8>> {
    let listener = std::os::unix::net::UnixListener::bind(path).unwrap();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream);
        let first = reader.fill_buf().unwrap().first().copied().unwrap_or(0);
        if !first.is_ascii_uppercase() {
            return Err(first);
        }
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            head.push_str(&line);
        }
        let answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        reader.get_mut().write_all(answer.as_bytes()).unwrap();
        Ok(head)
    })
}

/// A one-request server on a fresh Unix socket (removed with the path) and a client
/// sending through it.
#[cfg(unix)]
fn over_a_unix_socket() -> (
    TempPath,
    std::thread::JoinHandle<Result<String, u8>>,
    AsyncClient,
) {
    let path = TempPath::new("sock");
    let server = unix_server(&path.0);
    let client = AsyncClient::builder().unix_socket(&path.0).build().unwrap();
    (path, server, client)
}

#[cfg(unix)]
#[tokio::test]
async fn requests_go_through_a_unix_socket() {
    let (_path, server, client) = over_a_unix_socket();
    let response = client
        .get("http://unix.local/over/uds")
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().unwrap(), "ok");
    assert_eq!(response.remote_addr(), None);
    let head = server.join().unwrap().unwrap();
    assert!(head.starts_with("GET /over/uds HTTP/1.1\r\n"), "{head}");
}

/// A proxy (here an explicit one; the environment's alike) does not apply to a Unix
/// socket: its credentials and the absolute request target never reach the socket.
#[cfg(unix)]
#[tokio::test]
async fn a_unix_socket_gets_no_proxy_headers() {
    let path = TempPath::new("sock");
    let server = unix_server(&path.0);
    let client = AsyncClient::builder()
        .unix_socket(&path.0)
        .proxy("http://user:secret@127.0.0.1:9")
        .build()
        .unwrap();
    let response = client.get("http://unix.local/x").send().await.unwrap();
    assert_eq!(response.text().unwrap(), "ok");
    let head = server.join().unwrap().unwrap().to_ascii_lowercase();
    assert!(head.starts_with("get /x http/1.1\r\n"), "{head}");
    assert!(!head.contains("proxy-authorization"), "{head}");
}

/// An https URL over a Unix socket still speaks TLS: the request is never sent in the
/// clear (the server here sees a TLS handshake and hangs up).
#[cfg(unix)]
#[tokio::test]
async fn https_over_a_unix_socket_speaks_tls() {
    let (_path, server, client) = over_a_unix_socket();
    let error = client.get("https://unix.local/x").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect, "{error}");
    assert_eq!(server.join().unwrap(), Err(0x16), "a TLS handshake record");
}

/// Counts resolutions: one per connect attempt.
#[derive(Debug, Default)]
struct Counting(Arc<AtomicUsize>);

impl Resolve for Counting {
    fn resolve(&self, _: &str) -> Resolving {
        self.0.fetch_add(1, Ordering::SeqCst);
        // Port 9 (discard) is closed on loopback: every attempt is refused.
        Box::pin(async { Ok(vec!["127.0.0.1:9".parse().unwrap()]) })
    }
}

#[tokio::test]
async fn failed_connects_are_retried_as_configured() {
    let attempts = Arc::new(AtomicUsize::new(0));
    let mut options = xhttp::HttpOptions::default();
    options.retries = 2;
    let transport = HttpTransport::builder()
        .options(options)
        .resolver(Counting(Arc::clone(&attempts)))
        .build();
    let client = AsyncClient::builder()
        .transport(BoxTransport::new(transport))
        .build()
        .unwrap();
    let error = client
        .get("http://refusing.test/")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect, "{error}");
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        3,
        "one try and two retries"
    );
}

#[tokio::test]
async fn ssl_cert_file_from_the_environment_replaces_the_roots() {
    let server = tls_server();
    let file = TempPath::new("ca.pem");
    std::fs::write(&file.0, ca_pem()).unwrap();
    let env = Env::from_pairs([("SSL_CERT_FILE", file.0.to_string_lossy().into_owned())]);
    let client = AsyncClient::builder().env(env.clone()).build().unwrap();
    assert_eq!(
        client
            .get(server.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .unwrap(),
        "tls ok"
    );
    // Not trusting the environment, the CA is unknown.
    let client = AsyncClient::builder()
        .env(env.clone())
        .trust_env(false)
        .system_roots(false)
        .build()
        .unwrap();
    assert_eq!(
        client.get(server.url("/")).send().await.unwrap_err().kind(),
        ErrorKind::Connect
    );
    // The file replaces the system roots: with those off it widens nothing.
    let client = AsyncClient::builder()
        .env(env)
        .system_roots(false)
        .build()
        .unwrap();
    assert_eq!(
        client.get(server.url("/")).send().await.unwrap_err().kind(),
        ErrorKind::Connect
    );
}

#[tokio::test]
async fn sslkeylogfile_receives_the_secrets() {
    let server = tls_server();
    let file = TempPath::new("keys.log");
    let env = Env::from_pairs([("SSLKEYLOGFILE", file.0.to_string_lossy().into_owned())]);
    let client = AsyncClient::builder()
        .env(env)
        .add_root_certificate(ca_pem())
        .build()
        .unwrap();
    client.get(server.url("/")).send().await.unwrap();
    let log = std::fs::read_to_string(&file.0).unwrap();
    assert!(
        log.contains("CLIENT_TRAFFIC_SECRET_0") || log.contains("CLIENT_RANDOM"),
        "{log}"
    );
}

#[tokio::test]
async fn tls_versions_can_be_bounded() {
    let server = tls_server();
    let client = AsyncClient::builder()
        .add_root_certificate(ca_pem())
        .max_tls_version(xhttp::TlsVersion::Tls12)
        .build()
        .unwrap();
    let response = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(response.tls_info().unwrap().version, "TLSv1_2");
    let client = AsyncClient::builder()
        .add_root_certificate(ca_pem())
        .min_tls_version(xhttp::TlsVersion::Tls13)
        .build()
        .unwrap();
    let response = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(response.tls_info().unwrap().version, "TLSv1_3");
}

#[tokio::test]
async fn the_sni_name_can_differ_from_the_host() {
    let server = tls_server();
    let client = AsyncClient::builder()
        .add_root_certificate(ca_pem())
        .tls_sni("localhost")
        .build()
        .unwrap();
    assert_eq!(
        client
            .get(server.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .unwrap(),
        "tls ok"
    );
    let client = AsyncClient::builder()
        .add_root_certificate(ca_pem())
        .tls_sni("other.example")
        .build()
        .unwrap();
    let error = client.get(server.url("/")).send().await.unwrap_err();
    assert!(error.to_string().contains("not valid for name"), "{error}");
}

#[tokio::test]
async fn a_whole_rustls_configuration_is_used_as_it_is() {
    let server = tls_server();
    let transport = HttpTransport::builder()
        .tls_config(Arc::new(client_config(&[b"http/1.1"])))
        .build();
    let client = AsyncClient::builder()
        .transport(BoxTransport::new(transport))
        .build()
        .unwrap();
    let response = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(response.http_version(), "HTTP/1.1");
    assert_eq!(response.text().unwrap(), "tls ok");
}
