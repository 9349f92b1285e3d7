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
//!   (`Transfer-Encoding: chunked` is added when the request is merged, whatever the
//!   method, as httpx).

use std::fmt;

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

/// The body given so far, encoded when the request is built. Its `Debug` shows the
/// encoded form's length only (its values may be secrets).
#[derive(Default)]
pub(crate) struct Payload {
    given: Vec<Source>,
    form: Option<String>,
    multipart: Option<Multipart>,
    content_type: Option<HeaderValue>,
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payload")
            .field("given", &self.given)
            .field("form_len", &self.form.as_ref().map(String::len))
            .field("multipart", &self.multipart)
            .field("content_type", &self.content_type)
            .finish()
    }
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
        Some((value, false)) if !map.contains_key(CONTENT_TYPE) => {
            map.insert(CONTENT_TYPE, value);
        }
        Some(_) | None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(
        payload: Payload,
        request_type: Option<&'static str>,
    ) -> (RequestParts, Option<(HeaderValue, bool)>) {
        let mut parts = RequestParts::default();
        if let Some(value) = request_type {
            parts
                .headers
                .as_map_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(value));
        }
        let content_type = payload.apply(&mut parts, &Headers::new()).unwrap();
        (parts, content_type)
    }

    #[test]
    fn one_body_per_request_except_form_with_multipart() {
        let mut payload = Payload::default();
        payload.claim(Source::Form).unwrap();
        payload.claim(Source::Multipart).unwrap();
        let error = payload.claim(Source::Form).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidBody);

        for (first, second) in [
            (Source::Body, Source::Body),
            (Source::Json, Source::Form),
            (Source::Multipart, Source::Multipart),
            (Source::Body, Source::Multipart),
        ] {
            let mut payload = Payload::default();
            payload.claim(first).unwrap();
            let error = payload.claim(second).unwrap_err();
            assert!(error.to_string().contains(first.method()), "{error}");
        }
    }

    #[test]
    fn an_empty_form_sends_nothing_and_sets_no_content_type() {
        let mut payload = Payload::default();
        payload.set_form(String::new());
        let (parts, content_type) = applied(payload, None);
        assert!(content_type.is_none());
        assert_eq!(parts.body.content_length(), Some(0));
    }

    #[test]
    fn the_form_content_type_is_a_default_and_the_multipart_one_is_set() {
        let mut payload = Payload::default();
        payload.set_form("a=1".to_owned());
        let (parts, content_type) = applied(payload, None);
        assert_eq!(parts.body.as_bytes(), Some(&b"a=1"[..]));
        let (value, replaces) = content_type.unwrap();
        assert_eq!(value, "application/x-www-form-urlencoded");
        assert!(!replaces);

        let mut payload = Payload::default();
        payload.set_form("a=1".to_owned());
        payload.set_multipart(Multipart::new().text("b", "2"));
        let (parts, content_type) = applied(payload, Some("multipart/form-data; boundary=x"));
        assert!(
            content_type.is_none(),
            "the caller's header names the boundary"
        );
        assert_eq!(
            parts.body.as_bytes().unwrap(),
            b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n\
              --x\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n--x--\r\n"
        );
    }

    #[test]
    fn debug_shows_the_forms_length_not_its_values() {
        let mut payload = Payload::default();
        payload.claim(Source::Form).unwrap();
        payload.set_form("password=hunter2".to_owned());
        let debug = format!("{payload:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("form_len: Some(16)"), "{debug}");
    }

    #[test]
    fn set_content_type_respects_the_callers_unless_told_to_replace() {
        let mut headers = Headers::new();
        headers.insert("content-type", "text/mine").unwrap();
        set_content_type(
            &mut headers,
            Some((HeaderValue::from_static("application/json"), false)),
        );
        assert_eq!(headers.get("content-type").as_deref(), Some("text/mine"));
        set_content_type(
            &mut headers,
            Some((
                HeaderValue::from_static("multipart/form-data; boundary=b"),
                true,
            )),
        );
        assert_eq!(
            headers.get("content-type").as_deref(),
            Some("multipart/form-data; boundary=b")
        );
    }
}
