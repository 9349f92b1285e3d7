//! The iterators of [`Headers`](super::Headers).

use std::borrow::Cow;
use std::fmt;

use http::header::{self, HeaderName, HeaderValue};

use super::decode_value;

/// The values of one header as text: see [`Headers::get_all`](super::Headers::get_all).
pub struct GetAll<'a>(pub(super) header::ValueIter<'a, HeaderValue>);

impl<'a> Iterator for GetAll<'a> {
    type Item = Cow<'a, str>;

    fn next(&mut self) -> Option<Cow<'a, str>> {
        self.0.next().map(decode_value)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl fmt::Debug for GetAll<'_> {
    /// Opaque: the values may be secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetAll").finish_non_exhaustive()
    }
}

/// Every `(name, value)` pair of [`Headers`](super::Headers): see [`Headers::iter`](super::Headers::iter).
pub struct Iter<'a>(pub(super) header::Iter<'a, HeaderValue>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a HeaderName, Cow<'a, str>);

    fn next(&mut self) -> Option<Self::Item> {
        self.0
            .next()
            .map(|(name, value)| (name, decode_value(value)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl fmt::Debug for Iter<'_> {
    /// Opaque: the values may be secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter").finish_non_exhaustive()
    }
}

/// Each distinct name of [`Headers`](super::Headers): see [`Headers::keys`](super::Headers::keys).
#[derive(Debug)]
pub struct Keys<'a>(pub(super) header::Keys<'a, HeaderValue>);

impl<'a> Iterator for Keys<'a> {
    type Item = &'a HeaderName;

    fn next(&mut self) -> Option<&'a HeaderName> {
        self.0.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}
