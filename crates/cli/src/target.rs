//! The positional arguments: `[METHOD] URL [ITEM]...`, and URL shorthands.

use crate::exit::CliError;

/// The method (if one was given before the URL), the URL and the request items.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Target<'a> {
    /// A method given as the first positional argument.
    pub(crate) method: Option<String>,
    /// The URL, with shorthands expanded.
    pub(crate) url: String,
    /// The request items after the URL.
    pub(crate) items: &'a [String],
}

/// The methods recognised in lower case too (`xhttp post URL`); any all-capitals word
/// is taken as a method as well (`xhttp PURGE URL`).
const KNOWN_METHODS: [&str; 9] = [
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

/// Splits the positional arguments. The first one is a method when it is a word of
/// letters, in capitals or a known method in any case, and a URL follows it.
pub(crate) fn split(positional: &[String]) -> Result<Target<'_>, CliError> {
    let (method, rest) = match positional {
        [first, rest @ ..] if !rest.is_empty() && looks_like_method(first) => {
            (Some(first.to_ascii_uppercase()), rest)
        }
        rest => (None, rest),
    };
    let [url, items @ ..] = rest else {
        return Err(CliError::usage("a URL is required"));
    };
    Ok(Target {
        method,
        url: expand_url(url)?,
        items,
    })
}

fn looks_like_method(word: &str) -> bool {
    !word.is_empty()
        && word.bytes().all(|b| b.is_ascii_alphabetic())
        && (word.bytes().all(|b| b.is_ascii_uppercase())
            || KNOWN_METHODS
                .iter()
                .any(|known| known.eq_ignore_ascii_case(word)))
}

/// `:8080/path` → `http://localhost:8080/path`, `://host` → `http://host`, and a URL
/// without a scheme gets `http://`. The localhost shorthand is `:` followed by a port
/// (digits, then the end, `/`, `?` or `#`), by `/`, or by nothing; anything else after
/// the `:` (`:abc`) is refused rather than glued to `localhost`.
pub(crate) fn expand_url(url: &str) -> Result<String, CliError> {
    if let Some(rest) = url.strip_prefix("://") {
        return Ok(format!("http://{rest}"));
    }
    if let Some(rest) = url.strip_prefix(':') {
        let port_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let after = &rest[port_end..];
        return if port_end == 0 && (after.is_empty() || after.starts_with('/')) {
            // `:` and `:/path` have no port to keep.
            Ok(format!("http://localhost{rest}"))
        } else if port_end > 0 && (after.is_empty() || after.starts_with(['/', '?', '#'])) {
            Ok(format!("http://localhost{url}"))
        } else {
            Err(CliError::usage(
                "the URL is not valid: after a leading ':' give a port (:8080/path) or a \
                 path (:/path) for localhost",
            ))
        };
    }
    if url.contains("://") {
        return Ok(url.to_owned());
    }
    Ok(format!("http://{url}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|value| (*value).to_owned()).collect()
    }

    fn expanded(url: &str) -> String {
        expand_url(url).unwrap()
    }

    #[test]
    fn shorthands_expand() {
        assert_eq!(expanded(":8080/path"), "http://localhost:8080/path");
        assert_eq!(expanded(":8080"), "http://localhost:8080");
        assert_eq!(expanded(":8080?q=1"), "http://localhost:8080?q=1");
        assert_eq!(expanded(":/path"), "http://localhost/path");
        assert_eq!(expanded(":"), "http://localhost");
        assert_eq!(expanded("example.org/a"), "http://example.org/a");
        assert_eq!(expanded("localhost:8000"), "http://localhost:8000");
        assert_eq!(expanded("://example.org"), "http://example.org");
        assert_eq!(expanded("https://example.org"), "https://example.org");
    }

    #[test]
    fn a_colon_without_a_port_or_path_is_refused() {
        for url in [":abc", ":8080abc", ":x/path", ":?q=1", ":#top", ":-1"] {
            let error = expand_url(url).unwrap_err().to_string();
            assert!(error.starts_with("the URL is not valid"), "{error}");
            assert!(
                !error.contains(url),
                "never quoted (it may hold credentials)"
            );
        }
        let args = strings(&[":abc"]);
        assert!(split(&args).is_err());
    }

    #[test]
    fn a_method_is_recognised_before_a_url() {
        let args = strings(&["post", "example.org", "a=1"]);
        let target = split(&args).unwrap();
        assert_eq!(target.method.as_deref(), Some("POST"));
        assert_eq!(target.url, "http://example.org");
        assert_eq!(target.items, ["a=1"]);

        let args = strings(&["PURGE", "example.org"]);
        assert_eq!(split(&args).unwrap().method.as_deref(), Some("PURGE"));
    }

    #[test]
    fn a_lone_word_or_a_lower_case_host_is_a_url() {
        let args = strings(&["localhost"]);
        let target = split(&args).unwrap();
        assert_eq!(target.method, None);
        assert_eq!(target.url, "http://localhost");

        let args = strings(&["localhost", "a=1"]);
        assert_eq!(split(&args).unwrap().url, "http://localhost");

        let args = strings(&["GET"]);
        assert_eq!(split(&args).unwrap().url, "http://GET");
    }
}
