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
    ///
    /// A `Decoding` error names the kind of failure (syntax, data, eof, io) and where
    /// it happened, never the body's text (serde's message may quote it: a token, say).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let text = json_text(self.content()?)?;
        serde_json::from_str(&text).map_err(|error| json_error(&error))
    }
}

/// The error of `json()`: serde's category and position only, since its message may
/// quote the body.
fn json_error(error: &serde_json::Error) -> Error {
    let category = match error.classify() {
        serde_json::error::Category::Io => "io",
        serde_json::error::Category::Syntax => "syntax",
        serde_json::error::Category::Data => "data",
        serde_json::error::Category::Eof => "eof",
    };
    // A missing, unknown or duplicate field is named (a field name is the caller's type,
    // not the body's data); anything else serde says may quote a value.
    let text = error.to_string();
    let field = ["missing field `", "unknown field `", "duplicate field `"]
        .iter()
        .find(|prefix| text.starts_with(*prefix))
        .and_then(|prefix| {
            let rest = &text[prefix.len()..];
            rest.find('`')
                .map(|end| format!(" ({}{}`)", prefix, &rest[..end]))
        })
        .unwrap_or_default();
    Error::new(ErrorKind::Decoding).with_message(format!(
        "the response body is not the JSON expected: {category} error{field} at line {} \
         column {}",
        error.line(),
        error.column()
    ))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use crate::{Async, ErrorKind, Response};

    #[test]
    fn a_missing_field_is_named() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct User {
            id: u32,
        }
        let response =
            Response::<Async>::new(http::StatusCode::OK).with_content(r#"{"name": "ann"}"#);
        let error = response.json::<User>().unwrap_err();
        assert!(
            error.to_string().contains("(missing field `id`)"),
            "{error}"
        );
    }

    #[test]
    fn json_errors_never_quote_the_body() {
        let response = Response::<Async>::new(http::StatusCode::OK)
            .with_content(r#"{"token": "tok_live_S3CRET"}"#);
        let error = response.json::<HashMap<String, u32>>().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decoding);
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains("S3CRET"), "{text}");
            assert!(text.contains("data error at line 1 column 27"), "{text}");
        }
        let mut source = std::error::Error::source(&error);
        while let Some(inner) = source {
            assert!(!inner.to_string().contains("S3CRET"), "{inner}");
            source = inner.source();
        }

        let truncated = Response::<Async>::new(http::StatusCode::OK)
            .with_content(r#"{"token": "tok_live_S3CRET"#);
        let error = truncated.json::<HashMap<String, String>>().unwrap_err();
        let text = error.to_string();
        assert!(!text.contains("S3CRET"), "{text}");
        assert!(text.contains("eof error at line 1"), "{text}");

        let garbage = Response::<Async>::new(http::StatusCode::OK).with_content("tok_S3CRET");
        let text = garbage.json::<u32>().unwrap_err().to_string();
        assert!(!text.contains("S3CRET"), "{text}");
        assert!(text.contains("syntax error at line 1"), "{text}");
    }
}
