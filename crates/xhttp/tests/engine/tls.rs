//! Certificates: the custom CA, each kind of bad certificate, verify(false), client
//! identities.

use bytes::Bytes;
use xhttp::{AsyncClient, ErrorKind};
use xhttp_testkit::Server;
use xhttp_testkit::tls::{TlsMode, ca_pem, client_identity};

fn tls_server(mode: TlsMode) -> Server {
    Server::builder()
        .auto()
        .tls(mode)
        .handler(|_| http::Response::new(Bytes::from_static(b"secret")))
        .start()
}

fn trusting_client() -> AsyncClient {
    AsyncClient::builder()
        .add_root_certificate(ca_pem())
        .build()
        .unwrap()
}

async fn connect_error(mode: TlsMode, url_host: Option<&str>) -> String {
    let server = tls_server(mode);
    let url = match url_host {
        Some(host) => format!("https://{host}:{}/", server.addr().port()),
        None => server.url("/"),
    };
    let client = AsyncClient::builder()
        .add_root_certificate(ca_pem())
        .resolve("wrong.example", server.addr())
        .build()
        .unwrap();
    let error = client.get(url).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect, "{error}");
    error.to_string()
}

#[tokio::test]
async fn a_certificate_from_the_custom_ca_is_trusted() {
    let server = tls_server(TlsMode::Valid);
    let response = trusting_client().get(server.url("/")).send().await.unwrap();
    assert_eq!(response.text().unwrap(), "secret");
}

#[tokio::test]
async fn without_the_ca_the_certificate_is_refused() {
    let server = tls_server(TlsMode::Valid);
    let client = AsyncClient::builder().system_roots(false).build().unwrap();
    let error = client.get(server.url("/")).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect);
    assert!(error.to_string().contains("UnknownIssuer"), "{error}");
}

#[tokio::test]
async fn an_expired_certificate_is_a_clear_error() {
    let text = connect_error(TlsMode::Expired, None).await;
    assert!(text.contains("certificate expired"), "{text}");
    assert!(text.contains("TLS handshake"), "{text}");
}

#[tokio::test]
async fn a_self_signed_certificate_is_a_clear_error() {
    let text = connect_error(TlsMode::SelfSigned, None).await;
    assert!(text.contains("UnknownIssuer"), "{text}");
}

#[tokio::test]
async fn a_certificate_for_another_host_is_a_clear_error() {
    let text = connect_error(TlsMode::WrongHost, None).await;
    assert!(text.contains("not valid for name"), "{text}");
    // Asked for by the name it was made for, it is fine.
    let server = tls_server(TlsMode::WrongHost);
    let client = AsyncClient::builder()
        .add_root_certificate(ca_pem())
        .resolve("wrong.example", server.addr())
        .build()
        .unwrap();
    let url = format!("https://wrong.example:{}/", server.addr().port());
    assert_eq!(
        client.get(url).send().await.unwrap().text().unwrap(),
        "secret"
    );
}

#[tokio::test]
async fn verify_false_accepts_any_certificate() {
    let server = tls_server(TlsMode::SelfSigned);
    let client = AsyncClient::builder().verify(false).build().unwrap();
    let response = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(response.text().unwrap(), "secret");
}

#[tokio::test]
async fn a_client_identity_is_presented() {
    let server = tls_server(TlsMode::RequireClientCert);
    let error = trusting_client()
        .get(server.url("/"))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_connect() || error.is_transport(), "{error}");

    let identity = client_identity();
    let client = AsyncClient::builder()
        .add_root_certificate(ca_pem())
        .identity(identity.cert_pem(), identity.key_pem())
        .build()
        .unwrap();
    let response = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(response.text().unwrap(), "secret");
}
