//! [`DigestError`]: why a Digest challenge could not be answered.

use std::fmt;

/// Why a Digest challenge (`WWW-Authenticate: Digest ...`) could not be answered.
///
/// It is the [`source`](std::error::Error::source) of the `RemoteProtocol`
/// [`Error`](crate::Error) the exchange fails with, for callers that want to tell the
/// cases apart:
///
/// ```
/// use std::error::Error as _;
/// use xhttp_core::auth::DigestError;
///
/// # fn check(error: &xhttp_core::Error) -> bool {
/// error.source().and_then(|s| s.downcast_ref::<DigestError>()) == Some(&DigestError::AuthIntOnly)
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DigestError {
    /// The challenge is not a list of `name=value` parameters.
    Malformed,
    /// The challenge has no `nonce`.
    MissingNonce,
    /// The challenge has no `realm`.
    MissingRealm,
    /// The challenge names an algorithm xhttp does not implement.
    UnsupportedAlgorithm,
    /// The challenge offers only `qop=auth-int` (integrity protection of the body),
    /// which xhttp does not implement.
    AuthIntOnly,
    /// The challenge offers `qop` values of which none is `auth`.
    UnexpectedQop,
    /// The challenge names a `-sess` algorithm without `qop`: its answer hashes a client
    /// nonce that only a `qop` answer carries, so the server could not check it.
    SessionWithoutQop,
}

impl DigestError {
    /// What went wrong, in words.
    pub fn description(self) -> &'static str {
        match self {
            DigestError::Malformed => "malformed Digest WWW-Authenticate header",
            DigestError::MissingNonce => "malformed Digest WWW-Authenticate header: no nonce",
            DigestError::MissingRealm => "malformed Digest WWW-Authenticate header: no realm",
            DigestError::UnsupportedAlgorithm => "unsupported Digest algorithm",
            DigestError::AuthIntOnly => {
                "the server offers only Digest qop=auth-int, which xhttp does not support"
            }
            DigestError::UnexpectedQop => "unexpected Digest qop value",
            DigestError::SessionWithoutQop => {
                "the Digest challenge names a -sess algorithm without qop, which cannot be answered"
            }
        }
    }

    /// The `RemoteProtocol` error for this case, with `detail` after the description.
    pub(super) fn into_error(self, detail: Option<String>) -> crate::Error {
        let message = match detail {
            Some(detail) => format!("{}: {detail}", self.description()),
            None => self.description().to_owned(),
        };
        crate::Error::new(crate::ErrorKind::RemoteProtocol)
            .with_message(message)
            .with_source(self)
    }
}

impl fmt::Display for DigestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

impl std::error::Error for DigestError {}
