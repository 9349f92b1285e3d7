//! What the command prints: the response head and body, and with `-v` the connection,
//! TLS, the request and the time taken. Colours are ANSI escapes, written only when
//! [`Style::color`] says so; on a terminal, control characters from the server are
//! shown escaped ([`Style::visible`]) so that a response cannot drive the terminal.

pub(crate) mod body;
pub(crate) mod cert;
pub(crate) mod head;
pub(crate) mod json;
pub(crate) mod markup;
pub(crate) mod verbose;

use std::borrow::Cow;
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

/// Whether to colour, whether stdout is a terminal, and the escapes for each kind of
/// text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    color: bool,
    /// Stdout is a terminal: text from the server has its control characters escaped.
    terminal: bool,
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
    /// Colours on or off, for output that is not a terminal.
    pub(crate) fn new(color: bool) -> Style {
        Style {
            color,
            terminal: false,
        }
    }

    /// The same style, for output to a terminal (`true`) or not.
    pub(crate) fn on_terminal(self, terminal: bool) -> Style {
        Style { terminal, ..self }
    }

    /// The style for `--color`: auto colours when stdout is a terminal and `NO_COLOR`
    /// is unset or empty (no-color.org).
    pub(crate) fn detect(choice: ColorChoice) -> Style {
        let terminal = std::io::stdout().is_terminal();
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
                !no_color && terminal
            }
        };
        Style::new(color).on_terminal(terminal)
    }

    /// Whether colours are written.
    pub(crate) fn is_colored(self) -> bool {
        self.color
    }

    /// `text` from the server as it may be shown: on a terminal, its control characters
    /// escaped (see [`escape_controls`]); elsewhere (a pipe, a file) unchanged, byte for
    /// byte.
    pub(crate) fn visible(self, text: &str) -> Cow<'_, str> {
        if self.terminal {
            escape_controls(text)
        } else {
            Cow::Borrowed(text)
        }
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

/// Whether a character could drive a terminal: the Unicode controls (`Cc`: the C0
/// controls, where ESC starts the escape sequences, DEL, and the C1 controls U+0080 to
/// U+009F, where U+009B is a one-character CSI on some terminals), except tab, line
/// feed and carriage return, which text needs.
fn is_terminal_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// `text` with each terminal control character written as a visible escape, `\u{1b}`.
pub(crate) fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_terminal_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_terminal_control(c) {
            // `\u{1b}`, as Rust writes the character.
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
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
        assert!(Style::detect(ColorChoice::Always).is_colored());
        assert!(!Style::detect(ColorChoice::Never).is_colored());
    }

    #[test]
    fn controls_are_escaped_on_a_terminal_only() {
        let text = "a\x1b[2Jb\x07c\td\r\ne\u{7f}f\u{9b}g\u{a0}é\x0c";
        let shown = Style::new(false).on_terminal(true).visible(text);
        assert_eq!(
            shown,
            "a\\u{1b}[2Jb\\u{7}c\td\r\ne\\u{7f}f\\u{9b}g\u{a0}é\\u{c}"
        );
        assert!(!shown.contains('\x1b'));
        // Piped or saved: the bytes as the server sent them.
        assert_eq!(Style::new(false).visible(text), text);
        assert_eq!(Style::new(true).visible(text), text);
        // Nothing to escape: no copy.
        assert!(matches!(
            Style::new(false).on_terminal(true).visible("plain ✓\n"),
            Cow::Borrowed("plain ✓\n")
        ));
    }
}
