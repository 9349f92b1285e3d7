//! Parsing a `WWW-Authenticate: Digest ...` challenge (RFC 7616 §3.3).

use super::algorithm::Algorithm;
use super::error::DigestError;
use crate::Error;
use crate::headers::Headers;

/// The quality of protection chosen for a challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Qop {
    /// `qop=auth`, with a nonce count and a client nonce.
    Auth,
    /// No `qop` offered: the RFC 2069 response.
    Rfc2069,
}

/// A parsed Digest challenge, ready to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Challenge {
    pub(super) realm: String,
    pub(super) nonce: String,
    /// The algorithm name as the server spelled it (echoed back); `MD5` by default.
    pub(super) algorithm_name: String,
    pub(super) algorithm: Algorithm,
    pub(super) opaque: Option<String>,
    pub(super) qop: Qop,
}

/// The Digest challenge to answer: the first one xhttp can answer among every
/// `WWW-Authenticate` value and every challenge within a value (a value may list
/// several, RFC 9110 §11.6.1); when none can be answered, the error of the first Digest
/// challenge. `None` when there is no Digest challenge (the scheme followed by
/// something), as httpx.
pub(super) fn select(headers: &Headers) -> Option<Result<Challenge, Error>> {
    let mut first_error = None;
    for value in headers.get_all(http::header::WWW_AUTHENTICATE) {
        for text in challenges(&value) {
            if !is_digest(text) {
                continue;
            }
            match parse(text) {
                Ok(challenge) => return Some(Ok(challenge)),
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
    }
    first_error.map(Err)
}

/// Whether a challenge is of the Digest scheme (case-insensitive) with something after
/// the scheme.
fn is_digest(challenge: &str) -> bool {
    challenge
        .get(..6)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("digest"))
        && challenge
            .get(6..)
            .is_some_and(|rest| rest.starts_with([' ', '\t']))
}

/// The challenges of one `WWW-Authenticate` value, each from its scheme to the end of
/// its last parameter, trimmed. The value is a comma-separated list (commas inside
/// quoted strings do not count) whose items are either `name=value` parameters of the
/// challenge before them or the start of a new challenge (`scheme`, `scheme token68`,
/// `scheme name=value`). Items before the first scheme are ignored.
fn challenges(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    for (start, end) in items(value) {
        let item = &value[start..end];
        if starts_challenge(item) {
            if let Some((from, to)) = current.replace((start, end)) {
                out.push(&value[from..to]);
            }
        } else if let Some(range) = current.as_mut() {
            range.1 = end;
        }
    }
    if let Some((from, to)) = current {
        out.push(&value[from..to]);
    }
    out
}

/// The byte ranges of the non-empty, trimmed items of a comma-separated list, commas in
/// quoted strings (where `\` escapes the next character) not separating; an unclosed
/// quoted string runs to the end.
fn items(value: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut push = |start: usize, end: usize| {
        let item = &value[start..end];
        let trimmed = item.trim_matches([' ', '\t']);
        if !trimmed.is_empty() {
            let from = start + (item.len() - item.trim_start_matches([' ', '\t']).len());
            ranges.push((from, from + trimmed.len()));
        }
    };
    let mut start = 0;
    let mut quoted = false;
    let mut chars = value.char_indices();
    while let Some((index, c)) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if quoted => {
                chars.next();
            }
            ',' if !quoted => {
                push(start, index);
                start = index + 1;
            }
            _ => {}
        }
    }
    push(start, value.len());
    ranges
}

/// Whether a list item starts a challenge: a token not followed by `=` (after optional
/// whitespace).
fn starts_challenge(item: &str) -> bool {
    let token_end = item.find(['=', ' ', '\t', '"']).unwrap_or(item.len());
    token_end > 0
        && !item[token_end..]
            .trim_start_matches([' ', '\t'])
            .starts_with('=')
}

/// Parses a `Digest ...` header value: a typed `RemoteProtocol` error when it is not a
/// challenge xhttp can answer.
pub(super) fn parse(value: &str) -> Result<Challenge, Error> {
    let value = value.trim_start();
    let rest = match value.get(..6) {
        Some(scheme) if scheme.eq_ignore_ascii_case("digest") => &value[6..],
        _ => return Err(DigestError::Malformed.into_error(None)),
    };
    let params = parse_params(rest).ok_or_else(|| DigestError::Malformed.into_error(None))?;
    let get = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let nonce = get("nonce").ok_or_else(|| DigestError::MissingNonce.into_error(None))?;
    let realm = get("realm").ok_or_else(|| DigestError::MissingRealm.into_error(None))?;
    let algorithm_name = get("algorithm").unwrap_or_else(|| "MD5".to_owned());
    let algorithm = Algorithm::from_name(&algorithm_name).ok_or_else(|| {
        DigestError::UnsupportedAlgorithm.into_error(Some(quote_for_message(&algorithm_name)))
    })?;
    let qop = match get("qop") {
        None => Qop::Rfc2069,
        Some(list) => resolve_qop(&list)?,
    };
    if qop == Qop::Rfc2069 && algorithm.is_session() {
        return Err(DigestError::SessionWithoutQop.into_error(None));
    }
    // These go back in the answer: a control character there is the server's fault, not
    // the credentials' (which the answer's header check would otherwise blame).
    let opaque = get("opaque");
    let controls = |text: &String| text.chars().any(|c| c.is_control() && c != '\t');
    if [&realm, &nonce]
        .into_iter()
        .chain(opaque.as_ref())
        .any(controls)
    {
        return Err(DigestError::Malformed.into_error(Some(
            "its realm, nonce or opaque holds control characters".to_owned(),
        )));
    }
    Ok(Challenge {
        realm,
        nonce,
        algorithm_name,
        algorithm,
        opaque,
        qop,
    })
}

/// `auth` when offered; a typed error when only `auth-int` is, or neither.
fn resolve_qop(list: &str) -> Result<Qop, Error> {
    let offered: Vec<&str> = list.split(',').map(str::trim).collect();
    if offered.iter().any(|qop| qop.eq_ignore_ascii_case("auth")) {
        return Ok(Qop::Auth);
    }
    if offered
        .iter()
        .any(|qop| qop.eq_ignore_ascii_case("auth-int"))
    {
        return Err(DigestError::AuthIntOnly.into_error(None));
    }
    Err(DigestError::UnexpectedQop.into_error(Some(quote_for_message(list))))
}

/// A server-sent value for an error message: at most 40 characters, control
/// characters replaced, quoted.
fn quote_for_message(value: &str) -> String {
    let mut shown: String = value
        .chars()
        .take(40)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if value.chars().count() > 40 {
        shown.push('…');
    }
    format!("'{shown}'")
}

/// The `name=value` parameters (names lower-cased, values unquoted, the first of a
/// repeated name kept) up to the end or to the next challenge in the same header
/// (`..., Basic realm="x"`); `None` when they cannot be read or there are none.
fn parse_params(text: &str) -> Option<Vec<(String, String)>> {
    let mut params: Vec<(String, String)> = Vec::new();
    let mut cursor = Cursor { text, at: 0 };
    loop {
        cursor.skip(|c| c == ',' || c == ' ' || c == '\t');
        if cursor.done() {
            break;
        }
        let name = cursor.take(|c| !matches!(c, '=' | ',' | ' ' | '\t' | '"'));
        if name.is_empty() {
            return None;
        }
        cursor.skip(|c| c == ' ' || c == '\t');
        if !cursor.eat('=') {
            // `name` followed by something else: another scheme's challenge begins.
            if params.is_empty() {
                return None;
            }
            break;
        }
        cursor.skip(|c| c == ' ' || c == '\t');
        let value = if cursor.eat('"') {
            cursor.quoted()?
        } else {
            cursor
                .take(|c| !matches!(c, ',' | ' ' | '\t' | '"'))
                .to_owned()
        };
        cursor.skip(|c| c == ' ' || c == '\t');
        if !cursor.done() && !cursor.eat(',') {
            return None;
        }
        let name = name.to_ascii_lowercase();
        if !params.iter().any(|(existing, _)| *existing == name) {
            params.push((name, value));
        }
    }
    (!params.is_empty()).then_some(params)
}

/// A position in the text being parsed (always on a character boundary).
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        self.text.get(self.at..).unwrap_or_default()
    }

    fn done(&self) -> bool {
        self.rest().is_empty()
    }

    fn take(&mut self, keep: impl Fn(char) -> bool) -> &'a str {
        let rest = self.rest();
        let end = rest.find(|c: char| !keep(c)).unwrap_or(rest.len());
        self.at += end;
        &rest[..end]
    }

    fn skip(&mut self, skip: impl Fn(char) -> bool) {
        self.take(skip);
    }

    fn eat(&mut self, expected: char) -> bool {
        if self.rest().starts_with(expected) {
            self.at += expected.len_utf8();
            true
        } else {
            false
        }
    }

    /// The rest of a quoted string whose opening `"` was eaten, `\` escaping the next
    /// character; `None` when it is not closed.
    fn quoted(&mut self) -> Option<String> {
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((index, c)) = chars.next() {
            match c {
                '"' => {
                    self.at += index + 1;
                    return Some(out);
                }
                '\\' => out.push(chars.next()?.1),
                c => out.push(c),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;
    use crate::ErrorKind;

    fn kind_of(value: &str) -> DigestError {
        let error = parse(value).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::RemoteProtocol, "{value}");
        *error
            .source()
            .and_then(|source| source.downcast_ref::<DigestError>())
            .unwrap()
    }

    #[test]
    fn a_full_challenge() {
        let challenge = parse(
            r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#,
        )
        .unwrap();
        assert_eq!(challenge.realm, "http-auth@example.org");
        assert_eq!(
            challenge.nonce,
            "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
        );
        assert_eq!(challenge.algorithm_name, "SHA-256");
        assert_eq!(
            challenge.opaque.as_deref(),
            Some("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS")
        );
        assert_eq!(challenge.qop, Qop::Auth);
    }

    #[test]
    fn defaults_escapes_case_and_tokens() {
        let challenge = parse(r#"DIGEST Realm = "a \"b\" \\c" ,, NONCE=abc123 ,qop=auth"#).unwrap();
        assert_eq!(challenge.realm, r#"a "b" \c"#);
        assert_eq!(challenge.nonce, "abc123");
        assert_eq!(challenge.algorithm_name, "MD5");
        assert_eq!(challenge.opaque, None);
        assert_eq!(challenge.qop, Qop::Auth);
        let no_qop = parse(r#"Digest realm="r", nonce="n""#).unwrap();
        assert_eq!(no_qop.qop, Qop::Rfc2069);
        // A -sess algorithm needs the client nonce that only a qop answer carries.
        let error = parse(r#"Digest realm="r", nonce="n", algorithm=MD5-sess"#).unwrap_err();
        assert!(
            error.to_string().contains("-sess algorithm without qop"),
            "{error}"
        );
        // A control character in what goes back is the challenge's fault.
        let error = parse("Digest realm=\"r\u{1}\", nonce=\"n\", qop=auth").unwrap_err();
        assert!(error.to_string().contains("control characters"), "{error}");
        let empty_realm = parse(r#"Digest realm="", nonce="n", qop="auth-int,auth""#).unwrap();
        assert_eq!(
            (empty_realm.realm.as_str(), empty_realm.qop),
            ("", Qop::Auth)
        );
    }

    #[test]
    fn the_first_of_a_repeated_parameter_wins() {
        let challenge = parse(r#"Digest realm="a", nonce="1", realm="b""#).unwrap();
        assert_eq!(challenge.realm, "a");
    }

    #[test]
    fn a_following_challenge_of_another_scheme_ends_the_parameters() {
        let challenge = parse(r#"Digest realm="r", nonce="n", Basic realm="other""#).unwrap();
        assert_eq!(
            (challenge.realm.as_str(), challenge.nonce.as_str()),
            ("r", "n")
        );
    }

    #[test]
    fn malformed_challenges_are_typed_errors() {
        assert_eq!(kind_of(r#"Digest realm="r""#), DigestError::MissingNonce);
        assert_eq!(kind_of(r#"Digest nonce="n""#), DigestError::MissingRealm);
        assert_eq!(kind_of("Digest"), DigestError::Malformed);
        assert_eq!(kind_of("Basic realm=x"), DigestError::Malformed);
        assert_eq!(
            kind_of(r#"Digest realm="r, nonce=n"#),
            DigestError::Malformed
        );
        assert_eq!(
            kind_of(r#"Digest realm="r" nonce="n""#),
            DigestError::Malformed
        );
        assert_eq!(kind_of(r#"Digest token68=="#), DigestError::MissingNonce);
        assert_eq!(kind_of(r#"Digest =x, nonce=n"#), DigestError::Malformed);
        assert_eq!(kind_of("Digest abc"), DigestError::Malformed);
    }

    #[test]
    fn qop_resolution() {
        assert_eq!(
            kind_of(r#"Digest realm="r", nonce="n", qop="auth-int""#),
            DigestError::AuthIntOnly
        );
        assert_eq!(
            kind_of(r#"Digest realm="r", nonce="n", qop="x, y""#),
            DigestError::UnexpectedQop
        );
        assert_eq!(
            kind_of(r#"Digest realm="r", nonce="n", qop="""#),
            DigestError::UnexpectedQop
        );
        let error = parse(r#"Digest realm="r", nonce="n", qop="auth-int""#).unwrap_err();
        assert!(error.to_string().contains("auth-int"), "{error}");
    }

    #[test]
    fn an_unsupported_algorithm_is_named_in_the_error() {
        let value = r#"Digest realm="r", nonce="n", algorithm=SHA-384"#;
        assert_eq!(kind_of(value), DigestError::UnsupportedAlgorithm);
        let error = parse(value).unwrap_err();
        assert!(error.to_string().contains("'SHA-384'"), "{error}");
    }

    fn select_from(values: &[&str]) -> Option<Result<Challenge, Error>> {
        let headers =
            Headers::try_from_iter(values.iter().map(|value| ("www-authenticate", *value)))
                .unwrap();
        select(&headers)
    }

    #[test]
    fn the_first_digest_header_is_found_among_several() {
        let challenge = select_from(&[
            r#"Basic realm="b""#,
            "Digestive realm=x",
            "Digest",
            r#"digest realm="d1", nonce="1""#,
            r#"Digest realm="d2", nonce="2""#,
        ])
        .unwrap()
        .unwrap();
        assert_eq!(challenge.realm, "d1");
        assert!(select(&Headers::new()).is_none());
        assert!(select_from(&[r#"Basic realm="b""#, "Digest", "Digestive a=b"]).is_none());
    }

    #[test]
    fn an_unsupported_first_digest_challenge_gives_way_to_a_supported_one() {
        for first in [
            r#"Digest realm="r", nonce="n", algorithm=SHA-384"#,
            r#"Digest realm="r", nonce="n", qop="auth-int""#,
            r#"Digest realm="r""#,
        ] {
            let challenge = select_from(&[first, r#"Digest realm="ok", nonce="n2", qop=auth"#])
                .unwrap()
                .unwrap();
            assert_eq!(
                (challenge.realm.as_str(), challenge.nonce.as_str()),
                ("ok", "n2"),
                "{first}"
            );
        }
    }

    #[test]
    fn without_a_supported_one_the_first_digest_error_is_reported() {
        let error = select_from(&[
            r#"Basic realm="b""#,
            r#"Digest realm="r", nonce="n", algorithm=SHA-384"#,
            r#"Digest realm="r", nonce="n", qop="auth-int""#,
        ])
        .unwrap()
        .unwrap_err();
        let source = error
            .source()
            .and_then(|source| source.downcast_ref::<DigestError>());
        assert_eq!(source, Some(&DigestError::UnsupportedAlgorithm));
    }

    #[test]
    fn several_challenges_in_one_header() {
        let challenge = select_from(&[r#"Basic realm="x", Digest realm="r", nonce="n""#])
            .unwrap()
            .unwrap();
        assert_eq!(
            (challenge.realm.as_str(), challenge.nonce.as_str()),
            ("r", "n")
        );
        // Commas in quoted strings do not split; the first answerable one wins, and a
        // challenge ends where the next scheme begins.
        let challenge = select_from(&[concat!(
            r#"Newauth realm="apps, "x"", type=1, title="Login, please", "#,
            r#"Digest realm="a, b", nonce="n1", algorithm=SHA-384, "#,
            r#"Bearer, Digest realm = "c, d" , nonce="n2", qop="auth, auth-int", "#,
            r#"Basic realm="z, y""#
        )])
        .unwrap()
        .unwrap();
        assert_eq!(
            (challenge.realm.as_str(), challenge.nonce.as_str()),
            ("c, d", "n2")
        );
        assert_eq!(challenge.qop, Qop::Auth);
    }

    #[test]
    fn challenges_are_split_at_schemes() {
        assert_eq!(
            challenges(
                r#" , a=1, Basic realm="x,y" , Bearer,Digest realm="r",nonce=n, Negotiate abc==,"#
            ),
            [
                r#"Basic realm="x,y""#,
                "Bearer",
                r#"Digest realm="r",nonce=n"#,
                "Negotiate abc=="
            ]
        );
        assert_eq!(
            challenges(r#"Digest realm="unclosed, nonce=n"#),
            [r#"Digest realm="unclosed, nonce=n"#]
        );
        assert!(challenges("").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn no_input_panics(text in "\\PC{0,4096}") {
            let _ = parse(&text);
            let _ = parse(&format!("Digest {text}"));
        }

        #[test]
        fn no_parameter_soup_panics(text in "[a-z=\",\\\\ \t]{0,512}") {
            let _ = parse(&format!("Digest {text}"));
            let _ = challenges(&text);
            let _ = select_from(&[&text, &format!("Digest {text}")]);
        }

        #[test]
        fn no_challenge_list_panics(text in "\\PC{0,2048}") {
            let _ = challenges(&text);
            if let Ok(headers) = Headers::try_from_iter([("www-authenticate", text.as_str())]) {
                let _ = select(&headers);
            }
        }
    }
}
