//! Inner errors of any type as [`xhttp::Error`](Error).

use xhttp_core::{BoxError, Error, ErrorKind};

/// `error` as an xhttp error: an xhttp error stays itself, a hyper or hyper-util error
/// is mapped by kind, anything else is a `Connect` error with it as the source.
///
/// The layers take any inner error `E: Into<BoxError>` (not `Into<xhttp::Error>`: the
/// orphan rule forbids `From<hyper::Error> for xhttp::Error` outside xhttp-core, which
/// has no hyper dependency).
pub fn into_error<E: Into<BoxError>>(error: E) -> Error {
    let error: BoxError = error.into();
    let error = match error.downcast::<Error>() {
        Ok(ours) => return *ours,
        Err(other) => other,
    };
    let error = match error.downcast::<hyper::Error>() {
        Ok(hyper) => return crate::http::errors::map(*hyper, crate::http::errors::Phase::Request),
        Err(other) => other,
    };
    match error.downcast::<hyper_util::client::legacy::Error>() {
        Ok(legacy) => {
            let kind = if legacy.is_connect() {
                ErrorKind::Connect
            } else {
                ErrorKind::RemoteProtocol
            };
            Error::new(kind)
                .with_message("the inner client failed")
                .with_source(legacy)
        }
        Err(other) => Error::new(ErrorKind::Connect)
            .with_message("the inner service failed")
            .with_source(other),
    }
}
