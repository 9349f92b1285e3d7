//! Credentials a client or a request sends.

use std::fmt;

/// How a request authenticates. Applied as an `Authorization` header.
///
/// (Digest, `.netrc` and custom flows arrive with the auth layer.)
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// HTTP Basic: `Authorization: Basic base64(user:password)`, UTF-8 encoded.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: String,
    },
    /// A bearer token: `Authorization: Bearer TOKEN`.
    Bearer(String),
}

impl Auth {
    /// Basic credentials.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Auth {
        Auth::Basic {
            username: username.into(),
            password: password.into(),
        }
    }

    /// A bearer token.
    pub fn bearer(token: impl Into<String>) -> Auth {
        Auth::Bearer(token.into())
    }

    /// The `Authorization` header value, marked sensitive.
    pub fn header_value(&self) -> Result<http::HeaderValue, crate::Error> {
        let text = match self {
            Auth::Basic { username, password } => {
                format!(
                    "Basic {}",
                    base64(format!("{username}:{password}").as_bytes())
                )
            }
            Auth::Bearer(token) => format!("Bearer {token}"),
        };
        let mut value = http::HeaderValue::try_from(text).map_err(|_| {
            crate::Error::new(crate::ErrorKind::InvalidHeader)
                .with_message("the credentials hold characters not allowed in a header")
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"[secure]")
                .finish(),
            Auth::Bearer(_) => f.write_str("Bearer([secure])"),
        }
    }
}

/// Standard base64 with padding (RFC 4648 §4).
fn base64(input: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let bytes = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let triple = u32::from(bytes[0]) << 16 | u32::from(bytes[1]) << 8 | u32::from(bytes[2]);
        for index in 0..4 {
            if index <= chunk.len() {
                let sextet = (triple >> (18 - 6 * index)) & 0x3f;
                out.push(char::from(TABLE[sextet as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, output) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), output);
        }
    }

    #[test]
    fn basic_is_utf8_as_httpx() {
        let value = Auth::basic("ü", "p€").header_value().unwrap();
        assert_eq!(value, "Basic w7w6cOKCrA==");
        assert!(value.is_sensitive());
    }

    #[test]
    fn debug_hides_secrets() {
        let text = format!(
            "{:?} {:?}",
            Auth::basic("u", "hunter2"),
            Auth::bearer("tok3n")
        );
        assert!(
            !text.contains("hunter2") && !text.contains("tok3n"),
            "{text}"
        );
    }
}
