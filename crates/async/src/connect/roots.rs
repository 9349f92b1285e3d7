//! Trusted roots: the system's, loaded once per process on the first https connect and
//! off the runtime workers, or the files named by `SSL_CERT_FILE` / `SSL_CERT_DIR`.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use xhttp_core::{Env, Error, ErrorKind};

static SYSTEM_ROOTS: OnceLock<Arc<RootCertStore>> = OnceLock::new();

/// The system's roots, read once per process (reading and parsing them takes
/// milliseconds, so it happens on tokio's blocking pool). An unreadable or empty store
/// is an empty set, not an error: an http-only client must not fail for it.
pub(crate) async fn system_roots() -> Arc<RootCertStore> {
    if let Some(roots) = SYSTEM_ROOTS.get() {
        return Arc::clone(roots);
    }
    let loaded = tokio::task::spawn_blocking(load_system_roots)
        .await
        .unwrap_or_else(|_| Arc::new(RootCertStore::empty()));
    Arc::clone(SYSTEM_ROOTS.get_or_init(|| loaded))
}

fn load_system_roots() -> Arc<RootCertStore> {
    let mut store = RootCertStore::empty();
    // Certificates that fail to load or parse are skipped, as browsers do.
    let found = rustls_native_certs::load_native_certs();
    store.add_parsable_certificates(found.certs);
    Arc::new(store)
}

/// The roots named by `SSL_CERT_FILE` (preferred) or `SSL_CERT_DIR`, through `env`;
/// `None` when neither is set.
pub(crate) fn env_roots(env: &Env) -> Result<Option<RootCertStore>, Error> {
    if let Some(file) = env.var("SSL_CERT_FILE").filter(|value| !value.is_empty()) {
        let mut store = RootCertStore::empty();
        add_pem_file(&mut store, Path::new(&file))?;
        return Ok(Some(store));
    }
    if let Some(dir) = env.var("SSL_CERT_DIR").filter(|value| !value.is_empty()) {
        let mut store = RootCertStore::empty();
        for dir in std::env::split_paths(&dir) {
            let entries = std::fs::read_dir(&dir).map_err(|error| {
                tls_config_error(
                    format!("cannot read SSL_CERT_DIR '{}'", dir.display()),
                    error,
                )
            })?;
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_file() {
                    // Directories hold other files too (hash links, READMEs): skip those.
                    let _ = add_pem_file(&mut store, &path);
                }
            }
        }
        return Ok(Some(store));
    }
    Ok(None)
}

fn add_pem_file(store: &mut RootCertStore, path: &Path) -> Result<(), Error> {
    let bytes = std::fs::read(path).map_err(|error| {
        tls_config_error(
            format!("cannot read certificates from '{}'", path.display()),
            error,
        )
    })?;
    add_certificates(store, &bytes)
}

/// Adds PEM (one or more certificates) or DER bytes to `store`.
pub(crate) fn add_certificates(store: &mut RootCertStore, bytes: &[u8]) -> Result<(), Error> {
    // DER starts with a SEQUENCE tag; anything else is taken as PEM.
    let certificates: Vec<CertificateDer<'static>> = if !bytes.starts_with(&[0x30]) {
        CertificateDer::pem_slice_iter(bytes)
            .collect::<Result<_, _>>()
            .map_err(|error| {
                tls_config_error("a root certificate is not valid PEM".into(), error)
            })?
    } else {
        vec![CertificateDer::from(bytes.to_vec())]
    };
    if certificates.is_empty() {
        return Err(
            Error::new(ErrorKind::Connect).with_message("no certificate found in the given roots")
        );
    }
    for certificate in certificates {
        store
            .add(certificate)
            .map_err(|error| tls_config_error("a root certificate is not valid".into(), error))?;
    }
    Ok(())
}

pub(crate) fn tls_config_error(message: String, source: impl Into<xhttp_core::BoxError>) -> Error {
    Error::new(ErrorKind::Connect)
        .with_message(format!("TLS configuration: {message}"))
        .with_source(source)
}
