//! The `BodyTooLarge` error and how it names its limit.

use crate::{Error, ErrorKind};

/// A [`ErrorKind::BodyTooLarge`] error naming what was too large, the limit and the
/// setting that set it: "the decoded response body is larger than the 10 MiB limit set
/// with max_decompressed_body".
///
/// ```
/// use xhttp_core::body::body_too_large;
///
/// let error = body_too_large("response body", 10 << 20, "max_response_body");
/// assert_eq!(
///     error.message(),
///     Some("the response body is larger than the 10 MiB limit set with max_response_body")
/// );
/// ```
pub fn body_too_large(what: &str, limit: u64, setting: &str) -> Error {
    Error::new(ErrorKind::BodyTooLarge).with_message(format!(
        "the {what} is larger than the {} limit set with {setting}",
        format_size(limit)
    ))
}

/// `bytes` for people: whole GiB, MiB or KiB when exact, bytes otherwise.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (size, unit) in UNITS {
        if bytes >= size && bytes % size == 0 {
            return format!("{} {unit}", bytes / size);
        }
    }
    if bytes == 1 {
        return "1 byte".to_owned();
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_named_in_whole_units_or_bytes() {
        assert_eq!(format_size(0), "0 bytes");
        assert_eq!(format_size(1), "1 byte");
        assert_eq!(format_size(1000), "1000 bytes");
        assert_eq!(format_size(2048), "2 KiB");
        assert_eq!(format_size(3 << 20), "3 MiB");
        assert_eq!(format_size((1 << 20) + 1), "1048577 bytes");
        assert_eq!(format_size(1 << 30), "1 GiB");
    }

    #[test]
    fn the_error_names_the_limit_and_its_setting() {
        let error = body_too_large("decoded response body", 1 << 30, "max_decompressed_body");
        assert_eq!(error.kind(), ErrorKind::BodyTooLarge);
        assert!(error.is_request());
        assert!(
            error
                .to_string()
                .contains("1 GiB limit set with max_decompressed_body")
        );
    }
}
