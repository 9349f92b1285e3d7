//! `application/x-www-form-urlencoded` bodies and serde-built query pairs.
//!
//! Values are serialised with `serde_urlencoded`, so how httpx's coercions map:
//!
//! | value | httpx | xhttp |
//! |---|---|---|
//! | `true` / `false` | `true` / `false` | the same |
//! | numbers | `str(n)` | Rust's `Display` (`1.5`, `-3`) |
//! | `None` | an empty value (`a=`) | **the pair is left out** (`Some("")` sends `a=`) |
//! | a list of pairs, `[("a", 1), ("a", 2)]` | repeated keys | the same: `a=1&a=2` |
//! | a map value that is a list, `{"a": [1, 2]}` | repeated keys | an `InvalidBody` error: use a list of pairs |
//! | space | `+` | `+` |
//! | `/` | `%2F` | `%2F` |
//!
//! `None` is left out rather than sent empty because that is what Rust's serde
//! ecosystem does (and what `query` does too): an absent optional field is absent.

use serde::Serialize;

use crate::{Error, ErrorKind};

/// `value` as an `application/x-www-form-urlencoded` string: a struct, a map, or a
/// list of `(key, value)` pairs (a key may repeat).
///
/// ```
/// use xhttp_core::body::encode_form;
///
/// assert_eq!(encode_form(&[("q", "a b/c"), ("q", "d")])?, "q=a+b%2Fc&q=d");
/// # Ok::<(), xhttp_core::Error>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::InvalidBody`] for a value a form cannot hold (a nested struct, a list
/// as a map value, a bare number at the top...).
pub fn encode_form<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    encode(value, "form", ErrorKind::InvalidBody)
}

/// `value` urlencoded; a failure is an error of `kind` naming `what` was encoded.
fn encode<T: Serialize + ?Sized>(value: &T, what: &str, kind: ErrorKind) -> Result<String, Error> {
    serde_urlencoded::to_string(value).map_err(|error| {
        Error::new(kind).with_message(format!(
            "cannot encode the {what}: {error} (a {what} is a struct, a map or a list of \
             (key, value) pairs whose values are strings, numbers, booleans or options; \
             repeat a key with a list of pairs)"
        ))
    })
}

/// `value` as query `(key, value)` pairs, in order; a failure is an
/// [`ErrorKind::InvalidUrl`] error.
pub(crate) fn query_pairs<T: Serialize + ?Sized>(
    value: &T,
) -> Result<Vec<(String, String)>, Error> {
    Ok(decode_pairs(&encode(
        value,
        "query",
        ErrorKind::InvalidUrl,
    )?))
}

/// The pairs of an urlencoded string.
pub(crate) fn decode_pairs(encoded: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(encoded.as_bytes())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect()
}

/// `value` as `(key, value)` pairs, in order (see [`encode_form`]).
///
/// # Errors
///
/// As [`encode_form`].
pub fn form_pairs<T: Serialize + ?Sized>(value: &T) -> Result<Vec<(String, String)>, Error> {
    Ok(decode_pairs(&encode_form(value)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Search<'a> {
        q: &'a str,
        exact: bool,
        page: u32,
        lang: Option<&'a str>,
        ratio: f64,
    }

    #[test]
    fn structs_and_coercions() {
        let search = Search {
            q: "rust http",
            exact: true,
            page: 2,
            lang: None,
            ratio: 0.5,
        };
        assert_eq!(
            encode_form(&search).unwrap(),
            "q=rust+http&exact=true&page=2&ratio=0.5"
        );
    }

    #[test]
    fn lists_of_pairs_repeat_keys() {
        let pairs = vec![("a", "1"), ("a", "2"), ("b", "x")];
        assert_eq!(encode_form(&pairs).unwrap(), "a=1&a=2&b=x");
        assert_eq!(encode_form(&[("a", 1), ("a", 2)]).unwrap(), "a=1&a=2");
        assert_eq!(encode_form(&[("k", false)]).unwrap(), "k=false");
    }

    #[test]
    fn none_is_left_out_and_some_empty_is_sent() {
        assert_eq!(
            encode_form(&[("a", None), ("b", Some("")), ("c", Some("x"))]).unwrap(),
            "b=&c=x"
        );
    }

    #[test]
    fn reserved_characters_are_escaped() {
        assert_eq!(
            encode_form(&[("k y", "a+b/c&d=é")]).unwrap(),
            "k+y=a%2Bb%2Fc%26d%3D%C3%A9"
        );
    }

    #[test]
    fn unsupported_values_are_typed_errors() {
        let error = encode_form(&[("a", vec![1, 2])]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidBody);
        assert!(error.to_string().contains("list of pairs"), "{error}");
        assert_eq!(encode_form(&5).unwrap_err().kind(), ErrorKind::InvalidBody);
    }

    #[test]
    fn query_errors_are_url_errors() {
        let error = query_pairs(&[("a", vec![1])]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidUrl);
        assert!(
            error.to_string().contains("cannot encode the query"),
            "{error}"
        );
        assert_eq!(
            query_pairs(&[("a", "b c")]).unwrap(),
            [("a".to_owned(), "b c".to_owned())]
        );
    }

    #[test]
    fn pairs_round_trip_in_order() {
        let pairs = form_pairs(&[("b", "x y"), ("a", "1"), ("b", "é&")]).unwrap();
        assert_eq!(
            pairs,
            [
                ("b".to_owned(), "x y".to_owned()),
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), "é&".to_owned())
            ]
        );
    }
}
