//! Quoting of `name` and `filename` parameters, the HTML5 way (as browsers and httpx):
//! `"` becomes `%22`, `\` becomes `\\`, control characters 0x00-0x1F except ESC (0x1B)
//! become `%XX`; everything else, non-ASCII included, is written as it is (UTF-8; no
//! RFC 2231 `filename*`).

/// Appends `key="value"` to `out`, with `value` quoted as above.
pub(crate) fn push_param(out: &mut Vec<u8>, key: &str, value: &str) {
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"=\"");
    for &byte in value.as_bytes() {
        match byte {
            b'"' => out.extend_from_slice(b"%22"),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x1B => out.push(byte),
            0x00..=0x1F => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.extend_from_slice(&[
                    b'%',
                    HEX[usize::from(byte >> 4)],
                    HEX[usize::from(byte & 0x0F)],
                ]);
            }
            _ => out.push(byte),
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(value: &str) -> String {
        let mut out = Vec::new();
        push_param(&mut out, "name", value);
        String::from_utf8(out).expect("UTF-8 in, UTF-8 out")
    }

    #[test]
    fn html5_quoting() {
        assert_eq!(quoted("plain"), r#"name="plain""#);
        assert_eq!(quoted(r#"a"b"#), r#"name="a%22b""#);
        assert_eq!(quoted(r"a\b"), r#"name="a\\b""#);
        assert_eq!(quoted("a\r\nb"), r#"name="a%0D%0Ab""#);
        assert_eq!(quoted("\0\x1f\x1b\x7f"), "name=\"%00%1F\x1b\x7f\"");
        assert_eq!(quoted("résumé 😀.txt"), "name=\"résumé 😀.txt\"");
        assert_eq!(quoted("%22"), r#"name="%22""#);
        assert_eq!(quoted(""), r#"name="""#);
    }
}
