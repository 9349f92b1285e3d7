//! The `Link` header (RFC 8288), parsed as httpx's `Response.links`.

/// One link of a `Link` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The target, as written between `<` and `>`.
    pub url: String,
    /// The parameters in order, names lower-cased, quotes removed (`rel`, `type`...).
    pub params: Vec<(String, String)>,
}

impl Link {
    /// The value of parameter `name` (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The `rel` parameter.
    pub fn rel(&self) -> Option<&str> {
        self.param("rel")
    }
}

/// Every link of every `Link` header, in order. Malformed pieces are skipped.
pub(super) fn parse_all(headers: &http::HeaderMap) -> Vec<Link> {
    headers
        .get_all(http::header::LINK)
        .iter()
        .flat_map(|value| parse(&String::from_utf8_lossy(value.as_bytes())))
        .collect()
}

fn parse(value: &str) -> Vec<Link> {
    let mut links = Vec::new();
    let mut rest = value.trim();
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('>') else { break };
        let url = after[..end].trim().to_owned();
        let params_text = &after[end + 1..];
        // Parameters run until the next comma outside a quoted string.
        let (raw_params, cut) = split_params(params_text);
        let params = raw_params
            .into_iter()
            .filter_map(|param| {
                let (name, value) = param.split_once('=')?;
                Some((name.trim().to_ascii_lowercase(), unquote(value)))
            })
            .collect();
        links.push(Link { url, params });
        rest = params_text.get(cut + 1..).unwrap_or("");
    }
    links
}

/// Splits `text` at each `;` outside a quoted string (where `\` escapes the next
/// character), stopping at the first `,` outside one; returns the pieces and the byte
/// index of that comma (`text.len()` when there is none). An unterminated quote runs to
/// the end.
fn split_params(text: &str) -> (Vec<&str>, usize) {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut in_quotes = false;
    let mut escaped = false;
    // The delimiters are ASCII, so every index sliced at is a char boundary.
    for (index, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            ';' if !in_quotes => {
                pieces.push(&text[start..index]);
                start = index + 1;
            }
            ',' if !in_quotes => {
                pieces.push(&text[start..index]);
                return (pieces, index);
            }
            _ => {}
        }
    }
    pieces.push(&text[start..]);
    (pieces, text.len())
}

/// A parameter value without its quotes: a quoted string with its escapes resolved
/// (up to its closing quote, or the end when unterminated), else the token with any
/// stray quotes trimmed.
fn unquote(value: &str) -> String {
    let value = value.trim();
    let Some(inner) = value.strip_prefix('"') else {
        return value.trim_matches(|c| c == '"' || c == '\'').to_owned();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '"' => break,
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_github_style_pagination() {
        let links = parse(
            r#"<https://api.example.com/x?page=2>; rel="next", <https://api.example.com/x?page=5>; rel="last""#,
        );
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].url, "https://api.example.com/x?page=2");
        assert_eq!(links[0].rel(), Some("next"));
        assert_eq!(links[1].rel(), Some("last"));
    }

    #[test]
    fn keeps_commas_inside_quotes_and_other_params() {
        let links = parse(r#"<http://a/>; rel="a,b"; type="text/html""#);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].rel(), Some("a,b"));
        assert_eq!(links[0].param("TYPE"), Some("text/html"));
    }

    #[test]
    fn a_semicolon_inside_quotes_does_not_split_a_parameter() {
        let links = parse(r#"<a>; title="x;y"; rel=next"#);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].param("title"), Some("x;y"));
        assert_eq!(links[0].rel(), Some("next"));
    }

    #[test]
    fn an_escaped_quote_does_not_hide_the_next_link() {
        let links = parse(r#"<a>; title="5\" tv", <b>; rel=next"#);
        assert_eq!(links.len(), 2, "{links:?}");
        assert_eq!(links[0].url, "a");
        assert_eq!(links[0].param("title"), Some("5\" tv"));
        assert_eq!(links[1].url, "b");
        assert_eq!(links[1].rel(), Some("next"));
    }

    #[test]
    fn hostile_quotes_and_backslashes_do_not_panic() {
        let links = parse(r#"<a>; title="unterminated, <b>; rel=next"#);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].param("title"), Some("unterminated, <b>; rel=next"));
        for input in [
            "<a>; t=\"\\",
            "<a>; t=\"x\\",
            "<a>; t=\\",
            "<a>; t=\"\\\"",
            "<a>; t=\"é\\é\", <b>; rel=\"\\",
            "<\\>; \"; \\; ,,",
            "<a>; =\"\"",
        ] {
            let _ = parse(input);
        }
        assert_eq!(parse("<a>; t=\"x\\").len(), 1);
        assert_eq!(parse("<a>; t=\\, <b>")[1].url, "b");
    }

    #[test]
    fn skips_garbage_without_panicking() {
        assert!(parse("no links here").is_empty());
        assert!(parse("<unterminated").is_empty());
        assert_eq!(parse("<http://a/>").len(), 1);
    }
}
