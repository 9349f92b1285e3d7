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

/// The `application/*` subtypes that are text. Any other `application/*` type is
/// binary (`octet-stream`, `zip`, `pdf`, `wasm`, `x-protobuf`, vendor formats...): a
/// body of an unknown application type is far more often bytes than text, and bytes
/// written to a terminal can drive it. JSON (`json`, `x-json`, `*+json` such as
/// `ld+json` or `problem+json`) is recognised before this list, and the `+xml` and
/// `+yaml` suffixes are text too (see [`is_text_application`]).
const TEXT_APPLICATIONS: [&str; 20] = [
    // Markup.
    "xml",
    "xml-dtd",
    // Scripts and code.
    "javascript",
    "x-javascript",
    "ecmascript",
    "x-ecmascript",
    "x-sh",
    "sql",
    "graphql",
    // Forms and tables.
    "x-www-form-urlencoded",
    "csv",
    // Configuration and data formats.
    "yaml",
    "x-yaml",
    "toml",
    "x-toml",
    // Line- or record-separated JSON (not one JSON text, so shown as text).
    "x-ndjson",
    "ndjson",
    "jsonl",
    "x-jsonlines",
    "json-seq",
];

/// Whether `application/SUBTYPE` (lower case, without parameters) is text.
fn is_text_application(subtype: &str) -> bool {
    TEXT_APPLICATIONS.contains(&subtype) || subtype.ends_with("+xml") || subtype.ends_with("+yaml")
}

/// The kind of a body with this `Content-Type` (if any). A NUL in the first 8 KiB makes
/// any body binary; otherwise the type decides: JSON, then the binary families
/// (`image/*` but SVG, `audio/*`, `video/*`, `font/*`, known binary `application/*`
/// types), then text; an unknown `application/*` type is text when it declares a
/// charset or its bytes are UTF-8. Without a type the bytes decide.
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
    let binary = match kind {
        // SVG is XML text even though it is an image.
        "image" => !subtype.ends_with("+xml"),
        "audio" | "video" | "font" => true,
        // Known archives and documents are binary, known text types text; any other
        // `application/*` (`x-amz-json-1.1`, `jwt`, `vnd.*`) is text when it declares
        // a charset or its bytes are UTF-8 (a NUL was ruled out above).
        "application" if is_text_application(subtype) => false,
        "application" => {
            is_binary_application(subtype)
                || !(content_type.to_ascii_lowercase().contains("charset=")
                    || std::str::from_utf8(body).is_ok())
        }
        _ => false,
    };
    if binary { Kind::Binary } else { Kind::Text }
}

/// `application/*` types that are binary whatever their bytes look like.
fn is_binary_application(subtype: &str) -> bool {
    matches!(
        subtype,
        "octet-stream"
            | "zip"
            | "gzip"
            | "x-gzip"
            | "x-bzip2"
            | "x-xz"
            | "zstd"
            | "x-7z-compressed"
            | "x-rar-compressed"
            | "x-tar"
            | "java-archive"
            | "pdf"
            | "wasm"
            | "x-protobuf"
            | "protobuf"
            | "vnd.ms-excel"
            | "cbor"
            | "msgpack"
            | "x-msgpack"
            | "grpc"
            | "msword"
            | "x-msdownload"
            | "x-executable"
            | "x-sqlite3"
    ) || subtype.starts_with("vnd.openxmlformats")
}

/// A body starting with `{` or `[` that parses as JSON.
fn looks_like_json(body: &[u8]) -> bool {
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    matches!(start.map(|at| body[at]), Some(b'{' | b'['))
        && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// The body as printed, ending with a newline (none for an empty body). `text` is the
/// body decoded with the response's charset; HTML and XML (by `content_type`) get their
/// tags coloured. On a terminal, control characters in the text are escaped
/// ([`Style::visible`]) so that a server cannot send escape sequences to it.
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
        // Valid JSON has control characters only inside strings, which the printer
        // escapes; invalid JSON is shown as text.
        Kind::Json => json::pretty(text, style).unwrap_or_else(|| style.visible(text).into_owned()),
        Kind::Text if markup::is_markup(content_type) => {
            markup::highlight(&style.visible(text), style)
        }
        Kind::Text => style.visible(text).into_owned(),
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
    fn application_types_are_binary_unless_known_as_text() {
        // An unknown type: its bytes decide, or a declared charset.
        assert_eq!(classify(Some("application/x-unknown"), b"abc"), Kind::Text);
        assert_eq!(
            classify(Some("application/x-amz-json-1.1"), b"{\"a\": 1}"),
            Kind::Text
        );
        assert_eq!(
            classify(Some("application/x-unknown"), b"\xff\xfe"),
            Kind::Binary
        );
        assert_eq!(
            classify(Some("application/x-unknown; charset=latin1"), b"\xe9t\xe9"),
            Kind::Text
        );
        for binary in [
            "application/x-bzip2",
            "application/vnd.ms-excel",
            "application/x-msdownload",
            "application/cbor",
            "application/msgpack",
            "application/grpc",
        ] {
            assert_eq!(classify(Some(binary), b"abc"), Kind::Binary, "{binary}");
        }
        for text in [
            "application/xml",
            "application/atom+xml; charset=utf-8",
            "application/javascript",
            "application/x-javascript",
            "application/ecmascript",
            "APPLICATION/X-WWW-FORM-URLENCODED",
            "application/yaml",
            "application/x-yaml",
            "application/toml",
            "application/graphql",
            "application/sql",
            "application/x-sh",
            "application/csv",
            "application/x-ndjson",
            "application/openapi+yaml",
        ] {
            assert_eq!(classify(Some(text), b"abc"), Kind::Text, "{text}");
        }
        assert_eq!(classify(Some("application/ld+json"), b"{}"), Kind::Json);
        // Types outside the binary families stay text.
        assert_eq!(classify(Some("text/x-unknown"), b"abc"), Kind::Text);
        assert_eq!(classify(Some("message/http"), b"abc"), Kind::Text);
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

    #[test]
    fn control_characters_are_escaped_on_a_terminal() {
        let terminal = Style::new(false).on_terminal(true);
        let evil = "ok\x1b]0;pwned\x07\x1b[2J\u{9b}31m\n";
        assert_eq!(
            render(Kind::Text, Some("text/plain"), evil.len(), evil, terminal),
            "ok\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{9b}31m\n"
        );
        // HTML: escaped before the tags are painted (the painting keeps its escapes).
        let coloured = Style::new(true).on_terminal(true);
        assert_eq!(
            render(Kind::Text, Some("text/html"), 9, "<b>\x1b[5m</b>", coloured),
            "\x1b[34m<b>\x1b[0m\\u{1b}[5m\x1b[34m</b>\x1b[0m\n"
        );
        // JSON strings may hold DEL and C1 controls as they are (C0 ones must be
        // written `\u001b`, which is harmless).
        assert_eq!(
            render(Kind::Json, None, 0, "{\"a\":\"x\u{9b}y\u{7f}\"}", terminal),
            "{\n    \"a\": \"x\\u{9b}y\\u{7f}\"\n}\n"
        );
        // Invalid JSON falls back to text, escaped too.
        assert_eq!(
            render(Kind::Json, None, 0, "{\x1b[2J", terminal),
            "{\\u{1b}[2J\n"
        );
        // Not a terminal: the bytes as they came.
        assert_eq!(
            render(Kind::Text, None, evil.len(), evil, Style::new(false)),
            evil
        );
    }
}
