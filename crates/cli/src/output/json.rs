//! JSON pretty-printed with a 4-space indent (as httpx's CLI), keys in their order and
//! numbers and strings as written, optionally coloured: one pass over the tokens of a
//! text already known to be valid JSON.

use super::{Style, palette};

/// The indent of each level.
const INDENT: &str = "    ";

/// `text`, valid JSON, pretty-printed; `None` when it is not valid JSON.
pub(crate) fn pretty(text: &str, style: Style) -> Option<String> {
    serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
    Some(Printer::new(text, style).run())
}

/// Walks the tokens of a valid JSON text.
struct Printer<'a> {
    text: &'a str,
    position: usize,
    depth: usize,
    style: Style,
    out: String,
}

impl<'a> Printer<'a> {
    fn new(text: &'a str, style: Style) -> Printer<'a> {
        Printer {
            text,
            position: 0,
            depth: 0,
            style,
            out: String::with_capacity(text.len() * 2),
        }
    }

    fn run(mut self) -> String {
        while let Some(c) = self.next_significant() {
            match c {
                '{' | '[' => self.open(c),
                '}' | ']' => {
                    self.depth = self.depth.saturating_sub(1);
                    self.newline();
                    self.out.push(c);
                }
                ',' => {
                    self.out.push(',');
                    self.newline();
                }
                ':' => self.out.push_str(": "),
                '"' => self.string(),
                _ => self.scalar(),
            }
        }
        self.out
    }

    /// The next character that is not whitespace, consumed; strings and scalars are
    /// read by their own methods from just after (or at) it.
    fn next_significant(&mut self) -> Option<char> {
        let rest = &self.text[self.position..];
        let skipped = rest.len() - rest.trim_start().len();
        self.position += skipped;
        let c = self.text[self.position..].chars().next()?;
        if !matches!(c, 't' | 'f' | 'n' | '-' | '0'..='9') {
            self.position += c.len_utf8();
        }
        Some(c)
    }

    /// `{` or `[`: empty ones stay on one line (`{}`, `[]`).
    fn open(&mut self, c: char) {
        let close = if c == '{' { '}' } else { ']' };
        let rest = self.text[self.position..].trim_start();
        if rest.starts_with(close) {
            self.out.push(c);
            self.out.push(close);
            self.position = self.text.len() - rest.len() + 1;
            return;
        }
        self.out.push(c);
        self.depth += 1;
        self.newline();
    }

    fn newline(&mut self) {
        self.out.push('\n');
        for _ in 0..self.depth {
            self.out.push_str(INDENT);
        }
    }

    /// A string from its opening quote (already consumed) to its closing one; a key
    /// when a `:` follows it.
    fn string(&mut self) {
        let start = self.position - 1;
        let bytes = self.text.as_bytes();
        let mut end = self.position;
        while end < bytes.len() {
            match bytes[end] {
                b'\\' => end += 2,
                b'"' => break,
                _ => end += 1,
            }
        }
        let end = (end + 1).min(bytes.len());
        // A valid JSON string holds no C0 control as it is, but may hold DEL and C1
        // ones: escaped on a terminal.
        let token = self.style.visible(&self.text[start..end]);
        self.position = end;
        let is_key = self.text[end..].trim_start().starts_with(':');
        let color = if is_key {
            palette::KEY
        } else {
            palette::STRING
        };
        self.style.paint_into(&mut self.out, color, &token);
    }

    /// A number, `true`, `false` or `null`.
    fn scalar(&mut self) {
        let rest = &self.text[self.position..];
        let length = rest
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}' | ':'))
            .unwrap_or(rest.len());
        let token = &rest[..length];
        self.position += length;
        let color = if token.starts_with(['t', 'f', 'n']) {
            palette::LITERAL
        } else {
            palette::NUMBER
        };
        self.style.paint_into(&mut self.out, color, token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> String {
        pretty(text, Style::new(false)).unwrap()
    }

    #[test]
    fn indents_four_spaces_and_keeps_order_and_numbers() {
        let text = r#"{"z": 1.50, "a": [1, {"b": null}, []], "e": {}, "s": "x,\"y\"]"}"#;
        assert_eq!(
            plain(text),
            "{\n    \"z\": 1.50,\n    \"a\": [\n        1,\n        {\n            \"b\": null\n        },\n        []\n    ],\n    \"e\": {},\n    \"s\": \"x,\\\"y\\\"]\"\n}"
        );
    }

    #[test]
    fn scalars_and_unicode_stand_alone() {
        assert_eq!(plain(" 42 "), "42");
        assert_eq!(plain("\"héllo ✓\""), "\"héllo ✓\"");
        assert_eq!(
            plain("[true,false,-1e5]"),
            "[\n    true,\n    false,\n    -1e5\n]"
        );
    }

    #[test]
    fn invalid_json_is_refused() {
        assert_eq!(pretty("{\"a\":", Style::new(false)), None);
        assert_eq!(pretty("<html>", Style::new(false)), None);
    }

    #[test]
    fn colours_keys_strings_numbers_and_literals() {
        let coloured = pretty(r#"{"k": "v", "n": 1, "t": true}"#, Style::new(true)).unwrap();
        assert!(
            coloured.contains("\x1b[34;1m\"k\"\x1b[0m: \x1b[32m\"v\"\x1b[0m"),
            "{coloured:?}"
        );
        assert!(coloured.contains("\x1b[36m1\x1b[0m"), "{coloured:?}");
        assert!(coloured.contains("\x1b[35mtrue\x1b[0m"), "{coloured:?}");
    }
}
