//! The injectable environment lookup: proxies, certificates and `.netrc` are found
//! through it, so tests can give a client its own environment without `set_var`.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// Where a client reads environment variables (`HTTP_PROXY`, `SSL_CERT_FILE`...).
///
/// The default is the process environment. Tests give a map instead, which is
/// race-free and needs no `unsafe` `set_var`:
///
/// ```
/// use xhttp_core::Env;
///
/// let env = Env::from_pairs([("HTTPS_PROXY", "http://127.0.0.1:3128")]);
/// assert_eq!(env.var("HTTPS_PROXY").as_deref(), Some("http://127.0.0.1:3128"));
/// assert_eq!(env.var("HTTP_PROXY"), None);
/// ```
#[derive(Clone)]
pub struct Env {
    lookup: Arc<Lookup>,
    description: &'static str,
}

impl Env {
    /// The process environment (`std::env::var`; values that are not Unicode are absent).
    pub fn process() -> Env {
        Env {
            lookup: Arc::new(|name| std::env::var(name).ok()),
            description: "process",
        }
    }

    /// No variables at all.
    pub fn empty() -> Env {
        Env {
            lookup: Arc::new(|_| None),
            description: "empty",
        }
    }

    /// Exactly the given variables.
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Env
    where
        K: Into<String>,
        V: Into<String>,
    {
        let map: HashMap<String, String> = pairs
            .into_iter()
            .map(|(key, value)| (key.into(), value.into()))
            .collect();
        Env {
            lookup: Arc::new(move |name| map.get(name).cloned()),
            description: "map",
        }
    }

    /// Any lookup function.
    pub fn from_fn(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Env {
        Env {
            lookup: Arc::new(lookup),
            description: "custom",
        }
    }

    /// The value of `name`, if set.
    pub fn var(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
    }

    /// The value of `name` in either case, the lower-case one winning (the convention
    /// for `http_proxy` and friends); empty values count as unset.
    pub fn var_any_case(&self, name: &str) -> Option<String> {
        let lower = name.to_ascii_lowercase();
        let upper = name.to_ascii_uppercase();
        self.var(&lower)
            .filter(|value| !value.is_empty())
            .or_else(|| self.var(&upper).filter(|value| !value.is_empty()))
    }
}

impl Default for Env {
    fn default() -> Env {
        Env::process()
    }
}

impl fmt::Debug for Env {
    // Values may be secrets (proxy credentials): never print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Env({})", self.description)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_case_wins_and_empty_is_unset() {
        let env = Env::from_pairs([("http_proxy", "lower"), ("HTTP_PROXY", "upper")]);
        assert_eq!(env.var_any_case("HTTP_PROXY").as_deref(), Some("lower"));
        let env = Env::from_pairs([("http_proxy", ""), ("HTTP_PROXY", "upper")]);
        assert_eq!(env.var_any_case("http_proxy").as_deref(), Some("upper"));
        assert_eq!(Env::empty().var_any_case("http_proxy"), None);
    }

    #[test]
    fn debug_never_shows_values() {
        let env = Env::from_pairs([("HTTP_PROXY", "http://user:secret@proxy")]);
        assert!(!format!("{env:?}").contains("secret"));
    }
}
