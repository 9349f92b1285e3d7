//! Decompression and size limits through both clients on MockTransport (and one
//! testkit server): every codec, stacked and repeated codings, unknown ones, corrupt
//! and truncated data, multi-member gzip, raw versus decoded views, wire byte counts,
//! `Accept-Encoding`, and the two size limits.

#![cfg(all(
    feature = "blocking",
    feature = "gzip",
    feature = "deflate",
    feature = "brotli",
    feature = "zstd"
))]

mod support;
use support::{async_body, blocking_body};

use std::io::Write;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use xhttp::{ErrorKind, MockTransport, Request, StatusCode};

const TEXT: &str = "The quick brown fox jumps over the lazy dog. ";

fn text(times: usize) -> Vec<u8> {
    TEXT.repeat(times).into_bytes()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn raw_deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn br(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
        encoder.write_all(data).unwrap();
    }
    out
}

fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 3).unwrap()
}

/// A response with these `Content-Encoding` headers (one header per entry) and body.
fn encoded(encodings: &[&str], body: Vec<u8>) -> xhttp::Response {
    let mut response = xhttp::Response::new(StatusCode::OK).with_content(body);
    for value in encodings {
        response = response.with_header(
            xhttp::http::header::CONTENT_ENCODING,
            xhttp::HeaderValue::from_str(value).unwrap(),
        );
    }
    response
}

/// A transport answering every request with `make()`, recording the request headers.
fn serving(
    make: impl Fn() -> xhttp::Response + Send + Sync + 'static,
) -> (MockTransport, Arc<Mutex<Vec<Request>>>) {
    let seen: Arc<Mutex<Vec<Request>>> = Arc::default();
    let log = Arc::clone(&seen);
    let transport = MockTransport::new(move |request: Request| {
        log.lock().unwrap().push(request);
        make()
    });
    (transport, seen)
}

/// One member of 1 MiB of zeros, repeated: a gzip body that decodes to `members` MiB.
fn gzip_bomb(members: usize) -> Vec<u8> {
    let member = gzip(&vec![0; 1 << 20]);
    member.repeat(members)
}

macro_rules! decompression {
    (
        $flavour:ident,
        client: $client:ty,
        body: $body:ident,
        test: #[$($test:tt)*],
        $($async:ident)?,
        await: [$($await:tt)*]
    ) => {
        mod $flavour {
            use super::*;
            use super::$body as body;

            fn builder(transport: MockTransport) -> xhttp::client::ClientBuilder<$client> {
                <$client>::builder().transport(transport)
            }

            /// The decoded content and the wire byte count of one GET answered by `make`.
            $($async)? fn fetch(
                make: impl Fn() -> xhttp::Response + Send + Sync + 'static,
            ) -> Result<(Bytes, u64), xhttp::Error> {
                let (transport, _) = serving(make);
                let client = builder(transport).build().unwrap();
                let response = client.get("http://example.org/").send() $($await)* ?;
                Ok((response.content()?.clone(), response.num_bytes_downloaded()))
            }

            #[$($test)*]
            $($async)? fn every_codec_round_trips_and_counts_wire_bytes() {
                let plain = text(200);
                type Encoder = fn(&[u8]) -> Vec<u8>;
                let cases: [(&str, Encoder); 7] = [
                    ("gzip", gzip),
                    ("x-gzip", gzip),
                    ("GZip", gzip),
                    ("deflate", zlib),
                    ("deflate", raw_deflate),
                    ("br", br),
                    ("zstd", zstd),
                ];
                for (coding, encode) in cases {
                    let wire = encode(&plain);
                    let length = wire.len() as u64;
                    assert!(length < plain.len() as u64);
                    let (content, downloaded) =
                        fetch(move || encoded(&[coding], wire.clone())) $($await)* .unwrap();
                    assert_eq!(content, plain, "{coding}");
                    assert_eq!(downloaded, length, "{coding}: wire bytes");
                }
            }

            #[$($test)*]
            $($async)? fn stacked_and_repeated_codings_are_undone_in_reverse() {
                let plain = text(50);
                // deflate applied first, then gzip: gunzip, then inflate.
                let wire = gzip(&zlib(&plain));
                let (content, _) =
                    fetch(move || encoded(&["deflate, gzip"], wire.clone())) $($await)* .unwrap();
                assert_eq!(content, plain);
                let wire = br(&gzip(&plain));
                let (content, _) =
                    fetch(move || encoded(&["gzip", "identity", "BR"], wire.clone())) $($await)* .unwrap();
                assert_eq!(content, plain);
                let wire = zstd(&raw_deflate(&br(&plain)));
                let (content, _) =
                    fetch(move || encoded(&["br,deflate", " zstd "], wire.clone())) $($await)* .unwrap();
                assert_eq!(content, plain);
            }

            #[$($test)*]
            $($async)? fn unknown_codings_and_identity_pass_through_with_their_headers() {
                let wire = gzip(b"abc");
                let sent = wire.clone();
                let (transport, _) = serving(move || encoded(&["snappy"], sent.clone()));
                let client = builder(transport).build().unwrap();
                let response = client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(response.content().unwrap(), &wire[..]);
                assert_eq!(response.headers().get("content-encoding").unwrap(), "snappy");
                // One unknown coding in a list: nothing is undone.
                let sent = wire.clone();
                let (content, _) =
                    fetch(move || encoded(&["gzip, compress"], sent.clone())) $($await)* .unwrap();
                assert_eq!(content, wire);
                let (content, _) =
                    fetch(|| encoded(&["identity"], b"plain".to_vec())) $($await)* .unwrap();
                assert_eq!(content, "plain");
                // A decoded response keeps its headers as received.
                let (transport, _) = serving(move || encoded(&["gzip"], gzip(b"xyz")));
                let client = builder(transport).build().unwrap();
                let response = client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(response.content().unwrap(), "xyz");
                assert_eq!(response.headers().get("content-encoding").unwrap(), "gzip");
            }

            #[$($test)*]
            $($async)? fn corrupt_and_truncated_data_are_decoding_errors() {
                let error = fetch(|| encoded(&["gzip"], b"definitely not gzip".to_vec())) $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::Decoding);
                assert!(error.to_string().contains("gzip"), "{error}");
                let whole = gzip(&text(100));
                for cut in [whole.len() - 4, whole.len() / 2, 5] {
                    let truncated = whole[..cut].to_vec();
                    let error = fetch(move || encoded(&["gzip"], truncated.clone())) $($await)* .unwrap_err();
                    assert_eq!(error.kind(), ErrorKind::Decoding, "cut at {cut}");
                    assert!(error.to_string().contains("truncated"), "{error}");
                }
                for (coding, wire) in [("br", br(&text(100))), ("zstd", zstd(&text(100))), ("deflate", zlib(&text(100)))] {
                    let truncated = wire[..wire.len() - 3].to_vec();
                    let error = fetch(move || encoded(&[coding], truncated.clone())) $($await)* .unwrap_err();
                    assert_eq!(error.kind(), ErrorKind::Decoding, "{coding}");
                }
                let error = fetch(|| encoded(&["br"], b"\xff\xff garbage".to_vec())) $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::Decoding);
            }

            #[$($test)*]
            $($async)? fn every_gzip_member_and_zstd_frame_is_decoded() {
                let mut wire = gzip(b"first member, ");
                wire.extend(gzip(b"second member"));
                let (content, _) = fetch(move || encoded(&["gzip"], wire.clone())) $($await)* .unwrap();
                assert_eq!(content, "first member, second member");
                let mut wire = zstd(b"one frame, ");
                wire.extend(zstd(b"another"));
                let (content, _) = fetch(move || encoded(&["zstd"], wire.clone())) $($await)* .unwrap();
                assert_eq!(content, "one frame, another");
            }

            #[$($test)*]
            $($async)? fn empty_bodies_and_head_responses_decode_to_nothing() {
                for coding in ["gzip", "deflate", "br", "zstd"] {
                    let (content, downloaded) = fetch(move || encoded(&[coding], Vec::new())) $($await)* .unwrap();
                    assert!(content.is_empty(), "{coding}");
                    assert_eq!(downloaded, 0);
                }
                let (transport, _) = serving(|| encoded(&["gzip"], Vec::new()));
                let client = builder(transport).build().unwrap();
                let response = client.head("http://example.org/").send() $($await)* .unwrap();
                assert!(response.content().unwrap().is_empty());
            }

            #[$($test)*]
            $($async)? fn raw_iterators_give_the_bytes_as_received() {
                let plain = text(300);
                let wire = gzip(&plain);
                let sent = wire.clone();
                let (transport, _) = serving(move || encoded(&["gzip"], sent.clone()));
                let client = builder(transport).build().unwrap();
                let mut response = client.get("http://example.org/").stream() $($await)* .unwrap();
                let raw: Vec<u8> = body::raw_chunks(&mut response, None) $($await)* .unwrap().concat();
                assert_eq!(raw, wire);
                assert_eq!(response.num_bytes_downloaded(), wire.len() as u64);
                let mut response = client.get("http://example.org/").stream() $($await)* .unwrap();
                let decoded = body::chunks(&mut response, Some(1000)) $($await)* .unwrap();
                assert!(decoded[..decoded.len() - 1].iter().all(|chunk| chunk.len() == 1000));
                assert_eq!(decoded.concat(), plain);
                assert_eq!(response.num_bytes_downloaded(), wire.len() as u64);
                let mut response = client.get("http://example.org/").stream() $($await)* .unwrap();
                assert_eq!(body::read(&mut response) $($await)* .unwrap(), plain);
                assert_eq!(response.num_bytes_downloaded(), wire.len() as u64);
            }

            /// A hook that read the body leaves it read for the caller: still counted as
            /// the bytes received (compressed), not as the content's length.
            #[$($test)*]
            $($async)? fn a_body_read_for_a_hook_keeps_its_received_byte_count() {
                let plain = text(300);
                let wire = gzip(&plain);
                let sent = wire.clone();
                let (transport, _) = serving(move || encoded(&["gzip"], sent.clone()));
                let client = builder(transport).on_response_with_body(|_| Ok(())).build().unwrap();
                let response = client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(response.content().unwrap(), &plain[..]);
                assert_eq!(response.num_bytes_downloaded(), wire.len() as u64);
            }

            #[$($test)*]
            $($async)? fn accept_encoding_names_the_codecs_unless_the_user_set_one() {
                let (transport, seen) = serving(|| xhttp::Response::new(StatusCode::OK));
                let client = builder(transport).build().unwrap();
                client.get("http://example.org/").send() $($await)* .unwrap();
                client.get("http://example.org/").header("accept-encoding", "identity").send() $($await)* .unwrap();
                let seen = seen.lock().unwrap();
                let values: Vec<_> = seen.iter().map(|request| {
                    request.headers().get_all("accept-encoding").map(|v| v.into_owned()).collect::<Vec<_>>()
                }).collect();
                assert_eq!(values, [vec!["gzip, deflate, br, zstd".to_owned()], vec!["identity".to_owned()]]);
            }

            #[$($test)*]
            $($async)? fn the_read_limit_names_itself_and_streams_are_not_limited() {
                let (transport, _) = serving(|| xhttp::Response::new(StatusCode::OK).with_content(vec![b'x'; 11]));
                let client = builder(transport).max_response_body(10).build().unwrap();
                let error = client.get("http://example.org/").send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::BodyTooLarge);
                assert!(
                    error.to_string().contains("the response body is larger than the 10 bytes limit set with max_response_body"),
                    "{error}"
                );
                let mut response = client.get("http://example.org/").stream() $($await)* .unwrap();
                let error = body::read(&mut response) $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::BodyTooLarge);
                assert!(response.is_closed());
                let mut response = client.get("http://example.org/").stream() $($await)* .unwrap();
                let chunks = body::chunks(&mut response, None) $($await)* .unwrap();
                assert_eq!(chunks.concat().len(), 11);
                let (transport, _) = serving(|| xhttp::Response::new(StatusCode::OK).with_content(vec![b'x'; 10]));
                let client = builder(transport).max_response_body(10).build().unwrap();
                let response = client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(response.content().unwrap().len(), 10);
            }

            #[$($test)*]
            $($async)? fn a_gzip_bomb_is_stopped_by_the_decoded_limit() {
                // 1 GiB of zeros in about 1 MiB on the wire.
                let bomb = Bytes::from(gzip_bomb(1024));
                let sent = bomb.clone();
                let (transport, _) = serving(move || {
                    // Sent in 16 KiB chunks, as a server would.
                    let chunks: Vec<Vec<u8>> = sent.chunks(16 * 1024).map(<[u8]>::to_vec).collect();
                    encoded(&["gzip"], Vec::new()).with_body(support::streamed(chunks))
                });
                let client = builder(transport).max_decompressed_body(8 << 20).build().unwrap();
                let error = client.get("http://example.org/").send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::BodyTooLarge);
                assert!(error.to_string().contains("decoded response body is larger than the 8 MiB limit set with max_decompressed_body"), "{error}");
                // Streaming stops at the limit too: at most 8 MiB arrive before the error.
                let mut response = client.get("http://example.org/").stream() $($await)* .unwrap();
                let error = body::chunks(&mut response, None) $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::BodyTooLarge);
                assert!(response.num_bytes_downloaded() < bomb.len() as u64);
                // Under the limit, the same client decodes.
                let small = gzip_bomb(2);
                let (transport, _) = serving(move || encoded(&["gzip"], small.clone()));
                let client = builder(transport).max_decompressed_body(8 << 20).build().unwrap();
                let response = client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(response.content().unwrap().len(), 2 << 20);
            }

            #[$($test)*]
            $($async)? fn stacked_codings_count_every_stage_against_the_limit() {
                // The outer gzip inflates into 200 000 empty gzip members (4 MB), which
                // the inner one turns into nothing: only counting the outer stage's
                // output stops the work.
                let empty = gzip(b"");
                let members: Vec<u8> = empty.iter().copied().cycle().take(empty.len() * 200_000).collect();
                let body = gzip(&members);
                let (transport, _) = serving(move || encoded(&["gzip", "gzip"], body.clone()));
                let client = builder(transport).max_decompressed_body(1 << 20).build().unwrap();
                let error = client.get("http://example.org/").send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::BodyTooLarge, "{error}");
                assert!(error.to_string().contains("intermediate coding"), "{error}");
            }

            #[$($test)*]
            $($async)? fn more_than_five_codings_are_refused() {
                let layered = |times: usize| {
                    let mut body = text(10);
                    for _ in 0..times {
                        body = gzip(&body);
                    }
                    body
                };
                let six = layered(6);
                let (transport, _) = serving(move || encoded(&["gzip"; 6], six.clone()));
                let client = builder(transport).build().unwrap();
                let error = client.get("http://example.org/").send() $($await)* .unwrap_err();
                assert_eq!(error.kind(), ErrorKind::Decoding, "{error}");
                assert!(error.to_string().contains("6 content codings"), "{error}");
                let five = layered(5);
                let (transport, _) = serving(move || encoded(&["gzip"; 5], five.clone()));
                let client = builder(transport).build().unwrap();
                let response = client.get("http://example.org/").send() $($await)* .unwrap();
                assert_eq!(response.content().unwrap(), text(10).as_slice());
            }

            #[$($test)*]
            $($async)? fn every_codec_from_a_real_server_is_decoded() {
                let plain = Bytes::from(text(2000));
                let body = plain.clone();
                let server = xhttp_testkit::Server::http1(move |request| {
                    let coding = request.uri().path().trim_start_matches('/').to_owned();
                    let wire = match coding.as_str() {
                        "gzip" => gzip(&body),
                        "deflate" => zlib(&body),
                        "br" => br(&body),
                        _ => zstd(&body),
                    };
                    let accepted = request.headers().get("accept-encoding").cloned();
                    let mut response = http::Response::new(Bytes::from(wire));
                    response.headers_mut().insert("content-encoding", coding.parse().unwrap());
                    if let Some(accepted) = accepted {
                        response.headers_mut().insert("x-accepted", accepted);
                    }
                    response
                });
                let client = <$client>::builder().build().unwrap();
                for (coding, encode) in [("gzip", gzip as fn(&[u8]) -> Vec<u8>), ("deflate", zlib), ("br", br), ("zstd", zstd)] {
                    let wire = encode(&plain);
                    let url = server.url(&format!("/{coding}"));
                    let response = client.get(&url).send() $($await)* .unwrap();
                    assert_eq!(response.content().unwrap(), &plain, "{coding}");
                    assert_eq!(response.num_bytes_downloaded(), wire.len() as u64, "{coding}");
                    assert_eq!(response.headers().get("x-accepted").unwrap(), "gzip, deflate, br, zstd");
                    let mut response = client.get(&url).stream() $($await)* .unwrap();
                    let raw = body::raw_chunks(&mut response, None) $($await)* .unwrap().concat();
                    assert_eq!(raw, wire, "{coding}");
                }
            }
        }
    };
}

decompression!(blocking, client: xhttp::Client, body: blocking_body, test: #[test], , await: []);
decompression!(async_flavour, client: xhttp::AsyncClient, body: async_body, test: #[tokio::test], async, await: [.await]);
