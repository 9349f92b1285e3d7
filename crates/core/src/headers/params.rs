//! The `;`-separated parameters of a header value (`text/html; charset="utf-8"`), read
//! leniently: names case-insensitive, quoted strings with backslash escapes, segments
//! without `=` skipped, anything after a closing quote ignored.

/// The unquoted value of the first parameter called `name` (case-insensitively) after
/// the media type; `None` when absent or empty.
pub(crate) fn first_param(value: &[u8], name: &str) -> Option<Vec<u8>> {
    first_param_or_empty(value, name).filter(|value| !value.is_empty())
}

/// As [`first_param`], but an empty value (`name=` or `name=""`) is `Some` and empty:
/// `None` only when the parameter is absent.
pub(crate) fn first_param_or_empty(value: &[u8], name: &str) -> Option<Vec<u8>> {
    let mut params = Params { rest: value };
    // The first segment is the media type, not a parameter.
    params.skip_segment();
    while let Some((found, value)) = params.next_param() {
        if found.eq_ignore_ascii_case(name.as_bytes()) {
            return Some(value);
        }
    }
    None
}

/// A cursor over the `;`-separated parameters of a header value.
struct Params<'a> {
    rest: &'a [u8],
}

impl<'a> Params<'a> {
    /// Skips to just after the next `;` that is not inside quotes.
    fn skip_segment(&mut self) {
        let mut in_quotes = false;
        let mut escaped = false;
        for (i, &b) in self.rest.iter().enumerate() {
            if escaped {
                escaped = false;
            } else if in_quotes && b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_quotes = !in_quotes;
            } else if b == b';' && !in_quotes {
                self.rest = &self.rest[i + 1..];
                return;
            }
        }
        self.rest = &[];
    }

    /// The next parameter as (name, unquoted value); segments without `=` are skipped.
    fn next_param(&mut self) -> Option<(&'a [u8], Vec<u8>)> {
        while !self.rest.is_empty() {
            let segment_start = self.rest;
            let Some(eq) = segment_start.iter().position(|&b| b == b'=' || b == b';') else {
                // A trailing bare word: no parameter.
                self.rest = &[];
                return None;
            };
            if segment_start[eq] == b';' {
                self.rest = &segment_start[eq + 1..];
                continue;
            }
            let name = segment_start[..eq].trim_ascii();
            self.rest = &segment_start[eq + 1..];
            let value = self.value();
            return Some((name, value));
        }
        None
    }

    /// Reads a token or a quoted string and moves past the following `;`.
    fn value(&mut self) -> Vec<u8> {
        let trimmed = self.rest.trim_ascii_start();
        if let Some(quoted) = trimmed.strip_prefix(b"\"") {
            let mut value = Vec::new();
            let mut escaped = false;
            let mut end = quoted.len();
            for (i, &b) in quoted.iter().enumerate() {
                if escaped {
                    value.push(b);
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    end = i + 1;
                    break;
                } else {
                    value.push(b);
                }
            }
            self.rest = &quoted[end..];
            // Whatever follows the closing quote up to `;` is ignored.
            self.skip_segment();
            value.trim_ascii().to_vec()
        } else {
            let end = trimmed
                .iter()
                .position(|&b| b == b';')
                .unwrap_or(trimmed.len());
            let value = trimmed[..end].trim_ascii().to_vec();
            self.rest = trimmed.get(end + 1..).unwrap_or(&[]);
            value
        }
    }
}
