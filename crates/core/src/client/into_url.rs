//! What a request's URL may be given as.

use crate::Error;
use crate::url::Url;

/// A URL, or text to parse as one: `&str`, `String`, [`Url`]. Relative references are
/// allowed (they are joined onto the client's `base_url`).
pub trait IntoUrl {
    /// The parsed URL.
    fn into_url(self) -> Result<Url, Error>;
}

impl IntoUrl for Url {
    fn into_url(self) -> Result<Url, Error> {
        Ok(self)
    }
}

impl IntoUrl for &Url {
    fn into_url(self) -> Result<Url, Error> {
        Ok(self.clone())
    }
}

impl IntoUrl for &str {
    fn into_url(self) -> Result<Url, Error> {
        self.parse()
    }
}

impl IntoUrl for String {
    fn into_url(self) -> Result<Url, Error> {
        self.parse()
    }
}

impl IntoUrl for &String {
    fn into_url(self) -> Result<Url, Error> {
        self.parse()
    }
}
