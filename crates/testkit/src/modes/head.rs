//! Just enough HTTP/1.1 request parsing for the modes that bypass hyper.

/// The longest request head the silent and raw modes look for.
pub(crate) const MAX_HEAD: usize = 64 * 1024;

/// The length of the request head at the start of `buffer` (through the blank line),
/// once it is all there.
pub(crate) fn head_len(buffer: &[u8]) -> Option<usize> {
    buffer
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|start| start + 4)
}

/// The method and target of a request head's first line.
pub(crate) fn request_line(head: &[u8]) -> Option<(http::Method, String)> {
    let line_end = head.windows(2).position(|window| window == b"\r\n")?;
    let line = std::str::from_utf8(&head[..line_end]).ok()?;
    let mut parts = line.split(' ');
    let method = http::Method::from_bytes(parts.next()?.as_bytes()).ok()?;
    let target = parts.next()?.to_owned();
    Some((method, target))
}

/// The value of the head's `Content-Length` header, if it has a valid one.
pub(crate) fn content_length(head: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(head).ok()?;
    text.split("\r\n").skip(1).find_map(|line| {
        let (name, value) = line.split_once(':')?;
        if name.trim().eq_ignore_ascii_case("content-length") {
            value.trim().parse().ok()
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_end_of_a_head() {
        assert_eq!(head_len(b"GET / HTTP/1.1\r\nA: b\r\n\r\nbody"), Some(24));
        assert_eq!(head_len(b"GET / HTTP/1.1\r\nA: b\r\n"), None);
    }

    #[test]
    fn parses_the_request_line() {
        let (method, target) = request_line(b"POST /up?x=1 HTTP/1.1\r\n\r\n").unwrap();
        assert_eq!((method, target.as_str()), (http::Method::POST, "/up?x=1"));
        let (method, target) = request_line(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").unwrap();
        assert_eq!((method.as_str(), target.as_str()), ("PRI", "*"));
        assert_eq!(request_line(b"\xff\xfe\r\n"), None);
    }

    #[test]
    fn reads_the_content_length() {
        let head = b"POST / HTTP/1.1\r\nHost: a\r\ncontent-LENGTH:  12 \r\n\r\n";
        assert_eq!(content_length(head), Some(12));
        assert_eq!(content_length(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"), None);
    }
}
