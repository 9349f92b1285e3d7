//! Conversions between [`Url`] and strings, `url::Url` and `http::Uri`.

use std::str::FromStr;

use super::parse::UserinfoStyle;
use super::{Url, invalid};
use crate::Error;

impl FromStr for Url {
    type Err = Error;

    fn from_str(input: &str) -> Result<Url, Error> {
        Url::parse(input)
    }
}

impl TryFrom<&str> for Url {
    type Error = Error;

    fn try_from(input: &str) -> Result<Url, Error> {
        Url::parse(input)
    }
}

impl TryFrom<String> for Url {
    type Error = Error;

    fn try_from(input: String) -> Result<Url, Error> {
        Url::parse(&input)
    }
}

impl TryFrom<&String> for Url {
    type Error = Error;

    fn try_from(input: &String) -> Result<Url, Error> {
        Url::parse(input)
    }
}

impl From<Url> for String {
    fn from(url: Url) -> String {
        url.as_str().to_owned()
    }
}

impl TryFrom<&Url> for url::Url {
    type Error = Error;

    /// The WHATWG form of an absolute URL; a relative URL is an error.
    ///
    /// WHATWG reads `\` in a path as `/`, so a backslash of the path is sent as `%5C` to
    /// keep its meaning. WHATWG may also rewrite hosts made only of numbers as IPv4
    /// addresses (`http://1.2.3/` → `http://1.2.0.3/`), where xhttp keeps a domain name.
    fn try_from(url: &Url) -> Result<url::Url, Error> {
        if url.scheme().is_empty() {
            return Err(invalid("a relative URL cannot become a url::Url"));
        }
        let mut parts = url.parts().clone();
        parts.path = parts.path.replace('\\', "%5C");
        let mut text = String::with_capacity(url.as_str().len());
        parts.write(&mut text, UserinfoStyle::Full);
        url::Url::parse(&text).map_err(|error| {
            invalid(format!("the URL is not valid for WHATWG: {error}")).with_source(error)
        })
    }
}

impl TryFrom<Url> for url::Url {
    type Error = Error;

    /// See the conversion from `&Url`.
    fn try_from(url: Url) -> Result<url::Url, Error> {
        url::Url::try_from(&url)
    }
}

impl TryFrom<&url::Url> for Url {
    type Error = Error;

    fn try_from(url: &url::Url) -> Result<Url, Error> {
        Url::parse(url.as_str())
    }
}

impl TryFrom<url::Url> for Url {
    type Error = Error;

    fn try_from(url: url::Url) -> Result<Url, Error> {
        Url::parse(url.as_str())
    }
}

impl TryFrom<&http::Uri> for Url {
    type Error = Error;

    /// An authority-form `Uri` (`example.com:443`, as in `CONNECT`) becomes
    /// `//example.com:443`, not a URL of scheme `example.com`.
    fn try_from(uri: &http::Uri) -> Result<Url, Error> {
        let mut text = String::new();
        if let Some(scheme) = uri.scheme_str() {
            text.push_str(scheme);
            text.push(':');
        }
        if let Some(authority) = uri.authority() {
            text.push_str("//");
            text.push_str(authority.as_str());
        }
        if let Some(path_and_query) = uri.path_and_query() {
            text.push_str(path_and_query.as_str());
        }
        Url::parse(&text)
    }
}

impl TryFrom<http::Uri> for Url {
    type Error = Error;

    fn try_from(uri: http::Uri) -> Result<Url, Error> {
        Url::try_from(&uri)
    }
}

impl TryFrom<&Url> for http::Uri {
    type Error = Error;

    /// The cached `http::Uri` (no userinfo, no fragment); a relative URL is an error.
    fn try_from(url: &Url) -> Result<http::Uri, Error> {
        url.uri()
            .cloned()
            .ok_or_else(|| invalid("only an absolute URL has an http::Uri"))
    }
}

impl TryFrom<Url> for http::Uri {
    type Error = Error;

    /// See the conversion from `&Url`.
    fn try_from(url: Url) -> Result<http::Uri, Error> {
        http::Uri::try_from(&url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings() {
        let url: Url = "http://a/b".parse().unwrap();
        assert_eq!(Url::try_from("http://a/b").unwrap(), url);
        assert_eq!(Url::try_from(String::from("http://a/b")).unwrap(), url);
        assert_eq!(String::from(url), "http://a/b");
        assert!("http://a:x/".parse::<Url>().is_err());
    }

    #[test]
    fn whatwg_urls() {
        let ours = Url::parse("http://u:p@münchen.de:8080/a\\b?q#f").unwrap();
        let theirs = url::Url::try_from(&ours).unwrap();
        assert_eq!(
            theirs.as_str(),
            "http://u:p@xn--mnchen-3ya.de:8080/a%5Cb?q#f"
        );
        let back = Url::try_from(theirs).unwrap();
        assert_eq!(back.as_str(), "http://u:p@xn--mnchen-3ya.de:8080/a%5Cb?q#f");
        assert!(url::Url::try_from(Url::parse("/relative").unwrap()).is_err());
        let whatwg = url::Url::parse("https://EXAMPLE.com:443/x").unwrap();
        assert_eq!(Url::try_from(&whatwg).unwrap(), "https://example.com/x");
    }

    #[test]
    fn http_uris() {
        let url = Url::parse("https://user:pw@example.com:8443/a?b#c").unwrap();
        let uri = http::Uri::try_from(&url).unwrap();
        assert_eq!(uri, "https://example.com:8443/a?b");
        assert_eq!(Url::try_from(&uri).unwrap(), "https://example.com:8443/a?b");
        let uri: http::Uri = "/path?x".parse().unwrap();
        assert_eq!(Url::try_from(uri).unwrap(), "/path?x");
        assert!(http::Uri::try_from(Url::parse("/relative").unwrap()).is_err());
        let connect: http::Uri = "example.com:443".parse().unwrap();
        let authority_form = Url::try_from(&connect).unwrap();
        assert_eq!(authority_form.as_str(), "//example.com:443");
        assert_eq!(
            (authority_form.scheme(), authority_form.port()),
            ("", Some(443))
        );
        let star: http::Uri = "*".parse().unwrap();
        assert_eq!(Url::try_from(star).unwrap(), "*");
        // Same Uri each time: cached at parse.
        assert!(std::ptr::eq(url.uri().unwrap(), url.uri().unwrap()));
    }
}
