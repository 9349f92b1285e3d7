//! The TLS modes, checked with a tokio-rustls client that trusts the test CA.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{CertificateError, ClientConfig};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use xhttp_testkit::tls::{self, TlsMode};
use xhttp_testkit::{Behavior, ConnectionEvent, Server};

use crate::client::{get_to_end, parse_head};
use crate::h2::h2_get;
use crate::{QUIET, WAIT};

fn tls_server(mode: TlsMode) -> Server {
    Server::builder()
        .tls(mode)
        .handler(|request| http::Response::new(format!("{:?}", request.version()).into()))
        .start()
}

async fn handshake(
    addr: SocketAddr,
    name: &str,
    config: ClientConfig,
) -> io::Result<TlsStream<TcpStream>> {
    let stream = TcpStream::connect(addr).await?;
    let name = ServerName::try_from(name.to_owned()).expect("a server name");
    TlsConnector::from(Arc::new(config))
        .connect(name, stream)
        .await
}

/// The rustls error inside an I/O error.
fn rustls_error(error: &io::Error) -> &rustls::Error {
    error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .unwrap_or_else(|| panic!("not a rustls error: {error:?}"))
}

fn certificate_error(error: &io::Error) -> &CertificateError {
    match rustls_error(error) {
        rustls::Error::InvalidCertificate(certificate) => certificate,
        other => panic!("not a certificate error: {other:?}"),
    }
}

#[allow(clippy::print_stderr)] // the skip is said on the test's output
#[tokio::test]
async fn the_valid_certificate_verifies_for_every_loopback_name() {
    let server = tls_server(TlsMode::Valid);
    assert!(server.url("/").starts_with("https://127.0.0.1:"));
    for name in ["localhost", "127.0.0.1"] {
        let mut stream = handshake(server.addr(), name, tls::client_config(&[]))
            .await
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        let response = get_to_end(&mut stream, "/").await.unwrap();
        let head = parse_head(&response).expect("a response");
        assert_eq!((head.status, head.rest.as_slice()), (200, &b"HTTP/1.1"[..]));
    }
    if !xhttp_testkit::ipv6_loopback_available() {
        eprintln!("skipped the ::1 part: this machine has no IPv6 loopback");
        return;
    }
    let v6 = Server::builder().ipv6().tls(TlsMode::Valid).start();
    handshake(v6.addr(), "::1", tls::client_config(&[]))
        .await
        .expect("the certificate names ::1");
}

#[tokio::test]
async fn an_expired_certificate_fails_verification() {
    let server = tls_server(TlsMode::Expired);
    let error = handshake(server.addr(), "localhost", tls::client_config(&[]))
        .await
        .expect_err("an expired certificate");
    let certificate = certificate_error(&error);
    assert!(
        matches!(
            certificate,
            CertificateError::Expired | CertificateError::ExpiredContext { .. }
        ),
        "{certificate:?}"
    );
}

#[tokio::test]
async fn a_self_signed_certificate_fails_verification() {
    let server = tls_server(TlsMode::SelfSigned);
    let error = handshake(server.addr(), "localhost", tls::client_config(&[]))
        .await
        .expect_err("a self-signed certificate");
    assert_eq!(certificate_error(&error), &CertificateError::UnknownIssuer);
}

#[tokio::test]
async fn a_wrong_host_certificate_fails_verification() {
    let server = tls_server(TlsMode::WrongHost);
    let error = handshake(server.addr(), "localhost", tls::client_config(&[]))
        .await
        .expect_err("a certificate for another host");
    let certificate = certificate_error(&error);
    assert!(
        matches!(
            certificate,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
        ),
        "{certificate:?}"
    );
    // The same certificate is fine for the name it carries.
    handshake(server.addr(), "wrong.example", tls::client_config(&[]))
        .await
        .expect("valid for wrong.example");
}

#[tokio::test]
async fn a_client_certificate_is_required_and_accepted() {
    let server = tls_server(TlsMode::RequireClientCert);
    // TLS 1.3 clients finish their side of the handshake before the server checks
    // them: the refusal arrives as an alert on the first read.
    let refused = match handshake(server.addr(), "localhost", tls::client_config(&[])).await {
        Err(error) => error,
        Ok(mut stream) => get_to_end(&mut stream, "/")
            .await
            .expect_err("no client certificate"),
    };
    assert!(
        matches!(
            rustls_error(&refused),
            rustls::Error::AlertReceived(rustls::AlertDescription::CertificateRequired)
        ),
        "{refused:?}"
    );
    let mut stream = handshake(
        server.addr(),
        "localhost",
        tls::client_config_with_identity(&[]),
    )
    .await
    .expect("the client identity is accepted");
    let response = get_to_end(&mut stream, "/").await.unwrap();
    assert_eq!(parse_head(&response).expect("a response").status, 200);
}

#[tokio::test]
async fn alpn_follows_the_protocol() {
    let both: &[&[u8]] = &[b"h2", b"http/1.1"];
    for (builder, offered, expected) in [
        (Server::builder().auto(), both, Some(&b"h2"[..])),
        (
            Server::builder().auto(),
            &[&b"http/1.1"[..]][..],
            Some(&b"http/1.1"[..]),
        ),
        (Server::builder().http1(), both, Some(&b"http/1.1"[..])),
        (Server::builder().http2(), both, Some(&b"h2"[..])),
        (Server::builder().auto(), &[][..], None),
    ] {
        let server = builder.tls(TlsMode::Valid).start();
        let stream = handshake(server.addr(), "localhost", tls::client_config(offered))
            .await
            .unwrap();
        assert_eq!(stream.get_ref().1.alpn_protocol(), expected, "{server:?}");
    }
}

#[tokio::test]
async fn http2_is_served_after_alpn_h2() {
    let server = Server::builder()
        .auto()
        .tls(TlsMode::Valid)
        .handler(|request| http::Response::new(format!("{:?}", request.version()).into()))
        .start();
    let stream = handshake(server.addr(), "localhost", tls::client_config(&[b"h2"]))
        .await
        .unwrap();
    let (parts, body) = h2_get(stream, &server.url("/")).await;
    assert_eq!(parts.version, http::Version::HTTP_2);
    assert_eq!(body.unwrap(), Bytes::from_static(b"HTTP/2.0"));
}

#[tokio::test]
async fn never_answer_completes_the_handshake_then_stays_silent() {
    let server = Server::builder()
        .tls(TlsMode::Valid)
        .behavior(Behavior::NeverAnswer)
        .start();
    let mut stream = handshake(server.addr(), "localhost", tls::client_config(&[]))
        .await
        .unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut stream, b"GET /tls HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    tokio::io::AsyncWriteExt::flush(&mut stream).await.unwrap();
    // Blocking this runtime is fine: the server runs on its own.
    let seen = server.wait_for(WAIT, |events| {
        events.iter().any(
            |event| matches!(event, ConnectionEvent::RequestRead { target, .. } if target == "/tls"),
        )
    });
    assert!(seen, "{:?}", server.events());
    let mut buffer = [0; 16];
    let read = tokio::time::timeout(QUIET, stream.read(&mut buffer)).await;
    assert!(read.is_err(), "{read:?}");
}

#[test]
fn the_ca_and_the_client_identity_are_exported() {
    let pem = tls::ca_pem();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    assert_eq!(
        CertificateDer::from_pem_slice(pem.as_bytes()).expect("a PEM certificate"),
        tls::ca_der()
    );
    assert_eq!(tls::root_store().len(), 1);
    let identity = tls::client_identity();
    assert!(
        identity
            .cert_pem()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    assert!(
        identity
            .key_pem()
            .starts_with("-----BEGIN PRIVATE KEY-----")
    );
    assert_eq!(
        identity.pem(),
        format!("{}{}", identity.cert_pem(), identity.key_pem())
    );
    assert_eq!(
        vec![CertificateDer::from_pem_slice(identity.cert_pem().as_bytes()).unwrap()],
        identity.cert_chain_der()
    );
    assert_eq!(
        PrivateKeyDer::from_pem_slice(identity.key_pem().as_bytes()).unwrap(),
        identity.key_der()
    );
    assert!(!tls::crypto_provider().cipher_suites.is_empty());
}
