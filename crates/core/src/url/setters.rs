//! Builder-style copies with one component changed, in the spirit of httpx's `copy_with`.

use super::encode::{self, FRAGMENT, PATH, QUERY};
use super::host::Host;
use super::parse::{self, Authority, Parts, Userinfo};
use super::{Url, invalid};
use crate::Error;
use crate::query::{QueryParams, merge_raw_queries};

impl Url {
    fn with_parts(&self, change: impl FnOnce(&mut Parts)) -> Result<Url, Error> {
        let mut parts = self.parts().clone();
        change(&mut parts);
        Url::from_parts(parts).map_err(|error| self.name_in(error))
    }

    fn authority_mut<'a>(parts: &'a mut Parts, what: &str) -> Result<&'a mut Authority, Error> {
        parts
            .authority
            .as_mut()
            .ok_or_else(|| invalid(format!("cannot set the {what} of a URL without a host")))
    }

    /// A copy with another scheme (`a-z`, digits, `+`, `-`, `.`; lower-cased).
    ///
    /// ```
    /// use xhttp_core::url::Url;
    ///
    /// let url = Url::parse("http://example.com:443/")?.with_scheme("HTTPS")?;
    /// assert_eq!(url, "https://example.com/");
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn with_scheme(&self, scheme: &str) -> Result<Url, Error> {
        if !parse::is_scheme(scheme) {
            return Err(invalid(format!("invalid scheme: '{scheme}'")));
        }
        self.with_parts(|parts| parts.scheme = parse::scheme_of(scheme))
    }

    /// A copy with another host: a domain name (IDNA), an IPv4 address, or an IPv6
    /// address with or without brackets. Adds an authority to a URL without one.
    pub fn with_host(&self, host: &str) -> Result<Url, Error> {
        let host = Host::parse_unbracketed(host)?;
        self.with_parts(|parts| match &mut parts.authority {
            Some(authority) => authority.host = host,
            None => {
                parts.authority = Some(Authority {
                    userinfo: None,
                    host,
                    port: None,
                });
            }
        })
    }

    /// A copy with another port; `None` removes it (the scheme's default applies).
    pub fn with_port(&self, port: Option<u16>) -> Result<Url, Error> {
        let mut parts = self.parts().clone();
        Url::authority_mut(&mut parts, "port")
            .map_err(|error| self.name_in(error))?
            .port = port;
        Url::from_parts(parts).map_err(|error| self.name_in(error))
    }

    /// A copy with another path, percent-encoded as needed (`?` and `#` included; an
    /// existing `%XX` is kept). Dot segments are removed when the URL has a scheme or a
    /// host.
    ///
    /// ```
    /// use xhttp_core::url::Url;
    ///
    /// let url = Url::parse("http://example.com/old?q=1")?.with_path("/a b/../c?d")?;
    /// assert_eq!(url, "http://example.com/c%3Fd?q=1");
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn with_path(&self, path: &str) -> Result<Url, Error> {
        parse::check_text(path)?;
        let parts = self.parts();
        if parts.authority.is_some() && !path.is_empty() && !path.starts_with('/') {
            return Err(invalid(
                "a URL with a host must have a path that is empty or begins with '/'",
            ));
        }
        if parts.authority.is_none() && path.starts_with("//") {
            return Err(invalid(
                "a URL without a host cannot have a path starting with '//'",
            ));
        }
        if parts.scheme.is_empty() && parts.authority.is_none() && parse::path_reads_as_scheme(path)
        {
            return Err(invalid(
                "a relative URL cannot have a path starting with a scheme-like 'name:'",
            ));
        }
        let encoded = encode::encode(path, PATH).into_owned();
        self.with_parts(|parts| parts.path = encoded)
    }

    /// A copy with another query (encoded as needed, without `?`); `None` removes it.
    pub fn with_query(&self, query: Option<&str>) -> Result<Url, Error> {
        if let Some(query) = query {
            parse::check_text(query)?;
        }
        let encoded = query.map(|q| encode::encode(q, QUERY).into_owned());
        self.with_parts(|parts| parts.query = encoded)
    }

    /// A copy with another fragment (encoded as needed, without `#`); `None` removes it.
    pub fn with_fragment(&self, fragment: Option<&str>) -> Result<Url, Error> {
        if let Some(fragment) = fragment {
            parse::check_text(fragment)?;
        }
        let encoded = fragment.map(|f| encode::encode(f, FRAGMENT).into_owned());
        self.with_parts(|parts| parts.fragment = encoded)
    }

    /// A copy with these credentials (raw text: percent-encoded here). The URL needs a
    /// host. Messages about bad credentials never quote them.
    ///
    /// ```
    /// use xhttp_core::url::Url;
    ///
    /// let url = Url::parse("http://example.com/")?.with_userinfo("me", Some("p@ss:word"))?;
    /// assert_eq!(url, "http://me:p%40ss%3Aword@example.com/");
    /// assert_eq!(url.password().as_deref(), Some("p@ss:word"));
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn with_userinfo(&self, username: &str, password: Option<&str>) -> Result<Url, Error> {
        let has_control = |text: &str| text.bytes().any(|b| b.is_ascii_control());
        if has_control(username) || password.is_some_and(has_control) {
            return Err(invalid(
                "invalid non-printable ASCII character in the username or password",
            ));
        }
        let mut parts = self.parts().clone();
        Url::authority_mut(&mut parts, "username and password")
            .map_err(|error| self.name_in(error))?
            .userinfo = Userinfo::new(username, password);
        Url::from_parts(parts).map_err(|error| self.name_in(error))
    }

    /// A copy without username and password.
    pub fn without_userinfo(&self) -> Url {
        if !self.has_userinfo() {
            return self.clone();
        }
        let mut parts = self.parts().clone();
        if let Some(authority) = &mut parts.authority {
            authority.userinfo = None;
        }
        // Removing text from a valid URL keeps it valid.
        Url::from_parts(parts).unwrap_or_else(|_| self.clone())
    }

    /// A copy whose query is `params`, replacing the URL's query (httpx's
    /// `URL(url, params=…)`); empty params remove the query.
    ///
    /// ```
    /// use xhttp_core::{query::QueryParams, url::Url};
    ///
    /// let url = Url::parse("http://example.com/?a=1")?;
    /// assert_eq!(url.with_params(&QueryParams::from_pairs([("b", "x y")]))?, "http://example.com/?b=x+y");
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn with_params(&self, params: &QueryParams) -> Result<Url, Error> {
        let query = (!params.is_empty()).then(|| params.to_string());
        self.with_parts(|parts| parts.query = query)
    }

    /// A copy whose query has `params` merged in, key by key: keys of `params` replace the
    /// URL's values for that key (at the key's first position), other keys are kept as
    /// they were written, new keys are appended.
    ///
    /// This is how xhttp applies request params, a deliberate difference from httpx,
    /// where params replace the URL's whole query (quirk A.1).
    ///
    /// ```
    /// use xhttp_core::{query::QueryParams, url::Url};
    ///
    /// let url = Url::parse("http://example.com/p?c=3&a=1&a=2")?;
    /// let merged = url.merge_params(&QueryParams::from_pairs([("a", "9"), ("d", "4")]))?;
    /// assert_eq!(merged, "http://example.com/p?c=3&a=9&d=4");
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn merge_params(&self, params: &QueryParams) -> Result<Url, Error> {
        if params.is_empty() {
            return Ok(self.clone());
        }
        let query = merged_query(self.query(), params);
        self.with_parts(|parts| parts.query = Some(query))
    }
}

/// `params` merged over the raw query `current` (see [`Url::merge_params`]).
pub(super) fn merged_query(current: Option<&str>, params: &QueryParams) -> String {
    let encoded = params.to_string();
    match current {
        Some(query) => merge_raw_queries(query, &encoded),
        None => encoded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(input: &str) -> Url {
        Url::parse(input).unwrap()
    }

    #[test]
    fn scheme_host_port() {
        let u = url("http://example.com:8080/p");
        assert_eq!(u.with_scheme("WSS").unwrap(), "wss://example.com:8080/p");
        assert!(u.with_scheme("1x").is_err());
        assert!(u.with_scheme("").is_err());
        assert_eq!(
            u.with_host("EXAMPLE.org").unwrap(),
            "http://example.org:8080/p"
        );
        assert_eq!(u.with_host("::1").unwrap(), "http://[::1]:8080/p");
        assert_eq!(u.with_host("[::1]").unwrap().host(), "::1");
        assert_eq!(
            u.with_host("bücher.de").unwrap().raw_host(),
            "xn--bcher-kva.de"
        );
        assert!(u.with_host("a b").is_err());
        assert_eq!(u.with_port(None).unwrap(), "http://example.com/p");
        assert_eq!(u.with_port(Some(80)).unwrap(), "http://example.com/p");
        assert_eq!(u.with_port(Some(81)).unwrap().port(), Some(81));
        assert!(url("/relative").with_port(Some(1)).is_err());
        assert_eq!(url("/relative").with_host("h").unwrap(), "//h/relative");
    }

    #[test]
    fn path_query_fragment() {
        let u = url("http://example.com/p?q=1#f");
        assert_eq!(
            u.with_path("/a%20b c").unwrap(),
            "http://example.com/a%20b%20c?q=1#f"
        );
        assert_eq!(u.with_path("").unwrap(), "http://example.com/?q=1#f");
        assert!(u.with_path("relative").is_err());
        assert!(u.with_path("/a\nb").is_err());
        assert!(url("/x").with_path("//x").is_err());
        assert!(url("x").with_path("a:b").is_err());
        assert_eq!(url("x").with_path("a/b:c").unwrap(), "a/b:c");
        assert_eq!(url("x").with_path("1:c").unwrap(), "1:c");
        assert_eq!(
            u.with_query(Some("a b#c")).unwrap(),
            "http://example.com/p?a%20b%23c#f"
        );
        assert_eq!(u.with_query(None).unwrap(), "http://example.com/p#f");
        assert_eq!(u.with_query(Some("")).unwrap().raw_path(), "/p?");
        assert_eq!(
            u.with_fragment(Some("x y")).unwrap(),
            "http://example.com/p?q=1#x%20y"
        );
        assert_eq!(u.with_fragment(None).unwrap(), "http://example.com/p?q=1");
    }

    #[test]
    fn userinfo() {
        let u = url("http://example.com/");
        let with = u.with_userinfo("a:b", Some("c/d")).unwrap();
        assert_eq!(with, "http://a%3Ab:c%2Fd@example.com/");
        assert_eq!(with.username(), "a:b");
        assert_eq!(with.password().as_deref(), Some("c/d"));
        assert_eq!(with.without_userinfo(), u);
        assert_eq!(u.with_userinfo("", None).unwrap(), u);
        let error = u.with_userinfo("user", Some("sec\nret")).unwrap_err();
        assert!(!error.to_string().contains("sec"));
        assert!(url("/p").with_userinfo("u", None).is_err());
    }

    #[test]
    fn params_replace_or_merge() {
        let u = url("http://x/p?c=3");
        let params = QueryParams::from_pairs([("a", "1")]);
        assert_eq!(u.with_params(&params).unwrap(), "http://x/p?a=1");
        assert_eq!(u.with_params(&QueryParams::new()).unwrap(), "http://x/p");
        assert_eq!(u.merge_params(&params).unwrap(), "http://x/p?c=3&a=1");
        assert_eq!(u.merge_params(&QueryParams::new()).unwrap(), u);
        assert_eq!(
            u.merge_params(&QueryParams::from_pairs([("c", "4")]))
                .unwrap(),
            "http://x/p?c=4"
        );
        assert_eq!(
            url("http://x/p").merge_params(&params).unwrap(),
            "http://x/p?a=1"
        );
        // Untouched pairs keep their encoding; new values are form-encoded.
        assert_eq!(
            url("http://x/p?k=a%20b&z=1")
                .merge_params(&QueryParams::from_pairs([("z", "x y/")]))
                .unwrap(),
            "http://x/p?k=a%20b&z=x+y%2F"
        );
    }
}
