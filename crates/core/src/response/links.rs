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
        // Parameters run until the next comma that is outside quotes.
        let mut in_quotes = false;
        let mut cut = params_text.len();
        for (index, c) in params_text.char_indices() {
            match c {
                '"' => in_quotes = !in_quotes,
                ',' if !in_quotes => {
                    cut = index;
                    break;
                }
                _ => {}
            }
        }
        let params = params_text[..cut]
            .split(';')
            .filter_map(|param| {
                let (name, value) = param.split_once('=')?;
                let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
                Some((name.trim().to_ascii_lowercase(), value.to_owned()))
            })
            .collect();
        links.push(Link { url, params });
        rest = params_text.get(cut + 1..).unwrap_or("");
    }
    links
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
    fn skips_garbage_without_panicking() {
        assert!(parse("no links here").is_empty());
        assert!(parse("<unterminated").is_empty());
        assert_eq!(parse("<http://a/>").len(), 1);
    }
}
