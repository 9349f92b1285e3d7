//! The rustls client configuration, built from [`HttpOptions`] with an explicit crypto
//! provider (aws-lc-rs by default, ring without the `aws-lc-rs` feature; never the process
//! default, so another provider linked into the same program cannot make it panic).

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use xhttp_core::{Env, Error, HttpOptions, TlsVersion};

use super::roots::{self, tls_config_error};

/// The crypto provider, explicitly: aws-lc-rs with the `aws-lc-rs` feature (default),
/// else ring.
pub(crate) fn provider() -> Arc<CryptoProvider> {
    #[cfg(feature = "aws-lc-rs")]
    return Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    #[cfg(not(feature = "aws-lc-rs"))]
    return Arc::new(rustls::crypto::ring::default_provider());
}

/// Builds the configuration; `trust_env` lets `SSL_CERT_FILE`, `SSL_CERT_DIR` and
/// `SSLKEYLOGFILE` (read through `env`) take part.
pub(crate) async fn client_config(
    options: &HttpOptions,
    env: &Env,
    trust_env: bool,
) -> Result<ClientConfig, Error> {
    let provider = provider();
    let versions = versions(options)?;
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(&versions)
        .map_err(|error| tls_config_error("unsupported TLS versions".into(), error))?;

    let builder = if options.verify {
        // The environment's files replace the system roots: with those turned off there
        // is nothing to replace (only the added certificates are trusted).
        let mut store = match (trust_env && options.system_roots)
            .then(|| roots::env_roots(env))
            .transpose()?
            .flatten()
        {
            Some(store) => store,
            None if options.system_roots => (*roots::system_roots().await).clone(),
            None => RootCertStore::empty(),
        };
        for certificate in &options.root_certificates {
            roots::add_certificates(&mut store, certificate)?;
        }
        builder.with_root_certificates(store)
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerification {
                algorithms: provider.signature_verification_algorithms,
            }))
    };

    let mut config = match &options.identity {
        Some(identity) => {
            let chain = CertificateDer::pem_slice_iter(&identity.certificate_chain_pem)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|error| {
                    tls_config_error("the client certificate is not valid PEM".into(), error)
                })?;
            let key =
                PrivateKeyDer::from_pem_slice(&identity.private_key_pem).map_err(|error| {
                    tls_config_error("the client key is not valid PEM".into(), error)
                })?;
            builder.with_client_auth_cert(chain, key).map_err(|error| {
                tls_config_error("the client identity was refused".into(), error)
            })?
        }
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = alpn(options);
    if trust_env {
        if let Some(path) = env.var("SSLKEYLOGFILE").filter(|value| !value.is_empty()) {
            config.key_log = Arc::new(KeyLogFile::open(&path));
        }
    }
    Ok(config)
}

/// The ALPN protocols to offer.
pub(crate) fn alpn(options: &HttpOptions) -> Vec<Vec<u8>> {
    let mut protocols = Vec::with_capacity(2);
    if options.http2 {
        protocols.push(b"h2".to_vec());
    }
    if options.http1 {
        protocols.push(b"http/1.1".to_vec());
    }
    protocols
}

fn versions(
    options: &HttpOptions,
) -> Result<Vec<&'static rustls::SupportedProtocolVersion>, Error> {
    let min = options.min_tls_version.unwrap_or(TlsVersion::Tls12);
    let max = options.max_tls_version.unwrap_or(TlsVersion::Tls13);
    let versions: Vec<_> = [
        (TlsVersion::Tls12, &rustls::version::TLS12),
        (TlsVersion::Tls13, &rustls::version::TLS13),
    ]
    .into_iter()
    .filter(|(version, _)| (min..=max).contains(version))
    .map(|(_, supported)| supported)
    .collect();
    if versions.is_empty() {
        return Err(Error::new(xhttp_core::ErrorKind::Connect)
            .with_message("TLS configuration: the minimum TLS version is above the maximum"));
    }
    Ok(versions)
}

/// `verify(false)`: any certificate is accepted, but handshake signatures are still
/// checked (the peer must hold the key of the certificate it shows).
#[derive(Debug)]
struct NoVerification {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, certificate, signature, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, certificate, signature, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Writes TLS secrets in the NSS key log format to the file `SSLKEYLOGFILE` names (for
/// Wireshark). A file that cannot be opened disables logging.
struct KeyLogFile {
    file: Option<Mutex<File>>,
}

impl KeyLogFile {
    fn open(path: &str) -> KeyLogFile {
        let file = OpenOptions::new().append(true).create(true).open(path).ok();
        KeyLogFile {
            file: file.map(Mutex::new),
        }
    }
}

impl fmt::Debug for KeyLogFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyLogFile")
    }
}

impl rustls::KeyLog for KeyLogFile {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let Some(file) = &self.file else { return };
        let mut line =
            String::with_capacity(label.len() + 2 * (client_random.len() + secret.len()) + 3);
        line.push_str(label);
        line.push(' ');
        for byte in client_random {
            line.push_str(&format!("{byte:02x}"));
        }
        line.push(' ');
        for byte in secret {
            line.push_str(&format!("{byte:02x}"));
        }
        line.push('\n');
        if let Ok(mut file) = file.lock() {
            // Key logging is a debugging aid: a failed write must not fail the handshake.
            let _ = file.write_all(line.as_bytes());
        }
    }
}
