//! The error of `raise_for_status`, worded as httpx words it.

use http::StatusCode;

use crate::url::Url;
use crate::{Error, ErrorKind};

/// httpx's message: `Client error '404 Not Found' for url 'http://x/'` and a pointer to
/// MDN; for a 301, 302, 303, 307 or 308 also the location. The URL and the location are given without
/// userinfo.
pub(super) fn status_error(
    status: StatusCode,
    reason: &str,
    url: Option<&Url>,
    headers: &http::HeaderMap,
) -> Error {
    let class = match status.as_u16() {
        100..=199 => "Informational response",
        300..=399 => "Redirect response",
        400..=499 => "Client error",
        500..=599 => "Server error",
        _ => "Invalid status code",
    };
    let url_text = url.map(Url::redacted).unwrap_or_default();
    let mut message = format!(
        "{class} '{} {reason}' for url '{url_text}'",
        status.as_u16()
    );
    // As httpx: only the statuses a client follows name their location (not 300 or 304).
    if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        if let Some(location) = headers.get(http::header::LOCATION) {
            let location = String::from_utf8_lossy(location.as_bytes());
            let location = crate::url::redacted_reference(&location);
            message.push_str(&format!("\nRedirect location: '{location}'"));
        }
    }
    message.push_str(&format!(
        "\nFor more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/{}",
        status.as_u16()
    ));
    let mut error = Error::new(ErrorKind::Status)
        .with_message(message)
        .with_status(status);
    if let Some(url) = url {
        error = error.with_url(url);
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redirect_message(location: &str) -> String {
        message_for(StatusCode::FOUND, location)
    }

    fn message_for(status: StatusCode, location: &str) -> String {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::LOCATION,
            http::HeaderValue::from_str(location).unwrap(),
        );
        let url = Url::parse("http://h/start").unwrap();
        let reason = status.canonical_reason().unwrap_or("");
        status_error(status, reason, Some(&url), &headers).to_string()
    }

    #[test]
    fn only_followed_redirect_statuses_name_their_location() {
        for code in [301, 302, 303, 307, 308] {
            let status = StatusCode::from_u16(code).unwrap();
            let message = message_for(status, "https://x/next");
            assert!(
                message.contains("\nRedirect location: 'https://x/next'"),
                "{message}"
            );
        }
        for code in [300, 304, 305, 399] {
            let status = StatusCode::from_u16(code).unwrap();
            let message = message_for(status, "https://x/next");
            assert!(message.contains("Redirect response"), "{message}");
            assert!(!message.contains("Redirect location"), "{message}");
        }
    }

    #[test]
    fn the_redirect_location_is_quoted_without_userinfo() {
        let message = redirect_message("https://u:tok@x/next");
        assert!(!message.contains("u:tok"), "{message}");
        assert!(
            message.contains("Redirect location: 'https://[redacted]@x/next'"),
            "{message}"
        );

        // Not a URL, and still no credentials.
        let message = redirect_message("https://u:t/ok@x:port/");
        assert!(
            !message.contains("u:t") && !message.contains("ok@"),
            "{message}"
        );
        assert!(
            message.contains("'https://[redacted]@x:port/'"),
            "{message}"
        );

        // An '@' outside the userinfo stays, as do locations without one.
        let message = redirect_message("/users/@me?x=1");
        assert!(
            message.contains("Redirect location: '/users/@me?x=1'"),
            "{message}"
        );
        let message = redirect_message("https://x/next");
        assert!(
            message.contains("Redirect location: 'https://x/next'"),
            "{message}"
        );
    }
}
