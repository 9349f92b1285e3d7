//! Text, lines and JSON views of a body, for both flavours, on MockTransport.

mod support;

use std::future::poll_fn;
use std::pin::Pin;

use xhttp::{HeaderValue, MockTransport, StatusCode, http::header::CONTENT_TYPE};

/// A transport whose body for `/<case>` is the case's chunks with the case's type.
fn transport() -> MockTransport {
    MockTransport::new(|request| {
        let (content_type, chunks): (&str, Vec<Vec<u8>>) = match request.url().path().as_ref() {
            // "é" in latin-1, split from the rest.
            "/latin1" => (
                "text/plain; charset=ISO-8859-1",
                vec![b"caf".to_vec(), vec![0xe9]],
            ),
            // "日本" in Shift_JIS, split inside a character.
            "/sjis" => (
                "text/plain; charset=shift_jis",
                vec![vec![0x93], vec![0xfa, 0x96], vec![0x7b]],
            ),
            // "héllo wörld" in UTF-8, split inside characters.
            "/utf8" => (
                "text/plain",
                vec![
                    b"h\xc3".to_vec(),
                    b"\xa9llo w\xc3".to_vec(),
                    b"\xb6rld".to_vec(),
                ],
            ),
            "/lines" => (
                "text/plain",
                vec![
                    b"a\r".to_vec(),
                    b"\nb\n\nc\xe2\x80".to_vec(),
                    b"\xa8d\n".to_vec(),
                ],
            ),
            "/json16" => ("application/json; charset=latin1", {
                let mut bytes = vec![0xff, 0xfe];
                bytes.extend("{\"k\":\"v\"}".encode_utf16().flat_map(u16::to_le_bytes));
                vec![bytes]
            }),
            _ => ("text/plain", vec![]),
        };
        xhttp::Response::new(StatusCode::OK)
            .with_header(CONTENT_TYPE, HeaderValue::from_static(content_type))
            .with_body(support::streamed(chunks))
    })
}

macro_rules! text_tests {
    ($flavour:ident, $client:ty, #[$($test:tt)*], $($async:ident)?, [$($await:tt)*], $text:ident, $lines:ident) => {
        mod $flavour {
            use super::*;

            fn client() -> $client {
                <$client>::builder().transport(transport()).build().unwrap()
            }

            #[$($test)*]
            $($async)? fn text_uses_the_content_type_charset() {
                let client = client();
                for (path, expected) in [("/latin1", "café"), ("/sjis", "日本"), ("/utf8", "héllo wörld")] {
                    let response = client.get(format!("http://h{path}")).send() $($await)* .unwrap();
                    assert_eq!(response.text().unwrap(), expected, "{path}");
                }
            }

            #[$($test)*]
            $($async)? fn set_encoding_overrides_the_headers() {
                let mut response = client().get("http://h/utf8").send() $($await)* .unwrap();
                response.set_encoding(xhttp::encoding_rs::WINDOWS_1252);
                assert_eq!(response.text().unwrap(), "hÃ©llo wÃ¶rld");
            }

            #[$($test)*]
            $($async)? fn json_detects_utf16_from_the_bytes() {
                let response = client().get("http://h/json16").send() $($await)* .unwrap();
                let value: std::collections::HashMap<String, String> = response.json().unwrap();
                assert_eq!(value["k"], "v");
                let error = client().get("http://h/latin1").send() $($await)* .unwrap().json::<u32>().unwrap_err();
                assert_eq!(error.kind(), xhttp::ErrorKind::Decoding);
            }

            #[$($test)*]
            $($async)? fn text_pieces_never_split_a_character() {
                let mut response = client().get("http://h/sjis").stream() $($await)* .unwrap();
                assert_eq!($text(&mut response, Some(1)) $($await)*, ["日", "本"]);
                let mut response = client().get("http://h/utf8").stream() $($await)* .unwrap();
                assert_eq!($text(&mut response, Some(4)) $($await)*, ["héll", "o wö", "rld"]);
                let mut response = client().get("http://h/utf8").stream() $($await)* .unwrap();
                assert_eq!($text(&mut response, None) $($await)*.concat(), "héllo wörld");
            }

            #[$($test)*]
            $($async)? fn lines_join_a_split_crlf_and_keep_empty_lines() {
                let mut response = client().get("http://h/lines").stream() $($await)* .unwrap();
                assert_eq!($lines(&mut response) $($await)*, ["a", "b", "", "c", "d"]);
            }
        }
    };
}

fn blocking_text(response: &mut xhttp::Response, size: Option<usize>) -> Vec<String> {
    response.iter_text(size).map(Result::unwrap).collect()
}

fn blocking_lines(response: &mut xhttp::Response) -> Vec<String> {
    response.iter_lines().map(Result::unwrap).collect()
}

async fn collect(
    mut stream: impl futures_core::Stream<Item = Result<String, xhttp::Error>> + Unpin,
) -> Vec<String> {
    let mut out = Vec::new();
    while let Some(piece) = poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
        out.push(piece.unwrap());
    }
    out
}

async fn async_text(response: &mut xhttp::AsyncResponse, size: Option<usize>) -> Vec<String> {
    collect(response.text_stream(size)).await
}

async fn async_lines(response: &mut xhttp::AsyncResponse) -> Vec<String> {
    collect(response.lines_stream()).await
}

text_tests!(blocking, xhttp::Client, #[test], , [], blocking_text, blocking_lines);
text_tests!(async_flavour, xhttp::AsyncClient, #[tokio::test], async, [.await], async_text, async_lines);
