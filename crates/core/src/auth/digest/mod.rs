//! [`DigestAuth`]: HTTP Digest access authentication (RFC 7616, RFC 2617, RFC 2069).

mod algorithm;
mod challenge;
mod cnonce;
mod error;
#[cfg(test)]
mod tests;

use std::fmt;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, MutexGuard};

pub use error::DigestError;

use self::challenge::{Challenge, Qop};
use super::{Auth, AuthFlow, AuthResponse, sensitive_value};
use crate::url::Url;
use crate::{Error, ErrorKind, Request};

/// HTTP Digest authentication, as httpx's `DigestAuth`.
///
/// The first request goes out without credentials; a `401` carrying a
/// `WWW-Authenticate: Digest ...` challenge is answered once with
/// `Authorization: Digest username="…", realm="…", nonce="…", uri="…", response="…",
/// algorithm=…[, opaque="…"][, qop=auth, nc=…, cnonce="…"]`.
///
/// * Algorithms: `MD5`, `SHA` (SHA-1), `SHA-256`, `SHA-512`, `SHA-512-256`, each also
///   as `-sess`. `qop=auth` is used when offered; a challenge without `qop` gets the
///   RFC 2069 response.
/// * The challenge is remembered by this value (and its clones) for the origin
///   (scheme, host, port) of the request it answered: later requests to that origin,
///   and only to it, are sent pre-authenticated with the nonce count incremented
///   (`nc=00000002`, ...); a new `401` challenge from that origin replaces it and the
///   count starts again at `00000001`. The challenges of the 16 most recently used
///   origins are kept.
/// * Among the `WWW-Authenticate` headers, and the challenges within each, the first
///   Digest challenge xhttp can answer is used. When none can be (no `nonce`,
///   unparsable, an unknown algorithm, only `qop=auth-int`), the request fails with a
///   `RemoteProtocol` error whose source is the [`DigestError`] of the first one.
///
/// `Debug` never shows the password.
///
/// ```
/// use xhttp_core::auth::DigestAuth;
///
/// let auth = DigestAuth::new("Mufasa", "Circle of Life");
/// assert!(!format!("{auth:?}").contains("Circle"));
/// ```
#[derive(Clone)]
pub struct DigestAuth {
    shared: Arc<Shared>,
}

/// How many origins a [`DigestAuth`] remembers a challenge for: answering a challenge
/// from one more origin forgets the least recently used one.
const REMEMBERED_ORIGINS: usize = 16;

/// The credentials and the state shared by every flow of one `DigestAuth`.
struct Shared {
    username: String,
    password: String,
    /// The remembered challenges, least recently used first, at most
    /// [`REMEMBERED_ORIGINS`], one per origin.
    remembered: Mutex<Vec<Remembered>>,
}

/// The last challenge of an origin and the nonce count to use next with it.
struct Remembered {
    /// A URL of the origin (scheme, host, port) that was challenged.
    origin: Url,
    challenge: Arc<Challenge>,
    next_count: u32,
}

impl DigestAuth {
    /// Digest credentials.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> DigestAuth {
        DigestAuth {
            shared: Arc::new(Shared {
                username: username.into(),
                password: password.into(),
                remembered: Mutex::new(Vec::new()),
            }),
        }
    }

    /// The user name.
    pub fn username(&self) -> &str {
        &self.shared.username
    }
}

impl Shared {
    /// The remembered state; a poisoned lock is still usable (the state is always
    /// consistent between statements).
    fn remembered(&self) -> MutexGuard<'_, Vec<Remembered>> {
        self.remembered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The challenge remembered for `origin` and the nonce count to use now with it
    /// (the origin becomes the most recently used).
    fn next_use(&self, origin: &Url) -> Option<(Arc<Challenge>, u32)> {
        let mut remembered = self.remembered();
        let index = remembered
            .iter()
            .position(|entry| entry.origin.same_origin(origin))?;
        let mut entry = remembered.remove(index);
        let count = entry.next_count;
        entry.next_count = count.wrapping_add(1).max(1);
        let challenge = Arc::clone(&entry.challenge);
        remembered.push(entry);
        Some((challenge, count))
    }

    /// Remembers a new challenge for `origin` (replacing its previous one, forgetting
    /// the least recently used origin past [`REMEMBERED_ORIGINS`]), to be used now with
    /// nonce count 1.
    fn replace(&self, origin: Url, challenge: Challenge) -> Arc<Challenge> {
        let challenge = Arc::new(challenge);
        let mut remembered = self.remembered();
        remembered.retain(|entry| !entry.origin.same_origin(&origin));
        if remembered.len() >= REMEMBERED_ORIGINS {
            remembered.remove(0);
        }
        remembered.push(Remembered {
            origin,
            challenge: Arc::clone(&challenge),
            next_count: 2,
        });
        challenge
    }

    /// The `Authorization` value answering `challenge` for `request`.
    fn header(
        &self,
        challenge: &Challenge,
        request: &Request,
        count: u32,
    ) -> Result<http::HeaderValue, Error> {
        let answer = Answer {
            username: &self.username,
            password: &self.password,
            method: request.method().as_str(),
            uri: &request.url().raw_path(),
            count,
            cnonce: &cnonce::cnonce(),
        };
        sensitive_value(answer.authorization(challenge))
    }
}

impl Auth for DigestAuth {
    fn flow(&self) -> Box<dyn AuthFlow> {
        Box::new(DigestFlow {
            shared: Arc::clone(&self.shared),
            answered: false,
        })
    }
}

/// One request's flow: pre-authenticate with the remembered challenge, answer one
/// `401` challenge.
struct DigestFlow {
    shared: Arc<Shared>,
    answered: bool,
}

impl AuthFlow for DigestFlow {
    fn authenticate(&mut self, request: &mut Request) -> Result<(), Error> {
        if let Some((challenge, count)) = self.shared.next_use(request.url()) {
            let value = self.shared.header(&challenge, request, count)?;
            set_authorization(request, value);
        }
        Ok(())
    }

    fn on_response(
        &mut self,
        request: &Request,
        response: &AuthResponse<'_>,
    ) -> Result<Option<Request>, Error> {
        if self.answered || response.status() != http::StatusCode::UNAUTHORIZED {
            return Ok(None);
        }
        let Some(challenge) = challenge::select(response.headers()) else {
            return Ok(None);
        };
        let challenge = self.shared.replace(request.url().clone(), challenge?);
        self.answered = true;
        let mut next = request.try_clone().ok_or_else(|| {
            Error::new(ErrorKind::StreamConsumed)
                .with_message("the request body cannot be sent again to answer a Digest challenge")
        })?;
        let value = self.shared.header(&challenge, &next, 1)?;
        set_authorization(&mut next, value);
        Ok(Some(next))
    }
}

fn set_authorization(request: &mut Request, value: http::HeaderValue) {
    request
        .headers_mut()
        .as_map_mut()
        .insert(http::header::AUTHORIZATION, value);
}

/// Everything a response is computed from, besides the challenge.
struct Answer<'a> {
    username: &'a str,
    password: &'a str,
    method: &'a str,
    /// The request target: the raw path and query.
    uri: &'a str,
    count: u32,
    cnonce: &'a str,
}

impl Answer<'_> {
    /// The `Authorization` header text, fields in httpx's order.
    fn authorization(&self, challenge: &Challenge) -> String {
        let algorithm = challenge.algorithm;
        let nc = format!("{:08x}", self.count);
        let mut ha1 = algorithm
            .hex(format!("{}:{}:{}", self.username, challenge.realm, self.password).as_bytes());
        if algorithm.is_session() {
            ha1 = algorithm.hex(format!("{ha1}:{}:{}", challenge.nonce, self.cnonce).as_bytes());
        }
        let ha2 = algorithm.hex(format!("{}:{}", self.method, self.uri).as_bytes());
        let response = match challenge.qop {
            Qop::Auth => algorithm.hex(
                format!("{ha1}:{}:{nc}:{}:auth:{ha2}", challenge.nonce, self.cnonce).as_bytes(),
            ),
            Qop::Rfc2069 => algorithm.hex(format!("{ha1}:{}:{ha2}", challenge.nonce).as_bytes()),
        };

        let mut out = String::from("Digest ");
        quoted(&mut out, "username", self.username);
        out.push_str(", ");
        quoted(&mut out, "realm", &challenge.realm);
        out.push_str(", ");
        quoted(&mut out, "nonce", &challenge.nonce);
        out.push_str(", ");
        quoted(&mut out, "uri", self.uri);
        out.push_str(", ");
        quoted(&mut out, "response", &response);
        let _ = write!(out, ", algorithm={}", challenge.algorithm_name);
        if let Some(opaque) = &challenge.opaque {
            out.push_str(", ");
            quoted(&mut out, "opaque", opaque);
        }
        if challenge.qop == Qop::Auth {
            let _ = write!(out, ", qop=auth, nc={nc}, ");
            quoted(&mut out, "cnonce", self.cnonce);
        }
        out
    }
}

/// `name="value"`, escaping `"` and `\` in the value.
fn quoted(out: &mut String, name: &str, value: &str) {
    out.push_str(name);
    out.push_str("=\"");
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

impl fmt::Debug for DigestAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origins = self.shared.remembered().len();
        f.debug_struct("DigestAuth")
            .field("username", &self.shared.username)
            .field("password", &"[secure]")
            .field("remembered_origins", &origins)
            .finish()
    }
}
