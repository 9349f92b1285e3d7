//! HTML and XML with their tags coloured: a light touch, not a parser (a `<` without a
//! closing `>` leaves the rest as it is).

use super::{Style, palette};

/// `text` with each `<...>` tag (comments and declarations too) painted.
pub(crate) fn highlight(text: &str, style: Style) -> String {
    if !style.is_colored() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        let Some(length) = rest[open..].find('>') else {
            break;
        };
        out.push_str(&rest[..open]);
        style.paint_into(&mut out, palette::TAG, &rest[open..=open + length]);
        rest = &rest[open + length + 1..];
    }
    out.push_str(rest);
    out
}

/// Whether a `Content-Type` is HTML or XML.
pub(crate) fn is_markup(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else {
        return false;
    };
    let essence = super::essence(content_type);
    essence == "text/html"
        || essence == "application/xhtml+xml"
        || essence.ends_with("/xml")
        || essence.ends_with("+xml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_painted_and_text_is_not() {
        let shown = highlight("<p class=\"a\">hi <b>x</b></p>", Style::new(true));
        assert_eq!(
            shown,
            "\x1b[34m<p class=\"a\">\x1b[0mhi \x1b[34m<b>\x1b[0mx\x1b[34m</b>\x1b[0m\x1b[34m</p>\x1b[0m"
        );
        assert_eq!(highlight("a < b", Style::new(true)), "a < b");
        assert_eq!(highlight("<p>", Style::new(false)), "<p>");
    }

    #[test]
    fn markup_types_are_recognised() {
        assert!(is_markup(Some("text/html; charset=utf-8")));
        assert!(is_markup(Some("application/atom+xml")));
        assert!(is_markup(Some("text/xml")));
        assert!(!is_markup(Some("text/plain")));
        assert!(!is_markup(None));
    }
}
