//! Text and JSON views of a read body, shared by both flavours.

use encoding_rs::Encoding;
use serde::de::DeserializeOwned;

use super::Response;
use crate::flavor::Flavor;
use crate::text::{
    BodyPrefix, DefaultEncoding, EncodingChoice, decode_with_choice, json_text, resolve_encoding,
};
use crate::{Error, ErrorKind};

/// How a response chooses its text encoding: the user's override, else the
/// `Content-Type` charset, else the default.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct EncodingPolicy {
    pub(crate) explicit: Option<&'static Encoding>,
    pub(crate) default: DefaultEncoding,
}

impl<F: Flavor> Response<F> {
    /// The encoding text is decoded with: the one set with
    /// [`set_encoding`](Response::set_encoding), else a known `Content-Type` charset, else
    /// the default (UTF-8 unless the client autodetects, which looks at the body once it
    /// was read).
    pub fn encoding(&self) -> &'static Encoding {
        self.encoding_choice().encoding
    }

    /// The encoding and where it came from.
    pub fn encoding_choice(&self) -> EncodingChoice {
        let body = self
            .state
            .content()
            .map_or(BodyPrefix::partial(&[]), |content| {
                BodyPrefix::whole(content)
            });
        resolve_encoding(
            self.encoding.explicit,
            self.content_type(),
            self.encoding.default,
            body,
        )
    }

    /// Decodes text with `encoding` from now on, whatever the headers say, and whatever
    /// byte order mark the body starts with: a BOM of `encoding` itself is removed,
    /// any other leading bytes are text in `encoding` (without an explicit encoding, a
    /// UTF-8 or UTF-16 BOM selects its own encoding, as in browsers). (Unlike httpx,
    /// this may be changed after text was read: nothing is cached.)
    pub fn set_encoding(&mut self, encoding: &'static Encoding) {
        self.encoding.explicit = Some(encoding);
    }

    /// What decodes text when the headers name no known charset.
    pub fn set_default_encoding(&mut self, default: DefaultEncoding) {
        self.encoding.default = default;
    }

    /// The charset named by `Content-Type`, if it is one we know.
    pub fn charset_encoding(&self) -> Option<&'static Encoding> {
        self.content_type()
            .and_then(crate::text::charset_from_content_type_bytes)
    }

    fn content_type(&self) -> Option<&[u8]> {
        self.headers
            .as_map()
            .get(http::header::CONTENT_TYPE)
            .map(http::HeaderValue::as_bytes)
    }

    /// The body as text, decoded with [`encoding`](Response::encoding); invalid bytes
    /// become U+FFFD. A leading UTF-8 or UTF-16 byte order mark is removed and, unless
    /// the encoding was [set](Response::set_encoding), decides the encoding. Needs a
    /// read body (`send()` reads it).
    pub fn text(&self) -> Result<String, Error> {
        let content = self.content()?;
        Ok(decode_with_choice(content, self.encoding_choice()))
    }

    /// The body parsed as JSON into `T`. As httpx, the charset is ignored: UTF-8, UTF-16
    /// and UTF-32 are told apart from the bytes. Needs a read body.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let text = json_text(self.content()?)?;
        serde_json::from_str(&text).map_err(|error| {
            Error::new(ErrorKind::Decoding).with_message(format!(
                "the response body is not the JSON expected: {error}"
            ))
        })
    }
}
