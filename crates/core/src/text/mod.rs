//! Text: charsets, incremental decoding, httpx's line splitter and JSON bytes.
//!
//! * [`charset_from_content_type`] reads the `charset` of a `Content-Type` value.
//! * [`resolve_encoding`] chooses a response's encoding: the user's override, else a
//!   known `Content-Type` charset, else a [`DefaultEncoding`] (fixed, UTF-8 unless
//!   configured, or autodetected with chardetng).
//! * [`TextDecoder`] decodes a body chunk by chunk, never splitting a character;
//!   [`StreamingTextDecoder`] adds the choice of encoding, buffering a bounded prefix
//!   when it must be guessed (fixing httpx's quirk A.18).
//! * [`TextChunker`] re-chunks text into pieces of N characters (`iter_text`).
//! * [`LineDecoder`] splits text into lines like Python's `str.splitlines()`
//!   (`iter_lines`).
//! * [`json_text`] decodes a JSON body from UTF-8/16/32 detected from its bytes, as
//!   Python's `json.loads` does, ignoring the charset.
//!
//! Decoding replaces malformed bytes with U+FFFD (httpx's `errors="replace"`); JSON
//! decoding is strict.
//!
//! # Differences from httpx
//!
//! * Streaming autodetection works (quirk A.18): see [`StreamingTextDecoder`].
//! * A UTF-8/UTF-16 BOM at the start of a body is stripped and selects its encoding,
//!   over a `Content-Type` charset too, as browsers do (httpx decodes with the declared
//!   charset and keeps the BOM bytes as characters): see [`TextDecoder`]. An encoding
//!   the user set is never overridden: only its own BOM is removed.
//! * Charset labels follow the WHATWG Encoding Standard, so `iso-8859-1`/`latin1`
//!   mean windows-1252, and encodings encoding_rs lacks (`utf-32`, `cp437`) fall back
//!   to the default: see [`encoding_for_label`].
//! * Autodetection reads an all-ASCII body as UTF-8: see [`detect_encoding`].
//! * [`LineDecoder`] yields a line ending in `\r` at once instead of holding it back;
//!   the lines are the same.
//! * [`json_text`] rejects unpaired surrogates, which Python passes to its parser.

mod charset;
mod choice;
mod chunker;
mod decoder;
mod json;
mod lines;
mod stream;

pub use charset::{charset_from_content_type, charset_from_content_type_bytes, encoding_for_label};
pub use choice::{
    BodyPrefix, DefaultEncoding, EncodingChoice, EncodingSource, detect_encoding, resolve_encoding,
};
pub use chunker::TextChunker;
pub use decoder::{TextDecoder, decode_all, decode_with_choice};
pub use json::{JsonEncoding, detect_json_encoding, json_text};
pub use lines::LineDecoder;
pub use stream::{DEFAULT_SNIFF_LIMIT, StreamingTextDecoder};
