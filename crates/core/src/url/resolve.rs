//! RFC 3986 reference resolution (`join`) and httpx's `base_url` merge.

use super::Url;
use super::parse::{self, Parts};
use super::setters::merged_query;
use crate::Error;
use crate::query::QueryParams;

/// RFC 3986 §5.2.4: removes `.` and `..` segments.
/// Whether `path` has a `.` or `..` segment to remove.
pub(super) fn has_dot_segments(path: &str) -> bool {
    path.split('/')
        .any(|segment| segment == "." || segment == "..")
}

pub(super) fn remove_dot_segments(path: &str) -> String {
    if !has_dot_segments(path) {
        return path.to_owned();
    }
    let mut input = path;
    let mut output = String::with_capacity(path.len());
    while !input.is_empty() {
        if let Some(rest) = input.strip_prefix("../") {
            input = rest;
        } else if let Some(rest) = input.strip_prefix("./") {
            input = rest;
        } else if input.starts_with("/./") {
            input = &input[2..];
        } else if input == "/." {
            input = "/";
        } else if input.starts_with("/../") || input == "/.." {
            input = if input == "/.." { "/" } else { &input[3..] };
            let cut = output.rfind('/').unwrap_or(0);
            output.truncate(cut);
        } else if input == "." || input == ".." {
            input = "";
        } else {
            let start = usize::from(input.starts_with('/'));
            let end = input[start..].find('/').map_or(input.len(), |i| i + start);
            output.push_str(&input[..end]);
            input = &input[end..];
        }
    }
    output
}

/// RFC 3986 §5.2.3: merges a relative-path reference with the base path.
fn merge_paths(base: &Parts, reference: &str) -> String {
    if base.authority.is_some() && base.path.is_empty() {
        return format!("/{reference}");
    }
    match base.path.rfind('/') {
        Some(slash) => format!("{}{reference}", &base.path[..=slash]),
        None => reference.to_owned(),
    }
}

/// RFC 3986 §5.2.2 (strict): the target of `reference` against `base`.
pub(super) fn resolve(base: &Parts, reference: Parts) -> Parts {
    if !reference.scheme.is_empty() {
        return Parts {
            path: remove_dot_segments(&reference.path),
            ..reference
        };
    }
    let (authority, path, query) = if reference.authority.is_some() {
        (
            reference.authority,
            remove_dot_segments(&reference.path),
            reference.query,
        )
    } else if reference.path.is_empty() {
        (
            base.authority.clone(),
            base.path.clone(),
            reference.query.or_else(|| base.query.clone()),
        )
    } else if reference.path.starts_with('/') {
        (
            base.authority.clone(),
            remove_dot_segments(&reference.path),
            reference.query,
        )
    } else {
        (
            base.authority.clone(),
            remove_dot_segments(&merge_paths(base, &reference.path)),
            reference.query,
        )
    };
    Parts {
        scheme: base.scheme.clone(),
        authority,
        path,
        query,
        fragment: reference.fragment,
    }
}

impl Url {
    /// Resolves `reference` against this URL as RFC 3986 §5 does (httpx's `join`).
    ///
    /// ```
    /// use xhttp_core::url::Url;
    ///
    /// let base = Url::parse("http://a/b/c/d;p?q")?;
    /// assert_eq!(base.join("../g")?, "http://a/b/g");
    /// assert_eq!(base.join("//g")?, "http://g/");
    /// assert_eq!(base.join("?y")?, "http://a/b/c/d;p?y");
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn join(&self, reference: &str) -> Result<Url, Error> {
        let reference = parse::parse(reference).map_err(|error| self.name_in(error))?;
        Url::from_parts(resolve(self.parts(), reference)).map_err(|error| self.name_in(error))
    }

    /// Resolves a parsed `reference` against this URL (see [`Url::join`]).
    pub fn join_url(&self, reference: &Url) -> Result<Url, Error> {
        Url::from_parts(resolve(self.parts(), reference.parts().clone()))
            .map_err(|error| self.name_in(error))
    }

    /// Merges a request URL onto this `base_url`, as httpx's client does.
    ///
    /// * An absolute `url` (scheme and host) is returned as it is, and so is any `url`
    ///   with a scheme of its own.
    /// * A protocol-relative `url` (`//other.org/p`) takes only the base's scheme and
    ///   keeps its own host (httpx loses the host: quirk A.4, fixed).
    /// * Otherwise the base's path, always ending with `/`, is followed by the `url`'s
    ///   path with its leading slashes stripped, then dot segments are removed:
    ///   `https://www.example.com/some/path` + `/testing/123` →
    ///   `https://www.example.com/some/path/testing/123`, and `../testing/123` →
    ///   `https://www.example.com/some/testing/123`.
    /// * The query: httpx glues the base's query into the path (`/v1?k=1/users`, quirk
    ///   A.4). Here the base's query is kept as the query, and the `url`'s query
    ///   parameters merge into it key by key, as request params do (see
    ///   [`Url::merge_params`]): a key of the `url` replaces the base's values for that key
    ///   in place, other keys are kept, new keys are appended. Untouched pairs keep their
    ///   original encoding.
    /// * The fragment is the `url`'s.
    ///
    /// ```
    /// use xhttp_core::url::Url;
    ///
    /// let base = Url::parse("https://www.example.com/some/path?key=1")?;
    /// let merged = base.merge_base(&Url::parse("../testing/123?page=2")?)?;
    /// assert_eq!(merged, "https://www.example.com/some/testing/123?key=1&page=2");
    /// # Ok::<(), xhttp_core::Error>(())
    /// ```
    pub fn merge_base(&self, url: &Url) -> Result<Url, Error> {
        if !url.parts().scheme.is_empty() {
            return Ok(url.clone());
        }
        Url::from_parts(self.merged_parts(url)).map_err(|error| self.name_in(error))
    }

    /// [`merge_base`](Self::merge_base), then [`merge_params`](Self::merge_params) with
    /// the params `params` gives for the joined URL's own query, normalised once.
    pub(crate) fn merge_base_and_params(
        &self,
        url: &Url,
        params: impl FnOnce(Option<&str>) -> QueryParams,
    ) -> Result<Url, Error> {
        let mut parts = if url.parts().scheme.is_empty() {
            self.merged_parts(url)
        } else {
            url.parts().clone()
        };
        let params = params(parts.query.as_deref());
        if !params.is_empty() {
            parts.query = Some(merged_query(parts.query.as_deref(), &params));
        }
        Url::from_parts(parts).map_err(|error| self.name_in(error))
    }

    /// The parts of `url` (without a scheme) merged onto this base, not normalised.
    fn merged_parts(&self, url: &Url) -> Parts {
        let reference = url.parts();
        let base = self.parts();
        if reference.authority.is_some() {
            return resolve(base, reference.clone());
        }
        let mut path = base.path.clone();
        if !path.ends_with('/') {
            path.push('/');
        }
        path.push_str(reference.path.trim_start_matches('/'));
        let query = match (&base.query, &reference.query) {
            (Some(base_query), Some(query)) => {
                Some(crate::query::merge_raw_queries(base_query, query))
            }
            (base_query, query) => query.clone().or_else(|| base_query.clone()),
        };
        Parts {
            scheme: base.scheme.clone(),
            authority: base.authority.clone(),
            path: remove_dot_segments(&path),
            query,
            fragment: reference.fragment.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments() {
        assert_eq!(remove_dot_segments("/a/b/c/./../../g"), "/a/g");
        assert_eq!(remove_dot_segments("mid/content=5/../6"), "mid/6");
        assert_eq!(remove_dot_segments("/../a"), "/a");
        assert_eq!(remove_dot_segments("/a/.."), "/");
        assert_eq!(remove_dot_segments("/a/."), "/a/");
        assert_eq!(remove_dot_segments("."), "");
        assert_eq!(remove_dot_segments("/a/.b/..c"), "/a/.b/..c");
    }

    /// RFC 3986 §5.4.1 normal examples and §5.4.2 abnormal ones.
    #[test]
    fn rfc3986_examples() {
        let base = Url::parse("http://a/b/c/d;p?q").unwrap();
        let cases = [
            ("g:h", "g:h"),
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g/"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("g#s", "http://a/b/c/g#s"),
            ("g?y#s", "http://a/b/c/g?y#s"),
            (";x", "http://a/b/c/;x"),
            ("g;x", "http://a/b/c/g;x"),
            ("g;x?y#s", "http://a/b/c/g;x?y#s"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("../../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            (".g", "http://a/b/c/.g"),
            ("g..", "http://a/b/c/g.."),
            ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"),
            ("./g/.", "http://a/b/c/g/"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
            ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
            ("g;x=1/../y", "http://a/b/c/y"),
            ("g?y/./x", "http://a/b/c/g?y/./x"),
            ("g#s/../x", "http://a/b/c/g#s/../x"),
            ("http:g", "http:g"),
        ];
        for (reference, expected) in cases {
            assert_eq!(
                base.join(reference).unwrap().as_str(),
                expected,
                "{reference}"
            );
        }
    }

    #[test]
    fn join_normalises_the_result() {
        let base = Url::parse("https://example.com/a/").unwrap();
        assert_eq!(
            base.join("//other.org:443/x").unwrap(),
            "https://other.org/x"
        );
        assert_eq!(base.join("b c").unwrap(), "https://example.com/a/b%20c");
        assert!(base.join("http://host:99999/").is_err());
        assert!(base.join("\n").is_err());
    }

    fn merge(base: &str, url: &str) -> String {
        let base = Url::parse(base).unwrap();
        base.merge_base(&Url::parse(url).unwrap())
            .unwrap()
            .to_string()
    }

    #[test]
    fn base_url_merge() {
        let base = "https://www.example.com/some/path";
        assert_eq!(
            merge(base, "/testing/123"),
            "https://www.example.com/some/path/testing/123"
        );
        assert_eq!(
            merge(base, "testing/123"),
            "https://www.example.com/some/path/testing/123"
        );
        assert_eq!(
            merge(base, "../testing/123"),
            "https://www.example.com/some/testing/123"
        );
        assert_eq!(merge(base, ""), "https://www.example.com/some/path/");
        assert_eq!(
            merge(base, "/a%2Fb"),
            "https://www.example.com/some/path/a%2Fb"
        );
        assert_eq!(
            merge(base, "/x?q=1#f"),
            "https://www.example.com/some/path/x?q=1#f"
        );
        assert_eq!(
            merge("https://www.example.com", "/x"),
            "https://www.example.com/x"
        );
        assert_eq!(
            merge("https://www.example.com/", "x"),
            "https://www.example.com/x"
        );
        // Absolute URLs win.
        assert_eq!(merge(base, "http://other.org/p"), "http://other.org/p");
    }

    #[test]
    fn base_url_merge_fixes_quirk_a4() {
        // The base's query stays a query and merges with the request's.
        assert_eq!(
            merge("https://api.example.com/v1?k=1", "/users"),
            "https://api.example.com/v1/users?k=1"
        );
        assert_eq!(
            merge("https://api.example.com/v1?k=1&a=%20", "/users?k=2&b=3"),
            "https://api.example.com/v1/users?k=2&a=%20&b=3"
        );
        // A protocol-relative URL keeps its host and takes the base's scheme.
        assert_eq!(
            merge("https://api.example.com/v1/", "//other.org/p"),
            "https://other.org/p"
        );
    }
}
