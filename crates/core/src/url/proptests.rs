//! Property tests: parsing is stable and nothing panics.

use proptest::prelude::*;

use super::Url;
use crate::query::QueryParams;

/// Pieces URLs are made of, tricky ones included.
fn url_like() -> impl Strategy<Value = String> {
    let scheme = prop_oneof![
        Just(""),
        Just("http:"),
        Just("HTTPS:"),
        Just("ws:"),
        Just("ftp:"),
        Just("foo+bar:"),
        Just("1x:"),
    ];
    let authority = prop_oneof![
        Just(String::new()),
        Just("//".to_owned()),
        "//([a-zA-Z0-9.-]{0,12}|münchen.de|☃.com|\\[::1\\]|\\[2001:DB8::1\\]|[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}|xn--[a-z0-9]{0,6})(:[0-9]{0,6})?",
        "//[a-z:%@]{0,8}@[a-z]{1,6}(:[0-9]{1,5})?",
    ];
    let path = "(/|\\.\\./|\\./|\\.|\\.\\.|[a-z%: ?#@\\\\{}é]|%2[0F]|%zz){0,12}";
    let tail = "(\\?[a-z=&+% /?]{0,10})?(#[a-z #]{0,6})?";
    (scheme, authority, path, tail).prop_map(|(s, a, p, t)| format!("{s}{a}{p}{t}"))
}

/// Any text: arbitrary strings, or arbitrary bytes read as Latin-1.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,200}",
        prop::collection::vec(any::<u8>(), 0..200)
            .prop_map(|bytes| bytes.into_iter().map(char::from).collect::<String>()),
        url_like(),
    ]
}

fn assert_stable(input: &str) -> Result<(), TestCaseError> {
    if let Ok(first) = Url::parse(input) {
        let text = first.to_string();
        prop_assert_eq!(text.as_str(), first.as_str());
        let second = Url::parse(&text);
        prop_assert!(second.is_ok(), "{first:?} does not reparse: {second:?}");
        if let Ok(second) = second {
            prop_assert_eq!(second.as_str(), first.as_str());
            prop_assert_eq!(&second, &first);
            prop_assert_eq!(second.host(), first.host());
        }
        if first.is_absolute() && matches!(first.scheme(), "http" | "https") {
            prop_assert!(first.uri().is_some());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn parse_to_string_parse_is_stable(input in any_text()) {
        assert_stable(&input)?;
    }

    #[test]
    fn one_allocation_holds_the_serialization(input in url_like()) {
        if let Ok(url) = Url::parse(&input) {
            prop_assert!(url.parts().written_len_bound() >= url.as_str().len());
        }
    }

    #[test]
    fn join_and_merge_never_panic_and_are_stable(base in url_like(), reference in any_text()) {
        if let Ok(base) = Url::parse(&base) {
            if let Ok(joined) = base.join(&reference) {
                assert_stable(joined.as_str())?;
            }
            if let Ok(reference) = Url::parse(&reference)
                && let Ok(merged) = base.merge_base(&reference)
            {
                assert_stable(merged.as_str())?;
            }
        }
    }

    #[test]
    fn setters_never_panic_and_are_stable(base in url_like(), text in any_text()) {
        if let Ok(url) = Url::parse(&base) {
            for changed in [
                url.with_path(&text),
                url.with_query(Some(&text)),
                url.with_fragment(Some(&text)),
                url.with_host(&text),
                url.with_scheme(&text),
                url.with_userinfo(&text, Some(&text)),
                url.merge_params(&QueryParams::parse(&text)),
            ]
            .into_iter()
            .flatten()
            {
                assert_stable(changed.as_str())?;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Inputs up to 64 KiB: no panic, and the result is stable.
    #[test]
    fn long_inputs_never_panic(
        piece in any_text(),
        repeat in 1usize..400,
        raw in prop::collection::vec(any::<u8>(), 0..65_536),
    ) {
        let long: String = piece.repeat(repeat).chars().take(65_600).collect();
        for input in [format!("http://example.com/{long}"), long.clone()] {
            assert_stable(&input)?;
            if let Ok(url) = Url::parse("http://example.com/a/b") {
                let _ = url.join(&input);
            }
            let _ = QueryParams::parse(&input);
        }
        let latin1: String = raw.into_iter().map(char::from).collect();
        assert_stable(&latin1)?;
        let _ = QueryParams::parse(&latin1);
    }
}
