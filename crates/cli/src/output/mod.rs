//! What the command prints: the response head and body, and with `-v` the connection,
//! TLS, the request and the time taken. Colours are ANSI escapes, written only when
//! [`Style::color`] says so.

pub(crate) mod body;
pub(crate) mod cert;
pub(crate) mod head;
pub(crate) mod json;
pub(crate) mod markup;
pub(crate) mod verbose;

use std::io::IsTerminal;

use xhttp::{Response, Url};

use crate::args::ColorChoice;

/// A `Content-Type`'s media type without parameters, lower case (`text/html`).
pub(crate) fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Everything before the body: the status line and headers of every earlier hop
/// (redirects, auth challenges; with `verbose` each hop's request too); with `verbose`,
/// the connection and TLS lines, a note when redirects led away from `sent` (the URL
/// first requested), and the request; then the response's status line and headers.
pub(crate) fn head_section(response: &Response, sent: &Url, style: Style, verbose: bool) -> String {
    let mut out = String::new();
    for hop in response.history() {
        if verbose {
            if let Some(request) = hop.request() {
                out.push_str(&head::request_head(request, hop.http_version(), style));
            }
        }
        out.push_str(&head::response_head(&hop, style));
        out.push('\n');
    }
    if verbose {
        out.push_str(&verbose::connection(response, style));
        if let Some(request) = response.request() {
            if request.url != *sent {
                out.push_str(&verbose::redirected(&request.url.redacted(), style));
            }
            out.push_str(&head::request_head(request, response.http_version(), style));
        }
    }
    out.push_str(&head::response_head(response, style));
    out
}

/// Whether to colour, and the escapes for each kind of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    color: bool,
}

/// The colours used (SGR parameters).
pub(crate) mod palette {
    /// The HTTP version on a status line, and the request line's method.
    pub(crate) const VERSION: &str = "34";
    /// A 2xx status.
    pub(crate) const SUCCESS: &str = "32;1";
    /// A 1xx or 3xx status.
    pub(crate) const REDIRECT: &str = "33;1";
    /// A 4xx or 5xx status.
    pub(crate) const ERROR: &str = "31;1";
    /// A header name.
    pub(crate) const HEADER: &str = "36";
    /// `*` and `>` lines of `-v`.
    pub(crate) const META: &str = "2";
    /// An HTML or XML tag.
    pub(crate) const TAG: &str = "34";
    /// A JSON object key.
    pub(crate) const KEY: &str = "34;1";
    /// A JSON string.
    pub(crate) const STRING: &str = "32";
    /// A JSON number.
    pub(crate) const NUMBER: &str = "36";
    /// `true`, `false`, `null`.
    pub(crate) const LITERAL: &str = "35";
}

impl Style {
    /// Colours on or off.
    pub(crate) fn new(color: bool) -> Style {
        Style { color }
    }

    /// The style for `--color`: auto colours when stdout is a terminal and `NO_COLOR`
    /// is unset or empty (no-color.org).
    pub(crate) fn detect(choice: ColorChoice) -> Style {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
                !no_color && std::io::stdout().is_terminal()
            }
        };
        Style::new(color)
    }

    /// Whether colours are written.
    pub(crate) fn is_colored(self) -> bool {
        self.color
    }

    /// Appends `text` in colour `code` to `out`.
    pub(crate) fn paint_into(self, out: &mut String, code: &str, text: &str) {
        if self.color {
            out.push_str("\x1b[");
            out.push_str(code);
            out.push('m');
            out.push_str(text);
            out.push_str("\x1b[0m");
        } else {
            out.push_str(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paint_writes_escapes_only_with_colour() {
        let paint = |style: Style| {
            let mut out = String::new();
            style.paint_into(&mut out, palette::STRING, "k");
            out
        };
        assert_eq!(paint(Style::new(false)), "k");
        assert_eq!(paint(Style::new(true)), "\x1b[32mk\x1b[0m");
        assert_eq!(Style::detect(ColorChoice::Always), Style::new(true));
        assert_eq!(Style::detect(ColorChoice::Never), Style::new(false));
    }
}
