//! TLS for the test servers: a process-wide test CA generated with `rcgen`, the
//! server certificates of each [`TlsMode`], and a client identity signed by the CA.
//!
//! Every configuration here is built with [`crypto_provider`] (`ring`), never with the
//! process-default provider: other crates in the same test binary may bring another.
//!
//! ```
//! use xhttp_testkit::{Server, tls::TlsMode};
//!
//! let server = Server::builder().tls(TlsMode::Valid).start();
//! assert!(server.url("/").starts_with("https://127.0.0.1:"));
//! assert!(xhttp_testkit::tls::ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
//! ```

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig};

use crate::ca::{self, Leaf};

/// Which certificate a TLS test server presents, and whether it asks for a client's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TlsMode {
    /// A certificate for `localhost`, `127.0.0.1` and `::1` signed by the test CA.
    Valid,
    /// Like [`TlsMode::Valid`] but valid only during the year 2000.
    Expired,
    /// A certificate for the right names, signed by its own key rather than the CA.
    SelfSigned,
    /// A certificate signed by the CA for `wrong.example` only.
    WrongHost,
    /// The valid certificate, and the server requires a client certificate signed by
    /// the test CA (see [`client_identity`]).
    RequireClientCert,
}

impl TlsMode {
    fn leaf(self) -> &'static Leaf {
        let ca = ca::test_ca();
        match self {
            TlsMode::Valid | TlsMode::RequireClientCert => &ca.valid,
            TlsMode::Expired => &ca.expired,
            TlsMode::SelfSigned => &ca.self_signed,
            TlsMode::WrongHost => &ca.wrong_host,
        }
    }
}

/// The one crypto provider the testkit uses: `ring`.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The test CA's certificate, PEM-encoded.
pub fn ca_pem() -> &'static str {
    &ca::test_ca().ca_pem
}

/// The test CA's certificate, DER-encoded.
pub fn ca_der() -> CertificateDer<'static> {
    CertificateDer::from(ca::test_ca().ca_der.clone())
}

/// A root store that trusts the test CA and nothing else.
pub fn root_store() -> RootCertStore {
    let mut roots = RootCertStore::empty();
    match roots.add(ca_der()) {
        Ok(()) => roots,
        Err(error) => panic!("testkit: the test CA is not a valid trust anchor: {error}"),
    }
}

/// A client certificate signed by the test CA, with its private key: what a
/// [`TlsMode::RequireClientCert`] server accepts.
#[derive(Debug, Clone, Copy)]
pub struct ClientIdentity {
    leaf: &'static Leaf,
}

impl ClientIdentity {
    /// The certificate chain (the client certificate alone), PEM-encoded.
    pub fn cert_pem(&self) -> &'static str {
        &self.leaf.cert_pem
    }

    /// The private key, PEM-encoded PKCS#8.
    pub fn key_pem(&self) -> &'static str {
        &self.leaf.key_pem
    }

    /// The certificate followed by the key in one PEM text, as identity loaders that
    /// take a single file expect.
    pub fn pem(&self) -> String {
        format!("{}{}", self.leaf.cert_pem, self.leaf.key_pem)
    }

    /// The certificate chain, DER-encoded.
    pub fn cert_chain_der(&self) -> Vec<CertificateDer<'static>> {
        vec![CertificateDer::from(self.leaf.cert_der.clone())]
    }

    /// The private key, DER-encoded PKCS#8.
    pub fn key_der(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.leaf.key_der.clone()))
    }
}

/// The client identity signed by the test CA.
pub fn client_identity() -> ClientIdentity {
    ClientIdentity {
        leaf: &ca::test_ca().client,
    }
}

/// A client configuration trusting only the test CA, offering `alpn` (say
/// `[b"h2", b"http/1.1"]`), without a client certificate: for tests that drive a raw
/// TLS client.
pub fn client_config(alpn: &[&[u8]]) -> ClientConfig {
    let builder = ClientConfig::builder_with_provider(crypto_provider())
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|error| panic!("testkit: ring supports no TLS version: {error}"))
        .with_root_certificates(root_store());
    let mut config = builder.with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|protocol| protocol.to_vec()).collect();
    config
}

/// Like [`client_config`], presenting [`client_identity`].
pub fn client_config_with_identity(alpn: &[&[u8]]) -> ClientConfig {
    let identity = client_identity();
    let builder = ClientConfig::builder_with_provider(crypto_provider())
        .with_safe_default_protocol_versions()
        .unwrap_or_else(|error| panic!("testkit: ring supports no TLS version: {error}"))
        .with_root_certificates(root_store());
    let mut config = builder
        .with_client_auth_cert(identity.cert_chain_der(), identity.key_der())
        .unwrap_or_else(|error| panic!("testkit: the client identity is unusable: {error}"));
    config.alpn_protocols = alpn.iter().map(|protocol| protocol.to_vec()).collect();
    config
}

/// The server configuration of `mode`, offering `alpn` in order of preference.
pub(crate) fn server_config(mode: TlsMode, alpn: &[&[u8]]) -> Result<ServerConfig, rustls::Error> {
    let provider = crypto_provider();
    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()?;
    let builder = if mode == TlsMode::RequireClientCert {
        let verifier =
            WebPkiClientVerifier::builder_with_provider(Arc::new(root_store()), provider)
                .build()
                .map_err(|error| rustls::Error::General(error.to_string()))?;
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let leaf = mode.leaf();
    let mut config = builder.with_single_cert(
        vec![CertificateDer::from(leaf.cert_der.clone())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf.key_der.clone())),
    )?;
    config.alpn_protocols = alpn.iter().map(|protocol| protocol.to_vec()).collect();
    Ok(config)
}
