//! [`BearerAuth`]: a bearer token (RFC 6750).

use std::fmt;

use super::{Auth, AuthFlow, header_flow, sensitive_value};
use crate::Error;

/// A bearer token: `Authorization: Bearer TOKEN`, marked sensitive; `Debug` never
/// shows the token.
///
/// ```
/// use xhttp_core::auth::BearerAuth;
///
/// let auth = BearerAuth::new("t0k3n");
/// assert_eq!(auth.header_value()?, "Bearer t0k3n");
/// assert_eq!(format!("{auth:?}"), "BearerAuth([secure])");
/// # Ok::<(), xhttp_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct BearerAuth {
    token: String,
}

impl BearerAuth {
    /// A bearer token.
    pub fn new(token: impl Into<String>) -> BearerAuth {
        BearerAuth {
            token: token.into(),
        }
    }

    /// The `Authorization` header value, marked sensitive; an `InvalidHeader` error
    /// (that does not quote the token) when the token holds CR, LF or other bytes a
    /// header cannot.
    pub fn header_value(&self) -> Result<http::HeaderValue, Error> {
        sensitive_value(format!("Bearer {}", self.token))
    }
}

impl Auth for BearerAuth {
    fn flow(&self) -> Box<dyn AuthFlow> {
        header_flow(self.header_value())
    }
}

impl fmt::Debug for BearerAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerAuth([secure])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::AuthDriver;
    use crate::{ErrorKind, Request, Url};

    #[test]
    fn a_token_that_cannot_be_a_header_fails_without_quoting_it() {
        let auth = BearerAuth::new("secret\r\nx: y");
        let mut request = Request::new(http::Method::GET, Url::parse("http://h/").unwrap());
        let error = AuthDriver::new(&auth).start(&mut request).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidHeader);
        assert!(!error.to_string().contains("secret"), "{error}");
        assert!(!format!("{error:?}").contains("secret"), "{error:?}");
    }
}
