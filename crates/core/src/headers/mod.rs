//! [`Headers`]: a case-insensitive multi-map of header names to values.
//!
//! `Headers` is a newtype over [`http::HeaderMap`]: converting either way is a move.
//! It adds httpx's reading rules (duplicates joined with `", "`, values as text with
//! a latin-1 fallback), typed errors for invalid input, httpx's merge rule and
//! redaction of secrets in `Debug`.
//!
//! Differences from httpx, on purpose:
//!
//! * **Casing and order.** Names are stored lower-case, and the order of different
//!   names is not kept (`HeaderMap` keeps none, and hyper cannot send a chosen
//!   casing; HTTP/2 is lower-case by spec). httpx keeps each name's original casing
//!   on the wire. The order of the values of one name is kept.
//! * **Length** (httpx quirk A.16). [`len`](Headers::len) counts values, duplicates
//!   included, as httpx's `len()` and `HeaderMap::len` do; [`keys_len`](Headers::keys_len)
//!   counts distinct names, which is what iterating httpx's `Headers` yields.
//! * **Non-ASCII text values.** httpx raises on a non-ASCII `str` value; xhttp sends
//!   its UTF-8 bytes (see [`TryIntoHeaderValue`]).
//! * **Decoding** is decided per value (see [`decode_value`]), not once for all
//!   headers as in httpx.
//! * **Redaction.** `Debug` shows the values of `Authorization`,
//!   `Proxy-Authorization`, `Cookie` and `Set-Cookie` as `[secure]` (httpx's repr
//!   hides only the first two), as well as any value marked sensitive.
//! * **Removal** of an absent name is not an error ([`remove`](Headers::remove)
//!   returns `false`); httpx's `del` raises `KeyError`.

mod convert;
mod iter;
pub(crate) mod params;

use std::borrow::Cow;
use std::fmt;

use http::header::{self, Entry, HeaderMap, HeaderName, HeaderValue};

use crate::{Error, ErrorKind};

pub use convert::{TryIntoHeaderName, TryIntoHeaderValue, decode_value, is_sensitive};
pub use iter::{GetAll, Iter, Keys};

/// A case-insensitive multi-map of header names to values; a newtype over
/// [`http::HeaderMap`].
///
/// ```
/// use xhttp_core::headers::Headers;
///
/// let mut headers = Headers::try_from([("Accept", "text/html"), ("X-Trace", "a")])?;
/// headers.append("x-trace", "b")?;
/// assert_eq!(headers.get("ACCEPT").as_deref(), Some("text/html"));
/// assert_eq!(headers.get("x-trace").as_deref(), Some("a, b"));
/// assert_eq!(headers.len(), 3);
/// assert_eq!(headers.keys_len(), 2);
///
/// headers.insert("X-Trace", "c")?; // replaces both values
/// assert_eq!(headers.get_all("x-trace").collect::<Vec<_>>(), ["c"]);
///
/// assert!(headers.insert("x-bad", "a\r\nx-evil: 1").is_err());
/// # Ok::<(), xhttp_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Headers(HeaderMap);

impl Headers {
    /// No headers.
    pub fn new() -> Headers {
        Headers(HeaderMap::new())
    }

    /// No headers, with room for about `capacity` of them (a hint: a capacity too
    /// large for a `HeaderMap` gives an empty map without reserved room).
    pub fn with_capacity(capacity: usize) -> Headers {
        Headers(HeaderMap::try_with_capacity(capacity).unwrap_or_default())
    }

    /// Headers from `(name, value)` pairs, duplicates kept in order.
    ///
    /// ```
    /// use xhttp_core::headers::Headers;
    ///
    /// let pairs = vec![("set-cookie", "a=1"), ("Set-Cookie", "b=2")];
    /// let headers = Headers::try_from_iter(pairs)?;
    /// assert_eq!(headers.len(), 2);
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn try_from_iter<I, K, V>(pairs: I) -> Result<Headers, Error>
    where
        I: IntoIterator<Item = (K, V)>,
        K: TryIntoHeaderName,
        V: TryIntoHeaderValue,
    {
        let mut headers = Headers::new();
        headers.try_extend(pairs)?;
        Ok(headers)
    }

    /// The underlying `HeaderMap`.
    pub fn as_map(&self) -> &HeaderMap {
        &self.0
    }

    /// The underlying `HeaderMap`, to change. Values inserted this way are not
    /// marked sensitive by name (`Debug` redacts them all the same).
    pub fn as_map_mut(&mut self) -> &mut HeaderMap {
        &mut self.0
    }

    /// The underlying `HeaderMap`, by move.
    pub fn into_map(self) -> HeaderMap {
        self.0
    }

    /// The value of `name` as text, its values joined with `", "` when it has several
    /// (httpx's `headers[name]` / `headers.get(name)`), or `None` when absent.
    ///
    /// `name` is case-insensitive; an invalid name is simply absent. Values that are
    /// not UTF-8 are read as latin-1 (see [`decode_value`]).
    pub fn get<K: header::AsHeaderName>(&self, name: K) -> Option<Cow<'_, str>> {
        let mut values = self.0.get_all(name).into_iter();
        let first = decode_value(values.next()?);
        let Some(second) = values.next() else {
            return Some(first);
        };
        let mut joined = first.into_owned();
        for value in std::iter::once(second).chain(values) {
            joined.push_str(", ");
            joined.push_str(&decode_value(value));
        }
        Some(Cow::Owned(joined))
    }

    /// Each value of `name` as text, in order.
    pub fn get_all<K: header::AsHeaderName>(&self, name: K) -> GetAll<'_> {
        GetAll(self.0.get_all(name).into_iter())
    }

    /// The values of `name` as text (httpx's `get_list`); with `split_commas`, each
    /// value is also split at commas and the pieces trimmed of whitespace, so
    /// `"a, b"` and `"c"` give `["a", "b", "c"]`.
    ///
    /// Splitting ignores quoting: use it for list headers whose items hold no commas.
    ///
    /// ```
    /// use xhttp_core::headers::Headers;
    ///
    /// let headers = Headers::try_from([("vary", "Accept, Cookie"), ("Vary", "Origin")])?;
    /// assert_eq!(headers.get_list("vary", false), ["Accept, Cookie", "Origin"]);
    /// assert_eq!(headers.get_list("vary", true), ["Accept", "Cookie", "Origin"]);
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn get_list<K: header::AsHeaderName>(
        &self,
        name: K,
        split_commas: bool,
    ) -> Vec<Cow<'_, str>> {
        let values = self.get_all(name);
        if !split_commas {
            return values.collect();
        }
        let mut pieces = Vec::new();
        for value in values {
            match value {
                Cow::Borrowed(text) => {
                    pieces.extend(text.split(',').map(|piece| Cow::Borrowed(piece.trim())));
                }
                Cow::Owned(text) => {
                    pieces.extend(
                        text.split(',')
                            .map(|piece| Cow::Owned(piece.trim().to_owned())),
                    );
                }
            }
        }
        pieces
    }

    /// Whether there is a header `name` (case-insensitive).
    pub fn contains<K: header::AsHeaderName>(&self, name: K) -> bool {
        self.0.contains_key(name)
    }

    /// Sets `name` to `value`, replacing all its previous values (httpx's
    /// `headers[name] = value`).
    ///
    /// # Errors
    ///
    /// [`InvalidHeader`](ErrorKind::InvalidHeader) when the name or the value is not
    /// valid (see [`TryIntoHeaderName`] and [`TryIntoHeaderValue`]), or when the map
    /// is full (`HeaderMap` holds at most some 24 000 distinct names); `self` is then
    /// unchanged.
    pub fn insert<K, V>(&mut self, name: K, value: V) -> Result<(), Error>
    where
        K: TryIntoHeaderName,
        V: TryIntoHeaderValue,
    {
        let (name, value) = convert::header_pair(name, value)?;
        self.0.try_insert(name, value).map_err(|_| too_many())?;
        Ok(())
    }

    /// Adds `value` to the values of `name`, after any it already has.
    ///
    /// # Errors
    ///
    /// As [`insert`](Headers::insert).
    pub fn append<K, V>(&mut self, name: K, value: V) -> Result<(), Error>
    where
        K: TryIntoHeaderName,
        V: TryIntoHeaderValue,
    {
        let (name, value) = convert::header_pair(name, value)?;
        self.0.try_append(name, value).map_err(|_| too_many())?;
        Ok(())
    }

    /// Appends each `(name, value)` pair, as [`append`](Headers::append).
    ///
    /// # Errors
    ///
    /// As [`insert`](Headers::insert); the pairs before the failing one stay added.
    pub fn try_extend<I, K, V>(&mut self, pairs: I) -> Result<(), Error>
    where
        I: IntoIterator<Item = (K, V)>,
        K: TryIntoHeaderName,
        V: TryIntoHeaderValue,
    {
        for (name, value) in pairs {
            self.append(name, value)?;
        }
        Ok(())
    }

    /// Removes every value of `name`; whether there was any.
    pub fn remove<K: header::AsHeaderName>(&mut self, name: K) -> bool {
        // `HeaderMap::remove` removes every value and returns the first.
        self.0.remove(name).is_some()
    }

    /// Merges `other` into `self` by httpx's rule for client and request headers:
    /// every name of `other` replaces **all** the values of that name in `self`;
    /// several values of one name in `other` are all kept.
    ///
    /// ```
    /// use xhttp_core::headers::Headers;
    ///
    /// let mut client = Headers::try_from([("accept", "*/*"), ("x-a", "1"), ("x-a", "2")])?;
    /// let request = Headers::try_from([("X-A", "3"), ("x-b", "4"), ("x-b", "5")])?;
    /// client.update(&request)?;
    /// assert_eq!(client.get("x-a").as_deref(), Some("3"));
    /// assert_eq!(client.get("x-b").as_deref(), Some("4, 5"));
    /// assert_eq!(client.get("accept").as_deref(), Some("*/*"));
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`InvalidHeader`](ErrorKind::InvalidHeader) when the map is full (some 24 000
    /// distinct names); `self` then holds part of `other`.
    pub fn update(&mut self, other: &Headers) -> Result<(), Error> {
        for name in other.0.keys() {
            let mut values = other.0.get_all(name).iter();
            if let Some(first) = values.next() {
                self.0
                    .try_insert(name.clone(), first.clone())
                    .map_err(|_| too_many())?;
            }
            for value in values {
                self.0
                    .try_append(name.clone(), value.clone())
                    .map_err(|_| too_many())?;
            }
        }
        Ok(())
    }

    /// [`update`](Headers::update), taking `other` by move so that nothing is cloned.
    ///
    /// # Errors
    ///
    /// As [`update`](Headers::update).
    pub fn merge(&mut self, other: Headers) -> Result<(), Error> {
        // `HeaderMap`'s owning iterator yields a name with the first value of each
        // header and `None` with the values that follow it.
        let mut current: Option<HeaderName> = None;
        for (name, value) in other.0 {
            match name {
                Some(name) => {
                    self.0
                        .try_insert(name.clone(), value)
                        .map_err(|_| too_many())?;
                    current = Some(name);
                }
                None => {
                    if let Some(name) = &current {
                        self.0
                            .try_append(name.clone(), value)
                            .map_err(|_| too_many())?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The number of values, duplicates included (httpx's `len()`).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The number of distinct names.
    pub fn keys_len(&self) -> usize {
        self.0.keys_len()
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Removes every header, keeping the allocation.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Each distinct name once, lower-case.
    pub fn keys(&self) -> Keys<'_> {
        Keys(self.0.keys())
    }

    /// Every `(name, value)` pair, duplicates included (httpx's `multi_items()`),
    /// values as text. The values of one name come in order, one after another.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.0.iter())
    }
}

fn too_many() -> Error {
    Error::new(ErrorKind::InvalidHeader)
        .with_message("the header map is full (too many distinct names)")
}

/// Marks the values of sensitive names in a map that came from outside.
fn mark_sensitive(map: &mut HeaderMap) {
    for name in [
        header::AUTHORIZATION,
        header::PROXY_AUTHORIZATION,
        header::COOKIE,
        header::SET_COOKIE,
    ] {
        if !map.contains_key(&name) {
            continue;
        }
        if let Ok(Entry::Occupied(mut entry)) = map.try_entry(name) {
            for value in entry.iter_mut() {
                value.set_sensitive(true);
            }
        }
    }
}

impl From<HeaderMap> for Headers {
    /// Wraps `map` (a move), marking the values of sensitive names sensitive.
    fn from(mut map: HeaderMap) -> Headers {
        mark_sensitive(&mut map);
        Headers(map)
    }
}

impl From<Headers> for HeaderMap {
    fn from(headers: Headers) -> HeaderMap {
        headers.0
    }
}

impl<K, V, const N: usize> TryFrom<[(K, V); N]> for Headers
where
    K: TryIntoHeaderName,
    V: TryIntoHeaderValue,
{
    type Error = Error;

    fn try_from(pairs: [(K, V); N]) -> Result<Headers, Error> {
        Headers::try_from_iter(pairs)
    }
}

impl<K, V> TryFrom<Vec<(K, V)>> for Headers
where
    K: TryIntoHeaderName,
    V: TryIntoHeaderValue,
{
    type Error = Error;

    fn try_from(pairs: Vec<(K, V)>) -> Result<Headers, Error> {
        Headers::try_from_iter(pairs)
    }
}

impl<K, V> TryFrom<&[(K, V)]> for Headers
where
    K: TryIntoHeaderName + Clone,
    V: TryIntoHeaderValue + Clone,
{
    type Error = Error;

    fn try_from(pairs: &[(K, V)]) -> Result<Headers, Error> {
        Headers::try_from_iter(pairs.iter().cloned())
    }
}

impl FromIterator<(HeaderName, HeaderValue)> for Headers {
    /// Headers from already valid pairs, duplicates kept.
    ///
    /// # Panics
    ///
    /// As `HeaderMap`, past tens of thousands of distinct names; use
    /// [`Headers::try_from_iter`] for pairs from outside.
    fn from_iter<I: IntoIterator<Item = (HeaderName, HeaderValue)>>(pairs: I) -> Headers {
        let mut headers = Headers::new();
        headers.extend(pairs);
        headers
    }
}

impl Extend<(HeaderName, HeaderValue)> for Headers {
    /// Appends already valid pairs, as [`append`](Headers::append).
    ///
    /// # Panics
    ///
    /// As `HeaderMap`, past tens of thousands of distinct names; use
    /// [`Headers::try_extend`] for pairs from outside.
    fn extend<I: IntoIterator<Item = (HeaderName, HeaderValue)>>(&mut self, pairs: I) {
        self.0.extend(pairs.into_iter().map(|(name, mut value)| {
            if is_sensitive(&name) {
                value.set_sensitive(true);
            }
            (name, value)
        }));
    }
}

impl PartialEq for Headers {
    /// Equal when both hold the same `(name, value)` pairs, in any order, as httpx:
    /// names are case-insensitive, values compared byte for byte.
    fn eq(&self, other: &Headers) -> bool {
        if self.0.len() != other.0.len() || self.0.keys_len() != other.0.keys_len() {
            return false;
        }
        self.0.keys().all(|name| {
            let mut ours: Vec<&[u8]> = self.0.get_all(name).iter().map(|v| v.as_bytes()).collect();
            let mut theirs: Vec<&[u8]> =
                other.0.get_all(name).iter().map(|v| v.as_bytes()).collect();
            if ours.len() != theirs.len() {
                return false;
            }
            ours.sort_unstable();
            theirs.sort_unstable();
            ours == theirs
        })
    }
}

impl Eq for Headers {}

impl fmt::Debug for Headers {
    /// `Headers {"name": "value", ...}`, with `[secure]` for the value of a
    /// sensitive name ([`is_sensitive`]) or a value marked sensitive, and the userinfo
    /// of a URL-valued header (`Location`, `Content-Location`, `Referer`) redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Headers ")?;
        f.debug_map()
            .entries(self.0.iter().map(|(name, value)| {
                let shown = if is_sensitive(name) || value.is_sensitive() {
                    Cow::Borrowed("[secure]")
                } else if matches!(
                    *name,
                    http::header::LOCATION | http::header::CONTENT_LOCATION | http::header::REFERER
                ) {
                    match decode_value(value) {
                        Cow::Borrowed(text) => crate::url::redacted_reference(text),
                        Cow::Owned(text) => match crate::url::redacted_reference(&text) {
                            Cow::Owned(redacted) => Cow::Owned(redacted),
                            Cow::Borrowed(_) => Cow::Owned(text),
                        },
                    }
                } else {
                    decode_value(value)
                };
                (name.as_str(), shown)
            }))
            .finish()
    }
}

impl<'a> IntoIterator for &'a Headers {
    type Item = (&'a HeaderName, Cow<'a, str>);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

#[cfg(test)]
mod tests;
