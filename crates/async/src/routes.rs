//! Which transport serves a URL: the client's mounts, proxies and the environment's
//! proxies, by httpx's URL patterns, built once per client.

use xhttp_core::client::ClientConfig;
use xhttp_core::mounts::{Mounts, UrlPattern};
use xhttp_core::proxy::{EnvProxy, env_mounts};
use xhttp_core::{Error, ErrorKind, Proxy, Url};

use crate::http::HttpTransport;
use crate::transport::BoxTransport;

/// Where a matching URL goes.
#[derive(Debug)]
pub(crate) enum Target {
    /// To this transport.
    Transport(BoxTransport),
    /// To the client's default transport (a `None` mount, a `NO_PROXY` entry).
    Default,
    /// Nowhere: a proxy variable of the environment, or a pattern of a client made by
    /// `from_settings`, is not valid (kept as an error kind and message, reported by
    /// every request it would route).
    Invalid(ErrorKind, String),
}

/// The client's patterns, parsed: what [`Routes::build`] needs from a config, checked
/// when the client is built.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    proxies: Vec<(UrlPattern, Proxy)>,
    mounts: Vec<(UrlPattern, Option<BoxTransport>)>,
    /// A pattern that did not parse (see [`Plan::or_invalid`]).
    invalid: Option<(ErrorKind, String)>,
}

impl Plan {
    /// Parses the patterns of `config`'s proxies and mounts.
    pub(crate) fn new(config: &ClientConfig<BoxTransport>) -> Result<Plan, Error> {
        let proxies = config
            .proxies
            .iter()
            .map(|(pattern, proxy)| Ok((UrlPattern::parse(pattern)?, proxy.clone())))
            .collect::<Result<_, Error>>()?;
        let mounts = config
            .mounts
            .iter()
            .map(|(pattern, transport)| Ok((UrlPattern::parse(pattern)?, transport.clone())))
            .collect::<Result<_, Error>>()?;
        Ok(Plan {
            proxies,
            mounts,
            invalid: None,
        })
    }

    /// As [`new`](Self::new), for a constructor that cannot fail: a pattern that does
    /// not parse makes every request fail with its error, rather than dropping the
    /// proxies and mounts (a request meant for a proxy must not go out directly).
    pub(crate) fn or_invalid(config: &ClientConfig<BoxTransport>) -> Plan {
        Plan::new(config).unwrap_or_else(|error| Plan {
            invalid: Some((
                error.kind(),
                error
                    .message()
                    .unwrap_or("a proxy or mount pattern is not valid")
                    .to_owned(),
            )),
            ..Plan::default()
        })
    }
}

/// The mounts of one client, most specific first.
#[derive(Debug)]
pub(crate) struct Routes {
    mounts: Mounts<Target>,
}

impl Routes {
    /// httpx's order: the environment's proxies (only when the environment is trusted
    /// and the client has neither a transport nor a proxy of its own), then the
    /// client's proxies, then its mounts, a later one replacing an earlier one of the
    /// same pattern. Proxies are served by `http` with its settings and pool.
    pub(crate) fn build(
        config: &ClientConfig<BoxTransport>,
        plan: Plan,
        http: &HttpTransport,
    ) -> Routes {
        let mut mounts = Mounts::new();
        if let Some((kind, message)) = plan.invalid {
            if let Ok(everything) = UrlPattern::parse("all://") {
                mounts.insert_pattern(everything, Target::Invalid(kind, message));
            }
            return Routes { mounts };
        }
        let through =
            |proxy: &Proxy| Target::Transport(BoxTransport::from(http.with_proxy(Some(proxy))));
        if config.trust_env && config.transport.is_none() && plan.proxies.is_empty() {
            for (pattern, proxy) in env_mounts(&config.env) {
                let target = match proxy {
                    EnvProxy::Proxy(proxy) => through(&proxy),
                    EnvProxy::Direct => Target::Default,
                    EnvProxy::Invalid(error) => Target::Invalid(
                        ErrorKind::Proxy,
                        error
                            .message()
                            .unwrap_or("invalid proxy variable")
                            .to_owned(),
                    ),
                };
                mounts.insert_pattern(pattern, target);
            }
        }
        for (pattern, proxy) in &plan.proxies {
            mounts.insert_pattern(pattern.clone(), through(proxy));
        }
        for (pattern, transport) in plan.mounts {
            let target = transport.map_or(Target::Default, Target::Transport);
            mounts.insert_pattern(pattern, target);
        }
        Routes { mounts }
    }

    /// The mount matching `url`, if any.
    pub(crate) fn route(&self, url: &Url) -> Option<&Target> {
        if self.mounts.is_empty() {
            return None;
        }
        self.mounts.route(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xhttp_core::Env;

    fn config(env: &[(&str, &str)]) -> ClientConfig<BoxTransport> {
        let mut config = ClientConfig::default();
        config.env = Env::from_pairs(env.iter().copied());
        config
    }

    fn describe(routes: &Routes, url: &str) -> String {
        match routes.route(&Url::parse(url).unwrap()) {
            None => "none".into(),
            Some(Target::Default) => "default".into(),
            Some(Target::Invalid(_, message)) => format!("invalid: {message}"),
            Some(Target::Transport(transport)) => format!("{transport:?}"),
        }
    }

    #[test]
    fn environment_proxies_unless_told_otherwise() {
        let env = [
            ("HTTPS_PROXY", "http://p.test:1"),
            ("NO_PROXY", "direct.test"),
        ];
        let http = HttpTransport::new();
        let config = config(&env);
        let routes = Routes::build(&config, Plan::new(&config).unwrap(), &http);
        assert!(describe(&routes, "https://a.test/").contains("HttpTransport"));
        assert_eq!(describe(&routes, "https://direct.test/"), "default");
        assert_eq!(describe(&routes, "http://a.test/"), "none");

        let mut untrusted = config.clone();
        untrusted.trust_env = false;
        let routes = Routes::build(&untrusted, Plan::default(), &http);
        assert_eq!(describe(&routes, "https://a.test/"), "none");

        let mut with_proxy = config.clone();
        with_proxy
            .proxies
            .push(("http://".into(), Proxy::new("http://q.test:2").unwrap()));
        let routes = Routes::build(&with_proxy, Plan::new(&with_proxy).unwrap(), &http);
        assert_eq!(describe(&routes, "https://a.test/"), "none");
        assert!(describe(&routes, "http://a.test/").contains("HttpTransport"));
    }

    #[test]
    fn invalid_environment_values_and_patterns() {
        let http = HttpTransport::new();
        let config = config(&[("ALL_PROXY", "ftp://p.test")]);
        let routes = Routes::build(&config, Plan::default(), &http);
        assert!(describe(&routes, "http://a.test/").starts_with("invalid: the ALL_PROXY"));
        let mut bad = ClientConfig::<BoxTransport>::default();
        bad.mounts.push(("http".into(), None));
        assert!(Plan::new(&bad).is_err());
    }

    /// `from_settings` cannot fail: a bad pattern must not drop the good proxies with
    /// it (requests would go out directly), so every request reports it.
    #[test]
    fn a_plan_with_a_bad_pattern_routes_every_request_to_its_error() {
        let http = HttpTransport::new();
        let mut bad = ClientConfig::<BoxTransport>::default();
        bad.proxies
            .push(("all://".into(), Proxy::new("http://p.test:1").unwrap()));
        bad.proxies
            .push(("http".into(), Proxy::new("http://p.test:2").unwrap()));
        let routes = Routes::build(&bad, Plan::or_invalid(&bad), &http);
        for url in ["http://a.test/", "https://b.test/x"] {
            assert!(describe(&routes, url).starts_with("invalid: "), "{url}");
        }
        let mut good = bad.clone();
        good.proxies.pop();
        let routes = Routes::build(&good, Plan::or_invalid(&good), &http);
        assert!(describe(&routes, "http://a.test/").contains("HttpTransport"));
    }
}
