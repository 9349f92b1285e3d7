//! Status lines, request lines and header blocks.

use xhttp::context::RequestHead;
use xhttp::{Headers, Response, StatusCode};

use super::{Style, palette};

/// `HTTP/1.1 200 OK` then the headers (`name: value`, as the library keeps them:
/// lower case) and a blank line.
pub(crate) fn response_head(response: &Response, style: Style) -> String {
    let mut out = String::new();
    status_line(
        &mut out,
        response.http_version(),
        response.status(),
        response.reason_phrase(),
        style,
    );
    header_block(&mut out, response.headers(), "", style);
    out.push('\n');
    out
}

/// The status line alone, with its newline.
pub(crate) fn status_line(
    out: &mut String,
    version: &str,
    status: StatusCode,
    reason: &str,
    style: Style,
) {
    let color = match status.as_u16() {
        200..=299 => palette::SUCCESS,
        400..=599 => palette::ERROR,
        _ => palette::REDIRECT,
    };
    style.paint_into(out, palette::VERSION, version);
    out.push(' ');
    let status = if reason.is_empty() {
        status.as_str().to_owned()
    } else {
        format!("{} {}", status.as_str(), style.visible(reason))
    };
    style.paint_into(out, color, &status);
    out.push('\n');
}

/// The request as sent (`-v`): `> GET /path HTTP/1.1`, a `host` line when the
/// recorded headers have none (the transport adds it from the URL), the headers and a
/// lone `>`. Credentials (`Authorization`, `Cookie`...) are shown as `<hidden>`.
pub(crate) fn request_head(head: &RequestHead, version: &str, style: Style) -> String {
    let mut out = String::new();
    style.paint_into(&mut out, palette::META, "> ");
    style.paint_into(&mut out, palette::VERSION, head.method.as_str());
    out.push(' ');
    out.push_str(&head.url.raw_path());
    out.push(' ');
    out.push_str(version);
    out.push('\n');
    if !head
        .headers
        .as_map()
        .contains_key(xhttp::http::header::HOST)
    {
        style.paint_into(&mut out, palette::META, "> ");
        style.paint_into(&mut out, palette::HEADER, "host");
        out.push_str(": ");
        out.push_str(&head.url.netloc());
        out.push('\n');
    }
    header_block(&mut out, &head.headers, "> ", style);
    style.paint_into(&mut out, palette::META, ">");
    out.push_str("\n\n");
    out
}

/// One line per header value, each after `prefix`. A value marked sensitive by the
/// library is shown as `<hidden>`; bytes that are not UTF-8 are shown lossily, and on a
/// terminal control characters are escaped (`\u{9b}`, a C1 CSI, can arrive in UTF-8).
fn header_block(out: &mut String, headers: &Headers, prefix: &str, style: Style) {
    for (name, value) in headers.as_map() {
        if !prefix.is_empty() {
            style.paint_into(out, palette::META, prefix);
        }
        style.paint_into(out, palette::HEADER, name.as_str());
        out.push_str(": ");
        if value.is_sensitive() {
            out.push_str("<hidden>");
        } else {
            out.push_str(&style.visible(&String::from_utf8_lossy(value.as_bytes())));
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xhttp::{HeaderValue, http};

    #[test]
    fn the_head_lists_status_and_headers() {
        let response = Response::new(StatusCode::NOT_FOUND).with_header(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain"),
        );
        assert_eq!(
            response_head(&response, Style::new(false)),
            "HTTP/1.1 404 Not Found\ncontent-type: text/plain\n\n"
        );
        let coloured = response_head(&response, Style::new(true));
        assert!(
            coloured.contains("\x1b[31;1m404 Not Found\x1b[0m"),
            "{coloured:?}"
        );
    }

    #[test]
    fn control_characters_in_the_head_are_escaped_on_a_terminal() {
        let response = Response::new(StatusCode::OK).with_header(
            http::header::SERVER,
            HeaderValue::from_bytes("x\u{9b}2Jy".as_bytes()).unwrap(),
        );
        assert_eq!(
            response_head(&response, Style::new(false).on_terminal(true)),
            "HTTP/1.1 200 OK\nserver: x\\u{9b}2Jy\n\n"
        );
        assert_eq!(
            response_head(&response, Style::new(false)),
            "HTTP/1.1 200 OK\nserver: x\u{9b}2Jy\n\n"
        );
    }

    #[test]
    fn the_request_head_hides_credentials() {
        let mut headers = http::HeaderMap::new();
        let mut secret = HeaderValue::from_static("Basic c2VjcmV0");
        secret.set_sensitive(true);
        headers.insert(http::header::AUTHORIZATION, secret);
        headers.insert(http::header::ACCEPT, HeaderValue::from_static("*/*"));
        let head = RequestHead {
            method: http::Method::GET,
            url: xhttp::Url::parse("http://example.org:8080/a?b=1").unwrap(),
            headers: headers.into(),
        };
        let shown = request_head(&head, "HTTP/1.1", Style::new(false));
        assert_eq!(
            shown,
            "> GET /a?b=1 HTTP/1.1\n> host: example.org:8080\n> authorization: <hidden>\n> accept: */*\n>\n\n"
        );
    }
}
