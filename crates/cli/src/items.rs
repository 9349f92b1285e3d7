//! Request items after the URL, as HTTPie and xh read them: `Header:value`,
//! `name==query`, `name=field`, `name:=json`, `name=@file`, `name:=@file`,
//! `name@upload`.

use std::path::PathBuf;

use crate::exit::CliError;

/// One request item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// `Name:value` (or `Name;` for an empty value).
    Header(String, String),
    /// `name==value`.
    Query(String, String),
    /// `name=value` or `name=@file`: a string field.
    Field(String, String),
    /// `name:=json` or `name:=@file`: a field holding raw JSON.
    JsonField(String, serde_json::Value),
    /// `name@path` (`;type=MIME` sets the part's type).
    File {
        /// The form field name.
        name: String,
        /// The file to upload.
        path: PathBuf,
        /// The part's media type, when given.
        mime: Option<String>,
    },
}

/// The separators, longest first where one begins another.
const SEPARATORS: [&str; 7] = [":=@", ":=", "==", "=@", "=", ":", "@"];

/// Parses every item.
pub(crate) fn parse_all(items: &[String]) -> Result<Vec<Item>, CliError> {
    items.iter().map(|item| parse(item)).collect()
}

/// Parses one item: the first unescaped separator decides its kind; a backslash makes
/// the next character literal.
pub(crate) fn parse(item: &str) -> Result<Item, CliError> {
    // Messages never quote the item whole: its value may be a token or a password.
    let Some((name, separator, value)) = split(item) else {
        return Err(CliError::usage(format!(
            "argument {} is not a request item (Header:value, name==query, name=value, \
             name:=json or name@file) nor the URL",
            item_position(item)
        )));
    };
    if name.is_empty() {
        return Err(CliError::usage(format!(
            "a request item has no name before its '{separator}'"
        )));
    }
    Ok(match separator {
        ":" => Item::Header(name, value),
        ";" => Item::Header(name, String::new()),
        "==" => Item::Query(name, value),
        "=" => Item::Field(name, value),
        "=@" => {
            let text = read_text(&name, &value)?;
            Item::Field(name, text)
        }
        ":=" => {
            let json = parse_json(&name, &value)?;
            Item::JsonField(name, json)
        }
        ":=@" => {
            let json = parse_json(&name, &read_text(&name, &value)?)?;
            Item::JsonField(name, json)
        }
        _ => file_item(name, &value),
    })
}

/// `(name, separator, value)` with escapes resolved in the name; the value is kept as
/// written after the separator (`a=b\=c` has the value `b\=c`), except that escaped
/// separators in it are unescaped too.
fn split(item: &str) -> Option<(String, &'static str, String)> {
    let mut name = String::new();
    let mut rest = item;
    while let Some(c) = rest.chars().next() {
        if c == '\\' {
            let mut chars = rest[1..].chars();
            match chars.next() {
                Some(escaped) => {
                    name.push(escaped);
                    rest = &rest[1 + escaped.len_utf8()..];
                }
                None => {
                    name.push('\\');
                    rest = "";
                }
            }
            continue;
        }
        if let Some(separator) = SEPARATORS.iter().find(|s| rest.starts_with(**s)) {
            let value = unescape(&rest[separator.len()..]);
            return Some((name, separator, value));
        }
        // `Name;` alone at the end: a header with an empty value.
        if rest == ";" {
            return Some((name, ";", String::new()));
        }
        name.push(c);
        rest = &rest[c.len_utf8()..];
    }
    None
}

/// Resolves `\` + separator character in a value; other backslashes stay.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek() {
                if matches!(next, ':' | '=' | '@' | ';' | '\\') {
                    out.push(next);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

fn file_item(name: String, value: &str) -> Item {
    let (path, mime) = match value.rsplit_once(";type=") {
        Some((path, mime)) if !mime.is_empty() => (path, Some(mime.to_owned())),
        _ => (value, None),
    };
    Item::File {
        name,
        path: PathBuf::from(path),
        mime,
    }
}

/// `name` is the item's (never its value: it may be a secret).
fn read_text(name: &str, path: &str) -> Result<String, CliError> {
    std::fs::read_to_string(path)
        .map_err(|error| CliError::usage(format!("request item '{name}': {path}: {error}")))
}

fn parse_json(name: &str, text: &str) -> Result<serde_json::Value, CliError> {
    serde_json::from_str(text).map_err(|error| {
        // serde's message may quote the text: only its line and column are given.
        CliError::usage(format!(
            "request item '{name}': not valid JSON (line {}, column {})",
            error.line(),
            error.column()
        ))
    })
}

/// How an item is named in an error: its length only (the text may be a secret).
fn item_position(item: &str) -> String {
    format!("of {} characters", item.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(item: &str) -> Item {
        parse(item).unwrap()
    }

    #[test]
    fn each_separator_gives_its_kind() {
        assert_eq!(ok("X-A:b c"), Item::Header("X-A".into(), "b c".into()));
        assert_eq!(
            ok("X-Empty;"),
            Item::Header("X-Empty".into(), String::new())
        );
        assert_eq!(ok("q==a b"), Item::Query("q".into(), "a b".into()));
        assert_eq!(ok("name=ann"), Item::Field("name".into(), "ann".into()));
        assert_eq!(ok("n:=[1,2]"), Item::JsonField("n".into(), json!([1, 2])));
        assert_eq!(
            ok("doc@/tmp/a.csv;type=text/csv"),
            Item::File {
                name: "doc".into(),
                path: "/tmp/a.csv".into(),
                mime: Some("text/csv".into())
            }
        );
        assert_eq!(
            ok("doc@a.txt"),
            Item::File {
                name: "doc".into(),
                path: "a.txt".into(),
                mime: None
            }
        );
    }

    #[test]
    fn the_first_separator_wins_and_values_keep_the_rest() {
        assert_eq!(
            ok("url=http://x/?a=b"),
            Item::Field("url".into(), "http://x/?a=b".into())
        );
        assert_eq!(ok("Host:x:80"), Item::Header("Host".into(), "x:80".into()));
        assert_eq!(ok("q===x"), Item::Query("q".into(), "=x".into()));
        assert_eq!(ok("a:=\"s\""), Item::JsonField("a".into(), json!("s")));
    }

    #[test]
    fn backslashes_escape_separators() {
        assert_eq!(ok("a\\:b=c"), Item::Field("a:b".into(), "c".into()));
        assert_eq!(ok("a\\=b==c"), Item::Query("a=b".into(), "c".into()));
        assert_eq!(ok("k=v\\@x"), Item::Field("k".into(), "v@x".into()));
    }

    #[test]
    fn values_come_from_files() {
        let dir = std::env::temp_dir().join(format!("xhttp-items-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = dir.join("text");
        std::fs::write(&text, "from file").unwrap();
        let json_file = dir.join("json");
        std::fs::write(&json_file, "{\"a\": [1]}").unwrap();
        assert_eq!(
            ok(&format!("t=@{}", text.display())),
            Item::Field("t".into(), "from file".into())
        );
        assert_eq!(
            ok(&format!("j:=@{}", json_file.display())),
            Item::JsonField("j".into(), json!({"a": [1]}))
        );
        let missing = parse(&format!("t=@{}", dir.join("missing").display())).unwrap_err();
        assert!(missing.to_string().contains("missing"), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_items_are_clear_errors() {
        assert!(
            parse("plain")
                .unwrap_err()
                .to_string()
                .contains("not a request item")
        );
        assert!(parse("=v").unwrap_err().to_string().contains("has no name"));
        let bad_json = parse("n:=[1,").unwrap_err().to_string();
        assert!(bad_json.contains("not valid JSON"), "{bad_json}");
        assert!(parse("trailing\\").is_err());
    }

    /// An item's value may be a token or a password: errors name the item, never quote it.
    #[test]
    fn errors_never_quote_an_items_value() {
        for (item, secret) in [
            ("Authorization Bearer t0ken-s3cret", "t0ken-s3cret"),
            ("password:=hunter2-s3cret", "hunter2-s3cret"),
            ("password:=\"unterminated-s3cret", "unterminated-s3cret"),
        ] {
            let error = parse(item).unwrap_err().to_string();
            assert!(!error.contains(secret), "{error}");
        }
        let error = parse("password:=hunter2").unwrap_err().to_string();
        assert!(error.contains("'password'"), "{error}");
    }
}
