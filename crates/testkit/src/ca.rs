//! The process-wide test certificate authority and the certificates it issues,
//! generated once with `rcgen` on first use.

use std::sync::LazyLock;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, date_time_ymd,
};

/// A certificate and its private key, in both encodings.
#[derive(Debug)]
pub(crate) struct Leaf {
    pub(crate) cert_der: Vec<u8>,
    pub(crate) cert_pem: String,
    /// PKCS#8.
    pub(crate) key_der: Vec<u8>,
    pub(crate) key_pem: String,
}

/// Everything the testkit's TLS servers and clients need.
#[derive(Debug)]
pub(crate) struct TestCa {
    pub(crate) ca_der: Vec<u8>,
    pub(crate) ca_pem: String,
    /// For `localhost`, `127.0.0.1` and `::1`, signed by the CA.
    pub(crate) valid: Leaf,
    /// For the same names, signed by the CA, valid only during the year 2000.
    pub(crate) expired: Leaf,
    /// For the same names, signed by its own key.
    pub(crate) self_signed: Leaf,
    /// For `wrong.example` only, signed by the CA.
    pub(crate) wrong_host: Leaf,
    /// A client certificate signed by the CA.
    pub(crate) client: Leaf,
}

/// The names of every good server certificate.
pub(crate) const SERVER_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// The one name of the wrong-host certificate.
pub(crate) const WRONG_HOST: &str = "wrong.example";

static CA: LazyLock<TestCa> = LazyLock::new(|| match generate() {
    Ok(ca) => ca,
    Err(error) => panic!("testkit: could not generate the test CA: {error}"),
});

/// The test CA, generated on first use.
pub(crate) fn test_ca() -> &'static TestCa {
    &CA
}

fn generate() -> Result<TestCa, rcgen::Error> {
    let ca_key = KeyPair::generate()?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "xhttp testkit CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let names = SERVER_NAMES.map(str::to_owned).to_vec();
    let valid = signed(server_params(names.clone(), "localhost")?, &issuer)?;
    let mut expired_params = server_params(names.clone(), "localhost (expired)")?;
    expired_params.not_before = date_time_ymd(2000, 1, 1);
    expired_params.not_after = date_time_ymd(2001, 1, 1);
    let expired = signed(expired_params, &issuer)?;
    let self_signed = {
        let key = KeyPair::generate()?;
        let cert = server_params(names, "localhost (self-signed)")?.self_signed(&key)?;
        leaf(&cert, &key)
    };
    let wrong_host = signed(
        server_params(vec![WRONG_HOST.to_owned()], WRONG_HOST)?,
        &issuer,
    )?;
    let mut client_params = CertificateParams::new(Vec::<String>::new())?;
    client_params
        .distinguished_name
        .push(DnType::CommonName, "xhttp testkit client");
    client_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client = signed(client_params, &issuer)?;

    Ok(TestCa {
        ca_der: ca_cert.der().to_vec(),
        ca_pem: ca_cert.pem(),
        valid,
        expired,
        self_signed,
        wrong_host,
        client,
    })
}

fn server_params(names: Vec<String>, common_name: &str) -> Result<CertificateParams, rcgen::Error> {
    let mut params = CertificateParams::new(names)?;
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    Ok(params)
}

fn signed(params: CertificateParams, issuer: &Issuer<'_, KeyPair>) -> Result<Leaf, rcgen::Error> {
    let key = KeyPair::generate()?;
    let cert = params.signed_by(&key, issuer)?;
    Ok(leaf(&cert, &key))
}

fn leaf(cert: &rcgen::Certificate, key: &KeyPair) -> Leaf {
    Leaf {
        cert_der: cert.der().to_vec(),
        cert_pem: cert.pem(),
        key_der: key.serialize_der(),
        key_pem: key.serialize_pem(),
    }
}
