//! [`FnAuth`]: authentication by a closure (httpx's `FunctionAuth`).

use std::fmt;
use std::sync::Arc;

use super::{Auth, AuthFlow};
use crate::{Error, Request};

type Callback = dyn Fn(&mut Request) -> Result<(), Error> + Send + Sync;

/// Calls a closure on each request before it is sent (to add a signature, a custom
/// header...). It never asks for another request.
///
/// ```
/// use xhttp_core::auth::{AuthDriver, FnAuth};
/// use xhttp_core::{Request, Url};
///
/// let auth = FnAuth::new(|request: &mut Request| request.headers_mut().insert("x-api-key", "k"));
/// let mut request = Request::new(http::Method::GET, Url::parse("http://example.com/")?);
/// AuthDriver::new(&auth).start(&mut request)?;
/// assert_eq!(request.headers().get("x-api-key").unwrap(), "k");
/// # Ok::<(), xhttp_core::Error>(())
/// ```
#[derive(Clone)]
pub struct FnAuth {
    callback: Arc<Callback>,
}

impl FnAuth {
    /// Authentication by `callback`.
    pub fn new(
        callback: impl Fn(&mut Request) -> Result<(), Error> + Send + Sync + 'static,
    ) -> FnAuth {
        FnAuth {
            callback: Arc::new(callback),
        }
    }
}

impl Auth for FnAuth {
    fn flow(&self) -> Box<dyn AuthFlow> {
        Box::new(FnFlow {
            callback: Arc::clone(&self.callback),
        })
    }
}

struct FnFlow {
    callback: Arc<Callback>,
}

impl AuthFlow for FnFlow {
    fn authenticate(&mut self, request: &mut Request) -> Result<(), Error> {
        (self.callback)(request)
    }
}

impl fmt::Debug for FnAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnAuth(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::AuthDriver;
    use crate::{ErrorKind, Url};

    #[test]
    fn the_closure_error_is_the_exchange_error() {
        let auth = FnAuth::new(|_: &mut Request| {
            Err(Error::new(ErrorKind::LocalProtocol).with_message("no signing key"))
        });
        let mut request = Request::new(http::Method::GET, Url::parse("http://h/").unwrap());
        let error = AuthDriver::new(&auth).start(&mut request).unwrap_err();
        assert_eq!(error.message(), Some("no signing key"));
    }
}
