//! Status codes: httpx's reason phrases and class helpers.
//!
//! xhttp uses [`http::StatusCode`] for status codes; this module adds what httpx's
//! `codes` enum offers on top of it:
//!
//! * [`reason_phrase`]: the phrase httpx gives each of its 62 known codes, with its
//!   RFC 7231-era wording (413 is "Request Entity Too Large", not RFC 9110's
//!   "Content Too Large"), and `""` for any other code, as httpx's
//!   `codes.get_reason_phrase`. This differs from
//!   [`StatusCode::canonical_reason`](http::StatusCode::canonical_reason), which
//!   follows newer RFCs and returns `None` for unknown codes.
//! * class helpers: [`is_informational`], [`is_success`], [`is_redirect`],
//!   [`is_client_error`], [`is_server_error`] and [`is_error`], by numeric range.
//!
//! ```
//! use http::StatusCode;
//! use xhttp_core::status;
//!
//! assert_eq!(status::reason_phrase(StatusCode::PAYLOAD_TOO_LARGE), "Request Entity Too Large");
//! assert_eq!(status::reason_phrase(StatusCode::from_u16(499).unwrap()), "");
//! assert!(status::is_client_error(StatusCode::NOT_FOUND));
//! ```

use http::StatusCode;

/// The reason phrase httpx gives `status`, or `""` when httpx does not know the code.
///
/// httpx knows 62 codes: 100–103; 200–208, 226; 300–305, 307, 308; 400–418,
/// 421–426, 428, 429, 431, 451; 500–508, 510, 511.
///
/// ```
/// use http::StatusCode;
/// use xhttp_core::status::reason_phrase;
///
/// assert_eq!(reason_phrase(StatusCode::OK), "OK");
/// assert_eq!(reason_phrase(StatusCode::IM_A_TEAPOT), "I'm a teapot");
/// assert_eq!(reason_phrase(StatusCode::URI_TOO_LONG), "Request-URI Too Long");
/// ```
pub fn reason_phrase(status: StatusCode) -> &'static str {
    match status.as_u16() {
        // Informational.
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        // Success.
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        // Redirection.
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        // Client errors.
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Request Entity Too Large",
        414 => "Request-URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Requested Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        // Server errors.
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => "",
    }
}

/// A 1xx status.
pub fn is_informational(status: StatusCode) -> bool {
    status.is_informational()
}

/// A 2xx status.
pub fn is_success(status: StatusCode) -> bool {
    status.is_success()
}

/// A 3xx status, whatever the code (as current httpx; versions before 0.18 counted
/// only 301, 302, 303, 307 and 308).
///
/// Whether a response is one a client can follow also needs a `Location` header:
/// that check belongs to the response, not to the status code.
pub fn is_redirect(status: StatusCode) -> bool {
    status.is_redirection()
}

/// A 4xx status.
pub fn is_client_error(status: StatusCode) -> bool {
    status.is_client_error()
}

/// A 5xx status.
pub fn is_server_error(status: StatusCode) -> bool {
    status.is_server_error()
}

/// A 4xx or 5xx status.
///
/// ```
/// use http::StatusCode;
/// use xhttp_core::status::is_error;
///
/// assert!(is_error(StatusCode::NOT_FOUND));
/// assert!(is_error(StatusCode::BAD_GATEWAY));
/// assert!(!is_error(StatusCode::FOUND));
/// ```
pub fn is_error(status: StatusCode) -> bool {
    is_client_error(status) || is_server_error(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(n: u16) -> StatusCode {
        StatusCode::from_u16(n).expect("a valid status code")
    }

    /// httpx's 62 codes, each with its phrase.
    const HTTPX_CODES: [(u16, &str); 62] = [
        (100, "Continue"),
        (101, "Switching Protocols"),
        (102, "Processing"),
        (103, "Early Hints"),
        (200, "OK"),
        (201, "Created"),
        (202, "Accepted"),
        (203, "Non-Authoritative Information"),
        (204, "No Content"),
        (205, "Reset Content"),
        (206, "Partial Content"),
        (207, "Multi-Status"),
        (208, "Already Reported"),
        (226, "IM Used"),
        (300, "Multiple Choices"),
        (301, "Moved Permanently"),
        (302, "Found"),
        (303, "See Other"),
        (304, "Not Modified"),
        (305, "Use Proxy"),
        (307, "Temporary Redirect"),
        (308, "Permanent Redirect"),
        (400, "Bad Request"),
        (401, "Unauthorized"),
        (402, "Payment Required"),
        (403, "Forbidden"),
        (404, "Not Found"),
        (405, "Method Not Allowed"),
        (406, "Not Acceptable"),
        (407, "Proxy Authentication Required"),
        (408, "Request Timeout"),
        (409, "Conflict"),
        (410, "Gone"),
        (411, "Length Required"),
        (412, "Precondition Failed"),
        (413, "Request Entity Too Large"),
        (414, "Request-URI Too Long"),
        (415, "Unsupported Media Type"),
        (416, "Requested Range Not Satisfiable"),
        (417, "Expectation Failed"),
        (418, "I'm a teapot"),
        (421, "Misdirected Request"),
        (422, "Unprocessable Entity"),
        (423, "Locked"),
        (424, "Failed Dependency"),
        (425, "Too Early"),
        (426, "Upgrade Required"),
        (428, "Precondition Required"),
        (429, "Too Many Requests"),
        (431, "Request Header Fields Too Large"),
        (451, "Unavailable For Legal Reasons"),
        (500, "Internal Server Error"),
        (501, "Not Implemented"),
        (502, "Bad Gateway"),
        (503, "Service Unavailable"),
        (504, "Gateway Timeout"),
        (505, "HTTP Version Not Supported"),
        (506, "Variant Also Negotiates"),
        (507, "Insufficient Storage"),
        (508, "Loop Detected"),
        (510, "Not Extended"),
        (511, "Network Authentication Required"),
    ];

    #[test]
    fn every_httpx_code_has_its_phrase() {
        for (n, phrase) in HTTPX_CODES {
            assert_eq!(reason_phrase(code(n)), phrase, "status {n}");
        }
    }

    #[test]
    fn exactly_the_62_httpx_codes_have_a_phrase() {
        let known: Vec<u16> = (100..=999)
            .filter(|&n| !reason_phrase(code(n)).is_empty())
            .collect();
        let expected: Vec<u16> = HTTPX_CODES.iter().map(|&(n, _)| n).collect();
        assert_eq!(known, expected);
    }

    #[test]
    fn unknown_codes_have_an_empty_phrase() {
        for n in [104, 209, 306, 419, 420, 427, 499, 509, 599, 600, 999] {
            assert_eq!(reason_phrase(code(n)), "", "status {n}");
        }
    }

    #[test]
    fn rfc_7231_era_wording_not_rfc_9110() {
        assert_eq!(reason_phrase(code(413)), "Request Entity Too Large");
        assert_eq!(reason_phrase(code(414)), "Request-URI Too Long");
        assert_eq!(reason_phrase(code(416)), "Requested Range Not Satisfiable");
        assert_eq!(reason_phrase(code(422)), "Unprocessable Entity");
        assert_ne!(
            Some(reason_phrase(code(413))),
            code(413).canonical_reason(),
            "http's own phrase differs, which is why this table exists"
        );
    }

    #[test]
    fn class_helpers_follow_the_numeric_ranges() {
        for n in 100..=999 {
            let status = code(n);
            assert_eq!(is_informational(status), (100..200).contains(&n), "{n}");
            assert_eq!(is_success(status), (200..300).contains(&n), "{n}");
            assert_eq!(is_redirect(status), (300..400).contains(&n), "{n}");
            assert_eq!(is_client_error(status), (400..500).contains(&n), "{n}");
            assert_eq!(is_server_error(status), (500..600).contains(&n), "{n}");
            assert_eq!(is_error(status), (400..600).contains(&n), "{n}");
        }
    }
}
