//! [`BasicAuth`]: HTTP Basic credentials (RFC 7617).

use std::fmt;

use super::{Auth, AuthFlow, base64, header_flow, sensitive_value};
use crate::Error;

/// HTTP Basic: `Authorization: Basic base64(username:password)`, both encoded as UTF-8
/// (as httpx). The header value is marked sensitive; `Debug` never shows the password.
///
/// ```
/// use xhttp_core::auth::BasicAuth;
///
/// let auth = BasicAuth::new("ü", "p€");
/// assert_eq!(auth.header_value()?, "Basic w7w6cOKCrA==");
/// assert!(!format!("{auth:?}").contains("p€"));
/// # Ok::<(), xhttp_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct BasicAuth {
    username: String,
    password: String,
}

impl BasicAuth {
    /// Basic credentials.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> BasicAuth {
        BasicAuth {
            username: username.into(),
            password: password.into(),
        }
    }

    /// The user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The `Authorization` header value, marked sensitive; an `InvalidHeader` error
    /// when the credentials cannot be one (they can always be, base64 being ASCII).
    pub fn header_value(&self) -> Result<http::HeaderValue, Error> {
        let credentials = format!("{}:{}", self.username, self.password);
        sensitive_value(format!("Basic {}", base64::encode(credentials.as_bytes())))
    }
}

impl Auth for BasicAuth {
    fn flow(&self) -> Box<dyn AuthFlow> {
        header_flow(self.header_value())
    }
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("username", &self.username)
            .field("password", &"[secure]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::AuthDriver;
    use crate::{Request, Url};

    #[test]
    fn basic_is_utf8_as_httpx_and_sensitive() {
        let value = BasicAuth::new("ü", "p€").header_value().unwrap();
        assert_eq!(value, "Basic w7w6cOKCrA==");
        assert!(value.is_sensitive());
    }

    #[test]
    fn the_flow_sets_the_header_once() {
        let auth = BasicAuth::new("user", "pass");
        let mut request = Request::new(http::Method::GET, Url::parse("http://h/").unwrap());
        request
            .headers_mut()
            .insert("authorization", "old")
            .unwrap();
        AuthDriver::new(&auth).start(&mut request).unwrap();
        let values: Vec<_> = request.headers().get_all("authorization").collect();
        assert_eq!(values, ["Basic dXNlcjpwYXNz"]);
    }

    #[test]
    fn debug_hides_the_password() {
        let text = format!("{:?}", BasicAuth::new("u", "hunter2"));
        assert!(!text.contains("hunter2") && text.contains('u'), "{text}");
    }
}
