//! Proxies against testkit servers: a forward proxy (an h1 server that answers
//! itself), `CONNECT` tunnels and SOCKS5 by small raw proxies written here, and the
//! error cases (a refused `CONNECT`, a SOCKS5 server refusing the credentials, a proxy
//! that never answers).

use std::io::{self, Read as _, Write as _};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

use bytes::Bytes;
use http::{HeaderName, HeaderValue};
use xhttp::{AsyncClient, ErrorKind, Proxy, Timeout};
use xhttp_testkit::tls::{TlsMode, ca_pem};
use xhttp_testkit::{RawConnection, Server};

use crate::short;

/// A server that answers every request itself, with what a forward proxy receives:
/// the target, and the proxy headers.
pub(crate) fn forward_proxy() -> Server {
    Server::http1(|request| {
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .map_or("-", |value| value.to_str().unwrap_or("?"))
                .to_owned()
        };
        let text = format!(
            "{} {} host={} auth={} x-proxy={}",
            request.method(),
            request.uri(),
            header("host"),
            header("proxy-authorization"),
            header("x-proxy"),
        );
        http::Response::new(Bytes::from(text))
    })
}

/// An origin answering with whether it saw proxy credentials.
fn origin(tls: bool) -> Server {
    let builder = Server::builder().auto();
    let builder = if tls {
        builder.tls(TlsMode::Valid)
    } else {
        builder
    };
    builder
        .handler(|request| {
            let auth = request.headers().contains_key("proxy-authorization");
            http::Response::new(Bytes::from(format!(
                "origin {} proxy-authorization={auth}",
                request.uri().path()
            )))
        })
        .start()
}

/// Copies bytes both ways between the client and `upstream` until both sides end.
fn relay(connection: &mut RawConnection, upstream: TcpStream) {
    let mut down = connection.stream().try_clone().unwrap();
    let mut from_upstream = upstream.try_clone().unwrap();
    let copier = thread::spawn(move || {
        let _ = io::copy(&mut from_upstream, &mut down);
        let _ = down.shutdown(Shutdown::Write);
    });
    let mut to_upstream = upstream;
    let _ = io::copy(connection, &mut to_upstream);
    let _ = to_upstream.shutdown(Shutdown::Write);
    copier.join().unwrap();
}

/// A `CONNECT` proxy: records each request head, answers `status`, and relays to
/// `upstream` when the status is 200.
fn connect_proxy(status: u16, upstream: SocketAddr) -> (Server, Arc<Mutex<Vec<String>>>) {
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&heads);
    let server = Server::builder()
        .raw(move |connection| {
            let Ok(Some(request)) = connection.read_request() else {
                return;
            };
            seen.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&request.head).into_owned());
            if status != 200 {
                let answer = format!(
                    "HTTP/1.1 {status} {}\r\ncontent-length: 0\r\n\r\n",
                    http::StatusCode::from_u16(status)
                        .unwrap()
                        .canonical_reason()
                        .unwrap()
                );
                let _ = connection.write_all(answer.as_bytes());
                return;
            }
            let upstream = TcpStream::connect(upstream).unwrap();
            connection
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .unwrap();
            relay(connection, upstream);
        })
        .start();
    (server, heads)
}

#[tokio::test]
async fn plain_http_goes_to_a_forward_proxy_in_absolute_form_with_its_headers() {
    let proxy = forward_proxy();
    let client = AsyncClient::builder()
        .proxy(
            Proxy::new(format!("http://user:p%40ss@{}", proxy.addr()))
                .unwrap()
                .with_header(
                    HeaderName::from_static("x-proxy"),
                    HeaderValue::from_static("1"),
                ),
        )
        .build()
        .unwrap();
    let response = client
        .get("http://origin.test:8080/path?q=1")
        .send()
        .await
        .unwrap();
    // base64("user:p@ss")
    assert_eq!(
        response.text().unwrap(),
        "GET http://origin.test:8080/path?q=1 host=origin.test:8080 \
         auth=Basic dXNlcjpwQHNz x-proxy=1"
    );
    // The proxy's credentials are not part of what the response shows of the request.
    let request = response.request().unwrap();
    assert!(!request.headers.as_map().contains_key("proxy-authorization"));
    // One connection to the proxy serves every plain-http origin.
    let other = client.get("http://other.test/").send().await.unwrap();
    assert!(other.text().unwrap().starts_with("GET http://other.test/ "));
    assert_eq!(proxy.connections_opened(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn https_goes_through_a_connect_tunnel_and_the_origin_sees_no_credentials() {
    let origin = origin(true);
    let (proxy, heads) = connect_proxy(200, origin.addr());
    let client = AsyncClient::builder()
        .add_root_certificate(ca_pem())
        .proxy(format!("http://user:secret@{}", proxy.addr()))
        .build()
        .unwrap();
    let url = format!("https://localhost:{}/hello", origin.addr().port());
    for _ in 0..2 {
        let response = client.get(&url).send().await.unwrap();
        assert_eq!(response.http_version(), "HTTP/2");
        assert_eq!(
            response.text().unwrap(),
            "origin /hello proxy-authorization=false"
        );
    }
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "one tunnel, reused: {heads:?}");
    let target = format!("localhost:{}", origin.addr().port());
    assert!(
        heads[0].starts_with(&format!("CONNECT {target} HTTP/1.1\r\n")),
        "{heads:?}"
    );
    let lower = heads[0].to_ascii_lowercase();
    assert!(
        lower.contains(&format!("\r\nhost: {target}\r\n")),
        "{lower}"
    );
    // base64("user:secret")
    assert!(
        lower.contains("\r\nproxy-authorization: basic dxnlcjpzzwnyzxq=\r\n"),
        "{lower}"
    );
}

#[tokio::test]
async fn a_refused_connect_is_a_proxy_error_with_the_status_and_no_secret() {
    let (proxy, _) = connect_proxy(407, "127.0.0.1:9".parse().unwrap());
    let client = AsyncClient::builder()
        .proxy(format!("http://user:hunter2@{}", proxy.addr()))
        .build()
        .unwrap();
    let error = client.get("https://origin.test/").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Proxy, "{error}");
    assert_eq!(
        error.status(),
        Some(http::StatusCode::PROXY_AUTHENTICATION_REQUIRED)
    );
    let shown = format!("{error} {error:?}");
    assert!(
        shown.contains("407 Proxy Authentication Required"),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(!shown.contains("aHVudGVyMg"), "{shown}");
    assert!(!format!("{client:?}").contains("hunter2"));
}

#[tokio::test]
async fn the_connect_timeout_covers_the_proxy_handshake() {
    // A proxy that reads the CONNECT and never answers.
    let proxy = Server::builder()
        .raw(|connection| {
            let _ = connection.read_request();
            let mut rest = Vec::new();
            let _ = connection.read_to_end(&mut rest);
        })
        .start();
    let client = AsyncClient::builder()
        .proxy(format!("http://{}", proxy.addr()))
        .timeout(Timeout::default().with_connect(short(300)))
        .build()
        .unwrap();
    let error = client.get("https://origin.test/").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ConnectTimeout, "{error}");
}

/// What a raw SOCKS5 server saw of one handshake: the address or name, and the port.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SocksTarget {
    Ipv4(String, u16),
    Name(String, u16),
}

/// A SOCKS5 server: with `credentials`, it wants username/password and refuses any
/// others; it relays every request to `upstream`, recording the target asked for.
fn socks_server(
    credentials: Option<(&'static str, &'static str)>,
    upstream: SocketAddr,
) -> (Server, Arc<Mutex<Vec<SocksTarget>>>) {
    let targets = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&targets);
    let server = Server::builder()
        .raw(move |connection| {
            let Some(target) = socks_handshake(connection, credentials) else {
                return;
            };
            seen.lock().unwrap().push(target);
            // Succeeded, bound to 0.0.0.0:0.
            connection
                .write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0])
                .unwrap();
            relay(connection, TcpStream::connect(upstream).unwrap());
        })
        .start();
    (server, targets)
}

fn read_bytes(connection: &mut RawConnection, count: usize) -> Option<Vec<u8>> {
    let mut bytes = vec![0; count];
    connection.read_exact(&mut bytes).ok()?;
    Some(bytes)
}

fn socks_handshake(
    connection: &mut RawConnection,
    credentials: Option<(&str, &str)>,
) -> Option<SocksTarget> {
    let greeting = read_bytes(connection, 2)?;
    assert_eq!(greeting[0], 5);
    let methods = read_bytes(connection, usize::from(greeting[1]))?;
    match credentials {
        None => connection.write_all(&[5, 0]).ok()?,
        Some((user, password)) => {
            assert!(methods.contains(&2), "{methods:?}");
            connection.write_all(&[5, 2]).ok()?;
            let version_and_len = read_bytes(connection, 2)?;
            let given_user = read_bytes(connection, usize::from(version_and_len[1]))?;
            let password_len = read_bytes(connection, 1)?;
            let given_password = read_bytes(connection, usize::from(password_len[0]))?;
            let accepted = given_user == user.as_bytes() && given_password == password.as_bytes();
            connection.write_all(&[1, u8::from(!accepted)]).ok()?;
            if !accepted {
                return None;
            }
        }
    }
    let request = read_bytes(connection, 4)?;
    assert_eq!(&request[..3], &[5, 1, 0], "CONNECT");
    let target = match request[3] {
        1 => {
            let ip = read_bytes(connection, 4)?;
            SocksTarget::Ipv4(format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]), 0)
        }
        3 => {
            let len = read_bytes(connection, 1)?;
            let name = read_bytes(connection, usize::from(len[0]))?;
            SocksTarget::Name(String::from_utf8(name).unwrap(), 0)
        }
        other => panic!("address type {other}"),
    };
    let port = read_bytes(connection, 2)?;
    let port = u16::from_be_bytes([port[0], port[1]]);
    Some(match target {
        SocksTarget::Ipv4(ip, _) => SocksTarget::Ipv4(ip, port),
        SocksTarget::Name(name, _) => SocksTarget::Name(name, port),
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn socks5_resolves_here_and_socks5h_lets_the_proxy_resolve() {
    let origin = origin(false);
    let port = origin.addr().port();
    for (scheme, expected) in [
        ("socks5", SocksTarget::Ipv4("127.0.0.1".into(), port)),
        ("socks5h", SocksTarget::Name("origin.test".into(), port)),
    ] {
        let (proxy, targets) = socks_server(Some(("user", "pass")), origin.addr());
        let client = AsyncClient::builder()
            .proxy(format!("{scheme}://user:pass@{}", proxy.addr()))
            .resolve("origin.test", origin.addr())
            .build()
            .unwrap();
        let url = format!("http://origin.test:{}/s", origin.addr().port());
        let response = client.get(&url).send().await.unwrap();
        assert_eq!(
            response.text().unwrap(),
            "origin /s proxy-authorization=false"
        );
        assert_eq!(*targets.lock().unwrap(), [expected]);
    }
}

#[tokio::test]
async fn a_socks_server_refusing_the_credentials_is_a_proxy_error_without_them() {
    let (proxy, targets) = socks_server(Some(("user", "right")), "127.0.0.1:9".parse().unwrap());
    let client = AsyncClient::builder()
        .proxy(format!("socks5h://user:wrong-secret@{}", proxy.addr()))
        .build()
        .unwrap();
    let error = client.get("http://origin.test/").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Proxy, "{error}");
    let shown = format!("{error} {error:?}");
    assert!(
        shown.contains("refused the username and password"),
        "{shown}"
    );
    assert!(!shown.contains("wrong-secret"), "{shown}");
    assert!(targets.lock().unwrap().is_empty());
}

#[tokio::test]
async fn connections_through_different_proxy_credentials_are_not_shared() {
    let proxy = forward_proxy();
    let client = AsyncClient::builder()
        .proxy_for("all://a.test", format!("http://one:x@{}", proxy.addr()))
        .proxy_for("all://b.test", format!("http://two:x@{}", proxy.addr()))
        .build()
        .unwrap();
    for host in ["a.test", "b.test", "a.test", "b.test"] {
        let response = client.get(format!("http://{host}/")).send().await.unwrap();
        let expected = if host == "a.test" {
            "Basic b25lOng="
        } else {
            "Basic dHdvOng="
        };
        assert!(response.text().unwrap().contains(expected));
    }
    assert_eq!(proxy.connections_opened(), 2);
    assert_eq!(proxy.requests_per_connection(), [2, 2]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tunnel_and_a_direct_connection_to_one_origin_are_not_shared() {
    let origin = origin(false);
    let (proxy, targets) = socks_server(None, origin.addr());
    let port = origin.addr().port();
    let client = AsyncClient::builder()
        .proxy_for(
            "all://tunnelled.test",
            format!("socks5h://{}", proxy.addr()),
        )
        .build()
        .unwrap();
    for path in ["/d1", "/t1", "/d2", "/t2"] {
        let host = if path.starts_with("/d") {
            "127.0.0.1"
        } else {
            "tunnelled.test"
        };
        let response = client
            .get(format!("http://{host}:{port}{path}"))
            .send()
            .await
            .unwrap();
        assert!(
            response
                .text()
                .unwrap()
                .starts_with(&format!("origin {path} "))
        );
    }
    assert_eq!(origin.connections_opened(), 2);
    assert_eq!(proxy.connections_opened(), 1);
    assert_eq!(
        *targets.lock().unwrap(),
        [SocksTarget::Name("tunnelled.test".into(), port)]
    );
}

/// A resolver override's port applies when the URL names none, through `socks5://` as
/// on a direct connection; `socks5h://` sends the name with the URL's port (the proxy
/// resolves, so the override is not consulted).
#[tokio::test(flavor = "multi_thread")]
async fn socks5_takes_the_port_of_a_resolver_override_as_a_direct_connection_does() {
    let origin = origin(false);
    let port = origin.addr().port();
    let direct = AsyncClient::builder()
        .resolve("origin.test", origin.addr())
        .build()
        .unwrap();
    let response = direct.get("http://origin.test/o").send().await.unwrap();
    assert!(response.text().unwrap().starts_with("origin /o "));
    for (scheme, expected) in [
        ("socks5", SocksTarget::Ipv4("127.0.0.1".into(), port)),
        ("socks5h", SocksTarget::Name("origin.test".into(), 80)),
    ] {
        let (proxy, targets) = socks_server(None, origin.addr());
        let client = AsyncClient::builder()
            .proxy(format!("{scheme}://{}", proxy.addr()))
            .resolve("origin.test", origin.addr())
            .build()
            .unwrap();
        let response = client.get("http://origin.test/o").send().await.unwrap();
        assert!(response.text().unwrap().starts_with("origin /o "));
        // An explicit port wins over the override's.
        let response = client.get("http://origin.test:81/p").send().await.unwrap();
        assert!(response.text().unwrap().starts_with("origin /p "));
        let explicit = match &expected {
            SocksTarget::Ipv4(ip, _) => SocksTarget::Ipv4(ip.clone(), 81),
            SocksTarget::Name(name, _) => SocksTarget::Name(name.clone(), 81),
        };
        assert_eq!(*targets.lock().unwrap(), [expected, explicit], "{scheme}");
    }
}

#[tokio::test]
async fn an_https_proxy_is_spoken_to_over_tls_in_http1() {
    let proxy = Server::builder()
        .auto()
        .tls(TlsMode::Valid)
        .handler(|request| {
            http::Response::new(Bytes::from(format!(
                "{:?} {} {}",
                request.version(),
                request.method(),
                request.uri()
            )))
        })
        .start();
    let client = AsyncClient::builder()
        .add_root_certificate(ca_pem())
        .proxy(format!("https://localhost:{}", proxy.addr().port()))
        .build()
        .unwrap();
    let response = client.get("http://origin.test/x").send().await.unwrap();
    // The server offers h2 by ALPN: the client asked for http/1.1 only.
    assert_eq!(
        response.text().unwrap(),
        "HTTP/1.1 GET http://origin.test/x"
    );
    // Without the CA, the proxy's certificate is refused. Nor does `verify(false)`,
    // which is the origins' setting, let it through: the proxy link carries the proxy's
    // credentials.
    for verify in [true, false] {
        let client = AsyncClient::builder()
            .system_roots(false)
            .verify(verify)
            .proxy(format!("https://localhost:{}", proxy.addr().port()))
            .build()
            .unwrap();
        let error = client.get("http://origin.test/x").send().await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Connect, "{error}");
        assert!(error.to_string().contains("proxy"), "{error}");
    }
}
