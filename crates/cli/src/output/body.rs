//! The response body as shown: JSON pretty-printed, text as decoded, and
//! `<N bytes of binary data>` for anything else.

use super::{Style, json, markup};

/// How a body is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Nothing to show.
    Empty,
    /// JSON, pretty-printed (when it parses).
    Json,
    /// Text, decoded with the response's charset.
    Text,
    /// Bytes that are not text.
    Binary,
}

/// How many leading bytes are checked for a NUL (a sign of binary data).
const SNIFF: usize = 8192;

/// The kind of a body with this `Content-Type` (if any).
pub(crate) fn classify(content_type: Option<&str>, body: &[u8]) -> Kind {
    if body.is_empty() {
        return Kind::Empty;
    }
    if body[..body.len().min(SNIFF)].contains(&0) {
        return Kind::Binary;
    }
    let Some(content_type) = content_type else {
        return if looks_like_json(body) {
            Kind::Json
        } else if std::str::from_utf8(body).is_ok() {
            Kind::Text
        } else {
            Kind::Binary
        };
    };
    let essence = super::essence(content_type);
    let (kind, subtype) = essence.split_once('/').unwrap_or((essence.as_str(), ""));
    if subtype == "json" || subtype.ends_with("+json") || subtype == "x-json" {
        return Kind::Json;
    }
    let binary_type = matches!(kind, "image" | "audio" | "video" | "font")
        || matches!(
            essence.as_str(),
            "application/octet-stream"
                | "application/zip"
                | "application/gzip"
                | "application/x-gzip"
                | "application/pdf"
                | "application/x-tar"
                | "application/wasm"
                | "application/x-protobuf"
                | "application/vnd.ms-excel"
        );
    // SVG is XML text even though it is an image.
    if binary_type && !subtype.ends_with("+xml") {
        return Kind::Binary;
    }
    Kind::Text
}

/// A body starting with `{` or `[` that parses as JSON.
fn looks_like_json(body: &[u8]) -> bool {
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    matches!(start.map(|at| body[at]), Some(b'{' | b'['))
        && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// The body as printed, ending with a newline (none for an empty body). `text` is the
/// body decoded with the response's charset; HTML and XML (by `content_type`) get their
/// tags coloured.
pub(crate) fn render(
    kind: Kind,
    content_type: Option<&str>,
    body_len: usize,
    text: &str,
    style: Style,
) -> String {
    let mut out = match kind {
        Kind::Empty => return String::new(),
        Kind::Binary => format!("<{body_len} bytes of binary data>"),
        Kind::Json => json::pretty(text, style).unwrap_or_else(|| text.to_owned()),
        Kind::Text if markup::is_markup(content_type) => markup::highlight(text, style),
        Kind::Text => text.to_owned(),
    };
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_decide_the_kind() {
        assert_eq!(classify(Some("application/json"), b"{}"), Kind::Json);
        assert_eq!(
            classify(Some("application/problem+json; charset=utf-8"), b"{}"),
            Kind::Json
        );
        assert_eq!(classify(Some("text/html"), b"<p>"), Kind::Text);
        assert_eq!(classify(Some("image/png"), b"\x89PNG"), Kind::Binary);
        assert_eq!(classify(Some("image/svg+xml"), b"<svg/>"), Kind::Text);
        assert_eq!(
            classify(Some("application/octet-stream"), b"abc"),
            Kind::Binary
        );
        assert_eq!(classify(Some("text/plain"), b"a\0b"), Kind::Binary);
        assert_eq!(classify(Some("text/plain"), b""), Kind::Empty);
    }

    #[test]
    fn without_a_content_type_the_bytes_decide() {
        assert_eq!(classify(None, b" [1, 2]"), Kind::Json);
        assert_eq!(classify(None, b"{not json"), Kind::Text);
        assert_eq!(classify(None, b"plain"), Kind::Text);
        assert_eq!(classify(None, b"\xff\xfe\xfd"), Kind::Binary);
    }

    #[test]
    fn rendering_ends_with_a_newline() {
        let style = Style::new(false);
        assert_eq!(
            render(Kind::Binary, None, 3, "", style),
            "<3 bytes of binary data>\n"
        );
        assert_eq!(render(Kind::Text, None, 2, "hi", style), "hi\n");
        assert_eq!(render(Kind::Text, None, 3, "hi\n", style), "hi\n");
        assert_eq!(
            render(Kind::Json, None, 7, "{\"a\":1}", style),
            "{\n    \"a\": 1\n}\n"
        );
        assert_eq!(render(Kind::Json, None, 5, "{bad}", style), "{bad}\n");
        assert_eq!(render(Kind::Empty, None, 0, "", style), "");
        let html = render(Kind::Text, Some("text/html"), 3, "<p>", Style::new(true));
        assert_eq!(html, "\x1b[34m<p>\x1b[0m\n");
    }
}
