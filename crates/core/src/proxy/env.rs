//! The proxies of the environment: `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and
//! `NO_PROXY`, read through an [`Env`], as mounts.

use super::{NoProxy, Proxy};
use crate::env::Env;
use crate::error::{Error, ErrorKind};
use crate::mounts::UrlPattern;

/// Where the environment sends the URLs of one mount pattern.
#[derive(Debug)]
pub enum EnvProxy {
    /// Through this proxy.
    Proxy(Proxy),
    /// Direct (a `NO_PROXY` entry).
    Direct,
    /// The variable's value is not a valid proxy URL: requests it would route fail
    /// with this error (the message names the variable, never its value).
    Invalid(Error),
}

/// The environment's proxies as httpx reads them, as mounts: `http_proxy` on
/// `http://`, `https_proxy` on `https://`, `all_proxy` on `all://` (names in either
/// case, the lower-case one winning, empty values unset; a value without `://` gets
/// `http://`), then each `NO_PROXY` entry as a direct mount (see [`NoProxy`]). A `*`
/// in `NO_PROXY` means no mounts at all. As in Python, `HTTP_PROXY` (upper case only)
/// is ignored when `REQUEST_METHOD` is set: a CGI request could set it through a
/// `Proxy:` header.
pub fn env_mounts(env: &Env) -> Vec<(UrlPattern, EnvProxy)> {
    let no_proxy = env
        .var_any_case("no_proxy")
        .map(|value| NoProxy::parse(&value))
        .unwrap_or_default();
    if no_proxy.matches_all() {
        return Vec::new();
    }
    let cgi = env.var("REQUEST_METHOD").is_some();
    let mut mounts = Vec::new();
    for (variable, pattern) in [
        ("http_proxy", "http://"),
        ("https_proxy", "https://"),
        ("all_proxy", "all://"),
    ] {
        let value = if cgi && variable == "http_proxy" {
            // Windows reads variable names without regard to case: there the lower-case
            // name would find the CGI-set `HTTP_PROXY` too, so in CGI mode it is not read.
            if cfg!(windows) {
                None
            } else {
                env.var(variable).filter(|value| !value.is_empty())
            }
        } else {
            env.var_any_case(variable)
        };
        let Some(value) = value else { continue };
        let Ok(pattern) = UrlPattern::parse(pattern) else {
            continue;
        };
        let proxy = match Proxy::new(value.trim()) {
            Ok(proxy) => EnvProxy::Proxy(proxy),
            Err(error) => {
                EnvProxy::Invalid(Error::new(ErrorKind::InvalidUrl).with_message(format!(
                    "the {} environment variable is not a valid proxy URL: {}",
                    variable.to_ascii_uppercase(),
                    error.message().unwrap_or("it does not parse")
                )))
            }
        };
        mounts.push((pattern, proxy));
    }
    if mounts.is_empty() {
        return mounts;
    }
    mounts.extend(
        no_proxy
            .patterns()
            .iter()
            .map(|pattern| (pattern.clone(), EnvProxy::Direct)),
    );
    mounts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mounts::Mounts;
    use crate::url::Url;

    /// The proxy URL (or "direct", "invalid", "none") the environment gives `url`.
    fn route(pairs: &[(&str, &str)], url: &str) -> String {
        let env = Env::from_pairs(pairs.iter().copied());
        let mut mounts = Mounts::new();
        for (pattern, proxy) in env_mounts(&env) {
            mounts.insert_pattern(pattern, proxy);
        }
        match mounts.route(&Url::parse(url).unwrap()) {
            Some(EnvProxy::Proxy(proxy)) => proxy.url().to_string(),
            Some(EnvProxy::Direct) => "direct".into(),
            Some(EnvProxy::Invalid(_)) => "invalid".into(),
            None => "none".into(),
        }
    }

    #[test]
    fn per_scheme_and_all_proxies() {
        let env = [
            ("HTTP_PROXY", "http://h.test:1/"),
            ("HTTPS_PROXY", "https://s.test:2/"),
            ("ALL_PROXY", "socks5h://a.test:3/"),
        ];
        assert_eq!(route(&env, "http://x.test/"), "http://h.test:1/");
        assert_eq!(route(&env, "https://x.test/"), "https://s.test:2/");
        assert_eq!(route(&env, "ws://x.test/"), "socks5h://a.test:3");
        assert_eq!(route(&[], "http://x.test/"), "none");
    }

    #[test]
    fn lower_case_wins_and_schemes_default_to_http() {
        let env = [
            ("http_proxy", "lower.test:8080"),
            ("HTTP_PROXY", "http://upper.test:8080/"),
        ];
        assert_eq!(route(&env, "http://x.test/"), "http://lower.test:8080/");
        let env = [("https_proxy", ""), ("HTTPS_PROXY", "upper.test")];
        assert_eq!(route(&env, "https://x.test/"), "http://upper.test/");
    }

    #[test]
    fn no_proxy_entries_route_direct() {
        let env = [
            ("ALL_PROXY", "http://p.test:1/"),
            ("no_proxy", "mit.edu,.example.com,192.168.0.0/16,localhost"),
        ];
        assert_eq!(route(&env, "http://courses.mit.edu/"), "direct");
        assert_eq!(route(&env, "http://mit.edu.info/"), "http://p.test:1/");
        assert_eq!(route(&env, "http://example.com/"), "http://p.test:1/");
        assert_eq!(route(&env, "http://www.example.com/"), "direct");
        assert_eq!(route(&env, "http://192.168.3.4/"), "direct");
        assert_eq!(route(&env, "http://localhost:8000/"), "direct");
        let env = [("ALL_PROXY", "http://p.test:1/"), ("NO_PROXY", "a.test, *")];
        assert_eq!(route(&env, "http://b.test/"), "none");
    }

    #[test]
    fn cgi_requests_ignore_upper_case_http_proxy() {
        let env = [
            ("REQUEST_METHOD", "GET"),
            ("HTTP_PROXY", "http://attacker.test:1/"),
        ];
        assert_eq!(route(&env, "http://x.test/"), "none");
        let env = [
            ("REQUEST_METHOD", "GET"),
            ("http_proxy", "http://mine.test:1/"),
        ];
        assert_eq!(route(&env, "http://x.test/"), "http://mine.test:1/");
    }

    #[test]
    fn invalid_values_become_errors_without_the_value() {
        let env = Env::from_pairs([("HTTPS_PROXY", "ftp://user:secret@p.test")]);
        let mounts = env_mounts(&env);
        let EnvProxy::Invalid(error) = &mounts[0].1 else {
            panic!("{mounts:?}")
        };
        let shown = format!("{error} {error:?}");
        assert!(shown.contains("HTTPS_PROXY"), "{shown}");
        assert!(!shown.contains("secret"), "{shown}");
    }
}
