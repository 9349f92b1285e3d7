//! The body a [`RequestBuilder`](super::RequestBuilder) was given, and the
//! `Content-Type` that goes with it.
//!
//! Rules (httpx's `content=`, `data=`, `files=`, `json=`, with one builder difference):
//! * a request has **one** body: `body`/`content`, `json`, `form` and `multipart` each
//!   set it, and giving a second one is an `InvalidBody` error naming both, rather than
//!   httpx's silent precedence (`content` > `files` > `data` > `json`);
//! * the exception is httpx's `data=` + `files=`: `form()` and `multipart()` together
//!   send one multipart body whose text fields are the form's pairs (first, in order),
//!   then the multipart's own text fields, then its file parts;
//! * `Content-Type` (`application/json`, `application/x-www-form-urlencoded`,
//!   `multipart/form-data; boundary=...`) is set unless the request (or the client's
//!   default headers) already has one, as httpx's `setdefault`; a multipart body reads
//!   its boundary from such a header (see [`crate::multipart`]);
//! * an empty form sends no body and no `Content-Type`, as httpx's `data={}`;
//! * `Content-Length` is exact when the length is known, else the body is sent chunked
//!   by the transport (no `Transfer-Encoding` header is added here).

use http::HeaderValue;
use http::header::CONTENT_TYPE;

use super::merge::RequestParts;
use crate::body::{Body, decode_pairs};
use crate::headers::Headers;
use crate::multipart::Multipart;
use crate::{Error, ErrorKind};

/// What sets a request's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Body,
    Json,
    Form,
    Multipart,
}

impl Source {
    fn method(self) -> &'static str {
        match self {
            Source::Body => "body()/content()",
            Source::Json => "json()",
            Source::Form => "form()",
            Source::Multipart => "multipart()",
        }
    }
}

/// The body given so far, encoded when the request is built.
#[derive(Debug, Default)]
pub(crate) struct Payload {
    given: Vec<Source>,
    form: Option<String>,
    multipart: Option<Multipart>,
    content_type: Option<HeaderValue>,
}

impl Payload {
    /// Records that `source` sets the body; an error when another already did (other
    /// than `form()` with `multipart()`).
    pub(crate) fn claim(&mut self, source: Source) -> Result<(), Error> {
        let combines = |a: Source, b: Source| {
            matches!(
                (a, b),
                (Source::Form, Source::Multipart) | (Source::Multipart, Source::Form)
            )
        };
        match self.given.as_slice() {
            [] => {}
            [first] if combines(*first, source) => {}
            [first, ..] => {
                return Err(Error::new(ErrorKind::InvalidBody).with_message(format!(
                    "a request has one body: {} cannot be added to the body {} gave \
                     (only form() and multipart() combine, into one multipart body)",
                    source.method(),
                    first.method()
                )));
            }
        }
        self.given.push(source);
        Ok(())
    }

    /// A JSON body was set (its bytes go straight into the parts).
    pub(crate) fn set_json(&mut self) {
        self.content_type = Some(HeaderValue::from_static("application/json"));
    }

    /// A form, urlencoded.
    pub(crate) fn set_form(&mut self, encoded: String) {
        self.form = Some(encoded);
    }

    /// A multipart form.
    pub(crate) fn set_multipart(&mut self, multipart: Multipart) {
        self.multipart = Some(multipart);
    }

    /// A copy, unless a multipart part is a reader.
    pub(crate) fn try_clone(&self) -> Option<Payload> {
        Some(Payload {
            given: self.given.clone(),
            form: self.form.clone(),
            multipart: match &self.multipart {
                Some(multipart) => Some(multipart.try_clone()?),
                None => None,
            },
            content_type: self.content_type.clone(),
        })
    }

    /// Encodes a form or multipart body into `parts`; returns the `Content-Type` to put
    /// on the built request and whether it replaces one that is there.
    pub(crate) fn apply(
        self,
        parts: &mut RequestParts,
        client_headers: &Headers,
    ) -> Result<Option<(HeaderValue, bool)>, Error> {
        if let Some(mut multipart) = self.multipart {
            if let Some(form) = &self.form {
                multipart.prepend_texts(decode_pairs(form));
            }
            let declared = parts
                .headers
                .as_map()
                .get(CONTENT_TYPE)
                .or_else(|| client_headers.as_map().get(CONTENT_TYPE));
            let (body, content_type) = multipart.into_request_body(declared)?;
            parts.body = body;
            return Ok(content_type.map(|value| (value, true)));
        }
        if let Some(form) = self.form {
            if form.is_empty() {
                return Ok(None);
            }
            parts.body = Body::from(form);
            return Ok(Some((
                HeaderValue::from_static("application/x-www-form-urlencoded"),
                false,
            )));
        }
        Ok(self.content_type.map(|value| (value, false)))
    }
}

/// Puts the `Content-Type` chosen by [`Payload::apply`] on the built request's headers.
pub(crate) fn set_content_type(headers: &mut Headers, content_type: Option<(HeaderValue, bool)>) {
    let map = headers.as_map_mut();
    match content_type {
        Some((value, true)) => {
            map.insert(CONTENT_TYPE, value);
        }
        Some((value, false)) => {
            if !map.contains_key(CONTENT_TYPE) {
                map.insert(CONTENT_TYPE, value);
            }
        }
        None => {}
    }
}
