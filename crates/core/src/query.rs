//! [`QueryParams`]: the ordered multi-map of a URL's query string.

use std::borrow::Cow;
use std::collections::HashSet;
use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use percent_encoding::percent_decode_str;

/// Query parameters: an ordered list of `(key, value)` string pairs, keys may repeat.
///
/// Parsing follows httpx (Python's `parse_qs` with blank values kept): pairs are split
/// on `&`, `+` and `%XX` are decoded, `a` alone is `a=""`, empty pieces are skipped.
/// Serialising follows httpx's `urlencode`: space is `+`, everything but ASCII letters,
/// digits and `_ . - ~` is percent-encoded (`/` as `%2F`, `%` always as `%25`).
///
/// **Order.** Pairs keep their insertion order exactly: `a=1&b=2&a=3` serialises as it
/// came. httpx groups the values of a key at its first appearance (`a=1&a=3&b=2`); xhttp
/// keeps what the user wrote, which is also what the server sees. For the same reason
/// equality is order-sensitive (httpx compares sorted pairs).
///
/// ```
/// use xhttp_core::query::QueryParams;
///
/// let mut params = QueryParams::parse("a=1&b=x+y&a=3");
/// assert_eq!(params.get("a"), Some("1"));
/// assert_eq!(params.get_all("a").collect::<Vec<_>>(), ["1", "3"]);
/// assert_eq!(params.get("b"), Some("x y"));
/// params.append("c", "a/b");
/// assert_eq!(params.to_string(), "a=1&b=x+y&a=3&c=a%2Fb");
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct QueryParams {
    pairs: Vec<(String, String)>,
}

/// Decodes a form-encoded component: `+` is a space, then `%XX`; invalid UTF-8 becomes
/// U+FFFD (as Python's `unquote`).
fn decode_component(text: &str) -> String {
    let text: Cow<'_, str> = if text.contains('+') {
        Cow::Owned(text.replace('+', " "))
    } else {
        Cow::Borrowed(text)
    };
    percent_decode_str(&text).decode_utf8_lossy().into_owned()
}

/// Encodes a component as Python's `quote_plus` does.
fn encode_component(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xF)]));
            }
        }
    }
}

/// Splits a raw query into its non-empty `&`-separated pieces, each with its decoded key.
fn raw_pieces(query: &str) -> impl Iterator<Item = (String, &str)> {
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let key = piece.split_once('=').map_or(piece, |(key, _)| key);
            (decode_component(key), piece)
        })
}

/// Key-level override of `base` by `other`: the items of `other` replace all of the
/// items of `base` with the same key, at that key's first position; the other items of
/// `base` stay; items of `other` with new keys are appended, in their order.
fn merge_by_key<T>(base: Vec<(String, T)>, other: Vec<(String, T)>) -> Vec<(String, T)> {
    let other_keys: HashSet<&str> = other.iter().map(|(key, _)| key.as_str()).collect();
    let base_keys: HashSet<String> = base
        .iter()
        .filter(|(key, _)| other_keys.contains(key.as_str()))
        .map(|(key, _)| key.clone())
        .collect();
    let mut replacements: Vec<Option<(String, T)>> = other.into_iter().map(Some).collect();
    let mut take_key = |key: &str, into: &mut Vec<(String, T)>| {
        for slot in replacements.iter_mut() {
            if slot.as_ref().is_some_and(|(k, _)| k == key) {
                into.extend(slot.take());
            }
        }
    };
    let mut merged = Vec::with_capacity(base.len());
    let mut placed: HashSet<String> = HashSet::new();
    for (key, item) in base {
        if base_keys.contains(&key) {
            if placed.insert(key.clone()) {
                take_key(&key, &mut merged);
            }
        } else {
            merged.push((key, item));
        }
    }
    merged.extend(replacements.into_iter().flatten());
    merged
}

/// Merges two encoded query strings key by key (see [`QueryParams::merge`]), keeping
/// every piece as it was written.
pub(crate) fn merge_raw_queries(base: &str, other: &str) -> String {
    let merged = merge_by_key(raw_pieces(base).collect(), raw_pieces(other).collect());
    let pieces: Vec<&str> = merged.into_iter().map(|(_, piece)| piece).collect();
    pieces.join("&")
}

impl QueryParams {
    /// No parameters.
    pub fn new() -> QueryParams {
        QueryParams::default()
    }

    /// Parses a query string (without the leading `?`, which would be part of the
    /// first key, as in httpx). Never fails.
    ///
    /// ```
    /// use xhttp_core::query::QueryParams;
    ///
    /// let params = QueryParams::parse("a&b=&c=%E2%9C%93&d=1+2&&=e");
    /// let pairs: Vec<_> = params.iter().collect();
    /// assert_eq!(pairs, [("a", ""), ("b", ""), ("c", "✓"), ("d", "1 2"), ("", "e")]);
    /// ```
    pub fn parse(query: &str) -> QueryParams {
        let pairs = query
            .split('&')
            .filter(|piece| !piece.is_empty())
            .map(|piece| match piece.split_once('=') {
                Some((key, value)) => (decode_component(key), decode_component(value)),
                None => (decode_component(piece), String::new()),
            })
            .collect();
        QueryParams { pairs }
    }

    /// Parameters from `(key, value)` pairs, in order.
    ///
    /// ```
    /// use xhttp_core::query::QueryParams;
    ///
    /// let params = QueryParams::from_pairs([("q", "rust http"), ("page", "2")]);
    /// assert_eq!(params.to_string(), "q=rust+http&page=2");
    /// ```
    pub fn from_pairs<I, K, V>(pairs: I) -> QueryParams
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        pairs.into_iter().collect()
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// All values of `key`, in order.
    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `key` has at least one value.
    pub fn contains_key(&self, key: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == key)
    }

    /// The distinct keys, in order of first appearance.
    pub fn keys(&self) -> Vec<&str> {
        let mut seen = HashSet::new();
        self.pairs
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| seen.insert(*k))
            .collect()
    }

    /// All `(key, value)` pairs, in order (httpx's `multi_items()`).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The number of pairs (a key with two values counts twice).
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Adds a pair at the end, keeping existing values of `key` (httpx's `add`).
    #[doc(alias = "add")]
    pub fn append(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.pairs.push((key.into(), value.into()));
    }

    /// Makes `value` the only value of `key`: it takes the place of the key's first
    /// pair, the other pairs of the key are removed; appended when the key is new.
    ///
    /// ```
    /// use xhttp_core::query::QueryParams;
    ///
    /// let mut params = QueryParams::parse("a=1&b=2&a=3");
    /// params.set("a", "9");
    /// assert_eq!(params.to_string(), "a=9&b=2");
    /// ```
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        let value = value.into();
        match self.pairs.iter().position(|(k, _)| *k == key) {
            Some(first) => {
                let mut index = 0;
                self.pairs.retain(|(k, _)| {
                    let keep = index <= first || *k != key;
                    index += 1;
                    keep
                });
                if let Some(pair) = self.pairs.get_mut(first) {
                    pair.1 = value;
                }
            }
            None => self.pairs.push((key, value)),
        }
    }

    /// Removes every pair of `key`; returns whether there was one.
    pub fn remove(&mut self, key: &str) -> bool {
        let before = self.pairs.len();
        self.pairs.retain(|(k, _)| k != key);
        self.pairs.len() != before
    }

    /// Merges `other` in, key by key (httpx's `merge`, used for client and request
    /// params): the values of a key of `other` replace all of this key's values, at the
    /// key's first position; other keys are kept; new keys are appended.
    ///
    /// ```
    /// use xhttp_core::query::QueryParams;
    ///
    /// let mut params = QueryParams::parse("a=1&b=2&a=3");
    /// params.merge(&QueryParams::parse("c=4&a=5&a=6"));
    /// assert_eq!(params.to_string(), "a=5&a=6&b=2&c=4");
    /// ```
    pub fn merge(&mut self, other: &QueryParams) {
        let base = std::mem::take(&mut self.pairs)
            .into_iter()
            .map(|(k, v)| (k.clone(), (k, v)))
            .collect();
        let other = other
            .pairs
            .iter()
            .map(|(k, v)| (k.clone(), (k.clone(), v.clone())))
            .collect();
        self.pairs = merge_by_key(base, other)
            .into_iter()
            .map(|(_, pair)| pair)
            .collect();
    }
}

impl fmt::Display for QueryParams {
    /// The encoded query string, without `?`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        for (index, (key, value)) in self.pairs.iter().enumerate() {
            if index > 0 {
                out.push('&');
            }
            encode_component(key, &mut out);
            out.push('=');
            encode_component(value, &mut out);
        }
        f.write_str(&out)
    }
}

impl fmt::Debug for QueryParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl FromStr for QueryParams {
    type Err = Infallible;

    fn from_str(query: &str) -> Result<QueryParams, Infallible> {
        Ok(QueryParams::parse(query))
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for QueryParams {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> QueryParams {
        let mut params = QueryParams::new();
        params.extend(pairs);
        params
    }
}

impl<K: Into<String>, V: Into<String>> Extend<(K, V)> for QueryParams {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, pairs: I) {
        self.pairs
            .extend(pairs.into_iter().map(|(k, v)| (k.into(), v.into())));
    }
}

impl<K: AsRef<str>, V: AsRef<str>> From<&[(K, V)]> for QueryParams {
    fn from(pairs: &[(K, V)]) -> QueryParams {
        pairs
            .iter()
            .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned()))
            .collect()
    }
}

impl<K: Into<String>, V: Into<String>, const N: usize> From<[(K, V); N]> for QueryParams {
    fn from(pairs: [(K, V); N]) -> QueryParams {
        pairs.into_iter().collect()
    }
}

impl<K: Into<String>, V: Into<String>> From<Vec<(K, V)>> for QueryParams {
    fn from(pairs: Vec<(K, V)>) -> QueryParams {
        pairs.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a QueryParams {
    type Item = (&'a str, &'a str);
    type IntoIter = Box<dyn Iterator<Item = (&'a str, &'a str)> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_like_parse_qs_with_blank_values() {
        let params = QueryParams::parse("a=1&a&b=%20x+y&c=%zz&=v&&d==");
        let pairs: Vec<_> = params.iter().collect();
        assert_eq!(
            pairs,
            [
                ("a", "1"),
                ("a", ""),
                ("b", " x y"),
                ("c", "%zz"),
                ("", "v"),
                ("d", "=")
            ]
        );
        assert!(QueryParams::parse("").is_empty());
        assert_eq!(QueryParams::parse("%FF=1").get("\u{FFFD}"), Some("1"));
    }

    #[test]
    fn encodes_like_urlencode() {
        let params = QueryParams::from_pairs([("a b", "c/d%e"), ("é", "~._-+&=")]);
        assert_eq!(params.to_string(), "a+b=c%2Fd%25e&%C3%A9=~._-%2B%26%3D");
        assert_eq!(QueryParams::parse(&params.to_string()), params);
        assert_eq!(QueryParams::parse("a").to_string(), "a=");
    }

    #[test]
    fn keeps_insertion_order() {
        let params = QueryParams::parse("a=1&b=2&a=3");
        assert_eq!(params.to_string(), "a=1&b=2&a=3");
        assert_eq!(params.keys(), ["a", "b"]);
        assert_eq!(params.len(), 3);
        assert_ne!(params, QueryParams::parse("a=1&a=3&b=2"));
    }

    #[test]
    fn lookups() {
        let params = QueryParams::parse("a=1&b=2&a=3");
        assert_eq!(params.get("a"), Some("1"));
        assert_eq!(params.get("z"), None);
        assert_eq!(params.get_all("a").collect::<Vec<_>>(), ["1", "3"]);
        assert_eq!(params.get_all("z").count(), 0);
        assert!(params.contains_key("b") && !params.contains_key("c"));
        assert_eq!((&params).into_iter().count(), 3);
    }

    #[test]
    fn set_append_remove() {
        let mut params = QueryParams::parse("x=0&a=1&b=2&a=3");
        params.set("a", "9");
        assert_eq!(params.to_string(), "x=0&a=9&b=2");
        params.set("new", "n");
        assert_eq!(params.to_string(), "x=0&a=9&b=2&new=n");
        params.append("a", "10");
        assert_eq!(params.get_all("a").collect::<Vec<_>>(), ["9", "10"]);
        assert!(params.remove("a"));
        assert!(!params.remove("a"));
        assert_eq!(params.to_string(), "x=0&b=2&new=n");
    }

    #[test]
    fn merge_is_key_level_override() {
        let mut params = QueryParams::parse("a=1&b=2&a=3&c=0");
        params.merge(&QueryParams::parse("b=7&d=4&a=5"));
        assert_eq!(params.to_string(), "a=5&b=7&c=0&d=4");
        let mut empty = QueryParams::new();
        empty.merge(&QueryParams::parse("k=v&k=w"));
        assert_eq!(empty.to_string(), "k=v&k=w");
        let mut unchanged = QueryParams::parse("k=v");
        unchanged.merge(&QueryParams::new());
        assert_eq!(unchanged.to_string(), "k=v");
    }

    #[test]
    fn raw_merge_keeps_pieces() {
        assert_eq!(
            merge_raw_queries("a=%20&b&c=1", "c=2&d=3"),
            "a=%20&b&c=2&d=3"
        );
        assert_eq!(merge_raw_queries("a+b=1&x=2", "a%20b=9"), "a%20b=9&x=2");
        assert_eq!(merge_raw_queries("&&", "a=1"), "a=1");
    }

    #[test]
    fn conversions() {
        let from_slice = QueryParams::from(&[("a", "1"), ("b", "2")][..]);
        let from_array = QueryParams::from([("a", "1"), ("b", "2")]);
        let from_vec = QueryParams::from(vec![("a".to_owned(), "1"), ("b".to_owned(), "2")]);
        let parsed: QueryParams = "a=1&b=2".parse().unwrap();
        assert_eq!(from_slice, from_array);
        assert_eq!(from_array, from_vec);
        assert_eq!(from_vec, parsed);
        let mut extended = QueryParams::new();
        extended.extend([("a", "1")]);
        extended.extend(vec![("b", String::from("2"))]);
        assert_eq!(extended, parsed);
        assert_eq!(format!("{parsed:?}"), r#"[("a", "1"), ("b", "2")]"#);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn parse_never_panics(input in ".{0,300}") {
            let params = QueryParams::parse(&input);
            let _ = params.to_string();
        }

        #[test]
        fn encode_then_parse_round_trips(pairs in prop::collection::vec((".{0,12}", ".{0,12}"), 0..6)) {
            let params = QueryParams::from_pairs(pairs);
            let reparsed = QueryParams::parse(&params.to_string());
            // Only pairs with an empty key and value vanish ("=" is an empty piece's twin).
            let kept: Vec<_> = params.iter().collect();
            prop_assert_eq!(reparsed.iter().collect::<Vec<_>>(), kept);
        }

        #[test]
        fn raw_merge_agrees_with_merge(base in "[a-c=&%+0-9]{0,20}", other in "[a-d=&0-9]{0,20}") {
            let mut expected = QueryParams::parse(&base);
            expected.merge(&QueryParams::parse(&other));
            let merged = QueryParams::parse(&merge_raw_queries(&base, &other));
            prop_assert_eq!(merged, expected);
        }
    }
}
