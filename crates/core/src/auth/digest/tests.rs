use std::error::Error as _;
use std::sync::atomic::{AtomicUsize, Ordering};

use http::StatusCode;

use super::challenge::{Challenge, Qop};
use super::*;
use crate::auth::test_driver::{authorization, exchange, get};
use crate::headers::Headers;

fn challenge(value: &str) -> Challenge {
    challenge::parse(value).unwrap()
}

fn answer<'a>(username: &'a str, password: &'a str, count: u32, cnonce: &'a str) -> Answer<'a> {
    Answer {
        username,
        password,
        method: "GET",
        uri: "/dir/index.html",
        count,
        cnonce,
    }
}

/// The `name=value` fields of a Digest header, unquoted, in order.
fn fields(header: &str) -> Vec<(String, String)> {
    let rest = header.strip_prefix("Digest ").unwrap();
    rest.split(", ")
        .map(|field| {
            let (name, value) = field.split_once('=').unwrap();
            (name.to_owned(), value.trim_matches('"').to_owned())
        })
        .collect()
}

fn field(header: &str, name: &str) -> String {
    fields(header)
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
        .unwrap_or_else(|| panic!("no {name} in {header}"))
}

const RFC_2617: &str = r#"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#;

#[test]
fn rfc_2617_vector() {
    let header =
        answer("Mufasa", "Circle Of Life", 1, "0a4f113b").authorization(&challenge(RFC_2617));
    assert_eq!(
        header,
        "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", \
         nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", \
         response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5, \
         opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", qop=auth, nc=00000001, \
         cnonce=\"0a4f113b\""
    );
}

#[test]
fn rfc_7616_vectors_sha_256_and_md5() {
    let base = r#"Digest realm="http-auth@example.org", qop="auth, auth-int", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;
    let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    let sha256 = answer("Mufasa", "Circle of Life", 1, cnonce)
        .authorization(&challenge(&format!("{base}, algorithm=SHA-256")));
    assert_eq!(
        field(&sha256, "response"),
        "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
    );
    assert_eq!(field(&sha256, "algorithm"), "SHA-256");
    let md5 = answer("Mufasa", "Circle of Life", 1, cnonce)
        .authorization(&challenge(&format!("{base}, algorithm=MD5")));
    assert_eq!(field(&md5, "response"), "8ca523f5e9506fed4657c9700eebdbec");
}

#[test]
fn rfc_2069_when_no_qop_is_offered() {
    let header = answer("Mufasa", "Circle Of Life", 1, "0a4f113b").authorization(&challenge(
        r#"Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093""#,
    ));
    assert_eq!(
        field(&header, "response"),
        "670fd8c2df070c60b045671b8b24ff02"
    );
    let names: Vec<String> = fields(&header).into_iter().map(|(name, _)| name).collect();
    assert_eq!(
        names,
        ["username", "realm", "nonce", "uri", "response", "algorithm"]
    );
}

#[test]
fn session_variants_hash_the_nonces_into_ha1() {
    let header = answer("Mufasa", "Circle Of Life", 2, "0a4f113b").authorization(&challenge(
        r#"Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", qop=auth, algorithm=sha-512-256-sess"#,
    ));
    assert_eq!(
        field(&header, "response"),
        "3a0849c5f3bcdb1c486312b54b05e2fc1fa19338901c682cab482089c8cd108a"
    );
    assert_eq!(field(&header, "algorithm"), "sha-512-256-sess");
    assert_eq!(field(&header, "nc"), "00000002");
}

#[test]
fn quotes_and_backslashes_are_escaped() {
    let header = answer("a\"b\\", "p", 1, "c")
        .authorization(&challenge(r#"Digest realm="r", nonce="n", qop=auth"#));
    assert!(
        header.starts_with(r#"Digest username="a\"b\\", realm="r""#),
        "{header}"
    );
}

/// A server that answers 401 with `challenge` unless the request carries a Digest
/// `Authorization` for the nonce it currently expects.
struct Server {
    nonce: String,
    unauthorized: AtomicUsize,
}

impl Server {
    fn new(nonce: &str) -> Server {
        Server {
            nonce: nonce.to_owned(),
            unauthorized: AtomicUsize::new(0),
        }
    }

    fn answer(&self, request: &Request) -> (StatusCode, Headers) {
        let authorized = authorization(request)
            .is_some_and(|value| value.contains(&format!("nonce=\"{}\"", self.nonce)));
        if authorized {
            return (StatusCode::OK, Headers::new());
        }
        self.unauthorized.fetch_add(1, Ordering::Relaxed);
        let challenge = format!(
            r#"Digest realm="r", nonce="{}", qop="auth", opaque="op", algorithm=SHA-256"#,
            self.nonce
        );
        let headers = Headers::try_from_iter([
            ("www-authenticate", "Basic realm=\"r\""),
            ("www-authenticate", challenge.as_str()),
        ])
        .unwrap();
        (StatusCode::UNAUTHORIZED, headers)
    }
}

#[test]
fn a_401_is_answered_once_and_the_challenge_reused_with_counting() {
    let auth = DigestAuth::new("user", "pass");
    let server = Server::new("n1");

    let (sent, status) = exchange(&auth, get("http://h/p?q=1"), |r| server.answer(r)).unwrap();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sent.len(), 2);
    assert_eq!(authorization(&sent[0]), None);
    let first = authorization(&sent[1]).unwrap();
    let names: Vec<String> = fields(&first).into_iter().map(|(name, _)| name).collect();
    assert_eq!(
        names,
        [
            "username",
            "realm",
            "nonce",
            "uri",
            "response",
            "algorithm",
            "opaque",
            "qop",
            "nc",
            "cnonce"
        ]
    );
    assert_eq!(field(&first, "uri"), "/p?q=1");
    assert_eq!(field(&first, "nc"), "00000001");
    assert_eq!(field(&first, "opaque"), "op");
    assert_eq!(field(&first, "cnonce").len(), 16);
    assert!(sent[1].headers().as_map()["authorization"].is_sensitive());

    // Pre-authenticated with the remembered challenge, the count going on.
    for expected in ["00000002", "00000003"] {
        let (sent, _) = exchange(&auth, get("http://h/again"), |r| server.answer(r)).unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!(field(&authorization(&sent[0]).unwrap(), "nc"), expected);
    }
    assert_eq!(server.unauthorized.load(Ordering::Relaxed), 1);

    // A clone shares the state.
    let clone = auth.clone();
    let (sent, _) = exchange(&clone, get("http://h/"), |r| server.answer(r)).unwrap();
    assert_eq!(field(&authorization(&sent[0]).unwrap(), "nc"), "00000004");

    // A new challenge (a stale nonce) is parsed again and the count restarts.
    let server = Server::new("n2");
    let (sent, status) = exchange(&auth, get("http://h/"), |r| server.answer(r)).unwrap();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sent.len(), 2);
    let retry = authorization(&sent[1]).unwrap();
    assert_eq!(
        (field(&retry, "nonce"), field(&retry, "nc")),
        ("n2".into(), "00000001".into())
    );
    let (sent, _) = exchange(&auth, get("http://h/"), |r| server.answer(r)).unwrap();
    assert_eq!(field(&authorization(&sent[0]).unwrap(), "nc"), "00000002");
}

#[test]
fn pre_authentication_stays_on_the_challenged_origin() {
    let auth = DigestAuth::new("user", "pass");
    let server = Server::new("n1");
    let (sent, _) = exchange(&auth, get("https://a.corp/"), |r| server.answer(r)).unwrap();
    assert_eq!(sent.len(), 2);

    // Other origins (host, scheme or port) get no credentials up front.
    for url in [
        "http://b.example/",
        "http://a.corp/",
        "https://a.corp:8443/",
        "https://sub.a.corp/",
    ] {
        let (sent, _) = exchange(&auth, get(url), |_| (StatusCode::OK, Headers::new())).unwrap();
        assert_eq!(authorization(&sent[0]), None, "{url}");
    }
    // The challenged origin (however spelled) does, its count going on.
    for (url, nc) in [
        ("https://a.corp/other?x=1", "00000002"),
        ("https://A.CORP:443/", "00000003"),
    ] {
        let (sent, _) = exchange(&auth, get(url), |r| server.answer(r)).unwrap();
        assert_eq!(sent.len(), 1, "{url}");
        assert_eq!(field(&authorization(&sent[0]).unwrap(), "nc"), nc, "{url}");
    }

    // A challenge from a second origin is remembered beside the first.
    let other = Server::new("n2");
    exchange(&auth, get("http://b.example/"), |r| other.answer(r)).unwrap();
    let (sent, _) = exchange(&auth, get("http://b.example/"), |r| other.answer(r)).unwrap();
    let second = authorization(&sent[0]).unwrap();
    assert_eq!(
        (field(&second, "nonce"), field(&second, "nc")),
        ("n2".into(), "00000002".into())
    );
    let (sent, _) = exchange(&auth, get("https://a.corp/"), |r| server.answer(r)).unwrap();
    let first = authorization(&sent[0]).unwrap();
    assert_eq!(
        (field(&first, "nonce"), field(&first, "nc")),
        ("n1".into(), "00000004".into())
    );
}

#[test]
fn the_least_recently_used_origin_is_forgotten_past_the_bound() {
    let auth = DigestAuth::new("user", "pass");
    let server = Server::new("n");
    let url = |index: usize| format!("http://h{index}.example/");
    for index in 0..REMEMBERED_ORIGINS {
        exchange(&auth, get(&url(index)), |r| server.answer(r)).unwrap();
    }
    // h0 used again: h1 is now the least recently used.
    let (sent, _) = exchange(&auth, get(&url(0)), |r| server.answer(r)).unwrap();
    assert_eq!(sent.len(), 1);
    exchange(&auth, get(&url(REMEMBERED_ORIGINS)), |r| server.answer(r)).unwrap();
    assert_eq!(auth.shared.remembered().len(), REMEMBERED_ORIGINS);
    let (sent, _) = exchange(&auth, get(&url(1)), |r| server.answer(r)).unwrap();
    assert_eq!(sent.len(), 2, "h1 was forgotten");
    let (sent, _) = exchange(&auth, get(&url(0)), |r| server.answer(r)).unwrap();
    assert_eq!(sent.len(), 1, "h0 was kept");
}

#[test]
fn a_supported_challenge_after_an_unsupported_one_is_answered() {
    for first in [
        r#"Digest realm="r", nonce="bad", algorithm=SHA-384"#,
        r#"Digest realm="r", nonce="bad", qop="auth-int""#,
    ] {
        let auth = DigestAuth::new("user", "pass");
        let (sent, status) = exchange(&auth, get("http://h/"), |request| {
            if authorization(request).is_some() {
                return (StatusCode::OK, Headers::new());
            }
            let headers = Headers::try_from_iter([
                ("www-authenticate", first),
                (
                    "www-authenticate",
                    r#"Digest realm="r", nonce="good", qop=auth"#,
                ),
            ])
            .unwrap();
            (StatusCode::UNAUTHORIZED, headers)
        })
        .unwrap();
        assert_eq!((sent.len(), status), (2, StatusCode::OK), "{first}");
        assert_eq!(field(&authorization(&sent[1]).unwrap(), "nonce"), "good");
    }
    // Several challenges in one header.
    let auth = DigestAuth::new("user", "pass");
    let (sent, status) = exchange(&auth, get("http://h/"), |request| {
        if authorization(request).is_some() {
            return (StatusCode::OK, Headers::new());
        }
        let headers = Headers::try_from_iter([(
            "www-authenticate",
            r#"Basic realm="x, y", Digest realm="r", nonce="n""#,
        )])
        .unwrap();
        (StatusCode::UNAUTHORIZED, headers)
    })
    .unwrap();
    assert_eq!((sent.len(), status), (2, StatusCode::OK));
    assert_eq!(field(&authorization(&sent[1]).unwrap(), "realm"), "r");
}

#[test]
fn a_second_401_ends_the_flow() {
    let auth = DigestAuth::new("user", "wrong");
    let mut calls = 0;
    let (sent, status) = exchange(&auth, get("http://h/"), |_| {
        calls += 1;
        let headers = Headers::try_from_iter([(
            "www-authenticate",
            format!(r#"Digest realm="r", nonce="n{calls}""#),
        )])
        .unwrap();
        (StatusCode::UNAUTHORIZED, headers)
    })
    .unwrap();
    assert_eq!((sent.len(), status), (2, StatusCode::UNAUTHORIZED));
}

#[test]
fn responses_that_are_not_digest_401s_end_the_flow() {
    let auth = DigestAuth::new("user", "pass");
    let digest =
        Headers::try_from_iter([("www-authenticate", r#"Digest realm="r", nonce="n""#)]).unwrap();
    let basic = Headers::try_from_iter([("www-authenticate", r#"Basic realm="r""#)]).unwrap();
    for (status, headers) in [
        (StatusCode::OK, digest.clone()),
        (StatusCode::FORBIDDEN, digest),
        (StatusCode::UNAUTHORIZED, basic),
        (StatusCode::UNAUTHORIZED, Headers::new()),
    ] {
        let (sent, final_status) =
            exchange(&auth, get("http://h/"), |_| (status, headers.clone())).unwrap();
        assert_eq!((sent.len(), final_status), (1, status));
    }
    assert!(auth.shared.remembered().is_empty());
}

#[test]
fn challenges_that_cannot_be_answered_fail_with_typed_errors() {
    for (value, expected) in [
        (
            r#"Digest realm="r", nonce="n", qop="auth-int""#,
            DigestError::AuthIntOnly,
        ),
        (r#"Digest realm="r""#, DigestError::MissingNonce),
        (
            r#"Digest realm="r", nonce="n", algorithm=MD6"#,
            DigestError::UnsupportedAlgorithm,
        ),
        (r#"Digest realm="r, nonce=n"#, DigestError::Malformed),
    ] {
        let auth = DigestAuth::new("user", "hunter2");
        let headers = Headers::try_from_iter([("www-authenticate", value)]).unwrap();
        let error = exchange(&auth, get("http://h/"), |_| {
            (StatusCode::UNAUTHORIZED, headers.clone())
        })
        .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::RemoteProtocol, "{value}");
        let source = error.source().and_then(|s| s.downcast_ref::<DigestError>());
        assert_eq!(source, Some(&expected), "{value}");
        assert!(!format!("{error} {error:?}").contains("hunter2"));
    }
}

#[test]
fn a_one_shot_body_cannot_be_sent_again() {
    let auth = DigestAuth::new("user", "pass");
    let mut request = get("http://h/");
    request.set_body(crate::body::Body::from_reader(&b"one-shot"[..], Some(8)));
    let server = Server::new("n");
    let error = exchange(&auth, request, |r| server.answer(r)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::StreamConsumed);
}

#[test]
fn debug_never_shows_the_password() {
    let auth = DigestAuth::new("user", "hunter2");
    let server = Server::new("n");
    exchange(&auth, get("http://h/"), |r| server.answer(r)).unwrap();
    let text = format!("{auth:?}");
    assert!(!text.contains("hunter2") && text.contains("user"), "{text}");
}

#[test]
fn qop_of_a_parsed_challenge() {
    assert_eq!(challenge(RFC_2617).qop, Qop::Auth);
}
