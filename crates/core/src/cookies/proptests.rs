//! Property tests: no `Set-Cookie` header makes the jar panic, and what it stores
//! always makes a valid `Cookie` header.

use http::HeaderValue;
use http::header::SET_COOKIE;
use proptest::prelude::*;

use super::Cookies;
use super::persist::store_cookie_problem;
use crate::url::Url;

/// Arbitrary bytes up to 4 KiB, less those a header value cannot hold (controls but
/// tab): every byte from 0x80 up stays, so most of these are not UTF-8.
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..4096).prop_map(|bytes| {
        bytes
            .into_iter()
            .filter(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f))
            .collect()
    })
}

/// Set-Cookie-like text: a pair and attributes, with tricky values.
fn set_cookie_like() -> impl Strategy<Value = Vec<u8>> {
    let pair = "[a-z=\"é ]{0,8}=[a-z0-9=\"\\\\é ,]{0,12}";
    let attribute = prop_oneof![
        "Domain=[a-z.]{0,12}",
        "Path=[a-z/%.]{0,10}",
        "Max-Age=-?[0-9]{0,25}",
        "Expires=[A-Za-z0-9 ,:-]{0,30}",
        Just("Secure".to_owned()),
        Just("HttpOnly".to_owned()),
        "SameSite=[A-Za-z]{0,6}",
        "[a-z]{0,6}(=[a-z]{0,6})?",
    ];
    (pair, proptest::collection::vec(attribute, 0..6)).prop_map(|(pair, attributes)| {
        let mut text = pair;
        for attribute in attributes {
            text.push_str("; ");
            text.push_str(&attribute);
        }
        text.into_bytes()
    })
}

fn origin() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("http://example.org/"),
        Just("https://www.example.org/a/b"),
        Just("http://127.0.0.1:8080/x"),
        Just("http://[::1]/"),
        Just("https://xn--mnchen-3ya.de/p?q=1"),
        Just("http://h/"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_set_cookie_header_panics(
        values in proptest::collection::vec(prop_oneof![header_bytes(), set_cookie_like()], 1..4),
        from in origin(),
        to in origin(),
    ) {
        let mut headers = http::HeaderMap::new();
        for value in &values {
            headers.append(SET_COOKIE, HeaderValue::from_bytes(value).unwrap());
        }
        let mut cookies = Cookies::new();
        cookies.extract_from(&Url::parse(from).unwrap(), &headers);
        let _ = cookies.len();
        let _ = format!("{cookies:?}");
        if let Some(header) = cookies.header_for(&Url::parse(to).unwrap()) {
            prop_assert!(header.is_sensitive());
            prop_assert!(HeaderValue::from_bytes(header.as_bytes()).is_ok());
        }
        let mut file = Vec::new();
        cookies.save_json(&mut file).unwrap();
        let loaded = Cookies::load_json(file.as_slice()).unwrap();
        // What loading would refuse (a name with white space, a one-label Domain) is
        // not saved; everything else comes back.
        let savable = cookies.store.iter_unexpired()
            .filter(|cookie| store_cookie_problem(cookie).is_none())
            .count() + cookies.any_host.len();
        prop_assert_eq!(loaded.len(), savable);
    }
}
