//! `deflate` as servers send it: zlib-wrapped (RFC 1950, what the RFC means) or raw
//! (RFC 1951, what some servers send), told apart by the first two bytes.

use std::io::{self, Cursor};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use async_compression::tokio::bufread::{DeflateDecoder, ZlibDecoder};
use tokio::io::{AsyncBufRead, AsyncRead, AsyncReadExt, ReadBuf};

use super::body::{Input, Output};

/// Reads up to two bytes, then decodes with the zlib or the raw inflater.
pub(crate) struct Deflate {
    state: State,
}

enum State {
    Sniffing {
        input: Input,
        prefix: [u8; 2],
        length: usize,
    },
    Decoding(Output),
}

impl Deflate {
    pub(crate) fn new(input: Input) -> Deflate {
        Deflate {
            state: State::Sniffing {
                input,
                prefix: [0; 2],
                length: 0,
            },
        }
    }
}

/// A zlib header: compression method 8 with a window of at most 32 KiB, and a check
/// value making the first two bytes a multiple of 31. (A raw deflate stream whose first
/// bytes happen to pass is vanishingly rare: its first block would have to be a stored
/// block whose length bytes fit the pattern.)
fn is_zlib(prefix: [u8; 2]) -> bool {
    prefix[0] & 0x0f == 8 && prefix[0] >> 4 <= 7 && u16::from_be_bytes(prefix) % 31 == 0
}

impl AsyncRead for Deflate {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Sniffing {
                    input,
                    prefix,
                    length,
                } => {
                    while *length < 2 {
                        let available = ready!(Pin::new(&mut *input).poll_fill_buf(cx))?;
                        if available.is_empty() {
                            break;
                        }
                        let take = available.len().min(2 - *length);
                        prefix[*length..*length + take].copy_from_slice(&available[..take]);
                        *length += take;
                        Pin::new(&mut *input).consume(take);
                    }
                    let (prefix, length) = (*prefix, *length);
                    let State::Sniffing { input, .. } = std::mem::replace(
                        &mut this.state,
                        State::Decoding(Box::new(tokio::io::empty())),
                    ) else {
                        continue;
                    };
                    let source = Cursor::new(prefix[..length].to_vec()).chain(input);
                    this.state = State::Decoding(if length == 2 && is_zlib(prefix) {
                        Box::new(ZlibDecoder::new(source))
                    } else {
                        Box::new(DeflateDecoder::new(source))
                    });
                }
                State::Decoding(decoder) => return Pin::new(decoder).poll_read(cx, buf),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zlib_headers_are_recognised() {
        // The usual zlib headers: no, fast, default and best compression.
        for header in [[0x78, 0x01], [0x78, 0x5e], [0x78, 0x9c], [0x78, 0xda]] {
            assert!(is_zlib(header), "{header:02x?}");
        }
        // Raw deflate: a final fixed-Huffman block, and a stored block.
        assert!(!is_zlib([0x4b, 0x4c]));
        assert!(!is_zlib([0x01, 0x05]));
        assert!(!is_zlib([0x78, 0x9d]));
    }
}
