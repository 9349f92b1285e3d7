use super::*;
use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, PROXY_AUTHORIZATION, SET_COOKIE};
use proptest::prelude::*;

fn headers<const N: usize>(pairs: [(&str, &str); N]) -> Headers {
    Headers::try_from(pairs).expect("valid headers")
}

#[test]
fn lookups_are_case_insensitive() {
    let mut h = headers([("Content-Type", "text/plain")]);
    assert_eq!(h.get("content-type").as_deref(), Some("text/plain"));
    assert_eq!(h.get("CONTENT-TYPE").as_deref(), Some("text/plain"));
    assert_eq!(h.get(CONTENT_TYPE).as_deref(), Some("text/plain"));
    assert!(h.contains("CoNtEnT-tYpE"));
    assert_eq!(h.get_all("CONTENT-type").count(), 1);
    h.insert("CONTENT-TYPE", "text/html").expect("valid");
    assert_eq!(h.len(), 1);
    assert_eq!(h.get("content-type").as_deref(), Some("text/html"));
    assert!(h.remove("Content-TYPE"));
    assert!(h.is_empty());
}

#[test]
fn absent_and_invalid_names_are_just_absent() {
    let mut h = headers([("a", "1")]);
    assert_eq!(h.get("b"), None);
    assert_eq!(h.get("not a name\r\n"), None);
    assert_eq!(h.get(""), None);
    assert!(!h.contains("bad name"));
    assert_eq!(h.get_all("bad\0name").count(), 0);
    assert!(h.get_list("b", true).is_empty());
    assert!(!h.remove("b"));
    assert!(!h.remove("bad name"));
    assert_eq!(h.len(), 1);
}

#[test]
fn duplicates_are_joined_with_comma_space() {
    let mut h = headers([("accept", "text/html"), ("Accept", "application/json")]);
    h.append("ACCEPT", "*/*").expect("valid");
    assert_eq!(
        h.get("accept").as_deref(),
        Some("text/html, application/json, */*")
    );
    assert_eq!(
        h.get_all("accept").collect::<Vec<_>>(),
        ["text/html", "application/json", "*/*"]
    );
}

#[test]
fn a_single_utf8_value_is_borrowed() {
    let h = headers([("a", "1")]);
    assert!(matches!(h.get("a"), Some(Cow::Borrowed("1"))));
}

#[test]
fn latin1_values_read_back_as_text() {
    let mut h = Headers::new();
    h.insert("x-name", b"caf\xe9").expect("obs-text is valid");
    assert_eq!(h.get("x-name").as_deref(), Some("café"));
    assert_eq!(h.get_all("x-name").collect::<Vec<_>>(), ["café"]);
    assert_eq!(h.as_map()["x-name"].as_bytes(), b"caf\xe9");
    h.append("x-name", "naïve").expect("UTF-8 text is valid");
    assert_eq!(h.get("x-name").as_deref(), Some("café, naïve"));
    let pairs: Vec<(String, String)> = h
        .iter()
        .map(|(name, value)| (name.to_string(), value.into_owned()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("x-name".into(), "café".into()),
            ("x-name".into(), "naïve".into())
        ]
    );
    assert!(format!("{h:?}").contains("café"));
}

#[test]
fn values_from_bytes_of_every_kind() {
    let string = String::from("string ref");
    let value = HeaderValue::from_static("value ref");
    let mut h = Headers::new();
    h.append("x-a", &b"slice"[..]).expect("valid");
    h.append("x-a", b"array").expect("valid");
    h.append("x-a", b"vec".to_vec()).expect("valid");
    h.append("x-a", Bytes::from_static(b"bytes"))
        .expect("valid");
    h.append("x-a", String::from("string")).expect("valid");
    h.append("x-a", &string).expect("valid");
    h.append("x-a", HeaderValue::from_static("value"))
        .expect("valid");
    h.append("x-a", &value).expect("valid");
    assert_eq!(
        h.get("x-a").as_deref(),
        Some("slice, array, vec, bytes, string, string ref, value, value ref")
    );
    assert_eq!(
        (string.as_str(), value.as_bytes()),
        ("string ref", &b"value ref"[..])
    );
}

#[test]
fn names_of_every_kind() {
    let string = String::from("x-a");
    let name = HeaderName::from_static("x-a");
    let mut h = Headers::new();
    h.append(String::from("X-A"), "1").expect("valid");
    h.append(&string, "2").expect("valid");
    h.append(HeaderName::from_static("x-a"), "3")
        .expect("valid");
    h.append(&name, "4").expect("valid");
    assert_eq!(h.get("x-a").as_deref(), Some("1, 2, 3, 4"));
    assert_eq!(h.get(&string), h.get(&name));
}

#[test]
fn insert_replaces_every_value() {
    let mut h = headers([("x-a", "1"), ("x-a", "2"), ("x-b", "3")]);
    h.insert("X-A", "4").expect("valid");
    assert_eq!(h.get_all("x-a").collect::<Vec<_>>(), ["4"]);
    assert_eq!(h.get("x-b").as_deref(), Some("3"));
    assert_eq!(h.len(), 2);
}

#[test]
fn remove_removes_every_value() {
    let mut h = headers([("x-a", "1"), ("x-a", "2"), ("x-b", "3")]);
    assert!(h.remove("X-A"));
    assert!(!h.contains("x-a"));
    assert_eq!(h.len(), 1);
    assert!(!h.remove("x-a"));
}

#[test]
fn cr_lf_nul_are_rejected_in_names_and_values_and_change_nothing() {
    let mut h = headers([("x-a", "1")]);
    for bad_name in ["x-b\r", "x-b\n", "x-b\0", "x b", "x:b", ""] {
        for result in [h.insert(bad_name, "v"), h.append(bad_name, "v")] {
            let error = result.expect_err(bad_name);
            assert_eq!(error.kind(), ErrorKind::InvalidHeader, "{bad_name:?}");
        }
    }
    for bad_value in ["v\r", "v\n", "v\0", "a\r\nx-evil: 1"] {
        for result in [h.insert("x-a", bad_value), h.append("x-a", bad_value)] {
            let error = result.expect_err(bad_value);
            assert_eq!(error.kind(), ErrorKind::InvalidHeader);
            assert!(error.to_string().contains("\"x-a\""), "{error}");
        }
    }
    assert_eq!(h, headers([("x-a", "1")]));
    assert!(Headers::try_from([("x-a", "1"), ("x-b", "\n")]).is_err());
    assert!(Headers::try_from([("x\r", "1")]).is_err());
}

#[test]
fn errors_never_show_a_value() {
    let mut h = Headers::new();
    let error = h
        .insert("Authorization", "Bearer hunter2\r\n")
        .expect_err("CR LF");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("authorization"), "{shown}");
    assert!(shown.contains("at byte 14"), "{shown}");
}

#[test]
fn len_counts_values_keys_len_counts_names() {
    let h = headers([("a", "1"), ("A", "2"), ("b", "3")]);
    assert_eq!(h.len(), 3);
    assert_eq!(h.keys_len(), 2);
    assert!(!h.is_empty());
    let mut keys: Vec<&str> = h.keys().map(HeaderName::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["a", "b"]);
    assert_eq!(h.iter().count(), 3);
    assert_eq!((&h).into_iter().count(), 3);
}

#[test]
fn keys_are_lower_case() {
    let h = headers([("X-Custom-Header", "1"), ("Content-Type", "2")]);
    assert!(
        h.keys()
            .all(|name| name.as_str() == name.as_str().to_lowercase())
    );
    assert!(h.keys().any(|name| name == "x-custom-header"));
}

#[test]
fn clear_empties() {
    let mut h = headers([("a", "1"), ("b", "2")]);
    h.clear();
    assert!(h.is_empty());
    assert_eq!(h.keys_len(), 0);
}

#[test]
fn get_list_with_and_without_splitting() {
    let mut h = headers([
        ("vary", "Accept ,  Cookie"),
        ("Vary", ""),
        ("vary", "Origin"),
    ]);
    assert_eq!(
        h.get_list("VARY", false),
        ["Accept ,  Cookie", "", "Origin"]
    );
    assert_eq!(h.get_list("VARY", true), ["Accept", "Cookie", "", "Origin"]);
    h.append("vary", b"caf\xe9 , x").expect("valid");
    assert_eq!(
        h.get_list("vary", true),
        ["Accept", "Cookie", "", "Origin", "café", "x"]
    );
}

#[test]
fn update_replaces_every_value_of_each_key_of_other() {
    let mut client = headers([
        ("accept", "*/*"),
        ("x-a", "1"),
        ("x-a", "2"),
        ("user-agent", "xhttp"),
    ]);
    let request = headers([
        ("X-A", "3"),
        ("x-b", "4"),
        ("X-B", "5"),
        ("User-Agent", "me"),
    ]);
    client.update(&request).expect("room enough");
    assert_eq!(
        client,
        headers([
            ("accept", "*/*"),
            ("x-a", "3"),
            ("x-b", "4"),
            ("x-b", "5"),
            ("user-agent", "me"),
        ])
    );
    assert_eq!(client.get_all("x-b").collect::<Vec<_>>(), ["4", "5"]);
    assert_eq!(request.len(), 4, "update leaves other as it was");
}

#[test]
fn merge_follows_the_same_rule_as_update() {
    let base = headers([("accept", "*/*"), ("x-a", "1"), ("x-a", "2"), ("x-c", "c")]);
    let other = headers([("X-A", "3"), ("x-a", "4"), ("x-b", "5"), ("x-c", "6")]);
    let mut updated = base.clone();
    updated.update(&other).expect("room enough");
    let mut merged = base;
    merged.merge(other).expect("room enough");
    assert_eq!(merged, updated);
    assert_eq!(merged.get_all("x-a").collect::<Vec<_>>(), ["3", "4"]);
    assert_eq!(merged.get("x-c").as_deref(), Some("6"));
    assert_eq!(merged.get("accept").as_deref(), Some("*/*"));
    assert_eq!(merged.len(), 5);
}

#[test]
fn merging_empty_headers_changes_nothing() {
    let mut h = headers([("a", "1"), ("a", "2")]);
    h.merge(Headers::new()).expect("room enough");
    h.update(&Headers::new()).expect("room enough");
    assert_eq!(h, headers([("a", "1"), ("a", "2")]));
}

#[test]
fn equality_ignores_order_and_name_case_but_not_value_case() {
    let a = headers([("Accept", "*/*"), ("x-a", "1"), ("x-a", "2")]);
    let b = headers([("x-a", "2"), ("X-A", "1"), ("accept", "*/*")]);
    assert_eq!(a, b);
    assert_ne!(
        a,
        headers([("accept", "*/*"), ("x-a", "1"), ("x-a", "2"), ("x-a", "2")])
    );
    assert_ne!(a, headers([("accept", "*/*"), ("x-a", "1")]));
    assert_ne!(a, headers([("accept", "*/*"), ("x-a", "1"), ("x-b", "2")]));
    assert_ne!(a, headers([("accept", "*/*"), ("x-a", "1"), ("x-a", "1")]));
    assert_ne!(headers([("a", "x")]), headers([("a", "X")]));
    assert_eq!(Headers::new(), Headers::default());
}

#[test]
fn conversions_to_and_from_header_map() {
    let mut map = HeaderMap::new();
    map.append("x-a", HeaderValue::from_static("1"));
    map.append("x-a", HeaderValue::from_static("2"));
    let h = Headers::from(map);
    assert_eq!(h.get("x-a").as_deref(), Some("1, 2"));
    assert_eq!(h.as_map().len(), 2);
    let map: HeaderMap = h.into();
    assert_eq!(map.len(), 2);
    let h = Headers::from(map);
    assert_eq!(h.into_map().get_all("x-a").iter().count(), 2);
}

#[test]
fn pairs_build_headers_in_every_form() {
    let from_vec = Headers::try_from(vec![("a", "1"), ("a", "2")]).expect("valid");
    let pairs = [("a", "1"), ("a", "2")];
    let from_slice = Headers::try_from(&pairs[..]).expect("valid");
    let from_array = Headers::try_from(pairs).expect("valid");
    let typed: Headers = [
        (HeaderName::from_static("a"), HeaderValue::from_static("1")),
        (HeaderName::from_static("a"), HeaderValue::from_static("2")),
    ]
    .into_iter()
    .collect();
    assert_eq!(from_vec, from_slice);
    assert_eq!(from_vec, from_array);
    assert_eq!(from_vec, typed);
    assert_eq!(from_vec.len(), 2);
    let mut extended = Headers::new();
    extended.extend(
        typed
            .as_map()
            .iter()
            .map(|(name, value)| (name.clone(), value.clone())),
    );
    assert_eq!(extended, typed);
    let mut tried = Headers::new();
    tried.try_extend([("a", "1"), ("A", "2")]).expect("valid");
    assert_eq!(tried, typed);
}

#[test]
fn with_capacity_never_panics() {
    assert!(Headers::with_capacity(10).is_empty());
    assert!(Headers::with_capacity(usize::MAX).is_empty());
}

#[test]
fn too_many_names_is_an_error_not_a_panic() {
    let mut h = Headers::new();
    let mut failure = None;
    for i in 0..40_000 {
        if let Err(error) = h.append(format!("x-{i}"), "v") {
            failure = Some(error);
            break;
        }
    }
    let error = failure.expect("a HeaderMap holds fewer than 40 000 names");
    assert_eq!(error.kind(), ErrorKind::InvalidHeader);
    let mut other = Headers::new();
    other.append("y", "1").expect("room in a new map");
    assert!(h.update(&other).is_err());
    assert!(h.merge(other).is_err());
    assert_eq!(h.get("x-0").as_deref(), Some("v"), "what was there stays");
    assert!(!h.contains("y"));
}

const SECRET: &str = "s3cr3t-t0ken";

#[test]
fn debug_redacts_sensitive_values() {
    let mut h = Headers::new();
    h.append("Authorization", format!("Bearer {SECRET}"))
        .expect("valid");
    h.append("Proxy-Authorization", SECRET).expect("valid");
    h.append("Cookie", SECRET).expect("valid");
    h.append("Set-Cookie", SECRET).expect("valid");
    h.append("Set-Cookie", SECRET).expect("valid");
    h.append("Accept", "text/plain").expect("valid");
    for shown in [format!("{h:?}"), format!("{h:#?}")] {
        assert!(!shown.contains(SECRET), "{shown}");
        assert_eq!(shown.matches("[secure]").count(), 5, "{shown}");
        assert!(shown.contains("\"accept\": \"text/plain\""), "{shown}");
        assert!(shown.starts_with("Headers {"), "{shown}");
    }
    assert!(!format!("{:?}", h.iter()).contains(SECRET));
    assert!(!format!("{:?}", h.get_all("cookie")).contains(SECRET));
}

#[test]
fn debug_redacts_secrets_that_bypassed_the_checks() {
    let mut map = HeaderMap::new();
    map.insert(COOKIE, HeaderValue::from_static(SECRET));
    let mut h = Headers::from(map);
    h.as_map_mut()
        .insert(AUTHORIZATION, HeaderValue::from_static(SECRET));
    let mut marked = HeaderValue::from_static(SECRET);
    marked.set_sensitive(true);
    h.insert("x-api-key", marked).expect("valid");
    let shown = format!("{h:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert_eq!(shown.matches("[secure]").count(), 3, "{shown}");
}

#[test]
fn debug_redacts_userinfo_in_url_valued_headers() {
    let mut h = Headers::new();
    h.append("Location", format!("https://user:{SECRET}@other.test/next"))
        .expect("valid");
    h.append("Content-Location", format!("//{SECRET}@cdn.test/x"))
        .expect("valid");
    h.append("Referer", "https://plain.test/page")
        .expect("valid");
    let shown = format!("{h:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(
        shown.contains("https://[redacted]@other.test/next"),
        "{shown}"
    );
    assert!(shown.contains("https://plain.test/page"), "{shown}");
}

#[test]
fn sensitive_values_are_marked_sensitive() {
    let mut h = headers([("authorization", "a"), ("accept", "b")]);
    h.append("Cookie", "c").expect("valid");
    h.insert("proxy-authorization", HeaderValue::from_static("d"))
        .expect("valid");
    h.extend([(SET_COOKIE, HeaderValue::from_static("e"))]);
    let map = h.as_map();
    for name in [AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION, SET_COOKIE] {
        assert!(map[&name].is_sensitive(), "{name}");
    }
    assert!(!map["accept"].is_sensitive());

    let mut raw = HeaderMap::new();
    raw.append(SET_COOKIE, HeaderValue::from_static("a=1"));
    raw.append(SET_COOKIE, HeaderValue::from_static("b=2"));
    let from_map = Headers::from(raw);
    assert!(
        from_map
            .as_map()
            .get_all(SET_COOKIE)
            .iter()
            .all(HeaderValue::is_sensitive)
    );

    let mut merged = Headers::new();
    merged.update(&from_map).expect("room enough");
    merged
        .merge(headers([("cookie", "x")]))
        .expect("room enough");
    assert!(merged.as_map().values().all(HeaderValue::is_sensitive));
}

/// Any string up to 64 KiB: mostly short, sometimes long; ASCII-heavy or arbitrary
/// Unicode.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::collection::vec(any::<char>(), 0..64).prop_map(String::from_iter),
        1 => proptest::collection::vec(any::<char>(), 0..16_384).prop_map(String::from_iter),
        1 => proptest::collection::vec(prop::char::range(' ', '~'), 0..65_536)
            .prop_map(String::from_iter),
        1 => "[a-zA-Z0-9\r\n\0 :-]{0,32}",
    ]
}

/// Any bytes up to 64 KiB.
fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => proptest::collection::vec(any::<u8>(), 0..64),
        1 => proptest::collection::vec(any::<u8>(), 0..65_536),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn no_text_makes_headers_panic(name in any_text(), value in any_text()) {
        let mut h = Headers::new();
        let inserted = h.insert(name.as_str(), value.as_str());
        let _ = h.append(name.clone(), value.clone());
        let _ = h.get(name.as_str());
        let _ = h.get_list(name.as_str(), true);
        let shown = format!("{h:?}");
        if inserted.is_ok() {
            prop_assert_eq!(h.get(name.as_str()).map(Cow::into_owned), Some(format!("{value}, {value}")));
            let parsed = HeaderName::from_bytes(name.as_bytes()).expect("inserted, so valid");
            if !is_sensitive(&parsed) {
                let quoted = format!("{value:?}");
                prop_assert!(shown.contains(&quoted));
            }
        } else {
            prop_assert!(h.is_empty());
        }
    }

    #[test]
    fn no_bytes_make_headers_panic(name in any_text(), value in any_bytes()) {
        let mut h = Headers::new();
        let inserted = h.insert(name.as_str(), value.as_slice());
        let _ = h.get(name.as_str());
        let _ = format!("{h:?}");
        match inserted {
            Ok(()) => {
                let read = h.get(name.as_str()).map(Cow::into_owned).unwrap_or_default();
                let expected: String = match std::str::from_utf8(&value) {
                    Ok(text) => text.to_owned(),
                    Err(_) => value.iter().copied().map(char::from).collect(),
                };
                prop_assert_eq!(read, expected);
            }
            Err(error) => prop_assert_eq!(error.kind(), ErrorKind::InvalidHeader),
        }
    }

    #[test]
    fn a_valid_name_with_a_secret_never_shows_it(value in "[a-zA-Z0-9]{8,64}") {
        let mut h = Headers::new();
        h.insert("authorization", value.as_str()).expect("a valid value");
        let shown = format!("{h:?}");
        prop_assert!(!shown.contains(value.as_str()));
    }
}
